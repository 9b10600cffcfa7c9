"""Mistake: retry_delay returns retry_after as it is, so a negative Retry-After becomes a negative sleep.

Only retry_delay is redefined: the solution's call_with_retries calls it (the driver rebinds it)."""

import random

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import retry_delay as _retry_delay


def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=random.random):
    if retry_after is not None:
        if attempt < 1:
            raise ValueError(attempt)
        return retry_after
    return _retry_delay(attempt, base=base, cap=cap, rand=rand)
