"""Mistake: trimming by popping the oldest turn off the caller's own list until it fits; the right messages come back, but the caller's history has lost them."""

from solutions.lab01_messages import *  # noqa: F403


def trim_history(messages, budget, count_tokens=None):
    count_tokens = count_tokens or estimate_tokens  # noqa: F405
    has_system = bool(messages) and messages[0]["role"] == "system"
    if count_tokens(messages[:1] if has_system else []) > budget:
        raise ValueError("the system message alone is over the budget")
    start = 1 if has_system else 0
    while count_tokens(messages) > budget:
        messages.pop(start)  # the oldest message after the system one
        while len(messages) > start and messages[start]["role"] != "user":
            messages.pop(start)  # the rest of that turn
    return messages
