"""Mistake: listing only the parameters without a default in 'required': strict mode rejects the schema."""

import inspect

from solutions import lab04_tools as _solution
from solutions.lab04_tools import *  # noqa: F403


def function_to_tool(func):
    tool = _solution.function_to_tool(func)
    params = inspect.signature(func).parameters
    tool["function"]["parameters"]["required"] = [
        n for n, p in params.items() if p.default is inspect.Parameter.empty
    ]
    return tool
