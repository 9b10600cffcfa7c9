"""Mistake: passing the Chat Completions tools unchanged (nested under "function") instead of flattening them."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_to_responses_request = (
    _solution.to_responses_request
)  # the solution's own, captured before the driver rebinds the name


def to_responses_request(messages, tools=None):
    out = _original_to_responses_request(messages, tools)
    return {**out, "tools": list(tools or [])}
