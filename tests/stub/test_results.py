"""Issue 24, round 2: tool results read as a model reads them (``llm_stub.results`` and ``readback``).

The records a tool returns answer the question it was called for: the superlative asked for, the ones within
a limit, who won, none found, a temperature in the unit a field wants. Structured output after a tool result
takes the result's values, never the question's own numbers nor a placeholder. Inputs are drawn per run from a
seeded source (the seed is in every failure message) or by hypothesis; requests go through the SDK to a stub
on loopback. Nothing here is one of the course's own prompts.
"""

from __future__ import annotations

import json
import random

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_stub import results as R
from llm_stub.catalog import DEFAULT_MODEL
from llm_stub.readback import answer, describe
from llm_stub.tools import ToolResult

SEED = random.randrange(2**32)
MODEL = DEFAULT_MODEL  # the catalogue's default, whichever model that is
S = {"type": "string"}
AIRLINES = ["TAP", "Ryanair", "easyJet", "Vueling", "KLM", "Iberia", "Wizz Air", "Aegean"]
TEAMS = ["Leeds", "Hull", "Arsenal", "Celtic", "Ajax", "Porto", "Napoli", "Everton"]
CITIES = ["Oslo", "Lima", "Porto", "Lyon", "Leeds", "Osaka", "Nairobi", "Quito"]


@pytest.fixture(scope="module")
def client(plain_client):
    return plain_client


@pytest.fixture
def rng(request):
    return random.Random(f"{SEED}-{request.node.name}")


def flights(rng: random.Random, n: int) -> list[dict]:
    """n flights with distinct airlines, prices and departure times."""
    prices = rng.sample(range(40, 900), n)
    times = sorted(rng.sample(range(5 * 60, 23 * 60), n))
    rng.shuffle(times)
    return [{"airline": a, "price_eur": p, "depart": f"{t // 60:02d}:{t % 60:02d}"}
            for a, p, t in zip(rng.sample(AIRLINES, n), prices, times, strict=True)]  # fmt: skip


def after_a_call(
    client, question: str, tool: str, args: dict, result, **kw
) -> openai.types.chat.ChatCompletionMessage:
    """The request a client sends once its tool has run: the question, the call, the result."""
    messages = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": tool, "arguments": json.dumps(args)}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": json.dumps(result)},
    ]  # fmt: skip
    return client.chat.completions.create(model=MODEL, messages=messages, **kw).choices[0].message


def schema_format(properties: dict, required: list[str] | None = None, strict: bool = True) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False,
              "required": list(properties) if required is None else required}  # fmt: skip
    return {"type": "json_schema", "json_schema": {"name": "answer", "strict": strict, "schema": schema}}


# --- picking: the superlative the question names -------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_pick_takes_the_record_the_superlative_names(data):
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    records = flights(rng, data.draw(st.integers(2, 6)))
    word, key, best = data.draw(st.sampled_from([
        ("cheapest", "price_eur", min), ("most expensive", "price_eur", max),
        ("earliest", "depart", min), ("latest", "depart", max)]))  # fmt: skip
    chosen = R.pick(f"which is the {word} one", records)
    assert chosen is not None and chosen.key == key, records
    assert chosen.record == best(records, key=lambda r: r[key])


def test_pick_without_a_superlative_picks_nothing(rng):
    assert R.pick("show me the flights to lisbon", flights(rng, 4)) is None, f"seed={SEED}"


def test_the_cheapest_is_said_with_its_name_and_price(client, rng):
    records = flights(rng, rng.randint(3, 6))
    best = min(records, key=lambda r: r["price_eur"])
    said = after_a_call(
        client, f"cheapest flight to {rng.choice(CITIES).lower()} pls", "search_flights", {}, records
    ).content
    assert said == f"The cheapest is {best['airline']} at €{best['price_eur']}.", f"seed={SEED}: {said}"


