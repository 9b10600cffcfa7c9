"""lesson: trim_history measures the kept turns without the system message.

Breaks: "satisfies ``count_tokens(result) <= budget``: measure the WHOLE candidate list, system message
included."
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
        if count_tokens(turn + kept) > budget:
            break
        kept = turn + kept
    return system + kept
