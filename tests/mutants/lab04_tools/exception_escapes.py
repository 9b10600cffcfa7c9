"""Mistake: no try/except around the tool: one failing function crashes the whole agent."""

import json

from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    out = []
    for call in message.tool_calls or []:
        if call.function.name not in registry:
            content = json.dumps({"error": f"unknown tool {call.function.name!r}"})
        else:
            try:
                arguments = json.loads(call.function.arguments)
            except json.JSONDecodeError as err:
                arguments, content = None, json.dumps({"error": f"invalid JSON: {err}"})
            if arguments is not None:
                content = json.dumps(registry[call.function.name](**arguments))
        out.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return out
