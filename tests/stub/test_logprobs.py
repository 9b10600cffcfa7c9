"""Token log probabilities on both endpoints, consistent with the reply's own text and tokens.

Chat Completions: ``logprobs: true`` (and ``top_logprobs``); the Responses API: ``include:
["message.output_text.logprobs"]`` (and ``top_logprobs``). Shapes and evidence: ``llm_stub/logprobs.py``. Each
clause has its own test; bodies and chunks/events are validated against the OpenAPI schemas; the prompt and the
number of alternatives are drawn per run (seed printed with any failure).
"""

from __future__ import annotations

import json
import math
import random

from llm_stub.tokenizer import token_ids

from .openapi import errors
from .served import served_model
from .test_responses import CITIES, NAMES, _events, _post, _seeded

PROMPTS = [
    "In one sentence, what is a large language model?",
    "Say hello to {name} from {city}.",
    "What is the capital of France?",
    "Give me one tip for learning Python, {name}.",
]


def _prompt(rng: random.Random) -> str:
    return rng.choice(PROMPTS).format(name=rng.choice(NAMES), city=rng.choice(CITIES))


def _chat(stub, body: dict):
    import httpx2

    return httpx2.post(
        stub.base_url + "/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {stub.api_key}"},
        timeout=30,
    )


def _check_entries(entries: list[dict], text: str, top: int, encoding: str, with_bytes: bool = True) -> None:
    """The clauses every list of token entries keeps (see llm_stub/logprobs.py)."""
    assert "".join(e["token"] for e in entries) == text, _seeded("the tokens join into the text")
    assert len(entries) == len(token_ids(text, encoding)), _seeded("one entry per token of the reply")
    for e in entries:
        assert e["logprob"] <= 0
        if with_bytes:
            assert bytes(e["bytes"]) == e["token"].encode()
        assert len(e["top_logprobs"]) == top, _seeded(f"{top} alternatives asked for")
        if top:
            assert (
                e["top_logprobs"][0]["token"] == e["token"]
                and e["top_logprobs"][0]["logprob"] == e["logprob"]
            )
            values = [t["logprob"] for t in e["top_logprobs"]]
            assert values == sorted(values, reverse=True), "alternatives in descending order"
            assert len({t["token"] for t in e["top_logprobs"]}) == top, "each alternative is another token"
            assert sum(math.exp(v) for v in values) <= 1 + 1e-9, (
                "probabilities at one position sum to at most 1"
            )


def _encoding(stub, model: str) -> str:
    return stub.state.config.model(model).encoding


def test_chat_completions_logprobs_describe_the_reply(stub, rng):
    model, top = served_model(stub, "chat"), rng.randint(0, 20)
    r = _chat(
        stub,
        {
            "model": model,
            "messages": [{"role": "user", "content": _prompt(rng)}],
            "logprobs": True,
            "top_logprobs": top,
        },
    )
    body = r.json()
    assert errors("CreateChatCompletionResponse", body) == []
    choice = body["choices"][0]
    assert choice["logprobs"]["refusal"] is None
    _check_entries(choice["logprobs"]["content"], choice["message"]["content"], top, _encoding(stub, model))
    assert len(choice["logprobs"]["content"]) == body["usage"]["completion_tokens"]


def test_chat_completions_without_logprobs_says_null(stub, rng):
    body = _chat(
        stub, {"model": served_model(stub, "chat"), "messages": [{"role": "user", "content": _prompt(rng)}]}
    ).json()
    assert body["choices"][0]["logprobs"] is None


def test_the_same_request_gets_the_same_logprobs_whatever_the_number_of_alternatives(stub, rng):
    model, prompt = served_model(stub, "chat"), _prompt(rng)
    request = {"model": model, "messages": [{"role": "user", "content": prompt}], "logprobs": True}
    a = _chat(stub, {**request, "top_logprobs": 0}).json()["choices"][0]["logprobs"]["content"]
    b = _chat(stub, {**request, "top_logprobs": rng.randint(1, 20)}).json()["choices"][0]["logprobs"][
        "content"
    ]
    assert [e["logprob"] for e in a] == [e["logprob"] for e in b]


