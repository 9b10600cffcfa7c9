"""Mistake: trimming exceeds the budget. The turns are measured without the system message, which also costs tokens."""

from solutions.lab01_messages import *  # noqa: F403


def trim_history(messages, budget, count_tokens=None):
    count_tokens = count_tokens or estimate_tokens  # noqa: F405
    system = [m for m in messages[:1] if m["role"] == "system"]
    if count_tokens(system) > budget:
        raise ValueError("the system message alone is over the budget")
    kept: list[dict] = []
    for turn in reversed(split_turns(messages[len(system) :])):  # noqa: F405
        if count_tokens(turn + kept) > budget:  # the system message is left out of the count
            break
        kept = turn + kept
    return system + kept
