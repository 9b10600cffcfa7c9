"""lesson: execute_tool_calls runs ``message.tool_calls[0]`` only; parallel calls go unanswered.

Breaks: "Return one ... per call, in the order of ``message.tool_calls`` ... Answer EVERY call."
"""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import _run_one


def execute_tool_calls(message, registry):
    if not message.tool_calls:
        return []
    call = message.tool_calls[0]
    return [{"role": "tool", "tool_call_id": call.id, "content": _run_one(call, registry)}]
