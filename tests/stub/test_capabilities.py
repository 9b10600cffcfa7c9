"""llm_stub/capabilities.py: "what can you do?" answered from the tools the request offers, on both APIs.

The tool sets and the phrasing are drawn per run (the seed is in every failure message), so the answer must
come from the tools sent, not from the course's own.
"""

from __future__ import annotations

import os
import random

import pytest

from llm_stub.asking import action

from .models import PLAIN

SEED = int(os.environ.get("LLM_STUB_TEST_SEED") or random.randrange(2**32))

TOOLS = [
    ("get_weather", "Current weather for a city"),
    ("set_timer", "Start a kitchen timer"),
    ("search_flights", "Find flights between two airports on a date"),
    ("add_to_list", "Add an item to the shopping list"),
    ("convert_currency", "Convert an amount from one currency to another"),
    ("lookup_order", "Look up an order by its number"),
    ("book_table", "Reserve a table at a restaurant"),
    ("translate_text", "Translate text into another language"),
]
ASKED = [
    "what can you do?",
    "What can you help me with?",
    "what tools do you have",
    "which tools can you use?",
    "so what are you able to do",
    "how can you help?",
    "what else can u do",
    "What are your capabilities?",
]
REQUESTS = ["thanks!", "what's the capital of peru?", "tell me a joke"]


def _tools(rng: random.Random) -> list[dict]:
    chosen = rng.sample(TOOLS, rng.randrange(1, 4))
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": description,
                "parameters": {"type": "object", "properties": {"value": {"type": "string"}}, "required": []},
            },
        }
        for name, description in chosen
    ]


@pytest.fixture
def rng(request) -> random.Random:
    return random.Random(f"{SEED}:{request.node.nodeid}")


def test_what_can_you_do_lists_every_tool_offered_in_words(client, rng) -> None:
    tools, asked = _tools(rng), rng.choice(ASKED)
    r = client.chat.completions.create(
        model=PLAIN, messages=[{"role": "user", "content": asked}], tools=tools
    )
    message = r.choices[0].message
    assert not message.tool_calls, (
        f"{asked!r} asks what the model can do; it called {message.tool_calls} (seed {SEED})"
    )
    for tool in tools:
        name, description = tool["function"]["name"], tool["function"]["description"]
        assert action(name) in message.content, f"{message.content!r} misses {name} (seed {SEED})"
        assert description[1:].rstrip(".") in message.content, f"{message.content!r} (seed {SEED})"


def test_tools_not_offered_are_not_claimed(client, rng) -> None:
    tools, asked = _tools(rng), rng.choice(ASKED)
    offered = {t["function"]["name"] for t in tools}
    r = client.chat.completions.create(
        model=PLAIN, messages=[{"role": "user", "content": asked}], tools=tools
    )
    for name, description in TOOLS:
        if name not in offered:
            assert description[1:] not in r.choices[0].message.content, f"claims {name} (seed {SEED})"


def test_a_forced_tool_choice_still_calls(client, rng) -> None:
    tools, asked = _tools(rng), rng.choice(ASKED)
    r = client.chat.completions.create(
        model=PLAIN, messages=[{"role": "user", "content": asked}], tools=tools, tool_choice="required"
    )
    assert r.choices[0].message.tool_calls, f"tool_choice='required' must call a tool (seed {SEED})"


def test_without_tools_the_stub_does_not_describe_tools(client, rng) -> None:
    asked = rng.choice(ASKED)
    r = client.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": asked}])
    assert "With the tools I have here" not in (r.choices[0].message.content or ""), f"seed {SEED}"


def test_other_messages_are_not_answered_with_the_tool_list(client, rng) -> None:
    tools, said = _tools(rng), rng.choice(REQUESTS)
    r = client.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": said}], tools=tools)
    assert "With the tools I have here" not in (r.choices[0].message.content or ""), f"{said!r} (seed {SEED})"


def test_the_responses_api_answers_alike(client, rng) -> None:
    tools, asked = _tools(rng), rng.choice(ASKED)
    flat = [{"type": "function", **t["function"]} for t in tools]
    r = client.responses.create(model=PLAIN, input=asked, tools=flat)
    assert not [o for o in r.output if o.type == "function_call"], f"seed {SEED}"
    for tool in tools:
        assert action(tool["function"]["name"]) in r.output_text, f"{r.output_text!r} (seed {SEED})"


NOUNS = {"set_timer": "timer", "search_flights": "flight", "add_to_list": "shopping list",
         "convert_currency": "currency", "book_table": "reservation", "translate_text": "translation"}  # fmt: skip


def test_asking_what_a_thing_is_calls_no_tool_and_asks_for_no_argument(client, rng) -> None:
    name = rng.choice(sorted(NOUNS))
    offered = [
        {"type": "function", "function": {"name": name, "description": dict(TOOLS)[name], "parameters": {
            "type": "object", "properties": {"value": {"type": "string"}}, "required": ["value"]}}}
    ]  # fmt: skip
    noun = NOUNS[name]
    article = "an" if noun[0] in "aeiou" else "a"
    asked = rng.choice([f"what is {article} {noun}?", f"do you know what {article} {noun} is?",
                        f"can you explain what {article} {noun} is", f"whats {article} {noun}"])  # fmt: skip
    r = client.chat.completions.create(
        model=PLAIN, messages=[{"role": "user", "content": asked}], tools=offered
    )
    message = r.choices[0].message
    assert not message.tool_calls, (
        f"{asked!r} asks what a word means; it called {message.tool_calls} (seed {SEED})"
    )
    assert f"Sure, I can {action(name)}" not in (message.content or ""), f"{message.content!r} (seed {SEED})"
