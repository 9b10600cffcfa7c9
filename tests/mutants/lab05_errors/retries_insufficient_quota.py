"""Mistake: classify treats every 429 as a rate limit, so insufficient_quota (out of credit) is retried forever."""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import Decision
from solutions.lab05_errors import classify as _classify


def classify(exc: BaseException) -> Decision:
    if isinstance(exc, openai.RateLimitError):
        return Decision(True, "rate limited: wait and retry")
    return _classify(exc)
