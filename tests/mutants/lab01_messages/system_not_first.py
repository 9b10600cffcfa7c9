"""Mistake: the system message is not first. It is put after the history, just before the question."""

from solutions.lab01_messages import *  # noqa: F403


def build_messages(system_prompt: str, history: list[dict], user_message: str) -> list[dict]:
    return [*history, {"role": "system", "content": system_prompt}, {"role": "user", "content": user_message}]
