"""streaming: measure_stream takes the time to first token at the first chunk, the role chunk with no text.

Breaks: "``time_to_first_token`` = ``clock()`` when the first chunk WITH TEXT arrives ... The role chunk
that opens every stream has ``content == ""``: it is not a token."
"""

import time

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamTiming


def measure_stream(client, model, messages, *, clock=time.perf_counter):
    start = clock()
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    first = None
    parts: list[str] = []
    for chunk in stream:
        if first is None and chunk.choices:
            first = clock() - start
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece:
            parts.append(piece)
    total = clock() - start
    text = "".join(parts)
    return StreamTiming(time_to_first_token=first if text else None, total=total, text=text)
