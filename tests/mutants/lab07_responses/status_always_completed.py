"""Mistake: reporting every finished stream as "completed", even one cut short by max_output_tokens."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_collect_response_stream = (
    _solution.collect_response_stream
)  # the solution's own, captured before the driver rebinds the name


def collect_response_stream(events):
    result = _original_collect_response_stream(events)
    result.status = "completed"
    return result