def test_chat_completions_streams_each_chunks_own_tokens(stub, rng):
    model, prompt, top = served_model(stub, "chat"), _prompt(rng), rng.randint(0, 5)
    request = {
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
        "logprobs": True,
        "top_logprobs": top,
    }
    whole = _chat(stub, request).json()["choices"][0]["logprobs"]["content"]
    text = _chat(stub, {**request, "stream": True}).text
    chunks = [json.loads(line[6:]) for line in text.split("\n") if line.startswith("data: {")]
    for chunk in chunks:
        assert errors("CreateChatCompletionStreamResponse", chunk) == []
    first, *rest = [c["choices"][0] for c in chunks]
    assert first["delta"]["role"] == "assistant" and first["logprobs"] == {"content": [], "refusal": None}
    streamed = []
    for choice in rest:
        if choice["finish_reason"] is not None:
            assert choice["logprobs"] is None
            continue
        entries = choice["logprobs"]["content"]
        assert "".join(e["token"] for e in entries) == choice["delta"]["content"]
        streamed += entries
    assert streamed == whole, "a stream reports what the same request reports whole"


def test_responses_include_logprobs_in_the_text_part_and_the_events(stub, rng):
    model, top, prompt = served_model(stub, "chat"), rng.randint(0, 20), _prompt(rng)
    body = {"model": model, "input": prompt, "include": ["message.output_text.logprobs"], "top_logprobs": top}
    r = _post(stub, body).json()
    assert errors("Response", r) == []
    part = r["output"][0]["content"][0]
    _check_entries(part["logprobs"], part["text"], top, _encoding(stub, model))
    assert r["top_logprobs"] == top
    events = [d for _, d in _events(_post(stub, {**body, "stream": True}).text)]
    deltas = [e for e in events if e["type"] == "response.output_text.delta"]
    for e in deltas:
        assert errors("ResponseTextDeltaEvent", e) == []
        assert "".join(lp["token"] for lp in e["logprobs"]) == e["delta"]
        assert all("bytes" not in lp for lp in e["logprobs"]), (
            "stream events carry ResponseLogProb (no bytes)"
        )
    done = next(e for e in events if e["type"] == "response.output_text.done")
    assert errors("ResponseTextDoneEvent", done) == []
    assert [lp["logprob"] for lp in done["logprobs"]] == [lp["logprob"] for lp in part["logprobs"]]
    _check_entries(done["logprobs"], part["text"], top, _encoding(stub, model), with_bytes=False)


def test_responses_without_the_include_have_empty_logprobs(stub, rng):
    r = _post(stub, {"model": served_model(stub, "chat"), "input": _prompt(rng), "stream": True})
    events = [d for _, d in _events(r.text)]
    assert all(e["logprobs"] == [] for e in events if e["type"].startswith("response.output_text."))
    assert events[-1]["response"]["output"][0]["content"][0]["logprobs"] == []


def test_responses_service_tier_is_what_ran(stub, rng):
    model = served_model(stub, "chat")
    requested = rng.choice(["flex", "priority", "fast", "default", "auto", None])
    expected = {"flex": "flex", "priority": "priority", "fast": "priority"}.get(requested, "default")
    body = {"model": model, "input": "Hi", **({"service_tier": requested} if requested else {})}
    assert _post(stub, body).json()["service_tier"] == expected, _seeded(str(requested))
    events = [d for _, d in _events(_post(stub, {**body, "stream": True}).text)]
    assert events[0]["response"]["service_tier"] == (requested or "auto"), "as requested while in progress"
    assert events[-1]["response"]["service_tier"] == expected
    bad = _post(stub, {**body, "service_tier": "turbo"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "service_tier"
    assert json.loads(bad.text)["error"]["code"] == "invalid_value"


def test_responses_stream_deltas_are_padded_unless_asked_not_to(stub, rng):
    """``obfuscation`` on delta events, "included by default" (the SDK's ``StreamOptions`` docstring; recorded
    streams carry it), and left out with ``stream_options.include_obfuscation: false``."""
    body = {"model": served_model(stub, "chat"), "input": _prompt(rng), "stream": True}
    padded = [d for _, d in _events(_post(stub, body).text) if d["type"].endswith(".delta")]
    assert padded and all(isinstance(d["obfuscation"], str) and d["obfuscation"] for d in padded)
    plain = _events(_post(stub, {**body, "stream_options": {"include_obfuscation": False}}).text)
    assert not any("obfuscation" in d for _, d in plain)
