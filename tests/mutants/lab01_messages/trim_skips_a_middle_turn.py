"""Mistake: a running total over the turns, newest first, that skips a turn too big to fit and goes on with older ones: a turn in the middle goes, older ones stay."""

from solutions.lab01_messages import *  # noqa: F403


def trim_history(messages, budget, count_tokens=None):
    count_tokens = count_tokens or estimate_tokens  # noqa: F405
    system = [m for m in messages[:1] if m["role"] == "system"]
    if count_tokens(system) > budget:
        raise ValueError("the system message alone is over the budget")
    kept = []
    for turn in reversed(split_turns(messages[len(system) :])):  # noqa: F405
        if count_tokens(system + turn + kept) > budget:
            continue  # too big: try the next (older) turn
        kept = turn + kept
    return system + kept