# --- limits: "under €150" ------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_within_keeps_exactly_the_records_under_the_limit(data):
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    records = flights(rng, data.draw(st.integers(2, 6)))
    bound = data.draw(st.integers(30, 950))
    word, below = data.draw(st.sampled_from([("under", True), ("less than", True), ("over", False),
                                             ("at least", False)]))  # fmt: skip
    kept, limit = R.within(f"any flights {word} €{bound}?", records)
    assert limit.key == "price_eur" and limit.below is below
    assert kept == [r for r in records if (r["price_eur"] <= bound if below else r["price_eur"] >= bound)]


def test_a_limit_nothing_meets_is_said_as_none(client, rng):
    records = flights(rng, rng.randint(2, 5))
    bound = min(r["price_eur"] for r in records) - 1
    said = after_a_call(client, f"flights under {bound} euros?", "search_flights", {}, records).content
    assert said.startswith(f"None of the {len(records)} flights") and f"under {bound}" in said, (
        f"seed={SEED}: {said}"
    )


def test_a_limit_some_meet_lists_only_those(client, rng):
    records = flights(rng, 5)
    bound = sorted(r["price_eur"] for r in records)[2]  # three meet it
    said = after_a_call(client, f"flights under €{bound}", "search_flights", {}, records).content
    kept = [r["airline"] for r in records if r["price_eur"] <= bound]
    dropped = [r["airline"] for r in records if r["price_eur"] > bound]
    assert said.startswith("3 of the 5 flights"), f"seed={SEED}: {said}"
    assert all(a in said for a in kept) and not any(a in said for a in dropped), f"seed={SEED}: {said}"


# --- none found, lists, failures --------------------------------------------------------------------------------


@pytest.mark.parametrize("empty", [[], {"results": []}, {"count": 0, "recipes": []}])
def test_an_empty_result_says_none_found(client, rng, empty):
    food = rng.sample(["leeks", "feta", "eggs", "kale", "lentils"], 2)
    said = after_a_call(
        client, f"recipes with {food[0]} and {food[1]}?", "find_recipes", {"ingredients": food}, empty
    ).content
    assert said == f"I found no recipes for {food[0]} and {food[1]}.", f"seed={SEED}: {said}"
    assert "[]" not in said and "args" not in said


def test_a_failed_call_is_said_in_plain_words(client, rng):
    city = rng.choice(CITIES)
    said = after_a_call(
        client, f"weather in {city}", "get_weather", {"city": city}, {"error": "city not found"}
    ).content
    assert said.startswith(f"I couldn't get the weather for {city}: city not found."), f"seed={SEED}: {said}"
    assert "{" not in said


# --- games: who won -------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    home=st.sampled_from(TEAMS),
    away=st.sampled_from(TEAMS),
    goals=st.tuples(st.integers(0, 9), st.integers(0, 9)),
)
def test_game_names_the_side_with_more_goals(home, away, goals):
    if home == away:
        return
    outcome = R.game({"home": home, "away": away, "home_goals": goals[0], "away_goals": goals[1]})
    assert outcome["draw"] is (goals[0] == goals[1])
    if goals[0] != goals[1]:
        assert outcome["winner"] == (home if goals[0] > goals[1] else away)
        assert outcome["loser"] == (away if goals[0] > goals[1] else home)


def test_a_score_is_read_back_as_who_won(rng):
    home, away = rng.sample(TEAMS, 2)
    a, b = rng.sample(range(0, 6), 2)
    said = describe(ToolResult("get_score", json.dumps({"team": home}), json.dumps({"home": home, "away": away, "home_goals": a,
                                                                     "away_goals": b})))  # fmt: skip
    winner, loser = (home, away) if a > b else (away, home)
    assert said.startswith(f"{winner} won {max(a, b)}–{min(a, b)}") and said.endswith(f"against {loser}."), (
        f"seed={SEED}: {said}"
    )


# --- several results, each answering its own question ------------------------------------------------------


