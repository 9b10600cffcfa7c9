"""Mistake: returning the streamed text with .strip(): the reply differs from what the model sent (and from what on_token showed)."""

from solutions.lab02_streaming import *  # noqa: F403


def stream_reply(client, model, messages, on_token):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    parts = []
    for chunk in stream:
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece:
            on_token(piece)
            parts.append(piece)
    return "".join(parts).strip()
