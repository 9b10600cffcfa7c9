"""Mistake: classify retries any exception, including a ValueError or KeyError from the caller's own code."""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import Decision
from solutions.lab05_errors import classify as _classify


def classify(exc: BaseException) -> Decision:
    if not isinstance(exc, openai.OpenAIError):
        return Decision(True, "something went wrong: try again")
    return _classify(exc)
