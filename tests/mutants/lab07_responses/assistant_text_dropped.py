"""Mistake: dropping an assistant message's text when it also has tool calls."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_to_responses_request = (
    _solution.to_responses_request
)  # the solution's own, captured before the driver rebinds the name


def to_responses_request(messages, tools=None):
    stripped = [{**m, "content": None} if m.get("tool_calls") else m for m in messages]
    return _original_to_responses_request(stripped, tools)
