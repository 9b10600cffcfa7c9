"""Mistake: answering only the first tool call; parallel calls are left partly unanswered."""

from solutions import lab04_tools as _solution
from solutions.lab04_tools import *  # noqa: F403


def execute_tool_calls(message, registry):
    return _solution.execute_tool_calls(message, registry)[:1]
