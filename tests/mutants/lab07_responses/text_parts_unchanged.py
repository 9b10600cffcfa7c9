"""Mistake: passing Chat Completions' {"type": "text"} content parts unchanged (the Responses API wants input_text)."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_to_responses_request = _solution.to_responses_request  # captured before the driver rebinds the name


def to_responses_request(messages, tools=None):
    out = _original_to_responses_request(messages, tools)
    originals = iter(
        m for m in messages if m["role"] not in ("system", "developer", "tool") and not m.get("tool_calls")
    )
    items = []
    for item in out["input"]:
        if "role" in item and isinstance(item["content"], list):
            item = {**item, "content": next(originals)["content"]}
        elif "role" in item:
            next(originals)
        items.append(item)
    return {**out, "input": items}
