"""Mistake: only the first system message becomes the instructions; a later developer message is lost."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_to_responses_request = (
    _solution.to_responses_request
)  # the solution's own, captured before the driver rebinds the name


def to_responses_request(messages, tools=None):
    out = _original_to_responses_request(messages, tools)
    first = next((m["content"] for m in messages if m["role"] in ("system", "developer")), None)
    return {**out, "instructions": first}
