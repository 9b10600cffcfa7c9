"""Mistake: assuming every chunk has content: on_token is called with "" (role chunk) and None (finish chunk)."""

from solutions.lab02_streaming import *  # noqa: F403


def stream_reply(client, model, messages, on_token):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    parts = []
    for chunk in stream:
        if not chunk.choices:
            continue
        piece = chunk.choices[0].delta.content
        on_token(piece)
        parts.append(piece or "")
    return "".join(parts)
