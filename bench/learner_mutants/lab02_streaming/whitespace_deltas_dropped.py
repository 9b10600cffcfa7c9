"""streaming: stream_reply skips deltas that are only whitespace (a space, a newline).

Breaks: "Call ``on_token(piece)`` once for every non-empty ``delta.content``" and "Return the full reply:
exactly the pieces joined together."
"""

from solutions.lab02_streaming import *  # noqa: F403


def stream_reply(client, model, messages, on_token):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    parts: list[str] = []
    for chunk in stream:
        if not chunk.choices:
            continue
        piece = chunk.choices[0].delta.content
        if piece and piece.strip():
            on_token(piece)
            parts.append(piece)
    return "".join(parts)
