"""Mistake: the tool loop counts tool calls against max_steps instead of requests to the model (parallel calls use up the limit early)."""

import json

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import StepLimitExceeded


def run_tool_loop(client, model, user_text, tools, registry, *, instructions=None, max_steps=5, **options):
    options = {**options, "tools": tools}
    if instructions is not None:
        options["instructions"] = instructions
    response = client.responses.create(model=model, input=user_text, **options)
    used = 1
    while True:
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return response.output_text
        used += len(calls)
        if used > max_steps:
            raise StepLimitExceeded(max_steps)
        outputs = [
            {
                "type": "function_call_output",
                "call_id": call.call_id,
                "output": json.dumps(registry[call.name](**json.loads(call.arguments))),
            }
            for call in calls
        ]
        response = client.responses.create(
            model=model, input=outputs, previous_response_id=response.id, **options
        )
