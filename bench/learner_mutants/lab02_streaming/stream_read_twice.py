"""lesson: stream_reply loops over the stream for on_token, then reads it again with collect_stream.

Breaks: "Return the full reply: exactly the pieces joined together" (the second pass sees nothing, so the
reply is "").
"""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import collect_stream


def stream_reply(client, model, messages, on_token):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            on_token(chunk.choices[0].delta.content)
    return collect_stream(stream).text
