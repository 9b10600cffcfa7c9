"""Mistake: trusting the model's arguments to be valid JSON: json.loads raises and the agent crashes."""

import json

from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    out = []
    for call in message.tool_calls or []:
        arguments = json.loads(call.function.arguments)
        try:
            content = json.dumps(registry[call.function.name](**arguments))
        except Exception as err:
            content = json.dumps({"error": f"{type(err).__name__}: {err}"})
        out.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return out
