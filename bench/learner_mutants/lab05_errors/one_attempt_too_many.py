"""lesson: call_with_retries reads ``max_attempts`` as the number of retries: one call too many.

Breaks: "At most ``max_attempts`` calls of ``fn`` in all (the first try counts)."
"""

import random
import time

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import classify, retry_after_seconds, retry_delay


def call_with_retries(fn, *, max_attempts=5, base=0.5, cap=8.0, sleep=time.sleep, rand=random.random):
    attempt = 0
    while True:
        attempt += 1
        try:
            return fn()
        except Exception as exc:
            if attempt > max_attempts or not classify(exc).retry:
                exc.attempts = attempt
                raise
            sleep(retry_delay(attempt, retry_after=retry_after_seconds(exc), base=base, cap=cap, rand=rand))
