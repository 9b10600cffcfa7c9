"""Every kind of body the stub produces validates against the official OpenAPI schemas.

Responses, stream chunks and error bodies are gathered from real HTTP exchanges
(raw bytes, not the SDK's parsed objects, which would hide extra or missing fields).
"""

from __future__ import annotations

import json

import httpx2
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from .models import PLAIN, SMALL_WINDOW, small_window
from .openapi import errors

USER = {"role": "user", "content": "In one sentence, what is a large language model?"}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}

COMPLETIONS = {
    "plain": {"messages": [USER]},
    "truncated": {"messages": [USER], "max_completion_tokens": 3},
    "n=2 with stop": {"messages": [USER], "n": 2, "stop": ["."]},
    "json_object": {
        "messages": [{"role": "user", "content": "Reply in JSON: name a colour."}],
        "response_format": {"type": "json_object"},
    },
    "json_schema": {
        "messages": [USER],
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "answer",
                "strict": True,
                "schema": {
                    "type": "object",
                    "properties": {"answer": {"type": "string"}},
                    "required": ["answer"],
                    "additionalProperties": False,
                },
            },
        },
    },
    "tools": {
        "messages": [{"role": "user", "content": "What's the weather in Paris?"}],
        "tools": [WEATHER_TOOL],
        "tool_choice": "required",
    },
    "parallel tools": {
        "messages": [{"role": "user", "content": "What's the weather in Paris and in Oslo?"}],
        "tools": [WEATHER_TOOL],
    },
    "named tool": {
        "messages": [{"role": "user", "content": "What's the weather in Paris?"}],
        "tools": [WEATHER_TOOL],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
    },
    "n=2 tools": {
        "messages": [{"role": "user", "content": "What's the weather in Paris and in Oslo?"}],
        "tools": [WEATHER_TOOL],
        "n": 2,
    },
    "non-ASCII": {"messages": [{"role": "user", "content": "Ich heiße Zoë. Wie heiße ich? 日本語"}]},
    "priority tier": {"messages": [USER], "service_tier": "priority"},
}

ERRORS = {
    "401": ({"Authorization": "Bearer sk-nope"}, {"model": PLAIN, "messages": [USER]}),
    "404 model": (None, {"model": "gpt-nope", "messages": [USER]}),
    "400 missing": (None, {"model": PLAIN}),
    "400 type": (None, {"model": PLAIN, "messages": [USER], "n": "two"}),
    "400 context": (
        None,
        {"model": SMALL_WINDOW, "messages": [{"role": "user", "content": "word " * 17000}]},
    ),
}


def _post(stub, body, headers=None):
    h = {"Authorization": f"Bearer {stub.api_key}", **(headers or {})}
    return httpx2.post(stub.base_url + "/chat/completions", json=body, headers=h, timeout=30)


def _sse_payloads(text: str) -> list[str]:
    return [line[len("data: ") :] for line in text.split("\n") if line.startswith("data: ")]


@pytest.mark.parametrize("case", sorted(COMPLETIONS))
def test_completion_matches_CreateChatCompletionResponse(stub, case):
    r = _post(stub, {"model": PLAIN, **COMPLETIONS[case]})
    assert r.status_code == 200, r.text
    assert errors("CreateChatCompletionResponse", r.json()) == []


@pytest.mark.parametrize("case", sorted(COMPLETIONS))
@pytest.mark.parametrize("include_usage", [False, True])
def test_stream_chunks_match_CreateChatCompletionStreamResponse(stub, case, include_usage):
    body = {"model": PLAIN, **COMPLETIONS[case], "stream": True}
    if include_usage:
        body["stream_options"] = {"include_usage": True}
    r = _post(stub, body)
    assert r.status_code == 200, r.text
    payloads = _sse_payloads(r.text)
    assert payloads[-1] == "[DONE]"
    for payload in payloads[:-1]:
        data = json.loads(payload)
        assert errors("CreateChatCompletionStreamResponse", data) == []
        # and the SDK's own type reads every key the chunk has, and nothing else (rendering does not go
        # through pydantic, so this is what keeps the shape honest)
        assert ChatCompletionChunk.model_validate(data).to_dict(mode="json", exclude_unset=True) == data


@pytest.mark.parametrize("case", sorted(COMPLETIONS))
def test_completion_is_exactly_an_sdk_ChatCompletion(stub, case):
    data = _post(stub, {"model": PLAIN, **COMPLETIONS[case]}).json()
    assert ChatCompletion.model_validate(data).to_dict(mode="json", exclude_unset=True) == data


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_bodies_match_ErrorResponse(stub, case):
    small_window(stub)
    headers, body = ERRORS[case]
    r = _post(stub, body, headers)
    assert r.status_code >= 400
    assert errors("ErrorResponse", r.json()) == []


def test_models_match_ListModelsResponse_and_Model(stub):
    auth = {"Authorization": f"Bearer {stub.api_key}"}
    listing = httpx2.get(stub.base_url + "/models", headers=auth).json()
    assert errors("ListModelsResponse", listing) == []
    one = httpx2.get(stub.base_url + f"/models/{PLAIN}", headers=auth).json()
    assert errors("Model", one) == []


def test_the_validator_catches_a_wrong_shape():
    assert errors("CreateChatCompletionResponse", {"id": 1, "choices": "x"}) != []
