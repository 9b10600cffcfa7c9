"""Mistake: taking a function call's arguments from its first delta only."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_collect_response_stream = (
    _solution.collect_response_stream
)  # the solution's own, captured before the driver rebinds the name


def collect_response_stream(events):
    events = list(events)
    result = _original_collect_response_stream(events)
    first: dict[int, str] = {}
    for e in events:
        if e.type == "response.function_call_arguments.delta":
            first.setdefault(e.output_index, e.delta)
    for call, index in zip(result.tool_calls, sorted(first), strict=False):
        call["arguments"] = first[index]
    return result
