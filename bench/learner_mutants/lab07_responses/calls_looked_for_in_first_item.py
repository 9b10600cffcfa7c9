"""loop control: run_tool_loop decides "tools or answer" from ``output[0].type``; a reasoning item can come first.

Breaks: "while the response's ``output`` has ``function_call`` items: run EACH one" (behind a reasoning
item the calls are missed and the empty text is returned).
"""

import json

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import StepLimitExceeded


def run_tool_loop(client, model, user_text, tools, registry, *, instructions=None, max_steps=5, **options):
    options = {**options, "tools": tools}
    if instructions is not None:
        options["instructions"] = instructions
    response = client.responses.create(model=model, input=user_text, **options)
    for step in range(1, max_steps + 1):
        if not response.output or response.output[0].type != "function_call":
            return response.output_text
        if step == max_steps:
            raise StepLimitExceeded(max_steps)
        calls = [item for item in response.output if item.type == "function_call"]
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
