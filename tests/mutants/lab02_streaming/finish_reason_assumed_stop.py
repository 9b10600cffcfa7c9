"""Mistake: assuming every reply ends with "stop"; a reply cut by max_tokens ends with "length"."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import collect_stream as _collect


def collect_stream(stream):
    result = _collect(stream)
    result.finish_reasons = ["stop" for _ in result.texts]
    return result
