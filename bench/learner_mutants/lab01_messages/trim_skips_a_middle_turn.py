"""caller's data: the running total skips a turn that does not fit and goes on with older ones.

Breaks: "walk from the newest turn back, and stop at the first turn that does not fit" (it drops a turn
in the middle and keeps older ones, instead of dropping the oldest).
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import estimate_tokens, split_turns


def trim_history(messages, budget, count_tokens=None):
    count_tokens = count_tokens or estimate_tokens
    system = [m for m in messages[:1] if m["role"] == "system"]
    if count_tokens(system) > budget:
        raise ValueError(f"the system message alone needs more than {budget} tokens")
    kept: list[dict] = []
    for turn in reversed(split_turns(messages[len(system) :])):
        if count_tokens(system + turn + kept) > budget:
            continue  # too big: try the next (older) turn
        kept = turn + kept
    return system + kept
