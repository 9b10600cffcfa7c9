"""caller's data: build_messages appends the new user message to the caller's history list.

Breaks: "Return a new list; do not change ``history`` (the caller still owns it)."
"""

from solutions.lab01_messages import *  # noqa: F403


def build_messages(system_prompt, history, user_message):
    history.append({"role": "user", "content": user_message})
    return [{"role": "system", "content": system_prompt}, *history]
