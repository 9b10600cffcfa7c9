"""Mistake: retry_delay has no cap: the 10th retry waits over four minutes, the 20th twelve days."""

import random

from solutions.lab05_errors import *  # noqa: F403


def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=random.random):
    if attempt < 1:
        raise ValueError(attempt)
    if retry_after is not None:
        return max(0.0, retry_after)
    return base * 2.0 ** min(attempt - 1, 64) * (0.5 + rand() / 2)
