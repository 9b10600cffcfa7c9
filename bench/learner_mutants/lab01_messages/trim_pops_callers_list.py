"""caller's data: trim_history pops the oldest turns off the caller's own list and returns that list.

Breaks: "Return a new list and leave ``messages`` unchanged."
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import estimate_tokens, split_turns


def trim_history(messages, budget, count_tokens=None):
    count_tokens = count_tokens or estimate_tokens
    has_system = bool(messages) and messages[0]["role"] == "system"
    if count_tokens(messages[:1] if has_system else []) > budget:
        raise ValueError("the system message alone does not fit the budget")
    start = 1 if has_system else 0
    while count_tokens(messages) > budget:
        oldest = split_turns(messages[start:])[0]
        for _ in oldest:
            messages.pop(start)
    return messages
