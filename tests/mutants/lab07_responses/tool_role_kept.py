"""Mistake: keeping tool results as {"role": "tool"} messages instead of function_call_output items."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_to_responses_request = (
    _solution.to_responses_request
)  # the solution's own, captured before the driver rebinds the name


def to_responses_request(messages, tools=None):
    out = _original_to_responses_request(messages, tools)
    items = [
        {"role": "tool", "content": i["output"]} if i.get("type") == "function_call_output" else i
        for i in out["input"]
    ]
    return {**out, "input": items}
