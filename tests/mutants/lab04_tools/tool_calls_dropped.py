"""Mistake: echoing only the assistant's text into the history: its tool_calls are lost, so the tool messages answer nothing."""

from solutions.lab04_tools import *  # noqa: F403


def assistant_to_dict(message):
    return {"role": "assistant", "content": message.content}
