"""Recorded real traffic, replayed against the stub: the same requests must get answers of the same shape.

``data/recorded_responses.json`` holds a handful of exchanges recorded from the real Responses and Conversations
APIs (pydantic-ai's VCR cassettes, vercel/ai's fixtures; origin, commit and licence in the file). Each step is
sent to the stub as recorded (with the stub's ids in place of the recorded ones, and a model the stub serves of
the same kind), and the answer is compared with the recording: status, keys, JSON types, the values that are
not generated (``object``, ``type``, ``status``, ``role``, ``service_tier``, error ``param``/``code``/``message``),
the sequence of output items, and for streams the sequence of event types (a run of deltas counts once).
Generated text, ids, timestamps and token counts are ignored. Every body is also validated against the
OpenAPI description. Where the recording and the stub differ on purpose, the difference is listed below with
its reason; anything else fails with the path of the difference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

from .openapi import errors
from .served import served_model

DATA = json.loads((Path(__file__).parent / "data" / "recorded_responses.json").read_text())

# Keys a recording has that the stub does not send, and why.
RECORDED_ONLY = {
    "billing": "not in the SDK's Response type nor in the OpenAPI Response schema",
    "frequency_penalty": "not in the SDK's Response type nor in the OpenAPI Response schema",
    "presence_penalty": "not in the SDK's Response type nor in the OpenAPI Response schema",
    "prompt_cache_retention": "its value depends on the model's caching rules, which issue 22 owns",
    # (and the other way round: usage.input_tokens_details.cache_write_tokens, in STUB_ONLY)
    "user": "sent as null by the real API; the OpenAPI description types it as a string, so the stub omits it",
    "safety_identifier": "as 'user'",
    "prompt_cache_key": "as 'user'",
}
# Keys the stub sends that an older recording lacks, and why.
STUB_ONLY = {
    "completed_at": "added to the API after the 2025-12 recording (the SDK's Response and the 2026 recordings have it)",
    "moderation": "null in the 2026 recordings; the 2025-12 recording predates it",
    "name": "function_call_arguments.done: required by today's OpenAPI description, absent in the 2025-12 recording",
    "obfuscation": "the stub pads every delta event; a recording may carry it on some only",
    "cache_write_tokens": "usage: reported from the GPT-5.6 family on (a 2026-10 recording has it, the 2026-04 "
    "ones not); which models report it is issue 22's catalogue",
    "cache_write_tokens_details": "usage: the writes by lifetime (SDK response_usage.py), from the GPT-5.6 family on, "
    "as cache_write_tokens",
}
# Values compared exactly (the rest are generated: compared by JSON type only).
EXACT = {
    "object",
    "type",
    "status",
    "role",
    "service_tier",
    "param",
    "code",
    "deleted",
    "truncation",
    "store",
}
EVENT_SCHEMAS = {  # event type -> OpenAPI schema
    "response.created": "ResponseCreatedEvent",
    "response.in_progress": "ResponseInProgressEvent",
    "response.output_item.added": "ResponseOutputItemAddedEvent",
    "response.output_item.done": "ResponseOutputItemDoneEvent",
    "response.content_part.added": "ResponseContentPartAddedEvent",
    "response.content_part.done": "ResponseContentPartDoneEvent",
    "response.output_text.delta": "ResponseTextDeltaEvent",
    "response.output_text.done": "ResponseTextDoneEvent",
    "response.function_call_arguments.delta": "ResponseFunctionCallArgumentsDeltaEvent",
    "response.function_call_arguments.done": "ResponseFunctionCallArgumentsDoneEvent",
    "response.reasoning_summary_part.added": "ResponseReasoningSummaryPartAddedEvent",
    "response.reasoning_summary_part.done": "ResponseReasoningSummaryPartDoneEvent",
    "response.reasoning_summary_text.delta": "ResponseReasoningSummaryTextDeltaEvent",
    "response.reasoning_summary_text.done": "ResponseReasoningSummaryTextDoneEvent",
    "response.completed": "ResponseCompletedEvent",
}
BODY_SCHEMAS = {  # (method, path prefix) -> OpenAPI schema of a 200 body
    ("POST", "/conversations"): "ConversationResource",
    ("DELETE", "/conversations"): "DeletedConversationResource",
    ("POST", "/responses"): "Response",
}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


class Replay:
    """Compares one exchange, learning which stub id stands for which recorded id."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.problems: list[str] = []

    def compare(self, recorded: Any, got: Any, path: str) -> None:
        if isinstance(recorded, dict) and isinstance(got, dict):
            for key in recorded.keys() - got.keys():
                if key in RECORDED_ONLY or (key == "usage" and recorded[key] is None):
                    continue  # "usage": null while in progress; the OpenAPI schema has no null, the stub omits it
                self.problems.append(f"{path}.{key}: in the recording, missing from the stub")
            for key in got.keys() - recorded.keys():
                if key not in STUB_ONLY:
                    self.problems.append(f"{path}.{key}: sent by the stub, not in the recording")
            for key in recorded.keys() & got.keys():
                self.compare_value(key, recorded[key], got[key], f"{path}.{key}")
        elif isinstance(recorded, list) and isinstance(got, list):
            if path.endswith(".summary"):  # how many summary parts is the model's choice
                pairs = list(zip(recorded[:1], got[:1], strict=False))
                if bool(recorded) != bool(got):
                    self.problems.append(f"{path}: {len(recorded)} parts recorded, {len(got)} from the stub")
            else:
                if len(recorded) != len(got):
                    self.problems.append(
                        f"{path}: {len(recorded)} entries recorded, {len(got)} from the stub"
                    )
                pairs = list(zip(recorded, got, strict=False))
            for i, (r, g) in enumerate(pairs):
                self.compare(r, g, f"{path}[{i}]")
        elif _kind(recorded) != _kind(got):
            self.problems.append(f"{path}: {_kind(recorded)} recorded, {_kind(got)} from the stub")

    def compare_value(self, key: str, recorded: Any, got: Any, path: str) -> None:
        if key in ("id", "call_id", "item_id") and isinstance(recorded, str) and isinstance(got, str):
            self.ids.setdefault(recorded, got)
            return
        if key in EXACT and recorded != got:
            self.problems.append(f"{path}: {recorded!r} recorded, {got!r} from the stub")
            return
        self.compare(recorded, got, path)

    def substitute(self, value: Any, outputs: list[list[dict]]) -> Any:
        """A recorded request with the stub's ids, and ``{"$output_of_step": k}`` replaced by that output."""
        if isinstance(value, dict):
            if "$output_of_step" in value:
                return outputs[value["$output_of_step"]]
            return {k: self.substitute(v, outputs) for k, v in value.items()}
        if isinstance(value, list):
            out = []
            for v in value:
                v = self.substitute(v, outputs)
                out.extend(v if isinstance(v, list) and isinstance(value, list) and _spliced(v) else [v])
            return out
        if isinstance(value, str):
            for recorded, mine in self.ids.items():  # ids inside paths and messages too
                value = value.replace(recorded, mine)
            return value
        return value


