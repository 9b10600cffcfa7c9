"""Mistake: trimming keeps the oldest turns instead of the newest, so the latest question is lost."""

from solutions.lab01_messages import *  # noqa: F403


def trim_history(messages, budget, count_tokens=None):
    count_tokens = count_tokens or estimate_tokens  # noqa: F405
    system = [m for m in messages[:1] if m["role"] == "system"]
    if count_tokens(system) > budget:
        raise ValueError("the system message alone is over the budget")
    kept = list(system)
    for turn in split_turns(messages[len(system) :]):  # noqa: F405  (oldest first)
        if count_tokens(kept + turn) > budget:
            break
        kept += turn
    return kept
