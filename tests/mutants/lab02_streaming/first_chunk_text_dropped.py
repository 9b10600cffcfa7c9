"""Mistake: collect_stream skips the first chunk, assuming it only carries the role, so a provider that puts
text in the first chunk loses it."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import collect_stream as _collect_stream


def collect_stream(stream):
    chunks = iter(stream)
    next(chunks, None)
    return _collect_stream(chunks)
