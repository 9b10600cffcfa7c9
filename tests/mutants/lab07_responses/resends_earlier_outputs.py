"""Mistake: each follow-up of the tool loop sends the function outputs of every earlier step again, not only the new ones."""

import json

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import StepLimitExceeded


def run_tool_loop(client, model, user_text, tools, registry, *, instructions=None, max_steps=5, **options):
    options = {**options, "tools": tools}
    if instructions is not None:
        options["instructions"] = instructions
    response = client.responses.create(model=model, input=user_text, **options)
    outputs: list[dict] = []
    for step in range(1, max_steps + 1):
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return response.output_text
        if step == max_steps:
            raise StepLimitExceeded(max_steps)
        outputs += [
            {
                "type": "function_call_output",
                "call_id": call.call_id,
                "output": json.dumps(registry[call.name](**json.loads(call.arguments))),
            }
            for call in calls
        ]
        response = client.responses.create(
            model=model, input=list(outputs), previous_response_id=response.id, **options
        )
    raise StepLimitExceeded(max_steps)
