"""Mistake: passing the arguments' JSON string to the function instead of parsing it into keyword arguments."""

import json

from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    out = []
    for call in message.tool_calls or []:
        try:
            content = json.dumps(registry[call.function.name](call.function.arguments))
        except Exception as err:
            content = json.dumps({"error": f"{type(err).__name__}: {err}"})
        out.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return out
