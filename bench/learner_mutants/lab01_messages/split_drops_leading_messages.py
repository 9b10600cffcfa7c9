"""lesson: split_turns drops the messages that come before the first user message.

Breaks: "Messages before the first user message, if any, form a turn of their own. Joining the turns
gives back ``messages`` exactly."
"""

from solutions.lab01_messages import *  # noqa: F403


def split_turns(messages):
    turns: list[list[dict]] = []
    for message in messages:
        if message["role"] == "user":
            turns.append([message])
        elif turns:
            turns[-1].append(message)
    return turns
