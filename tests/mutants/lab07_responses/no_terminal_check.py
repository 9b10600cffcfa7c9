"""Mistake: returning whatever arrived when the stream ends without response.completed."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_collect_response_stream = (
    _solution.collect_response_stream
)  # the solution's own, captured before the driver rebinds the name


def collect_response_stream(events):
    events = list(events)
    try:
        return _original_collect_response_stream(events)
    except _solution.ResponseFailed:
        if any(e.type == "response.failed" for e in events):
            raise
        return _solution.ResponseStreamResult(
            text="".join(e.delta for e in events if e.type == "response.output_text.delta")
        )
