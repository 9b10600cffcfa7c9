"""Print the stub's answers to a fixed set of learner-style experiments (tools, schemas, follow-ups).

    python -m tools.probe_understanding [--out FILE]

A maintainer's eyeball check of the stub's understanding, run before and after a change to compare answers
side by side. The prompts are written for this probe (none of them is the course's own); the graded
checks of each behaviour are in tests/stub/test_understanding_roles.py, with inputs drawn per run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import openai

from llm_stub import StubConfig, StubServer
from llm_stub.catalog import plain_model

COURSE_REPLIES = Path(__file__).resolve().parents[1] / "course" / "replies"
MODEL = plain_model()  # a current model that takes tools and sampling at its defaults


def fn(name: str, description: str, properties: dict, required: list[str] | None = None) -> dict:
    params = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    return {"type": "function", "function": {"name": name, "description": description, "parameters": params}}


S = {"type": "string"}
ALARM = fn(
    "set_alarm",
    "Set an alarm.",
    {"time": {"type": "string", "description": "When, ISO 8601"}, "label": S},
    ["time"],
)
TIMER = fn("start_timer", "Start a kitchen timer.", {"minutes": {"type": "integer"}, "label": S}, ["minutes"])
TRAIN = fn(
    "find_trains",
    "Find trains between two stations.",
    {"origin": S, "destination": S, "date": {"type": "string", "description": "YYYY-MM-DD"}},
    ["origin", "destination"],
)
WEATHER = fn(
    "get_weather",
    "Current weather for a place.",
    {"city": S, "country": S, "unit": {"type": "string", "enum": ["celsius", "fahrenheit", "kelvin"]}},
    ["city", "country"],
)
RECIPES = fn(
    "search_recipes",
    "Find recipes that use some ingredients.",
    {"ingredients": {"type": "array", "items": S}, "max_minutes": {"type": "integer"}},
    ["ingredients"],
)
CALC = fn(
    "calculate",
    "A minimal calculator for basic arithmetic.",
    {
        "a": {"type": "number"},
        "b": {"type": "number"},
        "op": {"type": "string", "enum": ["add", "subtract", "multiply", "divide"]},
    },
)
SCORE = fn("get_score", "Live score of a football match.", {"team": S}, ["team"])
FLIGHTS = fn(
    "search_flights",
    "Search flights.",
    {
        "origin": {"type": "string", "description": "IATA airport code"},
        "destination": {"type": "string", "description": "IATA airport code"},
    },
)
FINAL = fn("final_answer", "Give the final answer to the user.", {"answer": S})


def chat(client: openai.OpenAI, messages: list[dict], **kw) -> str:
    r = client.chat.completions.create(model=MODEL, messages=messages, **kw)
    m = r.choices[0].message
    if m.tool_calls:
        return " | ".join(f"{c.function.name}({c.function.arguments})" for c in m.tool_calls)
    return m.content or ""


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def after(text: str, name: str, args: dict, result: object) -> list[dict]:
    call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
    return [
        *user(text),
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": json.dumps(result)},
    ]


def cases() -> list[tuple[str, list[dict], dict]]:
    match = {
        "type": "json_schema",
        "json_schema": {
            "name": "match",
            "schema": {
                "type": "object",
                "properties": {
                    "home_team": S,
                    "away_team": S,
                    "home_score": {"type": "integer"},
                    "away_score": {"type": "integer"},
                    "winner": S,
                },
            },
        },
    }
    trip = {
        "type": "json_schema",
        "json_schema": {
            "name": "trip",
            "schema": {
                "type": "object",
                "properties": {"traveller": S, "destination": S, "nights": {"type": "integer"}},
            },
        },
    }
    qa = {
        "type": "json_schema",
        "json_schema": {
            "name": "qa",
            "schema": {"type": "object", "properties": {"answer": S}, "required": ["answer"]},
        },
    }
    forecast = {
        "type": "json_schema",
        "json_schema": {
            "name": "fc",
            "schema": {"type": "object", "properties": {"forecast": S, "temp_c": {"type": "number"}}},
        },
    }
    return [
        ("alarm", user("set an alarm for 6:45 tomorrow"), {"tools": [ALARM]}),
        ("timer", user("boil the pasta for twelve minutes"), {"tools": [TIMER]}),
        ("train", user("train from leeds to york on friday"), {"tools": [TRAIN]}),
        ("country", user("what's it like in Edinburgh today?"), {"tools": [WEATHER]}),
        ("recipes", user("make something with leeks and feta tonight?"), {"tools": [RECIPES]}),
        ("calc", user("compute 12 plus 7"), {"tools": [CALC]}),
        (
            "two requests",
            user("what's the score for arsenal and will it rain in london"),
            {"tools": [SCORE, WEATHER]},
        ),
        ("flights", user("flights from manchester to lisbon pls"), {"tools": [FLIGHTS]}),
        (
            "instructions",
            [
                {"role": "system", "content": "You are a helpful agent. Always respond in JSON. Use Python."},
                *user("hi, what can you do?"),
            ],
            {"tools": [WEATHER]},
        ),
        (
            "follow-up kelvin",
            [
                *after(
                    "weather in oslo norway",
                    "get_weather",
                    {"city": "Oslo", "country": "Norway"},
                    {"temp": 3, "conditions": "rain"},
                ),
                {"role": "assistant", "content": "Oslo: 3 °C with rain."},
                *user("and in kelvin?"),
            ],
            {"tools": [WEATHER]},
        ),
        (
            "cheapest",
            after(
                "cheapest flight to rome?",
                "search_flights",
                {"destination": "FCO"},
                [{"airline": "ITA", "price_eur": 412}, {"airline": "Ryanair", "price_eur": 89}],
            ),
            {"tools": [FLIGHTS]},
        ),
        (
            "none found",
            after("recipes with leeks and feta", "search_recipes", {"ingredients": ["leeks", "feta"]}, []),
            {"tools": [RECIPES]},
        ),
        (
            "who won",
            after(
                "how did arsenal do",
                "get_score",
                {"team": "Arsenal"},
                {"home": "Arsenal", "away": "Spurs", "home_goals": 1, "away_goals": 3},
            ),
            {"tools": [SCORE]},
        ),
        (
            "error",
            after(
                "weather in atlantis",
                "get_weather",
                {"city": "Atlantis", "country": "Greece"},
                {"error": "city_not_found"},
            ),
            {"tools": [WEATHER]},
        ),
        ("match extract", user("Leeds beat Hull 3-1 at home on saturday"), {"response_format": match}),
        ("trip extract", user("book 3 nights in Porto for Maria"), {"response_format": trip}),
        ("open question", user("why is the sky blue?"), {"response_format": qa}),
        (
            "schema after tool",
            [
                *after(
                    "weather in lyon?",
                    "get_weather",
                    {"city": "Lyon", "country": "France"},
                    {"forecast": "sunny", "temp_c": 18},
                )
            ],
            {"response_format": forecast},
        ),
        (
            "required after result",
            after(
                "weather in lyon?",
                "get_weather",
                {"city": "Lyon", "country": "France"},
                {"forecast": "sunny", "temp_c": 18},
            ),
            {"tools": [WEATHER, FINAL], "tool_choice": "required"},
        ),
        (
            "observation",
            [
                *user("what's the weather in lyon?"),
                {"role": "assistant", "content": 'Action: get_weather\nAction Input: {"city": "Lyon"}'},
                *user('Observation: {"forecast": "sunny", "temp_c": 18}'),
            ],
            {"tools": [WEATHER]},
        ),
        (
            "recall btw",
            [*user("im tomasz btw"), {"role": "assistant", "content": "Hi!"}, *user("what's my name?")],
            {},
        ),
        (
            "recall pet",
            [
                *user("my cat mochi is 3"),
                {"role": "assistant", "content": "Cute!"},
                *user("how old is my cat?"),
            ],
            {},
        ),
        (
            "recall correction",
            [
                *user("book it for the 12th"),
                {"role": "assistant", "content": "OK."},
                *user("actually make it the 15th"),
                {"role": "assistant", "content": "OK."},
                *user("which day did i say?"),
            ],
            {},
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", help="also write the answers to this file")
    args = parser.parse_args()
    lines = []
    with StubServer(StubConfig(reply_files=[str(COURSE_REPLIES)])) as s:
        client = openai.OpenAI(base_url=s.base_url, api_key=s.api_key, max_retries=0)
        for label, messages, kw in cases():
            try:
                got = chat(client, messages, **kw)
            except openai.APIError as err:
                got = f"ERROR {err}"
            lines.append(f"{label:24} {got}")
            print(lines[-1])
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
