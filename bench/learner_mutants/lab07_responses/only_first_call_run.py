"""lesson: run_tool_loop runs and answers only the first function_call item of a response.

Breaks: "run EACH one ... one ``function_call_output`` ... per call, in the order of the calls."
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
        call = next((item for item in response.output if item.type == "function_call"), None)
        if call is None:
            return response.output_text
        if step == max_steps:
            raise StepLimitExceeded(max_steps)
        result = registry[call.name](**json.loads(call.arguments))
        outputs = [{"type": "function_call_output", "call_id": call.call_id, "output": json.dumps(result)}]
        response = client.responses.create(
            model=model, input=outputs, previous_response_id=response.id, **options
        )
    raise StepLimitExceeded(max_steps)
