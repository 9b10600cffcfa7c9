"""Mistake: retry_delay computes base * 2 ** (attempt - 1) in full before capping it (OverflowError past ~1025)."""

import random

from solutions.lab05_errors import *  # noqa: F403


def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=random.random):
    if attempt < 1:
        raise ValueError(f"attempt counts retries from 1, got {attempt}")
    if retry_after is not None:
        return max(0.0, retry_after)
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling * (0.5 + rand() / 2)
