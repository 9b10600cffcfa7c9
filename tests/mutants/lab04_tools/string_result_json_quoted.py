"""Mistake: execute_tool_calls json.dumps every result, so a tool that returns text sends it JSON-quoted."""

import json

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import execute_tool_calls as _execute_tool_calls


def execute_tool_calls(message, registry):
    def quoting(function):
        def wrapper(**kwargs):
            value = function(**kwargs)
            return json.dumps(value) if isinstance(value, str) else value

        return wrapper

    return _execute_tool_calls(message, {name: quoting(f) for name, f in registry.items()})
