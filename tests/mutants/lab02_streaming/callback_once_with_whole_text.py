"""Mistake: calling on_token once, with the whole text, after the stream has ended, instead of once per piece as it arrives."""

from solutions.lab02_streaming import *  # noqa: F403


def stream_reply(client, model, messages, on_token):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    if text:
        on_token(text)
    return text
