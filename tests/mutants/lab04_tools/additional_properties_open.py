"""Mistake: leaving additionalProperties out of a strict schema: strict mode rejects it."""

from solutions import lab04_tools as _solution
from solutions.lab04_tools import *  # noqa: F403


def function_to_tool(func):
    tool = _solution.function_to_tool(func)
    del tool["function"]["parameters"]["additionalProperties"]
    return tool
