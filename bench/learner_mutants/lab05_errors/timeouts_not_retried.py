"""lesson: classify looks at status codes only; timeouts and connection errors (no status) are not retried.

Breaks: "``Decision(retry=True, ...)`` for ``openai.APITimeoutError`` and ``openai.APIConnectionError``."
"""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import RETRYABLE_STATUSES, Decision


def classify(exc):
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429 and exc.code == "insufficient_quota":
            return Decision(False, "out of credit: retrying cannot help, add credit")
        if exc.status_code in RETRYABLE_STATUSES or exc.status_code >= 500:
            return Decision(True, f"a transient error ({exc.status_code}): try again")
        return Decision(False, f"a client error ({exc.status_code}): fix the request")
    return Decision(False, f"{type(exc).__name__} is not an HTTP error: don't retry it")
