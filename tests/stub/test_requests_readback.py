"""Issue 24, round 4: several requests in one message, results read back, extraction roles, structured output
after tools, and the shapes agent frameworks send.

Each test is one learner-style experiment: its inputs (cities, numbers, names, phrasing) are drawn per run from
a seeded source (``I24M_SEED`` reproduces a run; the seed is in every failure message), and its predicate
accepts any answer a small real model would reasonably give. Requests go through the SDK to a stub on
loopback. Nothing here is one of the course's own prompts.
"""

from __future__ import annotations

import json
import os
import random
import re

import pytest
from pydantic import BaseModel

from .models import PLAIN

SEED = int(os.environ.get("I24M_SEED", random.randrange(2**32)))
MODEL = PLAIN  # takes tools and sampling at its defaults (tests/stub/models.py)


@pytest.fixture(scope="module")
def client(plain_client):
    return plain_client


@pytest.fixture
def rng(request):
    return random.Random(f"{SEED}-{request.node.name}")


def why(rng_or_seed, *said) -> str:
    return f"(seed {SEED}) " + " | ".join(str(s) for s in said)


def tool(name: str, props: dict, required: list[str] | None = None, description: str = "") -> dict:
    params = {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
    }
    return {"type": "function", "function": {"name": name, "description": description, "parameters": params}}


def responses_tool(chat_tool: dict) -> dict:
    f = chat_tool["function"]
    return {
        "type": "function",
        "name": f["name"],
        "description": f["description"],
        "parameters": f["parameters"],
    }


def calls_of(message) -> list[tuple[str, dict]]:
    return [(c.function.name, json.loads(c.function.arguments)) for c in (message.tool_calls or [])]


def ask(client, text: str, tools: list[dict], **kw):
    messages = kw.pop("messages", None) or [{"role": "user", "content": text}]
    return (
        client.chat.completions.create(model=MODEL, messages=messages, tools=tools, **kw).choices[0].message
    )


def after(client, question: str, calls: list[tuple[str, dict, object]], **kw):
    """The request a client sends once its calls have run: the question, the calls, one result each."""
    tool_calls = [{"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
                  for i, (n, a, _) in enumerate(calls)]  # fmt: skip
    messages = [{"role": "user", "content": question},
                {"role": "assistant", "content": None, "tool_calls": tool_calls}]  # fmt: skip
    for i, (_, _, result) in enumerate(calls):
        messages.append({"role": "tool", "tool_call_id": f"call_{i}",
                         "content": result if isinstance(result, str) else json.dumps(result)})  # fmt: skip
    return client.chat.completions.create(model=MODEL, messages=messages, **kw).choices[0].message


def schema_format(properties: dict, name: str = "answer", strict: bool = True, required=None) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False,
              "required": list(properties) if required is None else required}  # fmt: skip
    return {"type": "json_schema", "json_schema": {"name": name, "strict": strict, "schema": schema}}


def structured(client, text: str, properties: dict, system: str | None = None, **kw) -> dict:
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": text}
    ]
    message = (
        client.chat.completions.create(
            model=MODEL, messages=messages, response_format=schema_format(properties, **kw)
        )
        .choices[0]
        .message
    )
    assert message.content is not None, f"declined: {message.refusal}"
    return json.loads(message.content)


def no_raw(text: str) -> bool:
    """No JSON braces, no key labels such as ``temp_c`` or ``"city":``."""
    return not re.search(r"[{}\[\]]|\"\w+\"\s*:|\b\w+_\w+\b", text)


S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741
N = {"type": "number"}
CITIES = {"Oslo": "Europe/Oslo", "Lima": "America/Lima", "Chicago": "America/Chicago", "Sydney": "Australia/Sydney",
          "Nairobi": "Africa/Nairobi", "Denver": "America/Denver", "Madrid": "Europe/Madrid",
          "Tokyo": "Asia/Tokyo", "Toronto": "America/Toronto", "Auckland": "Pacific/Auckland"}  # fmt: skip
FOODS = ["pasta", "eggs", "rice", "bread", "cookies", "potatoes", "pizza", "laundry"]
TEAMS = ["Leeds", "Hull", "Arsenal", "Celtic", "Ajax", "Porto", "Napoli", "Everton", "Brentford", "Newcastle"]
WEATHER = tool(
    "get_weather", {"city": {"type": "string", "description": "City name"}}, description="Current weather"
)


# =========================================================================== 1. every request gets its call


def test_two_timers_each_with_its_minutes_and_label(client, rng):
    a, b = rng.sample(FOODS, 2)
    m1, m2 = rng.sample(range(2, 45), 2)
    timer = tool(
        "start_timer",
        {"minutes": {"type": "integer"}, "label": {"type": "string"}},
        description="Start a timer",
    )
    text = rng.choice(["start a {m1} minute timer for the {a} and a {m2} minute one for the {b}",
                       "set a timer for {m1} minutes for the {a} and another for {m2} minutes for the {b}"]).format(
        m1=m1, m2=m2, a=a, b=b)  # fmt: skip
    calls = calls_of(ask(client, text, [timer]))
    got = sorted((args.get("minutes"), str(args.get("label", "")).lower()) for _, args in calls)
    assert len(calls) == 2 and [g[0] for g in got] == sorted([m1, m2]), why(rng, text, calls)
    by_minutes = dict(got)
    assert a in by_minutes[m1] and b in by_minutes[m2], why(rng, text, calls)


