"""Mistake: indexing chunk.choices[0] on every chunk; the include_usage chunk has choices == [] (IndexError)."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamResult


def collect_stream(stream):
    result = StreamResult(texts=[""], finish_reasons=[None])
    for chunk in stream:
        choice = chunk.choices[0]
        if choice.delta.content:
            result.texts[0] += choice.delta.content
        if choice.finish_reason is not None:
            result.finish_reasons[0] = choice.finish_reason
        if chunk.usage is not None:
            result.usage = chunk.usage
    return result
