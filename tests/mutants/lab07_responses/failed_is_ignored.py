"""Mistake: a response.failed event is skipped like any other event: half an answer passes for a whole one."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_collect_response_stream = (
    _solution.collect_response_stream
)  # the solution's own, captured before the driver rebinds the name


def collect_response_stream(events):
    events = [e for e in events if e.type != "response.failed"]
    try:
        return _original_collect_response_stream(events)
    except _solution.ResponseFailed:
        return _solution.ResponseStreamResult(
            text="".join(e.delta for e in events if e.type == "response.output_text.delta")
        )