def test_two_requests_two_results_each_answered(rng):
    team, rival = rng.sample(TEAMS, 2)
    rainy = rng.random() < 0.5
    forecast = {"temp_c": rng.randint(-5, 25), "conditions": "light rain" if rainy else "sunny"}
    g = rng.randint(0, 4)
    results = [
        ToolResult(
            "get_score",
            json.dumps({"team": team}),
            json.dumps({"home": team, "away": rival, "home_goals": g, "away_goals": g}),
        ),
        ToolResult("get_weather", json.dumps({"city": team}), json.dumps(forecast)),
    ]
    said = answer(f"whats the {team.lower()} score and will it rain in {team.lower()} tonight", results)
    assert said.startswith(f"{team} and {rival} drew {g}–{g}."), (
        f"seed={SEED}: {said}"
    )  # the score is not dropped
    assert ("Yes." if rainy else "No.") in said, f"seed={SEED}: {said}"
    assert forecast["conditions"] in said


def test_a_chain_of_calls_is_answered_by_its_last_result(rng):
    city = rng.choice(CITIES)
    results = [ToolResult("get_my_location", json.dumps({}), json.dumps({"city": city})),
               ToolResult("get_weather", json.dumps({"city": city}), json.dumps({"temp_c": 12, "conditions": "cloudy"}))]  # fmt: skip
    assert answer("what's the weather where i am?", results) == f"{city}: 12 °C and cloudy.", f"seed={SEED}"


# --- how a call is spoken of ---------------------------------------------------------------------------------


def test_a_call_is_spoken_of_by_its_subject_not_its_units(rng):
    city = rng.choice(CITIES)
    unit = rng.choice(["celsius", "fahrenheit"])
    said = describe(
        ToolResult(
            "get_weather",
            json.dumps({"city": city, "unit": unit}),
            json.dumps({"temp": 18, "conditions": "sunny"}),
        )
    )
    assert said == f"{city}: 18 °{unit[0].upper()} and sunny.", f"seed={SEED}: {said}"


def test_a_date_argument_is_spoken_as_a_day(rng):
    import datetime as dt

    day = dt.date(2026, 12, 1) + dt.timedelta(days=rng.randint(0, 60))
    args = json.dumps({"city": "Porto", "date": day.isoformat()})
    said = describe(
        ToolResult("get_forecast", args, json.dumps({"high_c": 21, "low_c": 14, "summary": "showers"}))
    )
    assert said == f"Porto on {day:%A} {day.day} {day:%B}: high 21 °C, low 14 °C with showers.", said


def test_an_origin_and_destination_are_from_and_to(rng):
    a, b = rng.sample(["LIS", "CDG", "OSL", "LIM", "OPO", "KIX"], 2)
    said = describe(ToolResult("search_flights", json.dumps({"origin": a, "destination": b}), "[]"))
    assert said == f"I found no flights from {a} to {b}.", f"seed={SEED}: {said}"


# --- units ---------------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(c=st.integers(-40, 45))
def test_convert_round_trips_a_temperature(c):
    f = R.convert(c, "C", "F")
    assert f == round(c * 9 / 5 + 32, 1)
    assert abs(R.convert(f, "F", "C") - c) < 0.1


@pytest.mark.parametrize(("key", "record", "unit"), [
    ("temp_c", {}, "C"), ("temperature_f", {}, "F"), ("high_c", {}, "C"), ("temp", {"unit": "fahrenheit"}, "F"),
    ("temp", {"units": "metric"}, "C"), ("temp", {}, None), ("price_eur", {}, "EUR"),
    ("price", {"currency": "gbp"}, "GBP"), ("rating", {}, None)])  # fmt: skip
def test_unit_of_reads_the_key_and_its_record(key, record, unit):
    assert R.unit_of(key, record) == unit


