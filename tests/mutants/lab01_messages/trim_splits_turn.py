"""Mistake: trimming splits a turn. Messages are dropped one at a time, so an answer can lose its question."""

from solutions.lab01_messages import *  # noqa: F403


def trim_history(messages, budget, count_tokens=None):
    count_tokens = count_tokens or estimate_tokens  # noqa: F405
    system = [m for m in messages[:1] if m["role"] == "system"]
    rest = list(messages[len(system) :])
    if count_tokens(system) > budget:
        raise ValueError("the system message alone is over the budget")
    while rest and count_tokens(system + rest) > budget:
        rest.pop(0)
    return system + rest
