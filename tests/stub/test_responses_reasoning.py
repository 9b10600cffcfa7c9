"""Reasoning items of the Responses API: summaries (``reasoning.summary``) and their stream events, and the
opaque ``encrypted_content`` (``include: ["reasoning.encrypted_content"]``) handed back in ``input``.
Evidence: ``llm_stub/responses_reasoning.py``. Bodies and events are validated against the OpenAPI schemas.
"""

from __future__ import annotations

import json

import pytest

from llm_stub.responses_reasoning import Sealer

from .openapi import errors
from .served import served_model
from .test_responses import CITIES, EVENT_SCHEMAS, WEATHER_TOOL, _events, _post, _seeded

EVENT_SCHEMAS = {
    **EVENT_SCHEMAS,
    "response.reasoning_summary_part.added": "ResponseReasoningSummaryPartAddedEvent",
    "response.reasoning_summary_part.done": "ResponseReasoningSummaryPartDoneEvent",
    "response.reasoning_summary_text.delta": "ResponseReasoningSummaryTextDeltaEvent",
    "response.reasoning_summary_text.done": "ResponseReasoningSummaryTextDoneEvent",
}
QUESTIONS = [
    "Is 91 a prime number?",
    "Why is the sky blue, in one sentence?",
    "Which is heavier, a kilo of feathers or a kilo of iron?",
    "What is the capital of Australia?",
]


@pytest.fixture
def thinker(stub) -> str:
    return served_model(stub, "reasoning")


def _reasoning(body: dict) -> dict:
    return next(i for i in body["output"] if i["type"] == "reasoning")


