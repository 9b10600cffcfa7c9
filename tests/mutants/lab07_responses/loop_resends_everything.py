"""Mistake: the tool loop resends the question and the calls along with previous_response_id."""

import json

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import StepLimitExceeded


def run_tool_loop(client, model, user_text, tools, registry, *, instructions=None, max_steps=5, **options):
    options = {**options, "tools": tools}
    if instructions is not None:
        options["instructions"] = instructions
    items = [{"role": "user", "content": user_text}]
    response = client.responses.create(model=model, input=user_text, **options)
    for step in range(1, max_steps + 1):
        calls = [i for i in response.output if i.type == "function_call"]
        if not calls:
            return response.output_text
        if step == max_steps:
            raise StepLimitExceeded(max_steps)
        for call in calls:
            items.append(
                {
                    "type": "function_call",
                    "call_id": call.call_id,
                    "name": call.name,
                    "arguments": call.arguments,
                }
            )
            result = registry[call.name](**json.loads(call.arguments))
            items.append(
                {"type": "function_call_output", "call_id": call.call_id, "output": json.dumps(result)}
            )
        response = client.responses.create(
            model=model, input=list(items), previous_response_id=response.id, **options
        )
    raise StepLimitExceeded(max_steps)
