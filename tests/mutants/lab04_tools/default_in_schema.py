"""Mistake: copying Python defaults into the schema ("default": ...): strict mode refuses the keyword."""

import inspect

from solutions import lab04_tools as _solution
from solutions.lab04_tools import *  # noqa: F403


def function_to_tool(func):
    tool = _solution.function_to_tool(func)
    props = tool["function"]["parameters"]["properties"]
    for name, param in inspect.signature(func).parameters.items():
        if param.default is not inspect.Parameter.empty:
            props[name]["default"] = param.default
    return tool
