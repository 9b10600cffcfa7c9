"""Issue 24: the whole conversation is the text the stub reads: results read back as answers, every request
in a message answered, follow-ups, agents' observations, ``tool_choice: "required"`` with a result in hand,
and recall of what the user said (corrections included) on both APIs.

Inputs are drawn per run from a seeded source (the seed is in every failure message).
"""

from __future__ import annotations

import json
import random
import re

import openai
import pytest

from llm_stub import StubConfig, StubServer

from .models import PLAIN

SEED = random.randrange(2**32)
MODEL = PLAIN  # takes tools and sampling at its defaults (tests/stub/models.py)
S = {"type": "string"}
CITIES = [("Lyon", "France"), ("Osaka", "Japan"), ("Porto", "Portugal"), ("Toronto", "Canada"), ("Nairobi", "Kenya"),
          ("Milan", "Italy"), ("Seville", "Spain"), ("Edinburgh", "United Kingdom")]  # fmt: skip
AIRLINES = ["ITA", "Ryanair", "easyJet", "Vueling", "KLM", "TAP", "Iberia", "Wizz"]
TEAMS = ["Arsenal", "Spurs", "Leeds", "Hull", "Celtic", "Ajax", "Napoli", "Everton"]
NAMES = ["tomasz", "aisha", "priya", "kenji", "maria", "jonas"]


@pytest.fixture(scope="module")
def server():
    with StubServer(StubConfig()) as s:
        yield s


@pytest.fixture
def client(server):
    return openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=30)


@pytest.fixture
def rng(request):
    return random.Random(f"{SEED}-{request.node.name}")


def fn(name: str, description: str, properties: dict, required: list[str] | None = None) -> dict:
    params = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    return {"type": "function", "function": {"name": name, "description": description, "parameters": params}}


WEATHER = fn("get_weather", "Current weather for a city.",
             {"city": S, "unit": {"type": "string", "enum": ["celsius", "fahrenheit", "kelvin"]},
              "date": {"type": "string", "description": "YYYY-MM-DD"}}, ["city"])  # fmt: skip
FLIGHTS = fn("search_flights", "Search flights to a city.", {"destination": S}, ["destination"])
SCORE = fn("get_score", "The latest score of a team's match.", {"team": S}, ["team"])
FINAL = fn("final_answer", "Give the final answer to the user.", {"answer": S}, ["answer"])


