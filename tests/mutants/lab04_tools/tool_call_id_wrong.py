"""Mistake: a made-up tool_call_id (the tool's name) instead of the id of the call being answered."""

from solutions import lab04_tools as _solution
from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    out = _solution.execute_tool_calls(message, registry)
    for result, call in zip(out, message.tool_calls or [], strict=False):
        result["tool_call_id"] = call.function.name
    return out
