"""Mistake: trimming drops the system message. The oldest turns go first, and the system message is the oldest."""

from solutions.lab01_messages import *  # noqa: F403


def trim_history(messages, budget, count_tokens=None):
    count_tokens = count_tokens or estimate_tokens  # noqa: F405
    kept: list[dict] = []
    for turn in reversed(split_turns(messages)):  # noqa: F405  (the system message is treated as a turn)
        if count_tokens(turn + kept) > budget:
            break
        kept = turn + kept
    return kept
