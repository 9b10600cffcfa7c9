"""Mistake: call_with_retries gives up with a new RuntimeError, hiding the last API error (its status, its body)."""

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
            if attempt >= max_attempts:
                error = RuntimeError(f"gave up after {attempt} attempts")
                error.attempts = attempt
                raise error from None
            sleep(retry_delay(attempt, retry_after=retry_after_seconds(exc), base=base, cap=cap, rand=rand))
