"""Mistake: call_with_retries reads only the retry-after header (seconds), not retry-after-ms, so a wait the
server gave in milliseconds is replaced by the coarser (or absent) seconds value."""

import random
import time

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import classify, retry_delay


def _seconds_only(exc):
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def call_with_retries(fn, *, max_attempts=5, base=0.5, cap=8.0, sleep=time.sleep, rand=random.random):
    for attempt in range(1, max_attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt >= max_attempts or not classify(exc).retry:
                exc.attempts = attempt
                raise
            sleep(retry_delay(attempt, retry_after=_seconds_only(exc), base=base, cap=cap, rand=rand))
