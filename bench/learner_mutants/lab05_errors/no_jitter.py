"""lesson: retry_delay returns the capped exponential ceiling itself, with no jitter.

Breaks: "the delay is ``ceiling * (0.5 + rand() / 2)`` ... call it once per delay" (clients that failed
together retry together).
"""

import random

from solutions.lab05_errors import *  # noqa: F403


def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=random.random):
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    if retry_after is not None:
        return max(0.0, retry_after)
    return min(cap, base * 2 ** min(attempt - 1, 64))
