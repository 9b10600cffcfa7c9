"""Mistake: leaving the system message in input as well as copying it into instructions."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_to_responses_request = (
    _solution.to_responses_request
)  # the solution's own, captured before the driver rebinds the name


def to_responses_request(messages, tools=None):
    out = _original_to_responses_request(messages, tools)
    kept = [
        {"role": m["role"], "content": m["content"]} for m in messages if m["role"] in ("system", "developer")
    ]
    return {**out, "input": kept + out["input"]}