def _spliced(value: list) -> bool:
    return bool(value) and all(isinstance(v, dict) and "type" in v and "id" in v for v in value)


def _events(text: str) -> list[dict]:
    out = []
    for block in text.split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data: "):
                out.append(json.loads(line[len("data: ") :]))
    return out


def _folded(events: list[dict]) -> list[dict]:
    """A run of delta events of one type counts once (how many tokens is the model's choice), and so does a
    reasoning summary's parts (how many parts is the model's choice too: one in this recording, several in
    vercel/ai's azure-gpt5-reasoning-multi-summary fixtures)."""
    out: list[dict] = []
    for event in events:
        if event.get("summary_index", 0) > 0:
            continue
        if out and event["type"].endswith(".delta") and out[-1]["type"] == event["type"]:
            continue
        out.append(event)
    return out


def _without_reasoning(events: list[dict]) -> list[dict]:
    """The events of a stream without its reasoning item (for a recording whose model did not reason)."""
    reasoning = {e["item"]["id"] for e in events if e.get("item", {}).get("type") == "reasoning"}
    kept = [
        e
        for e in events
        if e.get("item_id") not in reasoning and e.get("item", {}).get("id") not in reasoning
    ]
    for e in kept:
        if "output_index" in e:
            e["output_index"] -= len(reasoning)
        if "response" in e:
            e["response"]["output"] = [i for i in e["response"]["output"] if i["type"] != "reasoning"]
    return kept


@pytest.mark.parametrize("exchange", DATA["exchanges"], ids=[e["name"] for e in DATA["exchanges"]])
def test_a_recorded_exchange_gets_answers_of_the_same_shape(stub, exchange):
    replay = Replay()
    outputs: list[list[dict]] = []
    headers = {"Authorization": f"Bearer {stub.api_key}"}
    for n, step in enumerate(exchange["steps"]):
        body = replay.substitute(step.get("body"), outputs)
        if "kind" in step:
            body["model"] = served_model(stub, step["kind"])
        path = replay.substitute(step["path"], outputs)
        r = httpx2.request(
            step["method"],
            stub.base_url + path,
            json=body if step["method"] == "POST" else None,
            headers=headers,
            timeout=30,
        )
        where = f"{exchange['name']} / step {n} ({step['method']} {step['path']})"
        assert r.status_code == step["status"], f"{where}: {r.status_code} {r.text[:300]}"
        if "events" in step:
            got = _events(r.text)
            for event in got:
                assert errors(EVENT_SCHEMAS[event["type"]], event) == [], f"{where}: {event['type']}"
            recorded = _folded(step["events"])
            if not any(e.get("item", {}).get("type") == "reasoning" for e in recorded):
                got = _without_reasoning(got)  # the recording's model answered without reasoning first
            folded = _folded(got)
            assert [e["type"] for e in folded] == [e["type"] for e in recorded], where
            for k, (rec, mine) in enumerate(zip(recorded, folded, strict=True)):
                replay.compare(rec, mine, f"events[{k}]")
            outputs.append(got[-1]["response"]["output"])
        else:
            got = r.json()
            if r.status_code == 200:
                schema = next(
                    s for (m, p), s in BODY_SCHEMAS.items() if m == step["method"] and path.startswith(p)
                )
                assert errors(schema, got) == [], where
                outputs.append(got.get("output", []))
            else:
                assert errors("ErrorResponse", got) == [], where
                recorded_message = step["response"]["error"]["message"]
                assert got["error"]["message"] == replay.substitute(recorded_message, outputs), where
            replay.compare(step["response"], got, "body")
        assert replay.problems == [], f"{where}: the stub's answer differs from the recording:\n" + "\n".join(
            replay.problems
        )


def test_the_recordings_say_where_they_come_from_and_under_which_licence():
    for exchange in DATA["exchanges"]:
        owner = exchange["source"].split(" ")[0]
        assert owner in DATA["licenses"], f"{exchange['name']}: no licence recorded for {owner}"
        assert "commit" in exchange["source"], exchange["name"]