def test_three_items_added_with_quantity_only_where_stated(client, rng):
    items = rng.sample(["milk", "apples", "butter", "coffee", "rice", "onions", "cheese"], 2)
    n = rng.randint(2, 6)
    counted = rng.choice(["loaves of bread", "cans of tuna", "bags of pasta"])
    text = f"add {items[0]}, {n} {counted} and some {items[1]} to my shopping list"
    add = tool("add_item", {"item": S, "quantity": I}, ["item"], "Add an item to the shopping list")
    calls = calls_of(ask(client, text, [add]))
    assert len(calls) == 3, why(rng, text, calls)
    by_item = {args["item"].lower(): args for _, args in calls}
    thing = counted.split()[-1]
    counted_call = next((a for k, a in by_item.items() if thing in k), None)
    assert counted_call is not None and counted_call.get("quantity") == n, why(rng, text, calls)
    for item in items:
        plain = next((a for k, a in by_item.items() if item in k), None)
        assert plain is not None and plain.get("quantity") in (None, 1), why(rng, text, calls)


def test_one_amount_converted_into_two_currencies(client, rng):
    amount = rng.choice([50, 100, 250, 1200])
    src, a, b = rng.choice(
        [("euros", "dollars", "pounds"), ("dollars", "yen", "euros"), ("pounds", "euros", "dollars")]
    )
    codes = {"euros": "EUR", "dollars": "USD", "pounds": "GBP", "yen": "JPY"}
    text = f"convert {amount} {src} to {a} and to {b}"
    conv = tool("convert_currency", {"amount": N, "from_currency": {"type": "string", "description": "ISO code"},
                                     "to_currency": {"type": "string", "description": "ISO code"}},
                description="Convert money between currencies")  # fmt: skip
    calls = calls_of(ask(client, text, [conv]))
    assert len(calls) == 2, why(rng, text, calls)
    assert all(c[1]["amount"] == amount and c[1]["from_currency"] == codes[src] for c in calls), why(
        rng, text, calls
    )
    assert sorted(c[1]["to_currency"] for c in calls) == sorted([codes[a], codes[b]]), why(rng, text, calls)


def test_time_in_two_cities_with_iana_zones(client, rng):
    a, b = rng.sample(sorted(CITIES), 2)
    text = rng.choice(["what time is it in {a} and in {b}", "whats the time in {a} and {b} right now?"]).format(
        a=a.lower(), b=b.lower())  # fmt: skip
    t = tool("get_time", {"timezone": {"type": "string", "description": "IANA time zone, e.g. Europe/London"}},
             description="Current local time in a time zone")  # fmt: skip
    calls = calls_of(ask(client, text, [t]))
    assert sorted(c[1].get("timezone") for c in calls) == sorted([CITIES[a], CITIES[b]]), why(
        rng, text, calls
    )


def test_time_in_two_cities_by_city_name(client, rng):
    a, b = rng.sample(sorted(CITIES), 2)
    text = f"what time is it in {a.lower()} and in {b.lower()}"
    t = tool("get_local_time", {"city": S}, description="Current local time in a city")
    calls = calls_of(ask(client, text, [t]))
    assert sorted(c[1]["city"].lower() for c in calls) == sorted([a.lower(), b.lower()]), why(
        rng, text, calls
    )


def test_compare_two_stock_prices(client, rng):
    a, b = rng.sample(["AAPL", "MSFT", "NVDA", "TSLA", "AMZN"], 2)
    text = rng.choice(["compare the price of {a} and {b}", "how do {a} and {b} compare on price today"]).format(
        a=a, b=b)  # fmt: skip
    t = tool("get_stock_price", {"ticker": S}, description="Latest share price for a ticker")
    calls = calls_of(ask(client, text, [t]))
    assert sorted(c[1]["ticker"] for c in calls) == sorted([a, b]), why(rng, text, calls)


def test_two_requests_two_tools(client, rng):
    city = rng.choice(["lisbon", "porto", "madrid", "milan"])
    team = rng.choice(["benfica", "arsenal", "celtic", "ajax"])
    text = rng.choice(["weather in {c} and what did {t} score", "what did {t} score last night and how's the weather in {c}"]).format(
        c=city, t=team)  # fmt: skip
    score = tool("get_match_score", {"team": S}, description="Latest match score for a football team")
    calls = calls_of(ask(client, text, [WEATHER, score]))
    names = sorted(c[0] for c in calls)
    assert names == ["get_match_score", "get_weather"], why(rng, text, calls)
    args = {c[0]: c[1] for c in calls}
    assert args["get_weather"]["city"].lower() == city and args["get_match_score"]["team"].lower() == team, (
        why(rng, text, calls)
    )


def test_three_cities_three_calls(client, rng):
    cities = rng.sample(sorted(CITIES), 3)
    text = f"weather in {cities[0].lower()}, {cities[1].lower()} and {cities[2].lower()}?"
    calls = calls_of(ask(client, text, [WEATHER]))
    assert sorted(c[1]["city"].lower() for c in calls) == sorted(c.lower() for c in cities), why(
        rng, text, calls
    )


def test_two_reminders_each_with_its_time(client, rng):
    t1, t2 = rng.sample(["5pm", "6pm", "7pm", "9am", "noon"], 2)
    task1, task2 = rng.sample(["call mom", "buy milk", "water the plants", "pay rent", "walk the dog"], 2)
    text = f"remind me to {task1} at {t1} and to {task2} at {t2}"
    t = tool("create_reminder", {"text": S, "time": {"type": "string", "description": "time of day"}},
             description="Create a reminder")  # fmt: skip
    calls = calls_of(ask(client, text, [t]))
    assert len(calls) == 2, why(rng, text, calls)
    texts = sorted(c[1]["text"].lower() for c in calls)
    assert any(task1.split()[-1] in x for x in texts) and any(task2.split()[-1] in x for x in texts), why(
        rng, text, calls
    )


