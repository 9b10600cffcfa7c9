"""lesson: execute_tool_calls turns a non-string result into text with ``str()`` (a Python repr), not JSON.

Breaks: "the content is the function's result: a ``str`` as is, anything else as ``json.dumps(result)``."
"""

import json

from solutions.lab04_tools import *  # noqa: F403


def _run_one(call, registry):
    name = call.function.name
    if name not in registry:
        return json.dumps({"error": f"unknown tool {name!r}; the tools are: {', '.join(registry)}"})
    try:
        arguments = json.loads(call.function.arguments or "{}")
    except json.JSONDecodeError as err:
        return json.dumps({"error": f"the arguments are not valid JSON ({err})"})
    if not isinstance(arguments, dict):
        return json.dumps({"error": "the arguments must be a JSON object"})
    try:
        return str(registry[name](**arguments))
    except Exception as err:
        return json.dumps({"error": f"{type(err).__name__}: {err}"})
