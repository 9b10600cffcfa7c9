"""Mistake: taking the total time when create() returns; with stream=True that is before any token arrived."""

import time

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamTiming


def measure_stream(client, model, messages, *, clock=time.perf_counter):
    start = clock()
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    total = clock() - start
    first = None
    parts = []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            if first is None:
                first = clock() - start
            parts.append(chunk.choices[0].delta.content)
    return StreamTiming(first, total, "".join(parts))
