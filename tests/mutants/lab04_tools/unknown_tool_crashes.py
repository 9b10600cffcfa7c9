"""Mistake: looking the tool up with registry[name] outside any error handling: an unknown name raises KeyError."""

import json

from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    out = []
    for call in message.tool_calls or []:
        function = registry[call.function.name]
        try:
            content = json.dumps(function(**json.loads(call.function.arguments)))
        except Exception as err:
            content = json.dumps({"error": f"{type(err).__name__}: {err}"})
        out.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return out
