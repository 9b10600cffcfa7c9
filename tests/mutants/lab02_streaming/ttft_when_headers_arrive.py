"""Mistake: taking the time to first token when create() returns (the response headers), before any text has arrived."""

import time

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamTiming


def measure_stream(client, model, messages, *, clock=time.perf_counter):
    start = clock()
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    first = clock() - start
    parts = [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content]
    return StreamTiming(first if parts else None, clock() - start, "".join(parts))
