"""Mistake: classify retries 422 (the request does not validate) as if it were transient."""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import Decision
from solutions.lab05_errors import classify as _classify


def classify(exc):
    if isinstance(exc, openai.APIStatusError) and exc.status_code == 422:
        return Decision(True, "unprocessable: try again")
    return _classify(exc)
