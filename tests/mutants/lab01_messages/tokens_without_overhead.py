"""Mistake: counting only the characters. Each message's overhead and the reply priming are left out, so the
estimate is too low and a "trimmed" history can still overflow."""

import math

from solutions.lab01_messages import *  # noqa: F403


def estimate_tokens(messages: list[dict]) -> int:
    return sum(math.ceil(len(m.get("content") or "") / 4) for m in messages)