@pytest.mark.parametrize(("field", "record", "key"), [
    ("temperature", {"temp_c": 3}, "temp_c"), ("forecast", {"conditions": "snow"}, "conditions"),
    ("price", {"price_eur": 9}, "price_eur"), ("departure_time", {"depart": "09:10"}, "depart"),
    ("humidity", {"temp_c": 3, "conditions": "snow"}, None)])  # fmt: skip
def test_match_key_finds_the_key_of_the_same_meaning(field, record, key):
    assert R.match_key(field, record) == key


# --- structured output after a tool result --------------------------------------------------------------------


def test_a_schema_after_a_result_is_filled_from_the_result(client, rng):
    city, temp = rng.choice(CITIES), rng.randint(-20, 35)
    conditions = rng.choice(["snow", "light rain", "sunny", "overcast"])
    message = after_a_call(
        client,
        f"weather in {city.lower()}? it's {temp + 7} degrees there right",
        "get_weather",
        {"city": city},
        {"temp_c": temp, "conditions": conditions},
        response_format=schema_format({"city": S, "temperature_c": {"type": "number"}, "conditions": S}),
    )
    # the tool's number, never the one the question guessed
    assert json.loads(message.content) == {"city": city, "temperature_c": temp, "conditions": conditions}, (
        f"seed={SEED}: {message.content}"
    )


def test_a_field_in_another_unit_is_converted(client, rng):
    temp = rng.randint(-20, 35)
    message = after_a_call(client, "weather in oslo in fahrenheit", "get_weather", {"city": "Oslo"}, {"temp_c": temp},
                           response_format=schema_format({"temp_f": {"type": "number"}}))  # fmt: skip
    assert json.loads(message.content) == {"temp_f": round(temp * 9 / 5 + 32, 1)}, f"seed={SEED}"


def test_the_picked_record_fills_the_schema_with_its_currency(client, rng):
    records = flights(rng, rng.randint(3, 6))
    best = min(records, key=lambda r: r["price_eur"])
    props = {"airline": S, "price": {"type": "number"}, "currency": S}
    message = after_a_call(
        client, "cheapest one?", "search_flights", {}, records, response_format=schema_format(props)
    )
    assert json.loads(message.content) == {
        "airline": best["airline"],
        "price": best["price_eur"],
        "currency": "EUR",
    }, f"seed={SEED}: {message.content}"


def test_a_nullable_field_the_result_lacks_is_null(client, rng):
    temp = rng.randint(-20, 35)
    props = {"temperature_c": {"type": "number"}, "humidity": {"type": ["integer", "null"]}}
    message = after_a_call(client, "weather in lima", "get_weather", {"city": "Lima"}, {"temp_c": temp},
                           response_format=schema_format(props))  # fmt: skip
    assert json.loads(message.content) == {"temperature_c": temp, "humidity": None}, f"seed={SEED}"


def test_a_required_field_the_result_lacks_is_declined_by_name(client, rng):
    message = after_a_call(client, "weather in lima", "get_weather", {"city": "Lima"}, {"temp_c": rng.randint(-5, 30)},
                           response_format=schema_format({"temperature_c": {"type": "number"}, "humidity": {"type": "integer"}}))  # fmt: skip
    assert message.content is None and "humidity" in message.refusal and "tool results" in message.refusal


def test_a_score_fills_home_away_and_winner(client, rng):
    home, away = rng.sample(TEAMS, 2)
    a, b = rng.sample(range(0, 6), 2)
    props = {"home_team": S, "away_team": S, "winner": S, "home_score": {"type": "integer"},
             "away_score": {"type": "integer"}}  # fmt: skip
    message = after_a_call(client, f"who won {home.lower()} v {away.lower()}?", "get_score", {"team": home},
                           {"home": home, "away": away, "home_goals": a, "away_goals": b},
                           response_format=schema_format(props))  # fmt: skip
    assert json.loads(message.content) == {"home_team": home, "away_team": away, "winner": home if a > b else away,
                                           "home_score": a, "away_score": b}, f"seed={SEED}: {message.content}"  # fmt: skip
