"""Mistake: tool messages without a tool_call_id: the API cannot tell which call a result answers."""

import json

from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    out = []
    for call in message.tool_calls or []:
        try:
            value = registry[call.function.name](**json.loads(call.function.arguments))
            content = json.dumps(value)
        except Exception as err:
            content = json.dumps({"error": f"{type(err).__name__}: {err}"})
        out.append({"role": "tool", "content": content})
    return out
