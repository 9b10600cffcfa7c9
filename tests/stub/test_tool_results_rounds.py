"""Issue 24, round 6: results that arrive over several rounds, a yes/no question answered from a chain of
tools, games read back as who won, and a shopping list where only some things have a count.

Each test is one learner-style experiment on both APIs where it matters: its inputs (cities, teams, numbers,
phrasings, result key names) are drawn per run from a seeded source (``I24R_SEED`` reproduces a run; the seed
is in every failure message). Requests go through the SDK to a stub on loopback, driving the tool loop as a
learner's code does: run each call the model makes, send the result back, until it answers in text. Nothing
here is one of the course's own prompts.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable

import pytest

from .models import PLAIN

SEED = int(os.environ.get("I24R_SEED", random.randrange(2**32)))
MODEL = PLAIN
S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741 (the schema's own word)
CITIES = ["Oslo", "Lima", "Madrid", "Tokyo", "Cairo", "Dublin", "Nairobi", "Quito", "Hanoi", "Perth"]
TEAMS = ["Chelsea", "Everton", "Arsenal", "Fulham", "Celtic", "Ajax", "Porto", "Napoli", "Lazio", "Leeds"]


@pytest.fixture(scope="module")
def client(plain_client):
    return plain_client


@pytest.fixture
def rng(request):
    return random.Random(f"{SEED}-{request.node.name}")


def why(*said) -> str:
    return f"(seed {SEED}; replay with I24R_SEED={SEED}) " + " | ".join(str(s) for s in said)


def tool(name: str, props: dict, required: list[str] | None = None, description: str = "") -> dict:
    params = {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
    }
    return {"type": "function", "function": {"name": name, "description": description, "parameters": params}}


def chat_loop(client, question: str, tools: list[dict], run: Callable, parallel: bool | None = False):
    """The calls the model made, one round at a time, and its final text."""
    messages: list[dict] = [{"role": "user", "content": question}]
    made: list[tuple[str, dict]] = []
    kw = {} if parallel is None else {"parallel_tool_calls": parallel}
    for _ in range(6):
        m = (
            client.chat.completions.create(model=MODEL, messages=messages, tools=tools, **kw)
            .choices[0]
            .message
        )
        if not m.tool_calls:
            return made, m.content or ""
        messages.append({"role": "assistant", "content": m.content, "tool_calls": [
            {"id": c.id, "type": "function", "function": {"name": c.function.name, "arguments": c.function.arguments}}
            for c in m.tool_calls]})  # fmt: skip
        for c in m.tool_calls:
            args = json.loads(c.function.arguments)
            made.append((c.function.name, args))
            messages.append(
                {"role": "tool", "tool_call_id": c.id, "content": json.dumps(run(c.function.name, args))}
            )
    return made, ""


def responses_loop(client, question: str, tools: list[dict], run: Callable, parallel: bool = False):
    """The same loop on the Responses API: function_call and function_call_output items in ``input``."""
    items: list[dict] = [{"role": "user", "content": question}]
    flat = [{"type": "function", **t["function"]} for t in tools]
    made: list[tuple[str, dict]] = []
    for _ in range(6):
        r = client.responses.create(model=MODEL, input=items, tools=flat, parallel_tool_calls=parallel)
        calls = [o for o in r.output if o.type == "function_call"]
        if not calls:
            return made, r.output_text
        for c in calls:
            args = json.loads(c.arguments)
            made.append((c.name, args))
            items.append(
                {"type": "function_call", "call_id": c.call_id, "name": c.name, "arguments": c.arguments}
            )
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": c.call_id,
                    "output": json.dumps(run(c.name, args)),
                }
            )
    return made, ""


LOOPS = {"chat": chat_loop, "responses": responses_loop}


def history(client, api: str, question: str, rounds: list[tuple[str, dict, object]]) -> str:
    """The final answer after ``rounds`` calls made one per assistant turn (an agent framework's history)."""
    if api == "chat":
        messages: list[dict] = [{"role": "user", "content": question}]
        for i, (name, args, result) in enumerate(rounds):
            messages.append({"role": "assistant", "content": None, "tool_calls": [
                {"id": f"c{i}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]})  # fmt: skip
            messages.append({"role": "tool", "tool_call_id": f"c{i}", "content": json.dumps(result)})
        return client.chat.completions.create(model=MODEL, messages=messages).choices[0].message.content or ""
    items: list[dict] = [{"role": "user", "content": question}]
    for i, (name, args, result) in enumerate(rounds):
        items.append(
            {"type": "function_call", "call_id": f"c{i}", "name": name, "arguments": json.dumps(args)}
        )
        items.append({"type": "function_call_output", "call_id": f"c{i}", "output": json.dumps(result)})
    return client.responses.create(model=MODEL, input=items).output_text


# =========================================================================== 1. results over several rounds


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_every_round_of_one_call_each_is_read_back(client, rng, api):
    """One call per round (parallel_tool_calls false): the answer uses every result of the turn."""
    # two cities: a third in "Quito, Cairo and Hanoi" can be read as a person (understanding.py, reported in
    # round 6), which is not what this test measures
    cities = rng.sample(CITIES, 2)
    temps = {c: rng.randint(-5, 35) for c in cities}
    weather = tool(rng.choice(["get_weather", "current_temperature", "weather_now"]),
                   {rng.choice(["city", "location", "place"]): S}, description="Current weather for a city")  # fmt: skip
    head = rng.choice(["What's the weather in {}?", "how warm is it in {} right now", "weather for {} pls"])
    question = head.format(", ".join(cities[:-1]) + " and " + cities[-1])
    made, said = LOOPS[api](
        client, question, [weather], lambda n, a: {"temp_c": temps[next(iter(a.values()))]}
    )
    assert [next(iter(a.values())) for _, a in made] == cities, why(api, question, made)
    for city in cities:
        assert re.search(rf"{city}\b[^.]*?{temps[city]} °C", said), why(api, question, said)


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_a_history_of_rounds_is_answered_from_all_of_them(client, rng, api):
    """An agent framework's history, one call per assistant message: every result is in the answer."""
    a, b = rng.sample(CITIES, 2)
    ta, tb = rng.sample(range(-5, 35), 2)
    key = rng.choice(["temp_c", "temperature", "temperature_c"])
    said = history(client, api, f"how cold is it in {a} and {b}?",
                   [("get_weather", {"city": a}, {key: ta}), ("get_weather", {"city": b}, {key: tb})])  # fmt: skip
    assert re.search(rf"{a}\b[^.]*?{ta}\b", said) and re.search(rf"{b}\b[^.]*?{tb}\b", said), why(api, said)


def test_each_part_of_a_split_request_is_called_one_round_at_a_time(client, rng):
    """ "the kettle and the toaster" with one call per step: the second part is called after the first result,
    with its own words, never the first result's value."""
    things = rng.sample(["kettle", "toaster", "blender", "lamp", "fan", "mixer"], 2)
    prices = {t: round(rng.uniform(5, 90), 2) for t in things}
    price = tool("get_product_price", {"product": S}, description="Price of a product in our shop")
    question = rng.choice(
        ["how much are the {} and the {}?", "price of the {} and the {}", "what do the {} and the {} cost"]
    )
    question = question.format(*things)
    made, said = chat_loop(
        client, question, [price], lambda n, a: {"price_gbp": prices.get(a["product"], 1.0)}
    )
    assert [a["product"] for _, a in made] == things, why(question, made)
    for t in things:
        assert f"£{prices[t]:.2f}" in said, why(question, said)


# =========================================================================== 2. yes/no from a chain of tools

LOCATORS = [
    tool("get_current_location", {}, description="The user's current city"),
    tool("get_user_location", {}, description="Where the user is right now"),
    tool("where_am_i", {}, description="Returns the user's current town from GPS"),
]
FORECASTS = [("get_forecast", "city"), ("get_weather_forecast", "location"), ("weather_today", "place")]
RAIN_QUESTIONS = ["will it rain where I am today?", "do I need an umbrella?", "is it going to rain here later?",
                  "Should I bring an umbrella this afternoon?", "any chance of rain today?", "is it gonna pour later?"]  # fmt: skip
CHANCE_KEYS = ["chance_of_rain", "precipitation_probability", "rain_chance", "pop", "precip_chance"]


def _chain(rng) -> tuple[dict, dict, str, str]:
    locator = rng.choice(LOCATORS)
    name, param = rng.choice(FORECASTS)
    return (
        locator,
        tool(name, {param: S}, description="Today's forecast for a place"),
        param,
        rng.choice(CITIES),
    )


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_the_location_is_called_first_then_the_forecast_with_its_city(client, rng, api):
    locator, forecast, param, city = _chain(rng)
    question = rng.choice(RAIN_QUESTIONS)
    where = rng.choice([{"city": city}, {"location": city}, {"town": city, "country": "XX"}])

    def run(name, args):
        return where if name == locator["function"]["name"] else {"chance_of_rain": 50}

    made, _ = LOOPS[api](client, question, [locator, forecast], run)
    assert made[:2] == [(locator["function"]["name"], {}), (forecast["function"]["name"], {param: city})], (
        why(api, question, where, made)
    )


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_the_chance_gives_yes_or_probably_not_with_the_reason(client, rng, api):
    locator, forecast, param, city = _chain(rng)
    question = rng.choice(RAIN_QUESTIONS)
    percent = rng.choice([5, 10, 15, 20, 65, 70, 85, 95])
    key = rng.choice(CHANCE_KEYS)
    value = percent / 100 if rng.random() < 0.5 else percent  # 0-1 or 0-100, as learners write it

    def run(name, args):
        return {"city": city} if name == locator["function"]["name"] else {key: value, "temp_c": 12}

    _, said = LOOPS[api](client, question, [locator, forecast], run)
    head = "yes" if percent >= 60 else "probably not"
    assert said.lower().startswith(head), why(api, question, key, value, said)
    assert f"{percent}%" in said and f"{value}%" not in said.replace(f"{percent}%", ""), why(
        api, key, value, said
    )


def test_conditions_in_words_give_the_verdict(client, rng):
    locator, forecast, param, city = _chain(rng)
    question = rng.choice(RAIN_QUESTIONS)
    wet = rng.random() < 0.5
    conditions = rng.choice(
        ["light rain", "showers", "heavy rain"] if wet else ["sunny", "clear", "dry and bright"]
    )

    def run(name, args):
        return {"city": city} if name == locator["function"]["name"] else {"conditions": conditions}

    _, said = chat_loop(client, question, [locator, forecast], run)
    assert said.lower().startswith("yes" if wet else "no"), why(question, conditions, said)


def test_a_coat_is_weighed_by_the_temperature(client, rng):
    locator, forecast, param, city = _chain(rng)
    question = rng.choice(["should i take a coat", "do I need a jacket today?", "should I wear a coat today"])
    temp = rng.choice([2, 6, 9, 12, 20, 24, 28])

    def run(name, args):
        return (
            {"city": city}
            if name == locator["function"]["name"]
            else {"temp_c": temp, "conditions": "cloudy"}
        )

    _, said = chat_loop(client, question, [locator, forecast], run)
    assert said.lower().startswith("yes" if temp < 15 else "probably not"), why(question, temp, said)
    assert f"{temp} °C" in said, why(question, said)


def test_a_place_the_user_names_needs_no_location_tool(client, rng):
    locator, forecast, param, city = _chain(rng)
    question = rng.choice(["will it rain in {} today?", "do I need an umbrella in {}?"]).format(city)
    m = (
        client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": question}], tools=[locator, forecast]
        )
        .choices[0]
        .message
    )
    calls = [(c.function.name, json.loads(c.function.arguments)) for c in m.tool_calls or []]
    assert calls == [(forecast["function"]["name"], {param: city})], why(question, calls)


# =========================================================================== 3. games read back as who won


def _shape(rng, a: str, b: str, x: int, y: int) -> dict:
    """One game (a scored x, b scored y) in one of the shapes learners write."""
    return rng.choice([
        {"home": a, "away": b, "home_score": x, "away_score": y},
        {"score": f"{x}-{y}", "teams": [a, b]},
        {"team": a, "opponent": b, "goals_for": x, "goals_against": y},
        {"result": f"{a} {x}-{y} {b}"},
        {"home_side": a, "away_side": b, "home_goals": x, "away_goals": y},
    ])  # fmt: skip


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_the_winner_is_named_with_the_score(client, rng, api):
    a, b = rng.sample(TEAMS, 2)
    x, y = rng.sample(range(0, 6), 2)
    game = _shape(rng, a, b, x, y)
    question = rng.choice(
        ["who won the {} game?", "how did {} get on?", "what was the score in the {} match?"]
    )
    said = history(client, api, question.format(a), [("get_match_result", {"team": a}, game)])
    winner, loser = (a, b) if x > y else (b, a)
    assert re.search(rf"{winner} (?:won|beat)", said), why(api, game, said)
    assert f"{max(x, y)}–{min(x, y)}" in said and loser in said, why(api, game, said)


def test_a_draw_is_a_draw(client, rng):
    a, b = rng.sample(TEAMS, 2)
    g = rng.randint(0, 4)
    game = _shape(rng, a, b, g, g)
    said = history(client, "chat", f"did {a} win?", [("get_match_result", {"team": a}, game)])
    assert re.search(r"(?i)draw|drew", said) and not re.search(rf"{a} won|{b} won", said), why(game, said)
    assert said.lower().startswith("no"), why(game, said)


def test_did_x_win_is_answered_yes_or_no(client, rng):
    a, b = rng.sample(TEAMS, 2)
    x, y = rng.sample(range(0, 6), 2)
    asked = rng.choice([a, b])
    game = _shape(rng, a, b, x, y)
    said = history(client, "chat", f"did {asked} win?", [("get_match_result", {"team": asked}, game)])
    won = (asked == a) == (x > y)
    assert said.startswith("Yes" if won else "No"), why(game, asked, said)


def test_a_winner_without_a_score_is_said_without_one(client, rng):
    a, b = rng.sample(TEAMS, 2)
    said = history(
        client, "chat", f"who won, {a} or {b}?", [("get_match_result", {"team": a}, {"winner": b})]
    )
    assert said.startswith(f"{b} won") and not re.search(r"\d", said), why(said)


@pytest.mark.parametrize("one_call", [False, True])
def test_two_games_each_said_with_whose_score(client, rng, one_call):
    teams = rng.sample(TEAMS, 4)
    x, y = rng.sample(range(0, 5), 2)
    g = rng.randint(0, 3)
    games = [_shape(rng, teams[0], teams[1], x, y), _shape(rng, teams[2], teams[3], g, g)]
    question = rng.choice(["how did {} and {} get on?", "did {} and {} win?", "results for {} and {}?"])
    question = question.format(teams[0], teams[2])
    if one_call:
        rounds = [
            ("get_match_results", {"teams": [teams[0], teams[2]]}, rng.choice([games, {"matches": games}]))
        ]
    else:
        rounds = [
            ("get_match_result", {"team": teams[0]}, games[0]),
            ("get_match_result", {"team": teams[2]}, games[1]),
        ]
    said = history(client, "chat", question, rounds)
    winner = teams[0] if x > y else teams[1]
    assert re.search(rf"{winner} (?:won|beat)[^.]*{max(x, y)}–{min(x, y)}", said), why(games, said)
    assert re.search(rf"(?:{teams[2]} and {teams[3]}|{teams[3]} and {teams[2]}) drew {g}–{g}", said), why(
        games, said
    )


# =========================================================================== 4. a list with some counts

LIST_TOOLS = [
    tool("add_to_shopping_list", {"item": S, "quantity": I}, description="Add an item to the shopping list"),
    tool("add_item", {"name": S, "count": I}, description="Put a grocery item on the list"),
    tool("add_grocery", {"product": S, "qty": I}, description="Add a product to the grocery list"),
]
COUNTED = ["apples", "eggs", "onions", "lemons", "bananas", "limes", "peppers"]
PLAIN_THINGS = ["milk", "bread", "butter", "rice", "cheese", "coffee", "sugar", "flour", "tea"]


def _list_calls(client, api: str, text: str, t: dict) -> list[dict]:
    if api == "chat":
        m = client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": text}], tools=[t]
        )
        return [json.loads(c.function.arguments) for c in m.choices[0].message.tool_calls or []]
    r = client.responses.create(model=MODEL, input=text, tools=[{"type": "function", **t["function"]}])
    return [json.loads(o.arguments) for o in r.output if o.type == "function_call"]


def _as_counts(calls: list[dict]) -> dict:
    out = {}
    for call in calls:
        name = next(v for v in call.values() if isinstance(v, str))
        out[name] = next((v for v in call.values() if isinstance(v, int) and not isinstance(v, bool)), None)
    return out


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_every_item_is_added_and_an_uncounted_one_is_one(client, rng, api):
    t = rng.choice(LIST_TOOLS)
    counted = rng.choice(COUNTED)
    n = rng.randint(2, 12)
    plain = rng.sample(PLAIN_THINGS, rng.choice([1, 2]))
    items = [f"{n} {counted}", *plain]
    rng.shuffle(items)
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    text = rng.choice(["add {}", "put {} on the list", "can you add {} to my shopping list"]).format(listed)
    got = _as_counts(_list_calls(client, api, text, t))
    assert got == {counted: n, **{p: 1 for p in plain}}, why(api, text, got)


def test_an_uncounted_item_never_takes_a_neighbours_number(client, rng):
    t = rng.choice(LIST_TOOLS)
    counted, plain = rng.choice(COUNTED), rng.choice(PLAIN_THINGS)
    n = rng.randint(2, 12)
    text = rng.choice(["add {p} and {n} {c}", "put {p}, {n} {c} on the list"]).format(p=plain, n=n, c=counted)
    got = _as_counts(_list_calls(client, "chat", text, t))
    assert got.get(plain) != n, why(text, got)


def test_the_only_item_without_a_count_is_still_asked_about(client, rng):
    """A required count the words do not give for the only thing asked: the model asks (evidence is split on
    whether a real model fills 1 here; see the report of round 6); it never sends a 0 or an empty count."""
    t = rng.choice(LIST_TOOLS)
    plain = rng.choice(PLAIN_THINGS)
    text = rng.choice(["add {} to my list", "put {} on the shopping list"]).format(plain)
    m = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": text}], tools=[t])
    message = m.choices[0].message
    calls = [json.loads(c.function.arguments) for c in message.tool_calls or []]
    assert not calls or all(c.get(k) not in (0, None) for c in calls for k in c), why(text, calls)
    assert calls or "?" in (message.content or ""), why(text, message.content)
