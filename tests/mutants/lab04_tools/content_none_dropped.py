"""Mistake: assistant_to_dict leaves out "content" when it is None (the assistant message of a tool call must keep content: None)."""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import assistant_to_dict as _to_dict


def assistant_to_dict(message):
    out = _to_dict(message)
    if out.get("content") is None:
        del out["content"]
    return out
