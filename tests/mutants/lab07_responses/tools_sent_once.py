"""Mistake: sending the tools (and instructions) with the first request only."""

import json

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import StepLimitExceeded


def run_tool_loop(client, model, user_text, tools, registry, *, instructions=None, max_steps=5, **options):
    first = {**options, "tools": tools}
    if instructions is not None:
        first["instructions"] = instructions
    response = client.responses.create(model=model, input=user_text, **first)
    for step in range(1, max_steps + 1):
        calls = [i for i in response.output if i.type == "function_call"]
        if not calls:
            return response.output_text
        if step == max_steps:
            raise StepLimitExceeded(max_steps)
        outputs = [
            {
                "type": "function_call_output",
                "call_id": c.call_id,
                "output": json.dumps(registry[c.name](**json.loads(c.arguments))),
            }
            for c in calls
        ]
        response = client.responses.create(
            model=model, input=outputs, previous_response_id=response.id, **options
        )
    raise StepLimitExceeded(max_steps)