@pytest.mark.parametrize("detail,parts", [("concise", 1), ("detailed", 2), ("auto", 2)])
def test_a_summary_is_asked_for_and_given_in_parts(stub, thinker, rng, detail, parts):
    question = rng.choice(QUESTIONS)
    r = _post(stub, {"model": thinker, "input": question, "reasoning": {"summary": detail}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert errors("Response", body) == []
    assert body["reasoning"]["summary"] == detail
    summary = _reasoning(body)["summary"]
    assert [p["type"] for p in summary] == ["summary_text"] * parts
    assert summary[0]["text"].startswith("**") and "\n\n" in summary[0]["text"], "a title, then the text"
    assert question.split()[0] in summary[0]["text"], _seeded("the summary says what was asked")


def test_no_summary_unless_asked(stub, thinker):
    body = _post(stub, {"model": thinker, "input": "Is 91 a prime number?"}).json()
    assert _reasoning(body)["summary"] == [] and "encrypted_content" not in _reasoning(body)


def test_a_summary_of_a_tool_call_names_the_tool_and_its_arguments(stub, thinker, rng):
    city = rng.choice(CITIES)
    body = _post(
        stub,
        {
            "model": thinker,
            "input": f"What's the weather in {city}?",
            "tools": [WEATHER_TOOL],
            "reasoning": {"summary": "concise"},
        },
    ).json()
    text = _reasoning(body)["summary"][0]["text"]
    assert "get_weather" in text and city in text, _seeded(text)


def test_an_unknown_summary_value_is_refused(stub, thinker, rng):
    value = rng.choice(["short", "full", "none", "brief"])
    r = _post(stub, {"model": thinker, "input": "Hi", "reasoning": {"summary": value}})
    assert r.status_code == 400 and errors("ErrorResponse", r.json()) == []
    assert r.json()["error"] == {
        "message": f"Invalid value: '{value}'. Supported values are: 'concise', 'detailed', and 'auto'.",
        "type": "invalid_request_error",
        "param": "reasoning.summary",
        "code": "invalid_value",
    }


def test_summary_stream_events_come_between_the_items_added_and_done(stub, thinker, rng):
    r = _post(
        stub,
        {
            "model": thinker,
            "input": rng.choice(QUESTIONS),
            "reasoning": {"summary": "detailed"},
            "stream": True,
        },
    )
    events = [data for _, data in _events(r.text)]
    for event in events:
        assert errors(EVENT_SCHEMAS[event["type"]], event) == [], event["type"]
    final = events[-1]["response"]
    summary = _reasoning(final)["summary"]
    kinds = [e["type"] for e in events]
    start = kinds.index("response.output_item.added")
    end = kinds.index("response.output_item.done")
    inside = events[start + 1 : end]
    for i, part in enumerate(summary):
        mine = [e for e in inside if e["summary_index"] == i]
        assert mine[0]["type"] == "response.reasoning_summary_part.added" and mine[0]["part"]["text"] == ""
        deltas = [e["delta"] for e in mine if e["type"] == "response.reasoning_summary_text.delta"]
        assert "".join(deltas) == part["text"]
        assert [e["type"] for e in mine[-2:]] == [
            "response.reasoning_summary_text.done",
            "response.reasoning_summary_part.done",
        ]
        assert mine[-2]["text"] == mine[-1]["part"]["text"] == part["text"]
        assert all("obfuscation" in e for e in mine if e["type"].endswith(".delta"))
    assert len(inside) == sum(
        len([e for e in inside if e["summary_index"] == i]) for i in range(len(summary))
    )


def test_encrypted_content_is_opaque_and_comes_back(stub, thinker, rng):
    question = rng.choice(QUESTIONS)
    body = {"model": thinker, "input": question, "include": ["reasoning.encrypted_content"], "store": False}
    first = _post(stub, body).json()
    assert errors("Response", first) == []
    sealed = _reasoning(first)["encrypted_content"]
    assert sealed.startswith("gAAAAA"), "a Fernet-like token, as the real ones are"
    assert question not in sealed and "reasoning" not in sealed
    items = [
        {"role": "user", "content": question},
        *first["output"],
        {"role": "user", "content": "Thanks! Why?"},
    ]
    again = _post(stub, {**body, "input": items})
    assert again.status_code == 200, again.text
    assert _reasoning(again.json())["encrypted_content"] != sealed


def test_streamed_encrypted_content_is_final_in_output_item_done(stub, thinker):
    r = _post(
        stub,
        {
            "model": thinker,
            "input": "Is 91 a prime number?",
            "include": ["reasoning.encrypted_content"],
            "stream": True,
        },
    )
    events = [data for _, data in _events(r.text)]
    added = next(e for e in events if e["type"] == "response.output_item.added")["item"]
    done = next(e for e in events if e["type"] == "response.output_item.done")["item"]
    assert added["encrypted_content"] and done["encrypted_content"]
    assert done["encrypted_content"] == _reasoning(events[-1]["response"])["encrypted_content"]


def test_encrypted_content_the_stub_did_not_issue_is_refused(stub, thinker, rng):
    first = _post(
        stub, {"model": thinker, "input": "Is 91 a prime number?", "include": ["reasoning.encrypted_content"]}
    ).json()
    item = dict(_reasoning(first))
    token = item["encrypted_content"]
    k = rng.randrange(10, len(token) - 10)
    forged = rng.choice(
        [
            token[:k] + ("A" if token[k] != "A" else "B") + token[k + 1 :],  # one character changed
            Sealer().seal({"model": thinker}),  # issued by another stub
            "not-a-token",
        ]
    )
    item["encrypted_content"] = forged
    del item["id"]
    r = _post(
        stub,
        {"model": thinker, "input": [{"role": "user", "content": "Is 91 prime?"}, item, first["output"][-1]]},
    )
    assert r.status_code == 400 and errors("ErrorResponse", r.json()) == []
    error = r.json()["error"]
    shown = f"{forged[:4]}...{forged[-4:]}"
    assert error["message"] == f"The encrypted content {shown} could not be verified.", _seeded(forged)
    assert (error["param"], error["code"]) == (None, "invalid_encrypted_content")


def test_a_sealer_opens_what_it_sealed_and_nothing_else(rng):
    sealer = Sealer()
    payload = {"model": "m", "reasoning_tokens": rng.randint(0, 5000), "summary": [rng.choice(QUESTIONS)]}
    assert sealer.open(sealer.seal(payload)) == payload
    assert json.dumps(payload) not in sealer.seal(payload)
    with pytest.raises(Exception) as info:
        Sealer().open(sealer.seal(payload))
    assert getattr(info.value, "code", None) == "invalid_encrypted_content"
