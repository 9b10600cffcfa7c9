"""Per-family parameter rules (llm_stub/model_rules.py) through the SDK, each 400 checked against the real body.

Every body is also validated against the OpenAPI description's ErrorResponse. Inputs vary per run (a seeded
random source; the seed is in every assertion message).
"""

from __future__ import annotations

import json
import random

import openai
import pytest

from llm_stub.catalog import DEFAULT_MODELS

from .openapi import errors

REASONING = [m.id for m in DEFAULT_MODELS if m.is_reasoning]
CHAT = [m.id for m in DEFAULT_MODELS if not m.is_reasoning]
SEED = random.randrange(2**32)


@pytest.fixture
def rng() -> random.Random:
    return random.Random(SEED)


def hello(rng: random.Random) -> list[dict]:
    return [
        {"role": "user", "content": rng.choice(["hello", "What is a token?", "Name a river.", "hi there"])}
    ]


def bad_request(client, **kwargs) -> dict:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(**kwargs)
    err = caught.value
    assert err.status_code == 400
    body = err.response.json()
    assert errors("ErrorResponse", body) == [], body
    return body["error"]


def test_max_tokens_on_a_reasoning_model(client, rng):
    model = rng.choice(REASONING)
    e = bad_request(client, model=model, messages=hello(rng), max_tokens=rng.randint(1, 4000))
    assert e == {
        "message": "Unsupported parameter: 'max_tokens' is not supported with this model. "
        "Use 'max_completion_tokens' instead.",
        "type": "invalid_request_error",
        "param": "max_tokens",
        "code": "unsupported_parameter",
    }, f"seed={SEED} model={model}"


def test_max_completion_tokens_is_accepted_by_every_model(client, rng):
    for model in REASONING + CHAT:
        r = client.chat.completions.create(model=model, messages=hello(rng), max_completion_tokens=4000)
        assert r.choices[0].finish_reason in ("stop", "length"), f"seed={SEED} model={model}"


def test_non_default_temperature_on_a_reasoning_model(client, rng):
    model = rng.choice(REASONING)
    value = rng.choice([0, 0.0, 0.2, 0.7, 1.5, 2])
    e = bad_request(client, model=model, messages=hello(rng), temperature=value)
    assert e == {
        "message": f"Unsupported value: 'temperature' does not support {json.dumps(value)} with this model. "
        "Only the default (1) value is supported.",
        "type": "invalid_request_error",
        "param": "temperature",
        "code": "unsupported_value",
    }, f"seed={SEED} model={model} temperature={value}"


def test_default_temperature_and_top_p_are_accepted_on_a_reasoning_model(client, rng):
    model = rng.choice(REASONING)
    r = client.chat.completions.create(model=model, messages=hello(rng), temperature=1, top_p=1)
    assert r.choices[0].message.content is not None, f"seed={SEED} model={model}"


def test_non_default_top_p_on_a_reasoning_model(client, rng):
    model = rng.choice(REASONING)
    e = bad_request(client, model=model, messages=hello(rng), top_p=rng.choice([0.1, 0.5, 0.9]))
    assert e == {
        "message": "Unsupported parameter: 'top_p' is not supported with this model.",
        "type": "invalid_request_error",
        "param": "top_p",
        "code": "unsupported_parameter",
    }, f"seed={SEED} model={model}"


def test_stop_on_a_reasoning_model(client, rng):
    model = rng.choice(REASONING)
    stop = rng.choice(["\n", ["END"], ["a", "b"]])
    e = bad_request(client, model=model, messages=hello(rng), stop=stop)
    assert e == {
        "message": "Unsupported parameter: 'stop' is not supported with this model.",
        "type": "invalid_request_error",
        "param": "stop",
        "code": "unsupported_parameter",
    }, f"seed={SEED} model={model}"


def test_stop_still_works_on_chat_models(client, rng):
    model = rng.choice(CHAT)
    r = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Name a river."}], stop=["zzzz"]
    )
    assert r.choices[0].finish_reason == "stop", f"seed={SEED} model={model}"


def test_reasoning_effort_on_a_chat_model(client, rng):
    model = rng.choice(CHAT)
    effort = rng.choice(["low", "medium", "high", "minimal"])
    e = bad_request(client, model=model, messages=hello(rng), reasoning_effort=effort)
    assert e == {
        "message": "Unrecognized request argument supplied: reasoning_effort",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }, f"seed={SEED} model={model}"


def test_reasoning_effort_values_per_model(client, rng):
    model = rng.choice(REASONING)
    info = next(m for m in DEFAULT_MODELS if m.id == model)
    for effort in info.efforts:
        r = client.chat.completions.create(model=model, messages=hello(rng), reasoning_effort=effort)
        assert r.usage.completion_tokens_details is not None, f"seed={SEED} model={model} effort={effort}"
    outside = rng.choice([e for e in ("none", "minimal", "xhigh", "max") if e not in info.efforts])
    e = bad_request(client, model=model, messages=hello(rng), reasoning_effort=outside)
    quoted = [f"'{v}'" for v in info.efforts]
    listed = ", ".join(quoted[:-1]) + f", and {quoted[-1]}"
    assert e == {
        "message": f"Unsupported value: 'reasoning_effort' does not support '{outside}' with this model. "
        f"Supported values are: {listed}.",
        "type": "invalid_request_error",
        "param": "reasoning_effort",
        "code": "unsupported_value",
    }, f"seed={SEED} model={model}"


def test_system_is_accepted_and_read_as_developer_on_reasoning_models(client, rng):
    model = rng.choice(REASONING)
    instruction = rng.choice(["Answer in one word.", "Be brief.", "You are a helpful assistant."])
    replies = {}
    for role in ("system", "developer"):
        r = client.chat.completions.create(
            model=model, messages=[{"role": role, "content": instruction}, *hello(random.Random(SEED))]
        )
        replies[role] = r
    # the same instructions under either role: the same answer and the same bill
    assert replies["system"].choices[0].message.content == replies["developer"].choices[0].message.content, (
        f"seed={SEED} model={model}"
    )
    assert replies["system"].usage.prompt_tokens == replies["developer"].usage.prompt_tokens


def test_prompt_cache_key_must_be_a_string(client, rng):
    model = rng.choice(REASONING + CHAT)
    value = rng.choice([1, 2.5, True, ["k"], {"k": 1}])
    e = bad_request(client, model=model, messages=hello(rng), prompt_cache_key=value)
    assert e["param"] == "prompt_cache_key" and e["code"] == "invalid_type", f"seed={SEED}"
    r = client.chat.completions.create(model=model, messages=hello(rng), prompt_cache_key="user-42")
    assert r.usage.prompt_tokens_details.cached_tokens == 0
