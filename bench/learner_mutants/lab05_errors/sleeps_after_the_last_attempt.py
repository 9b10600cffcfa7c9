"""lesson: call_with_retries sleeps after every retryable failure, the last one too, before giving up.

Breaks: "Never sleep before the first try or after the last."
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
            if not classify(exc).retry:
                exc.attempts = attempt
                raise
            sleep(retry_delay(attempt, retry_after=retry_after_seconds(exc), base=base, cap=cap, rand=rand))
            if attempt == max_attempts:
                exc.attempts = attempt
                raise
    raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
