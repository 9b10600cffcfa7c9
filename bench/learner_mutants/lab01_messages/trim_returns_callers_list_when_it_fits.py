"""caller's data: when everything fits, trim_history hands back the caller's own list object.

Breaks: "Return a new list" (the caller's later appends to the result change its own history).
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import estimate_tokens
from solutions.lab01_messages import trim_history as _trim_history


def trim_history(messages, budget, count_tokens=None):
    if (count_tokens or estimate_tokens)(messages) <= budget:
        return messages  # nothing to trim
    return _trim_history(messages, budget, count_tokens)
