"""Mistake: classify retries every API status error but insufficient_quota, so a 400 (a malformed request) is retried."""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import Decision


def classify(exc: BaseException) -> Decision:
    if isinstance(exc, openai.APIStatusError) and exc.code == "insufficient_quota":
        return Decision(False, "out of credit")
    if isinstance(exc, openai.APIError):
        return Decision(True, "an API error: try again")
    return Decision(False, "a bug")
