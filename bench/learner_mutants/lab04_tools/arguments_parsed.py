"""shapes: assistant_to_dict stores each call's arguments parsed into a dict.

Breaks: "copied from ``message.tool_calls`` (arguments stay the JSON string the model wrote)."
"""

import json

from solutions.lab04_tools import *  # noqa: F403


def assistant_to_dict(message):
    out = {"role": "assistant", "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.function.name, "arguments": json.loads(call.function.arguments)},
            }
            for call in message.tool_calls
        ]
    return out
