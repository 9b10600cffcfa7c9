"""Scripted multi-step turns (a reply rule's ``steps``) and the response-shape faults, through the real SDK.

A script says what the model does at each step of a tool loop: calls (parallel ones too), text beside them,
an empty ``tool_calls`` list, a ``finish_reason`` of its own; the request decides what is allowed (tools on
offer, ``tool_choice``, ``parallel_tool_calls``), as for a real model. ``no_usage`` answers without usage.
"""

from __future__ import annotations

import json

import pytest
import yaml

from llm_stub.catalog import REASONING_MODELS
from llm_stub.faults import PlanError, parse_step
from llm_stub.replies import parse_rules

from .models import PLAIN

# a current model that takes tools, sampling and stop at its defaults (the default model needs effort none)
MODEL = PLAIN

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
PACK = {
    "type": "function",
    "function": {
        "name": "pack_list",
        "description": "What to pack for a trip.",
        "parameters": {
            "type": "object",
            "properties": {"days": {"type": "integer"}},
            "required": ["days"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
STEPS = [
    {
        "reply": "Let me check both cities.",
        "tool_calls": [
            {"name": "get_weather", "arguments": {"city": "Oslo"}},
            {"name": "get_weather", "arguments": {"city": "Bergen"}},
        ],
    },
    {"tool_calls": [{"name": "pack_list", "arguments": '{"days": 3}'}], "finish_reason": "stop"},
    {"reply": "Both are cold: pack a coat.", "tool_calls": []},
]
QUESTION = "zqsteps1 weather in Oslo and Bergen, then pack"


@pytest.fixture
def scripted(stub, tmp_path):
    """The stub with one scripted turn (``STEPS``) answering ``QUESTION``."""
    path = tmp_path / "steps.yaml"
    path.write_text(yaml.safe_dump([{"when": {"contains": "zqsteps1"}, "steps": STEPS}]), encoding="utf-8")
    stub.configure(reply_files=[str(path)])
    return stub


def as_dict(message) -> dict:
    out = {"role": "assistant", "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.function.name, "arguments": c.function.arguments},
            }
            for c in message.tool_calls
        ]
    return out


def run_loop(client, steps: int, **options) -> list:
    """A plain tool loop of ``steps`` requests; returns each response's first choice."""
    messages, choices = [{"role": "user", "content": QUESTION}], []
    for _ in range(steps):
        choice = client.chat.completions.create(model=MODEL, messages=messages, **options).choices[0]
        choices.append(choice)
        messages.append(as_dict(choice.message))
        messages += [
            {"role": "tool", "tool_call_id": c.id, "content": "{}"} for c in choice.message.tool_calls or []
        ]
    return choices


def test_each_step_answers_the_request_with_as_many_assistant_messages(scripted, client):
    first, second, third, again = run_loop(client, 4, tools=[WEATHER, PACK])
    assert first.finish_reason == "tool_calls" and first.message.content == "Let me check both cities."
    assert [(c.function.name, json.loads(c.function.arguments)) for c in first.message.tool_calls] == [
        ("get_weather", {"city": "Oslo"}),
        ("get_weather", {"city": "Bergen"}),
    ]
    assert first.message.tool_calls[0].function.arguments == '{"city":"Oslo"}', (
        "compact JSON, as the API writes"
    )
    assert len({c.id for c in first.message.tool_calls}) == 2
    assert second.finish_reason == "stop", "a step's own finish_reason is sent beside its calls"
    assert second.message.tool_calls[0].function.arguments == '{"days": 3}', "a string is sent as written"
    assert third.message.content == "Both are cold: pack a coat." and third.message.tool_calls == []
    assert third.finish_reason == "stop"
    assert again.message.content == third.message.content, "past the last step, the last one repeats"


def test_the_same_request_gets_the_same_step_and_ids(scripted, client):
    a = run_loop(client, 2, tools=[WEATHER, PACK])
    b = run_loop(client, 2, tools=[WEATHER, PACK])
    assert [c.id for c in a[1].message.tool_calls] == [c.id for c in b[1].message.tool_calls]


def test_an_empty_list_is_in_the_body_and_on_the_role_delta(scripted, client, stub):
    messages = [{"role": "user", "content": QUESTION}]
    for choice in run_loop(client, 2, tools=[WEATHER, PACK]):
        messages.append(as_dict(choice.message))
        messages += [
            {"role": "tool", "tool_call_id": c.id, "content": "{}"} for c in choice.message.tool_calls
        ]
    raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=messages, tools=[WEATHER])
    assert json.loads(raw.text)["choices"][0]["message"]["tool_calls"] == []
    chunks = list(
        client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER], stream=True)
    )
    assert chunks[0].choices[0].delta.tool_calls == []
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Both are cold: pack a coat."


