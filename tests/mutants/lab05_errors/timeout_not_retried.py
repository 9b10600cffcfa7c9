"""Mistake: classify looks only at status codes, so timeouts and connection errors (no status) are not retried."""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import Decision
from solutions.lab05_errors import classify as _classify


def classify(exc: BaseException) -> Decision:
    if isinstance(exc, openai.APIConnectionError):
        return Decision(False, "no status code")
    return _classify(exc)
