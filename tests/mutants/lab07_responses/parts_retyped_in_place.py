"""Mistake: to_responses_request re-types the text parts in place, on the caller's own dicts ("text" becomes "input_text" in the caller's history too)."""

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import to_responses_request as _convert


def to_responses_request(messages, tools=None):
    for m in messages:
        if isinstance(m.get("content"), list):
            kind = "output_text" if m["role"] == "assistant" else "input_text"
            for part in m["content"]:
                part["type"] = kind
    out = _convert(messages, tools)
    for item in out["input"]:
        for part in item.get("content") if isinstance(item.get("content"), list) else []:
            part["type"] = "output_text" if item.get("role") == "assistant" else "input_text"
    return out
