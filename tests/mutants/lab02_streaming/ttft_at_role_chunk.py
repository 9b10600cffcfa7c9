"""Mistake: taking the time to first token at the first chunk, which is the role chunk with content ""."""

import time

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamTiming


def measure_stream(client, model, messages, *, clock=time.perf_counter):
    start = clock()
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    first = None
    parts = []
    for chunk in stream:
        if first is None:
            first = clock() - start
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return StreamTiming(first, clock() - start, "".join(parts))
