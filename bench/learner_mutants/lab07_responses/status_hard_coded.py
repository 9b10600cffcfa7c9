"""hard-coded: collect_response_stream sets ``status = "completed"`` at any terminal event.

Breaks: "``usage`` and ``status``: from the ``response`` of the terminal event ... (status "incomplete":
``max_output_tokens`` cut it)."
"""

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import collect_response_stream as _collect_response_stream


def collect_response_stream(events):
    result = _collect_response_stream(events)
    result.status = "completed"
    return result
