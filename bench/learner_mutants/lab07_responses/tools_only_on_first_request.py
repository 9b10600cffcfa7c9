"""lesson: run_tool_loop sends ``tools`` and ``instructions`` with the first request only.

Breaks: "``tools`` and ``instructions`` go with every request (neither is carried over)."
"""

import json

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import StepLimitExceeded


def run_tool_loop(client, model, user_text, tools, registry, *, instructions=None, max_steps=5, **options):
    first = {"tools": tools}
    if instructions is not None:
        first["instructions"] = instructions
    response = client.responses.create(model=model, input=user_text, **first, **options)
    for step in range(1, max_steps + 1):
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return response.output_text
        if step == max_steps:
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
    raise StepLimitExceeded(max_steps)
