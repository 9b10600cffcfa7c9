"""Mistake: swallowing a tool's exception and returning a vague "failed": the model can't tell the user what went wrong."""

import json

from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    out = []
    for call in message.tool_calls or []:
        try:
            content = json.dumps(registry[call.function.name](**json.loads(call.function.arguments)))
        except Exception:
            content = json.dumps({"error": "the tool failed"})
        out.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return out
