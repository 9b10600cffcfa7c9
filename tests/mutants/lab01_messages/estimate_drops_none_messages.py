"""Mistake: estimate_tokens skips messages whose content is None instead of counting them as "" (4 tokens each).

Only estimate_tokens is redefined: trim_history's default counter is the mutant's too (the driver rebinds it)."""

import math

from solutions.lab01_messages import *  # noqa: F403


def estimate_tokens(messages):
    return 3 + sum(4 + math.ceil(len(m["content"]) / 4) for m in messages if m.get("content") is not None)