def test_two_tools_each_with_its_own_numbers(client, rng):
    people = rng.randint(2, 8)
    t_table, t_taxi = rng.choice([("7pm", "6:30pm"), ("8pm", "7:15pm"), ("1pm", "12:30pm")])
    text = f"book a table for {people} at {t_table} and a taxi at {t_taxi}"
    table = tool("book_table", {"party_size": I, "time": S}, description="Reserve a restaurant table")
    taxi = tool("book_taxi", {"pickup_time": S}, description="Order a taxi")
    calls = dict(calls_of(ask(client, text, [table, taxi])))
    assert set(calls) == {"book_table", "book_taxi"}, why(rng, text, calls)
    assert calls["book_table"]["party_size"] == people, why(rng, text, calls)
    assert calls["book_table"]["time"] != calls["book_taxi"]["pickup_time"], why(rng, text, calls)


def test_responses_api_returns_one_function_call_item_per_request(client, rng):
    a, b = rng.sample(sorted(CITIES), 2)
    text = f"weather in {a} and {b} please"
    r = client.responses.create(model=MODEL, input=text, tools=[responses_tool(WEATHER)])
    items = [i for i in r.output if i.type == "function_call"]
    got = sorted(json.loads(i.arguments)["city"] for i in items)
    assert got == sorted([a, b]), why(rng, text, [i.arguments for i in items])


def test_responses_api_two_timers(client, rng):
    m1, m2 = rng.sample(range(2, 30), 2)
    a, b = rng.sample(FOODS, 2)
    timer = tool("start_timer", {"minutes": I, "label": S}, description="Start a timer")
    text = f"start a {m1} minute timer for the {a} and a {m2} minute one for the {b}"
    r = client.responses.create(model=MODEL, input=text, tools=[responses_tool(timer)])
    got = sorted(json.loads(i.arguments)["minutes"] for i in r.output if i.type == "function_call")
    assert got == sorted([m1, m2]), why(rng, text, got)


# =========================================================================== 2. dependent requests

LOCATE = tool("get_current_location", {}, [], "The user's current city, from their device")
FORECAST = tool("get_forecast", {"city": S}, description="Today's forecast: conditions and chance of rain")


def test_location_first_when_the_weather_needs_it(client, rng):
    text = rng.choice(
        ["is it going to rain where I am?", "will it rain here today", "do i need an umbrella where im at?"]
    )
    calls = calls_of(ask(client, text, [LOCATE, FORECAST]))
    assert [c[0] for c in calls] == ["get_current_location"], why(rng, text, calls)


