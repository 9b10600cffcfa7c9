"""lesson: function_to_tool lists in ``required`` only the parameters without a default.

Breaks: "strict mode: ... EVERY property in ``required``, even those with a default."
"""

import inspect

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import function_to_tool as _function_to_tool


def function_to_tool(func):
    tool = _function_to_tool(func)
    parameters = inspect.signature(func).parameters
    tool["function"]["parameters"]["required"] = [
        name for name, p in parameters.items() if p.default is inspect.Parameter.empty
    ]
    return tool
