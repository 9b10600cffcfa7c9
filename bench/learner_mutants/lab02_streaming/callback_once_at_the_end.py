"""streaming: stream_reply calls on_token once, with the whole reply, after the stream has ended.

Breaks: "Call ``on_token(piece)`` once for every non-empty ``delta.content``, in order, while the stream
is being read (not at the end)."
"""

from solutions.lab02_streaming import *  # noqa: F403


def stream_reply(client, model, messages, on_token):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    parts: list[str] = []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    text = "".join(parts)
    if text:
        on_token(text)
    return text
