"""Mistake: continuing every turn from the FIRST response (a star), so turn 3 never sees turn 2."""

from typing import Any

from solutions.lab07_responses import *  # noqa: F403


def chat_with_state(client, model, turns, instructions=None):
    replies, first = [], None
    for turn in turns:
        options: dict[str, Any] = {"instructions": instructions} if instructions is not None else {}
        if first is not None:
            options["previous_response_id"] = first
        response = client.responses.create(model=model, input=turn, **options)
        replies.append(response.output_text)
        first = first or response.id
    return replies
