"""lesson: retry_delay doubles from the first retry on (``base * 2 ** attempt``): every wait is twice too long.

Breaks: "``ceiling = min(cap, base * 2 ** (attempt - 1))`` (0.5, 1, 2, 4, 8, 8, ... with the defaults)."
"""

import random

from solutions.lab05_errors import *  # noqa: F403


def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=random.random):
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    if retry_after is not None:
        return max(0.0, retry_after)
    ceiling = min(cap, base * 2 ** min(attempt, 64))
    return ceiling * (0.5 + rand() / 2)