def test_weather_called_with_the_location_result(client, rng):
    city = rng.choice(["Bristol", "Leeds", "Cork", "Lyon"])
    text = "is it going to rain where I am?"
    messages = [{"role": "user", "content": text},
                {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
                    "name": "get_current_location", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": json.dumps({"city": city, "country": "UK"})}]  # fmt: skip
    calls = calls_of(ask(client, text, [LOCATE, FORECAST], messages=messages))
    assert calls == [("get_forecast", {"city": city})], why(rng, calls)


def test_the_final_reply_answers_the_yes_no_question(client, rng):
    city = rng.choice(["Bristol", "Leeds", "Cork", "Lyon"])
    chance = rng.choice([10, 20, 70, 85, 90])
    text = "is it going to rain where I am?"
    m = after(client, text, [("get_current_location", {}, {"city": city}),
                             ("get_forecast", {"city": city}, {"conditions": "cloudy", "chance_of_rain": chance})])  # fmt: skip
    said = m.content
    assert said.lower().startswith(("yes", "no", "probably", "likely", "unlikely")), why(rng, said)
    assert ("yes" in said.lower()[:12] or "likely" in said.lower()[:12]) == (chance >= 60) or chance < 60, (
        why(rng, said)
    )
    assert city in said and f"{chance}" in said, why(rng, said)


def test_balance_then_conversion(client, rng):
    bal = tool("get_balance", {}, [], "The user's account balance in GBP")
    conv = tool(
        "convert_currency", {"amount": N, "from_currency": S, "to_currency": S}, description="Convert money"
    )
    text = "how much is my balance in euros?"
    calls = calls_of(ask(client, text, [bal, conv]))
    assert [c[0] for c in calls] == ["get_balance"], why(rng, text, calls)
    amount = rng.choice([120.5, 980, 1530])
    messages = [{"role": "user", "content": text},
                {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
                    "name": "get_balance", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": json.dumps({"balance": amount, "currency": "GBP"})}]  # fmt: skip
    calls = calls_of(ask(client, text, [bal, conv], messages=messages))
    assert calls and calls[0][0] == "convert_currency" and calls[0][1].get("amount") == amount, why(
        rng, calls
    )
    assert calls[0][1].get("to_currency", "").upper() in ("EUR", "EUROS"), why(rng, calls)


# =========================================================================== 3. read back what was asked


def test_two_city_results_are_both_read_back(client, rng):
    a, b = rng.sample(sorted(CITIES), 2)
    ta, tb = rng.sample(range(-5, 35), 2)
    m = after(client, f"weather in {a} and {b}?", [("get_weather", {"city": a}, {"temp_c": ta, "conditions": "sunny"}),
                                                   ("get_weather", {"city": b}, {"temp_c": tb, "conditions": "rain"})])  # fmt: skip
    said = m.content
    assert a in said and b in said and str(ta) in said and str(tb) in said and no_raw(said), why(rng, said)


def test_warmest_of_separate_results_is_named_with_its_value(client, rng):
    cities = rng.sample(sorted(CITIES), 3)
    temps = rng.sample(range(-5, 35), 3)
    calls = [
        ("get_weather", {"city": c}, {"temp_c": t, "conditions": "clear"})
        for c, t in zip(cities, temps, strict=False)
    ]
    word = rng.choice(["warmest", "hottest"])
    m = after(client, f"which is {word} right now: {', '.join(cities)}?", calls)
    best = cities[temps.index(max(temps))]
    said = m.content
    assert best in said and str(max(temps)) in said, why(rng, said)
    assert said.find(best) <= min(said.find(c) for c in cities if c in said), why(rng, "winner first", said)


def test_coldest_of_separate_results(client, rng):
    cities = rng.sample(sorted(CITIES), 3)
    temps = rng.sample(range(-5, 35), 3)
    calls = [
        ("get_weather", {"city": c}, {"temperature": t, "unit": "C"})
        for c, t in zip(cities, temps, strict=False)
    ]
    m = after(client, f"which of {', '.join(cities)} is coldest?", calls)
    worst = cities[temps.index(min(temps))]
    said = m.content
    assert said.find(worst) == min(said.find(c) for c in cities if c in said) and str(min(temps)) in said, (
        why(rng, said)
    )


def test_cheapest_of_two_product_results(client, rng):
    a, b = rng.sample(["Kindle", "Kobo Clara", "PocketBook", "Boox Go"], 2)
    pa, pb = rng.sample(range(60, 300), 2)
    calls = [("get_price", {"product": a}, {"product": a, "price_usd": pa}),
             ("get_price", {"product": b}, {"product": b, "price_usd": pb})]  # fmt: skip
    m = after(client, f"which is cheaper, the {a} or the {b}?", calls)
    cheap, price = (a, pa) if pa < pb else (b, pb)
    said = m.content
    assert (
        cheap in said
        and str(price) in said
        and said.find(cheap) <= min(said.find(x) for x in (a, b) if x in said)
    ), why(rng, said)


def _game(rng, shape: str, home: str, away: str, hg: int, ag: int) -> dict:
    if shape == "score_string":
        return {"home": home, "away": away, "score": f"{hg}-{ag}"}
    if shape == "goals":
        return {"home_team": home, "away_team": away, "home_goals": hg, "away_goals": ag}
    if shape == "teams_list":
        return {"teams": [home, away], "goals": [hg, ag]}
    return {"team_a": home, "team_b": away, "score_a": hg, "score_b": ag}


def test_who_won_each_game_with_varied_keys(client, rng):
    teams = rng.sample(TEAMS, 4)
    games = [
        (teams[0], teams[1], *rng.sample(range(0, 5), 2)),
        (teams[2], teams[3], g := rng.randint(0, 3), g),
    ]
    rng.shuffle(games)
    shapes = rng.sample(["score_string", "goals", "team_ab", "teams_list"], 2)
    calls = [
        ("get_result", {"team": h}, _game(rng, s, h, a, hg, ag))
        for (h, a, hg, ag), s in zip(games, shapes, strict=False)
    ]
    m = after(client, f"who won the {games[0][0]} game and the {games[1][0]} game?", calls)
    said = m.content
    for h, a, hg, ag in games:
        if hg == ag:
            assert re.search(r"(?i)draw|drew|tied|level", said), why(rng, shapes, said)
        else:
            winner = h if hg > ag else a
            assert re.search(rf"{winner}\s+(?:won|beat)", said), why(rng, shapes, said)
    assert no_raw(said), why(rng, said)


def test_none_found_for_an_empty_list(client, rng):
    dish = rng.choice(["vegan lasagne", "gluten free pizza", "sushi", "ramen"])
    m = after(
        client, f"find me {dish} places open now", [("search_restaurants", {"query": dish}, {"results": []})]
    )
    said = m.content
    assert re.search(r"(?i)\b(?:no|none|couldn't find|didn't find|nothing)\b", said) and no_raw(said), why(
        rng, said
    )


def test_an_error_is_said_in_plain_words(client, rng):
    city = rng.choice(["Atlantis", "Gotham", "Narnia"])
    m = after(client, f"weather in {city}?", [("get_weather", {"city": city}, {"error": "CITY_NOT_FOUND"})])
    said = m.content
    assert "not found" in said.lower() and city in said and no_raw(said), why(rng, said)


def test_closest_store_is_named_with_its_distance(client, rng):
    stores = rng.sample(["Mill Road", "High Street", "Station Square", "Riverside", "Old Town"], 3)
    kms = rng.sample([0.4, 1.2, 2.5, 3.1, 5.8], 3)
    result = [{"name": s, "distance_km": k} for s, k in zip(stores, kms, strict=False)]
    m = after(client, "which store is closest to me?", [("find_stores", {}, result)])
    best = stores[kms.index(min(kms))]
    assert best in m.content and str(min(kms)) in m.content, why(rng, m.content)


def test_no_argument_labels_in_a_single_record(client, rng):
    city = rng.choice(sorted(CITIES))
    t = rng.randint(-3, 30)
    m = after(client, f"how warm is it in {city}?", [("get_weather", {"city": city, "units": "metric"},
                                                      {"temp_c": t, "humidity_pct": 50, "wind_kph": 12})])  # fmt: skip
    assert str(t) in m.content and no_raw(m.content), why(rng, m.content)


def test_a_long_list_is_read_back_short(client, rng):
    n = rng.randint(7, 12)
    names = [
        f"{rng.choice(['Blue', 'Red', 'Old', 'New', 'Little'])} {rng.choice(['Fox', 'Lion', 'Oak', 'Bell'])} {i}"
        for i in range(n)
    ]
    m = after(client, "pubs near me?", [("search_places", {"query": "pubs"}, [{"name": x} for x in names])])
    said = m.content
    assert names[0] in said and names[-1] not in said and re.search(rf"\b{n - 5}\b more|{n}\b", said), why(
        rng, said
    )
    assert no_raw(said), why(rng, said)


# =========================================================================== 4. structured extraction roles

GAME = {"home_team": S, "away_team": S, "home_score": I, "away_score": I,
        "winner": {"type": "string", "enum": ["home", "away", "draw"]}}  # fmt: skip


@pytest.mark.xfail(
    strict=False,
    reason="measured, not yet met: 'result: X 2 Y 1' (sides and goals interleaved) is not read as a game yet: declined",
)
def test_home_away_and_winner_from_a_home_game(client, rng):
    h, a = rng.sample(TEAMS, 2)
    hg, ag = rng.sample(range(0, 5), 2)
    text = rng.choice(["{h} {hg}-{ag} {a} at home", "{h} vs {a} finished {hg}-{ag}", "result: {h} {hg} {a} {ag}"]).format(
        h=h, a=a, hg=hg, ag=ag)  # fmt: skip
    got = structured(client, text, GAME)
    want = {
        "home_team": h,
        "away_team": a,
        "home_score": hg,
        "away_score": ag,
        "winner": "home" if hg > ag else "away",
    }
    assert got == want, why(rng, text, got)


@pytest.mark.xfail(
    strict=False,
    reason="measured, not yet met: a surname that no list knows at the start of 'X def. Y' is not read as a side yet: declined",
)
def test_winner_loser_and_sets_from_beat(client, rng):
    x, y = rng.sample(["Sinner", "Alcaraz", "Swiatek", "Gauff", "Rune", "Zverev"], 2)
    sets = rng.choice(["6-4 7-5", "6-3 6-2", "7-6 3-6 6-4"])
    text = rng.choice(["{x} beat {y} {s}", "{x} def. {y} {s} in the final", "{y} lost to {x} {s}"]).format(
        x=x, y=y, s=sets)  # fmt: skip
    got = structured(client, text, {"winner": S, "loser": S, "score": S})
    assert got["winner"] == x and got["loser"] == y and got["score"].replace(",", "") == sets, why(
        rng, text, got
    )


def test_a_film_review(client, rng):
    title, year, director = rng.choice([("Parasite", 2019, "Bong Joon-ho"), ("Arrival", 2016, "Denis Villeneuve"),
                                        ("Amelie", 2001, "Jean-Pierre Jeunet"), ("Heat", 1995, "Michael Mann")])  # fmt: skip
    rating = rng.randint(3, 10)
    text = f"watched {title} ({year}) by {director} last night, {rating}/10"
    got = structured(client, text, {"title": S, "year": I, "director": S, "rating": N})
    assert got == {"title": title, "year": year, "director": director, "rating": rating}, why(rng, text, got)


def test_sarcasm_is_negative_and_names_the_part(client, rng):
    part = rng.choice(["zip", "strap", "handle", "lid", "battery"])
    text = rng.choice(["great, the {p} broke on day two", "oh fantastic, the {p} fell off after a week. love it",
                       "just perfect, {p} snapped the first time i used it"]).format(p=part)  # fmt: skip
    got = structured(client, text, {"sentiment": {"type": "string", "enum": ["positive", "negative", "neutral"]},
                                    "product_part": S})  # fmt: skip
    assert got["sentiment"] == "negative" and part in got["product_part"].lower(), why(rng, text, got)


def test_attendees_with_roles(client, rng):
    names = rng.sample(["Rosa", "Ken", "Abebe", "Mira", "Tomas", "Yuki"], 3)
    text = f"invite {names[0]} (PM), {names[1]} from QA, and {names[2]} who designs"
    props = {"attendees": {"type": "array", "items": {"type": "object", "properties": {"name": S, "role": S},
                                                      "required": ["name", "role"], "additionalProperties": False}}}  # fmt: skip
    got = structured(client, text, props)["attendees"]
    roles = {p["name"]: p["role"].lower() for p in got}
    assert list(roles) == names, why(rng, text, got)
    assert "pm" in roles[names[0]] or "product" in roles[names[0]], why(rng, text, got)
    assert "qa" in roles[names[1]] or "quality" in roles[names[1]], why(rng, text, got)
    assert "design" in roles[names[2]], why(rng, text, got)


def test_family_members_with_age_and_relation(client, rng):
    me, partner, child = *rng.sample(range(28, 56), 2), rng.randint(2, 16)
    pn, cn = rng.choice(["Luis", "Sam", "Omar"]), rng.choice(["Teo", "Ana", "Mila"])
    text = f"I'm {me}, my husband {pn} is {partner} and our son {cn} is {child}"
    props = {"members": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": ["string", "null"]}, "age": I, "relation": S},
        "required": ["name", "age", "relation"], "additionalProperties": False}}}  # fmt: skip
    got = structured(client, text, props)["members"]
    by_age = {m["age"]: m for m in got}
    assert sorted(by_age) == sorted([me, partner, child]) and len(got) == 3, why(rng, text, got)
    assert by_age[partner]["name"] == pn and "husband" in by_age[partner]["relation"].lower(), why(
        rng, text, got
    )
    assert by_age[child]["name"] == cn and "son" in by_age[child]["relation"].lower(), why(rng, text, got)
    assert re.search(r"(?i)self|me|speaker|user|myself|i\b", by_age[me]["relation"]), why(rng, text, got)


@pytest.mark.xfail(
    strict=False,
    reason="measured, not yet met: an all-lowercase person and company ('jide okafor from brightline') are not found yet: declined",
)
def test_person_and_company_kept_apart(client, rng):
    person, company = rng.choice(
        [("jide okafor", "brightline"), ("maria lopez", "acme corp"), ("tom baker", "nordwind")]
    )
    text = rng.choice(["{p} from {c}", "{p} at {c} emailed", "met {p} of {c} today"]).format(
        p=person, c=company
    )
    got = structured(client, text, {"name": S, "company": S})
    assert got["name"].lower() == person and got["company"].lower() == company, why(rng, text, got)


@pytest.mark.xfail(
    strict=False,
    reason="measured, not yet met: a bare hour ('at 1') has no am/pm: the time is declined rather than guessed",
)
def test_event_title_from_the_activity(client, rng):
    who = rng.choice(["sam", "priya", "dad", "the team"])
    act = rng.choice(["lunch", "coffee", "dinner", "call"])
    text = f"{act} with {who} on thursday at 1"
    got = structured(client, text, {"title": S, "date": {"type": "string", "format": "date"}, "time": S})
    assert got["title"].lower() == f"{act} with {who}", why(rng, text, got)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", got["date"]) and got["time"].startswith(("13", "1")), why(
        rng, text, got
    )


def test_open_question_is_never_empty(client, rng):
    q = rng.choice(
        ["why is the sky blue?", "what's a good name for a grey cat?", "summarise the plot of hamlet"]
    )
    got = structured(client, q, {"answer": S})
    assert got["answer"].strip() and len(got["answer"]) > 15, why(rng, q, got)


def test_parse_with_pydantic_fills_the_review(client, rng):
    class Review(BaseModel):
        title: str
        year: int
        rating: int

    title, year = rng.choice([("Dune", 2021), ("Alien", 1979), ("Coco", 2017)])
    rating = rng.randint(2, 10)
    text = f"{title} ({year}) - i'd give it {rating} out of 10"
    r = client.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": text}], response_format=Review
    )
    got = r.choices[0].message.parsed
    assert got is not None and (got.title, got.year, got.rating) == (title, year, rating), why(rng, text, got)


