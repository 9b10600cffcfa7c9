"""Mistake: build_messages appends the new question to the caller's history list instead of building a new list."""

from solutions.lab01_messages import *  # noqa: F403


def build_messages(system_prompt: str, history: list[dict], user_message: str) -> list[dict]:
    history.append({"role": "user", "content": user_message})
    return [{"role": "system", "content": system_prompt}, *history]
