"""Mistake: ignoring choice.index, so with n > 1 the interleaved deltas of all choices end up in one text."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamResult


def collect_stream(stream):
    result = StreamResult(texts=[""], finish_reasons=[None])
    for chunk in stream:
        if chunk.usage is not None:
            result.usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.content:
                result.texts[0] += choice.delta.content
            if choice.finish_reason is not None:
                result.finish_reasons[0] = choice.finish_reason
    return result
