"""Mistake: the system message is missing. build_messages sends only the history and the question."""

from solutions.lab01_messages import *  # noqa: F403


def build_messages(system_prompt: str, history: list[dict], user_message: str) -> list[dict]:
    return [*history, {"role": "user", "content": user_message}]
