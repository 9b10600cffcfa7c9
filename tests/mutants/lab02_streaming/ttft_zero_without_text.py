"""Mistake: reporting a time to first token of 0 when the stream carried no text (it should be None)."""

import time

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamTiming


def measure_stream(client, model, messages, *, clock=time.perf_counter):
    start = clock()
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    first = 0.0
    parts = []
    for chunk in stream:
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece:
            if not parts:
                first = clock() - start
            parts.append(piece)
    return StreamTiming(first, clock() - start, "".join(parts))
