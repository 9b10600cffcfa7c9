"""hard-coded: function_to_tool takes the parameter descriptions from the docstring example, by name.

Breaks: "a parameter listed under ``Args:`` in the docstring gets that text as its "description"" (only
``city`` and ``unit`` get one, and always the example's text).
"""

import inspect
import typing

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import _schema_for

_DESCRIPTIONS = {"city": 'the city\'s name, e.g. "Paris"', "unit": "the temperature unit"}


def function_to_tool(func):
    hints = typing.get_type_hints(func)
    properties = {}
    for name in inspect.signature(func).parameters:
        if name not in hints:
            raise TypeError(f"parameter {name!r} has no type hint")
        properties[name] = _schema_for(hints[name])
        if name in _DESCRIPTIONS:
            properties[name]["description"] = _DESCRIPTIONS[name]
    doc = inspect.getdoc(func) or ""
    return {
        "type": "function",
        "function": {
            "name": func.__name__,
            "description": " ".join(doc.split("\n\n")[0].split()),
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": list(properties),
                "additionalProperties": False,
            },
            "strict": True,
        },
    }