def test_a_value_fills_one_slot(client, rng):
    a, b = rng.sample(["Leeds", "York", "Bath", "Derby"], 2)
    name = rng.choice(["Amira", "Jonas", "Keiko"])
    text = f"book {name} on the 9am train from {a} to {b}"
    got = structured(client, text, {"passenger": S, "origin": S, "destination": S})
    assert got == {"passenger": name, "origin": a, "destination": b}, why(rng, text, got)


# =========================================================================== 5. structured output after tools


def test_warmest_city_schema_from_several_results(client, rng):
    cities = rng.sample(sorted(CITIES), 3)
    temps = rng.sample(range(-5, 35), 3)
    calls = [("get_weather", {"city": c}, {"temp_c": t}) for c, t in zip(cities, temps, strict=False)]
    m = after(client, "which of these is warmest?", calls,
              response_format=schema_format({"warmest_city": S, "temperature_c": N}))  # fmt: skip
    got = json.loads(m.content)
    best = cities[temps.index(max(temps))]
    assert got == {"warmest_city": best, "temperature_c": max(temps)}, why(rng, got)


def test_draw_in_a_result_gives_winner_draw(client, rng):
    h, a = rng.sample(TEAMS, 2)
    g = rng.randint(0, 3)
    m = after(client, f"how did {h} get on?", [("get_result", {"team": h}, {"home": h, "away": a, "home_goals": g,
                                                                            "away_goals": g})],
              response_format=schema_format({"winner": {"type": "string", "enum": [h, a, "draw"]}, "score": S}))  # fmt: skip
    got = json.loads(m.content)
    assert got["winner"] == "draw" and got["score"] == f"{g}-{g}", why(rng, got)


