"""state across steps: chat_with_state continues every turn from the FIRST response, not the one just before.

Breaks: "every later one has the ``id`` of the response just before it (a chain, not a star)."
"""

from solutions.lab07_responses import *  # noqa: F403


def chat_with_state(client, model, turns, instructions=None):
    replies = []
    first_id = None
    for turn in turns:
        options = {}
        if first_id is not None:
            options["previous_response_id"] = first_id
        if instructions is not None:
            options["instructions"] = instructions
        response = client.responses.create(model=model, input=turn, **options)
        replies.append(response.output_text)
        if first_id is None:
            first_id = response.id
    return replies
