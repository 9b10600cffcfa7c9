"""state across steps: chat_with_state chains the responses but also resends every earlier turn as input.

Breaks: "each request's ``input`` is that turn's text only (a string)" (the server already has the earlier
turns: they are read, and paid for, twice).
"""

from solutions.lab07_responses import *  # noqa: F403


def chat_with_state(client, model, turns, instructions=None):
    replies = []
    previous = None
    sent = []
    for turn in turns:
        sent.append({"role": "user", "content": turn})
        options = {}
        if previous is not None:
            options["previous_response_id"] = previous
        if instructions is not None:
            options["instructions"] = instructions
        response = client.responses.create(model=model, input=list(sent), **options)
        replies.append(response.output_text)
        sent.append({"role": "assistant", "content": response.output_text})
        previous = response.id
    return replies