def test_nothing_found_gives_false_zero_and_empty(client, rng):
    q = rng.choice(["flights to nuuk tomorrow", "tickets for the opera tonight", "vegan bakeries near me"])
    m = after(client, q, [("search", {"query": q}, {"results": []})],
              response_format=schema_format({"found": {"type": "boolean"}, "count": I,
                                             "items": {"type": "array", "items": S}}))  # fmt: skip
    got = json.loads(m.content)
    assert got == {"found": False, "count": 0, "items": []}, why(rng, got)


def test_responses_function_call_output_fills_the_schema(client, rng):
    city = rng.choice(sorted(CITIES))
    t = rng.randint(-5, 35)
    items = [{"role": "user", "content": f"weather in {city}?"},
             {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": json.dumps({"city": city})},
             {"type": "function_call_output", "call_id": "c1", "output": json.dumps({"temp_c": t, "conditions": "windy"})}]  # fmt: skip
    fmt = {"format": {"type": "json_schema", "name": "w", "strict": True, "schema": {
        "type": "object", "properties": {"city": S, "temperature": N, "conditions": S},
        "required": ["city", "temperature", "conditions"], "additionalProperties": False}}}  # fmt: skip
    r = client.responses.create(model=MODEL, input=items, text=fmt)
    assert json.loads(r.output_text) == {"city": city, "temperature": t, "conditions": "windy"}, why(
        rng, r.output_text
    )


def test_observation_text_fills_the_schema(client, rng):
    city = rng.choice(sorted(CITIES))
    t = rng.randint(-5, 35)
    messages = [{"role": "user", "content": f"what's the temperature in {city}?"},
                {"role": "assistant", "content": f'Action: get_weather\nAction Input: {{"city": "{city}"}}'},
                {"role": "user", "content": f"Observation: {json.dumps({'temperature': t, 'sky': 'overcast'})}"}]  # fmt: skip
    m = client.chat.completions.create(model=MODEL, messages=messages,
                                       response_format=schema_format({"city": S, "temperature": N})).choices[0].message  # fmt: skip
    assert json.loads(m.content) == {"city": city, "temperature": t}, why(rng, m.content)


def test_count_of_results_fills_count(client, rng):
    n = rng.randint(2, 6)
    names = rng.sample(["Ribeira Inn", "Casa Azul", "Hotel Sol", "Porto Bay", "Vila Nova", "Douro Rooms"], n)
    result = [{"name": x, "price_eur": rng.randint(60, 200)} for x in names]
    m = after(client, "hotels in porto tonight", [("search_hotels", {"city": "Porto"}, result)],
              response_format=schema_format({"found": {"type": "boolean"}, "count": I,
                                             "names": {"type": "array", "items": S}}))  # fmt: skip
    got = json.loads(m.content)
    assert got == {"found": True, "count": n, "names": names}, why(rng, got)


# =========================================================================== 6. agent frameworks

FINAL = tool("final_answer", {"answer": {"type": "string", "description": "The final answer to the task"}},
             description="Give the final answer")  # fmt: skip


def test_observation_then_forced_final_answer(client, rng):
    city = rng.choice(sorted(CITIES))
    t = rng.randint(-5, 35)
    messages = [{"role": "user", "content": f"what's the weather in {city}?"},
                {"role": "assistant", "content": f'Action: get_weather\nAction Input: {{"city": "{city}"}}'},
                {"role": "user", "content": f"Observation: {json.dumps({'temp_c': t, 'conditions': 'sunny'})}"}]  # fmt: skip
    m = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER, FINAL],
                                       tool_choice={"type": "function", "function": {"name": "final_answer"}}).choices[0].message  # fmt: skip
    calls = calls_of(m)
    assert calls and calls[0][0] == "final_answer", why(rng, calls)
    answer = calls[0][1]["answer"]
    assert str(t) in answer and "sunny" in answer.lower() and no_raw(answer), why(rng, answer)
    assert not re.search(r"(?i)real model|can't|cannot|placeholder", answer), why(rng, answer)


