"""Mistake: classify retries only the 5xx statuses it has seen (500, 502, 503), so a 504 or 529 is final."""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import Decision
from solutions.lab05_errors import classify as _classify


def classify(exc):
    if (
        isinstance(exc, openai.APIStatusError)
        and exc.status_code >= 500
        and exc.status_code not in (500, 502, 503)
    ):
        return Decision(False, f"an unknown server error ({exc.status_code})")
    return _classify(exc)
