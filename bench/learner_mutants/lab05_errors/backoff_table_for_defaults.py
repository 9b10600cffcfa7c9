"""hard-coded: retry_delay looks the ceiling up in the docstring's table (0.5, 1, 2, 4, 8), ignoring base and cap.

Breaks: "``ceiling = min(cap, base * 2 ** (attempt - 1))``" (right only with the default base and cap).
"""

import random

from solutions.lab05_errors import *  # noqa: F403

_CEILINGS = [0.5, 1.0, 2.0, 4.0, 8.0]


def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=random.random):
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    if retry_after is not None:
        return max(0.0, retry_after)
    ceiling = _CEILINGS[min(attempt, len(_CEILINGS)) - 1]
    return ceiling * (0.5 + rand() / 2)
