"""Mistake: never reading the final response's usage."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_collect_response_stream = (
    _solution.collect_response_stream
)  # the solution's own, captured before the driver rebinds the name


def collect_response_stream(events):
    result = _original_collect_response_stream(events)
    result.usage = None
    return result
