"""Mistake: assuming every chunk has content. str(delta.content) adds the text "None" for the finish chunk."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamResult


def collect_stream(stream):
    result = StreamResult()
    for chunk in stream:
        if chunk.usage is not None:
            result.usage = chunk.usage
        for choice in chunk.choices:
            while len(result.texts) <= choice.index:
                result.texts.append("")
                result.finish_reasons.append(None)
            result.texts[choice.index] += str(choice.delta.content)
            if choice.finish_reason is not None:
                result.finish_reasons[choice.index] = choice.finish_reason
    return result