def test_text_beside_calls_streams_first_then_each_call(scripted, client):
    chunks = list(
        client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": QUESTION}],
            tools=[WEATHER],
            stream=True,
        )
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    text_at = [i for i, d in enumerate(deltas) if d.content]
    calls_at = [i for i, d in enumerate(deltas) if d.tool_calls]
    assert text_at and calls_at and max(text_at) < min(calls_at)
    assert "".join(deltas[i].content for i in text_at) == "Let me check both cities."
    heads = [t for d in deltas for t in d.tool_calls or [] if t.id]
    assert [(t.index, t.function.name) for t in heads] == [(0, "get_weather"), (1, "get_weather")]
    arguments = [
        "".join(t.function.arguments or "" for d in deltas for t in d.tool_calls or [] if t.index == k)
        for k in (0, 1)
    ]
    assert [json.loads(a) for a in arguments] == [{"city": "Oslo"}, {"city": "Bergen"}]
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_the_request_decides_what_a_step_may_do(scripted, client):
    one = run_loop(client, 1, tools=[WEATHER, PACK], parallel_tool_calls=False)[0]
    assert [c.function.arguments for c in one.message.tool_calls] == ['{"city":"Oslo"}'], (
        "the first call only"
    )
    named = run_loop(
        client, 2, tools=[WEATHER, PACK], tool_choice={"type": "function", "function": {"name": "pack_list"}}
    )
    assert {c.function.name for c in named[0].message.tool_calls} == {"pack_list"}, (
        "no scripted call of the named function: the stub's own decision calls it"
    )
    assert named[1].message.tool_calls[0].function.arguments == '{"days": 3}'
    none = run_loop(client, 1, tools=[WEATHER], tool_choice="none")[0]
    assert none.message.tool_calls is None and none.message.content == "Let me check both cities."
    bare = run_loop(client, 1)[0]
    assert bare.message.tool_calls is None and bare.message.content == "Let me check both cities."
    required = run_loop(client, 3, tools=[WEATHER, PACK], tool_choice="required")
    assert required[2].message.tool_calls == [], "an empty list is a provider's shape: any request may get it"


def test_a_reasoning_model_on_the_responses_api_gets_the_calls_after_its_reasoning(scripted, client):
    tools = [{"type": "function", **WEATHER["function"]}, {"type": "function", **PACK["function"]}]
    model = REASONING_MODELS[0]
    response = client.responses.create(model=model, input=QUESTION, tools=tools)
    kinds = [item.type for item in response.output]
    assert kinds[0] == "reasoning" and kinds[1:] == ["function_call", "function_call"], kinds
    for expected in (["reasoning", "function_call"], ["reasoning", "message"]):
        outputs = [
            {"type": "function_call_output", "call_id": i.call_id, "output": "{}"}
            for i in response.output
            if i.type == "function_call"
        ]
        response = client.responses.create(
            model=model, input=outputs, previous_response_id=response.id, tools=tools
        )
        assert [item.type for item in response.output] == expected
    assert response.output_text == "Both are cold: pack a coat."


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"steps": [{"finish_reason": "stop"}]}, "needs reply, refusal or tool_calls"),
        ({"steps": [{"reply": "a", "colour": "red"}]}, "unknown key"),
        ({"steps": [{"reply": "a", "finish_reason": "done"}]}, "finish_reason is one of"),
        ({"steps": [{"tool_calls": [{"arguments": {}}]}]}, "list of {name, arguments}"),
        ({"steps": {"reply": "a"}}, "steps is a list"),
    ],
)
def test_a_step_that_cannot_be_understood_says_why(rule, problem):
    with pytest.raises(ValueError, match=problem):
        parse_rules([{"when": {"contains": "x"}, **rule}], "test.yaml")


# --- no_usage and the text of a stream's error event --------------------------------------------------


def test_no_usage_answers_without_usage(stub, client):
    stub.add_fault(["no_usage", "no_usage", "ok"], plan_id="nu")
    headers = {"x-stub-fault-id": "nu"}
    raw = client.chat.completions.with_raw_response.create(
        model=MODEL, messages=[{"role": "user", "content": "hi"}], extra_headers=headers
    )
    assert "usage" not in json.loads(raw.text) and raw.parse().usage is None
    chunks = list(
        client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            stream_options={"include_usage": True},
            extra_headers=headers,
        )
    )
    assert all(c.usage is None for c in chunks) and all(c.choices for c in chunks), "no usage chunk"
    assert [e["extra"].get("usage") for e in stub.journal()] == [None, None]
    after = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "hi"}], extra_headers=headers
    )
    assert after.usage is not None, "the plan's steps are used up: usage again"


def test_a_stream_error_event_carries_the_plans_message(stub, client):
    stub.add_fault([{"stream": "error", "after": 3, "message": "the zq7 backend fell over"}], plan_id="se")
    events = list(
        client.responses.create(
            model=MODEL, input="hello", stream=True, extra_headers={"x-stub-fault-id": "se"}
        )
    )
    assert events[-1].type == "response.failed"
    assert events[-1].response.error.message == "the zq7 backend fell over"


@pytest.mark.parametrize(
    "step",
    [{"stream": "cut", "message": "x"}, {"stream": "error", "message": 3}, {"no_usage": "yes"}],
)
def test_bad_shape_steps_are_refused(step):
    with pytest.raises(PlanError):
        parse_step(step)


def test_no_usage_combines_with_other_steps():
    fault = parse_step({"no_usage": True, "delay": 0.01})
    assert fault is not None and fault.no_usage and fault.delay == 0.01
    assert parse_step({"no_usage": False}) is None
