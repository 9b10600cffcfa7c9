"""Mistake: sending the instructions with the first turn only (they are not carried over)."""

from typing import Any

from solutions.lab07_responses import *  # noqa: F403


def chat_with_state(client, model, turns, instructions=None):
    replies, previous = [], None
    for turn in turns:
        options: dict[str, Any] = {}
        if previous is not None:
            options["previous_response_id"] = previous
        elif instructions is not None:
            options["instructions"] = instructions
        response = client.responses.create(model=model, input=turn, **options)
        replies.append(response.output_text)
        previous = response.id
    return replies
