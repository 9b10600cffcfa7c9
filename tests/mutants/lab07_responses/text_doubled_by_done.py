"""Mistake: adding the response.output_text.done text on top of the deltas (the reply appears twice)."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_collect_response_stream = (
    _solution.collect_response_stream
)  # the solution's own, captured before the driver rebinds the name


def collect_response_stream(events):
    events = list(events)
    result = _original_collect_response_stream(events)
    result.text += "".join(e.text for e in events if e.type == "response.output_text.done")
    return result
