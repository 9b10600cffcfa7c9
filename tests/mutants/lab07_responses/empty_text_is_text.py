"""Mistake: an assistant message with tool_calls and content "" still gets a message item (only None is treated as no text)."""

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import _content


def to_responses_request(messages, tools=None):
    instructions = [m["content"] for m in messages if m["role"] in ("system", "developer")]
    items = []
    for m in messages:
        role = m["role"]
        if role in ("system", "developer"):
            continue
        if role == "tool":
            items.append(
                {"type": "function_call_output", "call_id": m["tool_call_id"], "output": m["content"]}
            )
            continue
        calls = m.get("tool_calls") or []
        if not calls or m.get("content") is not None:
            items.append({"role": role, "content": _content(m.get("content"), role)})
        for call in calls:
            items.append(
                {
                    "type": "function_call",
                    "call_id": call["id"],
                    "name": call["function"]["name"],
                    "arguments": call["function"]["arguments"],
                }
            )
    flat = [{"type": "function", **dict(tool["function"])} for tool in tools or []]
    return {
        "instructions": "\n\n".join(instructions) if instructions else None,
        "input": items,
        "tools": flat,
    }
