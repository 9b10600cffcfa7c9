"""Mistake: chaining with previous_response_id AND resending every earlier turn (the context is doubled)."""

from typing import Any

from solutions.lab07_responses import *  # noqa: F403


def chat_with_state(client, model, turns, instructions=None):
    replies, previous, history = [], None, []
    for turn in turns:
        options: dict[str, Any] = {"instructions": instructions} if instructions is not None else {}
        if previous is not None:
            options["previous_response_id"] = previous
        history.append({"role": "user", "content": turn})
        response = client.responses.create(model=model, input=list(history), **options)
        history.append({"role": "assistant", "content": response.output_text})
        replies.append(response.output_text)
        previous = response.id
    return replies
