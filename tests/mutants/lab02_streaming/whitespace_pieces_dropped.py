"""Mistake: skipping pieces that are only whitespace (`if piece.strip()`), so words run together: "Hello world" becomes "Helloworld"."""

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
            if choice.delta.content and choice.delta.content.strip():
                result.texts[choice.index] += choice.delta.content
            if choice.finish_reason is not None:
                result.finish_reasons[choice.index] = choice.finish_reason
    return result


def stream_reply(client, model, messages, on_token):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    parts = []
    for chunk in stream:
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece and piece.strip():
            on_token(piece)
            parts.append(piece)
    return "".join(parts)
