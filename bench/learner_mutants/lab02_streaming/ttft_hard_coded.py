"""hard-coded: measure_stream reports the times a fake clock that ticks once per call would give (1 and 2).

Breaks: "Use only ``clock`` for time" and the two measured times (right only for a unit-step fake clock
read three times).
"""

import time

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamTiming, stream_reply


def measure_stream(client, model, messages, *, clock=time.perf_counter):
    text = stream_reply(client, model, messages, lambda piece: None)
    return StreamTiming(time_to_first_token=1.0 if text else None, total=2.0 if text else 1.0, text=text)
