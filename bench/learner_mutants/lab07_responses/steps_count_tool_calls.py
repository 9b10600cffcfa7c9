"""loop control: run_tool_loop counts the function calls it ran, not the requests, against ``max_steps``.

Breaks: "at most ``max_steps`` requests: if the last one still asked for tools, raise" (parallel calls use
up the limit after fewer requests).
"""

import json

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import StepLimitExceeded


def run_tool_loop(client, model, user_text, tools, registry, *, instructions=None, max_steps=5, **options):
    options = {**options, "tools": tools}
    if instructions is not None:
        options["instructions"] = instructions
    response = client.responses.create(model=model, input=user_text, **options)
    calls_run = 0
    while True:
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return response.output_text
        calls_run += len(calls)
        if calls_run >= max_steps:
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
