"""Mistake: ResponseFailed carries the text the stub's injected fault happens to use, not the failed response's error.message."""

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import ResponseFailed
from solutions.lab07_responses import collect_response_stream as _collect


def collect_response_stream(events):
    events = list(events)
    if any(e.type == "response.failed" for e in events):
        raise ResponseFailed(
            "the response failed: The server had an error while processing your request. Sorry about that!"
        )
    return _collect(events)
