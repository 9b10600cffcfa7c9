"""Mistake: execute_tool_calls calls the tool with **arguments without checking they are a JSON object, so
arguments like "[1, 2]" or "null" crash it."""

import json

from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    out = []
    for call in message.tool_calls or []:
        name = call.function.name
        if name not in registry:
            content = json.dumps({"error": f"unknown tool {name}"})
        else:
            try:
                arguments = json.loads(call.function.arguments or "{}")
            except json.JSONDecodeError as err:
                content = json.dumps({"error": str(err)})
            else:
                value = registry[name](**arguments)
                content = value if isinstance(value, str) else json.dumps(value)
        out.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return out
