"""Mistake: not streaming at all: one plain request, then on_token once with the whole text at the end."""

from solutions.lab02_streaming import *  # noqa: F403


def stream_reply(client, model, messages, on_token):
    response = client.chat.completions.create(model=model, messages=messages)
    text = response.choices[0].message.content or ""
    on_token(text)
    return text
