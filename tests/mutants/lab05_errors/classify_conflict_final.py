"""Mistake: classify treats every 4xx but 408 and 429 as final, so a 409 (conflict) is never retried."""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import Decision
from solutions.lab05_errors import classify as _classify


def classify(exc):
    if isinstance(exc, openai.APIStatusError) and exc.status_code == 409:
        return Decision(False, "a conflict: the request is wrong")
    return _classify(exc)
