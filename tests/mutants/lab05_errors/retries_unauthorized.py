"""Mistake: classify only refuses 400, so a 401 (wrong key) or 403 is retried, hammering the API with a bad key."""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import Decision
from solutions.lab05_errors import classify as _classify


def classify(exc: BaseException) -> Decision:
    if isinstance(exc, openai.APIStatusError) and exc.status_code in (401, 403, 404):
        return Decision(True, "maybe it works next time")
    return _classify(exc)
