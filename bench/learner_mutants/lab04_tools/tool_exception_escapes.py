"""lesson: execute_tool_calls checks the tool name and the JSON, but a function that raises crashes it.

Breaks: "never crash, never let an exception escape ... the function raising (include the exception's type
and message ...)."
"""

import json

from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    out = []
    for call in message.tool_calls or []:
        name = call.function.name
        if name not in registry:
            content = json.dumps({"error": f"unknown tool {name!r}; the tools are: {', '.join(registry)}"})
        else:
            try:
                arguments = json.loads(call.function.arguments or "{}")
            except json.JSONDecodeError as err:
                arguments, content = None, json.dumps({"error": f"the arguments are not valid JSON ({err})"})
            if isinstance(arguments, dict):
                value = registry[name](**arguments)
                content = value if isinstance(value, str) else json.dumps(value, default=str)
            elif arguments is not None:
                content = json.dumps({"error": "the arguments must be a JSON object"})
        out.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return out
