"""hard-coded: classify spots insufficient_quota by the words of the stub's quota message, not by ``exc.code``.

Breaks: "EXCEPT a 429 whose ``code`` is ``"insufficient_quota"``" (a quota error worded otherwise is
retried; a rate limit whose message mentions a quota is not).
"""

import openai

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import RETRYABLE_STATUSES, Decision


def classify(exc):
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return Decision(True, "a timeout or a network blip: try again")
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429 and "exceeded your current quota" in exc.message:
            return Decision(False, "out of credit: retrying cannot help, add credit")
        if exc.status_code in RETRYABLE_STATUSES or exc.status_code >= 500:
            return Decision(True, f"a transient error ({exc.status_code}): try again")
        return Decision(False, f"a client error ({exc.status_code}): fix the request")
    return Decision(False, f"{type(exc).__name__} is a bug in our code, not an API hiccup")
