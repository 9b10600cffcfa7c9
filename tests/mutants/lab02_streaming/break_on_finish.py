"""Mistake: stopping at the first finish_reason: the usage chunk comes after it, and with n > 1 the other
choices may still be streaming."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamResult


def collect_stream(stream):
    result = StreamResult()
    for chunk in stream:
        if chunk.usage is not None:
            result.usage = chunk.usage
        done = False
        for choice in chunk.choices:
            while len(result.texts) <= choice.index:
                result.texts.append("")
                result.finish_reasons.append(None)
            if choice.delta.content:
                result.texts[choice.index] += choice.delta.content
            if choice.finish_reason is not None:
                result.finish_reasons[choice.index] = choice.finish_reason
                done = True
        if done:
            break
    return result
