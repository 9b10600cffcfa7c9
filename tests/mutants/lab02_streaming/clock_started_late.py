"""Mistake: starting the clock after create() returned, which hides the wait for the response headers."""

import time

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamTiming


def measure_stream(client, model, messages, *, clock=time.perf_counter):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    start = clock()
    first = None
    parts = []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            if first is None:
                first = clock() - start
            parts.append(chunk.choices[0].delta.content)
    return StreamTiming(first, clock() - start, "".join(parts))
