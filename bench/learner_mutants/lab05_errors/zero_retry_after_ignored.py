"""lesson: retry_delay tests ``if retry_after:``, so a server's "retry after 0 s" falls back to backoff.

Breaks: "If the server said how long to wait (``retry_after`` is not None), return exactly that."
"""

import random

from solutions.lab05_errors import *  # noqa: F403


def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=random.random):
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    if retry_after:
        return max(0.0, retry_after)
    ceiling = min(cap, base * 2 ** min(attempt - 1, 64))
    return ceiling * (0.5 + rand() / 2)