def with_result(question: str, name: str, args: dict, result: object) -> list[dict]:
    call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
    return [{"role": "user", "content": question}, {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_1", "content": json.dumps(result)}]  # fmt: skip


def say(client, messages: list[dict], **kw):
    return client.chat.completions.create(model=MODEL, messages=messages, **kw).choices[0].message


def assert_readable(text: str) -> None:
    assert not re.search(r"[{}\[\]]|\"\w+\":", text), f"seed={SEED}: raw JSON in the answer: {text!r}"


# --- results read back -------------------------------------------------------------------------------------


def test_the_superlative_asked_for(client, rng):
    offers = [
        {"airline": a, "price_eur": rng.randint(40, 600)} for a in rng.sample(AIRLINES, rng.randint(2, 5))
    ]
    city, _ = rng.choice(CITIES)
    cheapest = min(offers, key=lambda o: o["price_eur"])
    text = say(client, with_result(f"cheapest flight to {city.lower()}?", "search_flights", {"destination": city}, offers),
               tools=[FLIGHTS]).content  # fmt: skip
    assert f"{cheapest['airline']} at €{cheapest['price_eur']}" in text, f"seed={SEED}: {offers} -> {text!r}"
    assert "cheapest" in text.lower()
    assert_readable(text)


def test_several_results_become_a_short_list(client, rng):
    offers = [{"airline": a, "price_eur": rng.randint(40, 600)} for a in rng.sample(AIRLINES, 3)]
    text = say(
        client,
        with_result("flights to porto?", "search_flights", {"destination": "Porto"}, offers),
        tools=[FLIGHTS],
    ).content
    assert all(o["airline"] in text for o in offers) and "3 flights" in text, f"seed={SEED}: {text!r}"
    assert_readable(text)


def test_none_found_in_plain_words(client, rng):
    city, _ = rng.choice(CITIES)
    text = say(
        client,
        with_result(f"flights to {city}", "search_flights", {"destination": city}, []),
        tools=[FLIGHTS],
    ).content
    assert text == f"I found no flights for {city}.", f"seed={SEED}: {text!r}"


def test_who_won(client, rng):
    home, away = rng.sample(TEAMS, 2)
    hg, ag = rng.sample(range(0, 6), 2)
    result = {"home": home, "away": away, "home_goals": hg, "away_goals": ag}
    text = say(
        client, with_result(f"how did {home} do?", "get_score", {"team": home}, result), tools=[SCORE]
    ).content
    winner = home if hg > ag else away
    assert f"{winner} won {max(hg, ag)}–{min(hg, ag)}" in text, f"seed={SEED}: {result} -> {text!r}"
    assert "home goals" not in text and "away goals" not in text, f"seed={SEED}: labels in {text!r}"


def test_an_error_in_plain_words(client, rng):
    code = rng.choice(["city_not_found", "RATE_LIMITED", "upstream_timeout"])
    text = say(client, with_result("weather in atlantis", "get_weather", {"city": "Atlantis"}, {"error": code}),
               tools=[WEATHER]).content  # fmt: skip
    assert "_" not in text and code.replace("_", " ").lower() in text.lower(), f"seed={SEED}: {text!r}"
    assert text.startswith("I couldn't get the weather for Atlantis")


# --- every request gets its call; follow-ups ---------------------------------------------------------------


def test_two_requests_in_one_message_get_two_parallel_calls(client, rng):
    team, (city, _) = rng.choice(TEAMS), rng.choice(CITIES)
    joiner = rng.choice([" and will it rain in ", ", also is it raining in ", " and whats the weather in "])
    message = say(client, [{"role": "user", "content": f"what's the score for {team.lower()}{joiner}{city.lower()}"}],
                  tools=[SCORE, WEATHER])  # fmt: skip
    calls = {c.function.name: json.loads(c.function.arguments) for c in message.tool_calls or []}
    assert set(calls) == {"get_score", "get_weather"}, f"seed={SEED}: {calls}"
    assert calls["get_score"]["team"] == team and calls["get_weather"]["city"] == city


@pytest.mark.parametrize("change", ["unit", "date", "city"])
def test_a_follow_up_repeats_the_call_with_what_changed(client, rng, change):
    (city, _), (other, _) = rng.sample(CITIES, 2)
    history = with_result(
        f"weather in {city}", "get_weather", {"city": city}, {"temp_c": rng.randint(-5, 30)}
    )
    history.append({"role": "assistant", "content": "Here you are."})
    follow = {"unit": rng.choice(["and in kelvin?", "what about in fahrenheit", "and in F?"]),
              "date": rng.choice(["what about saturday?", "and tomorrow?", "how about next friday"]),
              "city": rng.choice([f"and in {other}?", f"what about {other.lower()}", f"same for {other}"])}[change]  # fmt: skip
    message = say(client, [*history, {"role": "user", "content": follow}], tools=[WEATHER])
    assert message.tool_calls, f"seed={SEED}: {follow!r} got {message.content!r}"
    args = json.loads(message.tool_calls[0].function.arguments)
    if change == "city":
        assert args["city"] == other, f"seed={SEED}: {follow!r} -> {args}"
    else:
        assert args["city"] == city and change in args, f"seed={SEED}: {follow!r} -> {args}"


# --- the whole conversation fills structured output and final answers ---------------------------------------

FORECAST = {"type": "json_schema", "json_schema": {"name": "forecast", "strict": True, "schema": {
    "type": "object", "additionalProperties": False, "required": ["forecast", "temp_c"],
    "properties": {"forecast": S, "temp_c": {"type": "number"}}}}}  # fmt: skip


def test_structured_output_after_a_tool_result_uses_it(client, rng):
    city, _ = rng.choice(CITIES)
    result = {"forecast": rng.choice(["sunny", "light rain", "snow"]), "temp_c": rng.randint(-5, 30)}
    got = json.loads(say(client, with_result(f"weather in {city}?", "get_weather", {"city": city}, result),
                         response_format=FORECAST).content)  # fmt: skip
    assert got == result, f"seed={SEED}: {got}"


def test_an_agents_observation_is_a_result_not_a_request(client, rng):
    city, _ = rng.choice(CITIES)
    result = {"forecast": rng.choice(["sunny", "cloudy"]), "temp_c": rng.randint(-5, 30)}
    messages = [{"role": "user", "content": f"what's the weather in {city}?"},
                {"role": "assistant", "content": f'Thought: I need the weather.\nAction: get_weather\nAction Input: {{"city": "{city}"}}'},
                {"role": "user", "content": f"Observation: {json.dumps(result)}"}]  # fmt: skip
    message = say(client, messages, tools=[WEATHER])
    assert not message.tool_calls, (
        f"seed={SEED}: the observation was read as a new request: {message.tool_calls}"
    )
    assert f"{result['temp_c']} °C" in message.content and result["forecast"] in message.content
    got = json.loads(say(client, messages, response_format=FORECAST).content)
    assert got == result, f"seed={SEED}: {got}"


def test_required_with_a_result_in_hand_calls_the_answer_tool(client, rng):
    city, _ = rng.choice(CITIES)
    temp = rng.randint(-5, 30)
    messages = with_result(f"weather in {city}?", "get_weather", {"city": city}, {"temp_c": temp})
    message = say(client, messages, tools=[WEATHER, FINAL], tool_choice="required")
    calls = message.tool_calls
    assert calls and calls[0].function.name == "final_answer", f"seed={SEED}: {calls}"
    assert f"{temp} °C" in json.loads(calls[0].function.arguments)["answer"]


def test_required_never_repeats_the_same_call(client, rng):
    city, _ = rng.choice(CITIES)
    messages = with_result(f"weather in {city}?", "get_weather", {"city": city}, {"temp_c": 3})
    other = fn("get_time", "Current local time in a city.", {"city": S}, ["city"])
    message = say(client, messages, tools=[WEATHER, other], tool_choice="required")
    made = [(c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls]
    assert ("get_weather", {"city": city}) not in made, f"seed={SEED}: the same call again: {made}"


def test_responses_function_call_output_fills_structured_output(server, rng):
    client = openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0)
    city, _ = rng.choice(CITIES)
    result = {"forecast": rng.choice(["sunny", "windy"]), "temp_c": rng.randint(-5, 30)}
    items = [{"role": "user", "content": f"weather in {city}?"},
             {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": json.dumps({"city": city})},
             {"type": "function_call_output", "call_id": "call_1", "output": json.dumps(result)}]  # fmt: skip
    fmt = {"format": {"type": "json_schema", **FORECAST["json_schema"]}}
    response = client.responses.create(model=MODEL, input=items, text=fmt)
    assert json.loads(response.output_text) == result, f"seed={SEED}: {response.output_text}"


# --- recall in ordinary phrasing, corrections overriding, on both APIs ------------------------------------


def recall_cases(rng: random.Random) -> list[tuple[list[str], str, str]]:
    name = rng.choice(NAMES)
    pet, pet_name, age = (
        rng.choice(["cat", "dog"]),
        rng.choice(["mochi", "biscuit", "luna"]),
        rng.randint(2, 14),
    )
    first, second = rng.sample(range(2, 28), 2)
    return [
        ([rng.choice([f"im {name} btw", f"hey, i'm {name}", f"{name} here btw. i'm {name}"])], "what's my name?",
         name.capitalize()),
        ([f"my {pet} {pet_name} is {age}"], f"how old is my {pet}?", f"{pet_name.capitalize()} is {age}"),
        ([f"book it for the {first}th", f"actually make it the {second}th"], "which day did i say?", f"the {second}th"),
    ]  # fmt: skip


def test_recall_on_chat_completions(client, rng):
    for said, question, expected in recall_cases(rng):
        messages = []
        for text in said:
            messages += [{"role": "user", "content": text}, {"role": "assistant", "content": "Noted."}]
        reply = say(client, [*messages, {"role": "user", "content": question}]).content
        assert expected in reply, f"seed={SEED}: told {said}, asked {question!r}: {reply!r}"


def test_recall_on_the_responses_api(server, rng):
    client = openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0)
    for said, question, expected in recall_cases(rng):
        previous = None
        for text in said:
            previous = client.responses.create(model=MODEL, input=text, previous_response_id=previous).id
        reply = client.responses.create(
            model=MODEL, input=question, previous_response_id=previous
        ).output_text
        assert expected in reply, f"seed={SEED}: told {said}, asked {question!r}: {reply!r}"


def test_a_smolagents_style_history_ends_with_the_answer_from_the_observation(client, rng):
    """smolagents writes its calls as text ("Calling tools: [...]", Python dicts) and results as "Observation:"."""
    city, country = rng.choice(CITIES)
    temp = rng.randint(-5, 30)
    weather = fn("get_weather", "Current weather for a city.",
                 {"city": {"type": "string", "description": "the city's name"},
                  "country": {"type": "string", "description": "the country the city is in"}})  # fmt: skip
    final = fn("final_answer", "Provides a final answer to the given problem.",
               {"answer": {"type": "string", "description": "The final answer to the problem"}})  # fmt: skip
    task = [
        {"role": "user", "content": [{"type": "text", "text": f"New task:\nwhat's it like in {city} today?"}]}
    ]
    first = say(client, task, tools=[weather, final], tool_choice="required").tool_calls
    assert first and first[0].function.name == "get_weather", f"seed={SEED}: {first}"
    assert json.loads(first[0].function.arguments) == {"city": city, "country": country}
    called = f"Calling tools:\n[{{'id': 'call_1', 'type': 'function', 'function': {{'name': 'get_weather', 'arguments': {{'city': '{city}', 'country': '{country}'}}}}}}]"
    history = [*task, {"role": "assistant", "content": [{"type": "text", "text": called}]},
               {"role": "user", "content": [{"type": "text", "text": f'Observation:\n{{"forecast": "rain", "temp_c": {temp}}}'}]}]  # fmt: skip
    last = say(client, history, tools=[weather, final], tool_choice="required").tool_calls
    assert last and last[0].function.name == "final_answer", f"seed={SEED}: {last}"
    answer = json.loads(last[0].function.arguments)["answer"]
    assert f"{temp} °C" in answer and "New task" not in answer and "{" not in answer, (
        f"seed={SEED}: {answer!r}"
    )
