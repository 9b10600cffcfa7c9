"""Mistake: collecting the whole stream first and calling on_token afterwards: the user still waits for all of it."""

from solutions.lab02_streaming import *  # noqa: F403


def stream_reply(client, model, messages, on_token):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    pieces = [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content]
    for piece in pieces:
        on_token(piece)
    return "".join(pieces)
