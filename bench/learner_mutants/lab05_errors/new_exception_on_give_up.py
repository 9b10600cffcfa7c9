"""lesson: call_with_retries gives up with a new RuntimeError("gave up after N attempts") from the last error.

Breaks: "When giving up ..., re-raise the LAST error itself (not a new exception), after setting
``exc.attempts``."
"""

import random
import time

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import classify, retry_after_seconds, retry_delay


def call_with_retries(fn, *, max_attempts=5, base=0.5, cap=8.0, sleep=time.sleep, rand=random.random):
    for attempt in range(1, max_attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt >= max_attempts or not classify(exc).retry:
                exc.attempts = attempt
                raise RuntimeError(f"gave up after {attempt} attempts: {exc}") from exc
            sleep(retry_delay(attempt, retry_after=retry_after_seconds(exc), base=base, cap=cap, rand=rand))
    raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
