"""Mistake: collect_response_stream takes a call's arguments only from the arguments.done event; a stream that sends only the deltas leaves them empty."""

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import collect_response_stream as _collect


def collect_response_stream(events):
    events = [e for e in events if e.type != "response.function_call_arguments.delta"]
    return _collect(events)
