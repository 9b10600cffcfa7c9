"""Structured output filled from an earlier turn's tool result ("put that in the format"), on both APIs.

The city, the reading and the phrasing are drawn per run; the seed is in every failure message."""

from __future__ import annotations

import json
import os
import random

from .models import PLAIN

SEED = int(os.environ.get("LLM_STUB_TEST_SEED") or random.randrange(2**32))
CITIES = ["Oslo", "Lisbon", "Krakow", "Dublin", "Porto", "Vienna", "Leeds", "Quito"]
CONDITIONS = ["snow", "light rain", "sunny", "overcast", "fog", "showers"]
ASKS = [
    "put that in the format",
    "now give me that as JSON",
    "can you format that for me?",
    "structure that please",
]
SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "weather_report",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "temperature_c": {"type": "number"},
                "conditions": {"type": "string"},
            },  # fmt: skip
            "required": ["city", "temperature_c", "conditions"],
            "additionalProperties": False,
        },
    },
}
WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Current weather for a city",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}  # fmt: skip


def _history(rng: random.Random) -> tuple[list[dict], dict]:
    city = rng.choice(CITIES)
    reading = {"city": city, "temp_c": rng.randint(-9, 33), "conditions": rng.choice(CONDITIONS)}
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": json.dumps({"city": city})},
    }
    messages = [
        {"role": "user", "content": f"what's the weather in {city.lower()}?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": json.dumps(reading)},
        {"role": "assistant", "content": f"{city}: {reading['temp_c']} °C and {reading['conditions']}."},
        {"role": "user", "content": rng.choice(ASKS)},
    ]
    return messages, reading


def test_an_earlier_turns_result_fills_the_schema(client) -> None:
    rng = random.Random(f"{SEED}:chat")
    messages, reading = _history(rng)
    r = client.chat.completions.create(
        model=PLAIN, messages=messages, tools=[WEATHER], response_format=SCHEMA
    )
    got = json.loads(r.choices[0].message.content or "{}")
    want = {"city": reading["city"], "temperature_c": reading["temp_c"], "conditions": reading["conditions"]}
    assert got == want, f"{messages[-1]['content']!r} after {reading}: got {got} (seed {SEED})"


def test_without_a_result_anywhere_the_reading_is_declined_not_zero(client) -> None:
    rng = random.Random(f"{SEED}:none")
    messages, _ = _history(rng)
    messages = [
        messages[0],
        {"role": "assistant", "content": "I can't check the weather right now."},
        messages[-1],
    ]
    r = client.chat.completions.create(model=PLAIN, messages=messages, response_format=SCHEMA)
    message = r.choices[0].message
    assert message.refusal and "temperature" in message.refusal, (
        f"no reading was given: {message} (seed {SEED})"
    )


def test_the_responses_api_fills_it_alike_through_previous_response_id(client) -> None:
    rng = random.Random(f"{SEED}:responses")
    city, temp, conditions = rng.choice(CITIES), rng.randint(-9, 33), rng.choice(CONDITIONS)
    flat = [{"type": "function", **WEATHER["function"]}]
    first = client.responses.create(model=PLAIN, input=f"weather in {city.lower()}?", tools=flat)
    call = next(o for o in first.output if o.type == "function_call")
    result = {"city": city, "temp_c": temp, "conditions": conditions}
    second = client.responses.create(model=PLAIN, previous_response_id=first.id, tools=flat,
                                     input=[{"type": "function_call_output", "call_id": call.call_id,
                                             "output": json.dumps(result)}])  # fmt: skip
    third = client.responses.create(
        model=PLAIN,
        previous_response_id=second.id,
        input=rng.choice(ASKS),
        text={"format": {"type": "json_schema", **SCHEMA["json_schema"]}},
    )
    got = json.loads(third.output_text)
    assert got == {"city": city, "temperature_c": temp, "conditions": conditions}, f"{got} (seed {SEED})"