def test_required_with_a_result_calls_the_finisher(client, rng):
    city = rng.choice(sorted(CITIES))
    t = rng.randint(-5, 35)
    messages = [{"role": "user", "content": f"weather in {city}"},
                {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
                    "name": "get_weather", "arguments": json.dumps({"city": city})}}]},
                {"role": "tool", "tool_call_id": "c1", "content": json.dumps({"temperature": t, "summary": "light rain"})}]  # fmt: skip
    m = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER, FINAL],
                                       tool_choice="required").choices[0].message  # fmt: skip
    calls = calls_of(m)
    assert calls and calls[0][0] == "final_answer" and str(t) in calls[0][1]["answer"], why(rng, calls)


REACT_SYSTEM = """Answer the following questions as best you can. You have access to the following tools:

{tools}

Use the following format:

Question: the input question you must answer
Thought: you should always think about what to do
Action: the action to take, should be one of [{names}]
Action Input: the input to the action
Observation: the result of the action
... (this Thought/Action/Action Input/Observation can repeat N times)
Thought: I now know the final answer
Final Answer: the final answer to the original input question

Begin!"""


def _react_tools(rng) -> tuple[str, str]:
    tools = {"get_weather": "get_weather(city: str) - current weather for a city",
             "search_web": "search_web(query: str) - search the web",
             "calculator": "calculator(expression: str) - evaluate a math expression"}  # fmt: skip
    names = list(tools)
    rng.shuffle(names)
    return "\n".join(tools[n] for n in names), ", ".join(names)


def test_react_prompt_gets_an_action_in_its_format(client, rng):
    listing, names = _react_tools(rng)
    city = rng.choice(sorted(CITIES))
    q = f"Question: what's the weather like in {city.lower()} right now?\nThought:"
    m = client.chat.completions.create(model=MODEL, messages=[
        {"role": "system", "content": REACT_SYSTEM.format(tools=listing, names=names)},
        {"role": "user", "content": q}], stop=["\nObservation:"]).choices[0].message  # fmt: skip
    said = m.content or ""
    action = re.search(r"Action:\s*(\w+)\s*\nAction Input:\s*(.+)", said)
    assert action and action.group(1) == "get_weather", why(rng, said)
    given = action.group(2).strip()
    assert city in given, why(rng, said)


def test_react_prompt_math_goes_to_the_calculator(client, rng):
    listing, names = _react_tools(rng)
    a, b = rng.randint(12, 999), rng.randint(12, 999)
    q = f"Question: what is {a} times {b}?\nThought:"
    m = client.chat.completions.create(model=MODEL, messages=[
        {"role": "system", "content": REACT_SYSTEM.format(tools=listing, names=names)},
        {"role": "user", "content": q}], stop=["\nObservation:"]).choices[0].message  # fmt: skip
    said = m.content or ""
    action = re.search(r"Action:\s*(\w+)\s*\nAction Input:\s*(.+)", said)
    assert (
        action and action.group(1) == "calculator" and str(a) in action.group(2) and str(b) in action.group(2)
    ), why(rng, said)


def test_react_after_observation_gives_the_final_answer(client, rng):
    listing, names = _react_tools(rng)
    city = rng.choice(sorted(CITIES))
    t = rng.randint(-5, 35)
    q = (f"Question: what's the weather like in {city}?\nThought: I should check the weather.\n"
         f'Action: get_weather\nAction Input: {{"city": "{city}"}}\n'
         f"Observation: {json.dumps({'temp_c': t, 'conditions': 'cloudy'})}\nThought:")  # fmt: skip
    m = client.chat.completions.create(model=MODEL, messages=[
        {"role": "system", "content": REACT_SYSTEM.format(tools=listing, names=names)},
        {"role": "user", "content": q}], stop=["\nObservation:"]).choices[0].message  # fmt: skip
    said = m.content or ""
    final = re.search(r"Final Answer:\s*(.+)", said)
    assert final and str(t) in final.group(1) and "cloudy" in final.group(1).lower(), why(rng, said)


