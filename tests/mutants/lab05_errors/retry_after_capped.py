"""Mistake: retry_delay clamps the server's Retry-After to its own cap, so a long Retry-After is cut short."""

import random

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import retry_delay as _retry_delay


def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=random.random):
    return min(cap, _retry_delay(attempt, retry_after=retry_after, base=base, cap=cap, rand=rand))
