"""Mistake: retry_delay ignores retry_after and always computes its own exponential backoff."""

import random

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import retry_delay as _retry_delay


def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=random.random):
    return _retry_delay(attempt, base=base, cap=cap, rand=rand)