DSPY_SYSTEM = """Your input fields are:
1. `question` (str):
Your output fields are:
1. `answer` (str):
All interactions will be structured in the following way, with the appropriate values filled in.

[[ ## question ## ]]
{question}

[[ ## answer ## ]]
{answer}

[[ ## completed ## ]]
In adhering to this structure, your objective is:
        Given the fields `question`, produce the fields `answer`."""


def test_dspy_chat_adapter_markers_are_honoured(client, rng):
    a, b = rng.randint(2, 50), rng.randint(2, 50)
    user = (f"[[ ## question ## ]]\nwhat is {a} plus {b}?\n\nRespond with the corresponding output fields, starting "
            "with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.")  # fmt: skip
    m = client.chat.completions.create(model=MODEL, messages=[{"role": "system", "content": DSPY_SYSTEM},
                                                              {"role": "user", "content": user}]).choices[0].message  # fmt: skip
    said = m.content or ""
    got = re.search(r"\[\[ ## answer ## \]\]\s*(.+?)\s*\[\[ ## completed ## \]\]", said, re.S)
    assert got and str(a + b) in got.group(1), why(rng, said)


def test_dspy_chat_adapter_with_two_output_fields(client, rng):
    system = DSPY_SYSTEM.replace("1. `answer` (str):", "1. `sentiment` (Literal['positive', 'negative', 'neutral']):\n"
                                 "2. `topic` (str):").replace("[[ ## answer ## ]]\n{answer}",
                                 "[[ ## sentiment ## ]]\n{sentiment}\n\n[[ ## topic ## ]]\n{topic}")  # fmt: skip
    system = system.replace("`question`", "`text`").replace(
        "[[ ## question ## ]]\n{question}", "[[ ## text ## ]]\n{text}"
    )
    text = rng.choice(
        ["the delivery was late and the box was crushed", "i absolutely loved the new headphones"]
    )
    user = (f"[[ ## text ## ]]\n{text}\n\nRespond with the corresponding output fields, starting with the field "
            "`[[ ## sentiment ## ]]` (must be formatted as a valid Python Literal['positive', 'negative', 'neutral']), "
            "then `[[ ## topic ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.")  # fmt: skip
    m = client.chat.completions.create(model=MODEL, messages=[{"role": "system", "content": system},
                                                              {"role": "user", "content": user}]).choices[0].message  # fmt: skip
    said = m.content or ""
    sentiment = re.search(r"\[\[ ## sentiment ## \]\]\s*(\w+)", said)
    want = "negative" if "late" in text else "positive"
    assert (
        sentiment
        and sentiment.group(1) == want
        and "[[ ## topic ## ]]" in said
        and "[[ ## completed ## ]]" in said
    ), why(rng, said)


# =========================================================================== guards: what must stay one request
# (not among the 50 experiments measured before the change: each guards a clause of the new behaviour)


def test_a_modifier_after_a_comma_is_not_a_second_request(client, rng):
    city = rng.choice(sorted(CITIES))
    unit = rng.choice(["fahrenheit", "celsius"])
    text = rng.choice(
        ["what's the weather in {c}, in {u}?", "how warm is it in {c}, and in {u} please"]
    ).format(c=city, u=unit)
    weather = tool(
        "get_weather", {"city": S, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, ["city"]
    )
    calls = calls_of(ask(client, text, [weather]))
    assert calls == [("get_weather", {"city": city, "unit": unit})], why(rng, text, calls)


def test_one_query_with_and_stays_one_call(client, rng):
    a, b = rng.sample(["leeks", "feta", "chickpeas", "spinach", "lentils"], 2)
    text = f"find recipes with {a} and {b}"
    search = tool("search_recipes", {"query": S}, description="Search recipes by ingredients")
    calls = calls_of(ask(client, text, [search]))
    query = calls[0][1]["query"].lower() if calls else ""
    assert len(calls) == 1 and a in query and b in query, why(rng, text, calls)


def test_cheaper_than_is_a_limit_not_a_choice(client, rng):
    prices = rng.sample(range(40, 300), 4)
    hotels = [{"name": n, "price_eur": p} for n, p in zip(["Sol", "Mar", "Luz", "Rio"], prices, strict=True)]
    bound = sorted(prices)[2]
    m = after(client, f"hotels cheaper than €{bound}?", [("search_hotels", {"city": "Porto"}, hotels)])
    kept = [h["name"] for h in hotels if h["price_eur"] <= bound]
    assert all(k in m.content for k in kept) and "is cheaper" not in m.content, why(rng, m.content)


def test_a_react_prompt_no_tool_fits_is_answered_in_format_honestly(client, rng):
    listing, names = _react_tools(rng)
    q = f"Question: {rng.choice(['write me a haiku about autumn', 'who painted the mona lisa?'])}\nThought:"
    m = client.chat.completions.create(model=MODEL, messages=[
        {"role": "system", "content": REACT_SYSTEM.format(tools=listing, names=names)},
        {"role": "user", "content": q}], stop=["\nObservation:"]).choices[0].message  # fmt: skip
    said = m.content or ""
    assert "Final Answer:" in said and "real model" in said and "Action:" not in said, why(rng, said)


def test_a_dspy_field_nothing_answers_says_so(client, rng):
    q = rng.choice(["why is the sky blue?", "summarise the plot of hamlet"])
    user = f"[[ ## question ## ]]\n{q}\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`."
    m = client.chat.completions.create(model=MODEL, messages=[{"role": "system", "content": DSPY_SYSTEM},
                                                              {"role": "user", "content": user}]).choices[0].message  # fmt: skip
    got = re.search(r"\[\[ ## answer ## \]\]\s*(.+?)\s*\[\[ ## completed ## \]\]", m.content or "", re.S)
    assert got and "real model" in got.group(1), why(rng, m.content)
