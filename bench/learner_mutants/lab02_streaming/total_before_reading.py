"""lesson: measure_stream takes the total time right after ``create()`` returns, before reading the stream.

Breaks: "``total`` = ``clock()`` after the stream has been read to the end, minus time zero."
"""

import time

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamTiming


def measure_stream(client, model, messages, *, clock=time.perf_counter):
    start = clock()
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    total = clock() - start
    first = None
    parts: list[str] = []
    for chunk in stream:
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece:
            if first is None:
                first = clock() - start
            parts.append(piece)
    return StreamTiming(time_to_first_token=first, total=total, text="".join(parts))
