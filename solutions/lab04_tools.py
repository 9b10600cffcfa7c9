"""Lab 4 · Tool calling and the agent loop: reference solution.

Same names and signatures as labs/lab04_tools.py; read that file for the contracts.
"""

from __future__ import annotations

import inspect
import json
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

from openai import OpenAI

_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


class StepLimitExceeded(RuntimeError):
    """The model still asked for tools after ``max_steps`` calls. (Given.)"""

    def __init__(self, max_steps: int, history: list[dict]) -> None:
        super().__init__(f"the model still wanted tools after {max_steps} steps")
        self.max_steps = max_steps
        self.history = history


def _schema_for(annotation: Any) -> dict:
    """The JSON schema of one type hint."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation in _JSON_TYPES:
        return {"type": _JSON_TYPES[annotation]}
    if origin is Literal:
        return {"type": _JSON_TYPES[type(args[0])], "enum": list(args)}
    if origin in (list, tuple, set, frozenset) or annotation in (list, tuple):
        item = args[0] if args else str
        return {"type": "array", "items": _schema_for(item)}
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        branches = [_schema_for(a) for a in inner]
        if type(None) in args:
            branches.append({"type": "null"})
        return {"anyOf": branches}
    raise TypeError(f"no JSON schema for the type hint {annotation!r}")


def _docstring_parts(func: Callable) -> tuple[str, dict[str, str]]:
    """The first paragraph of the docstring, and the descriptions under ``Args:``."""
    doc = inspect.getdoc(func) or ""
    description = " ".join(doc.split("\n\n")[0].split())
    params: dict[str, str] = {}
    in_args = False
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.lower() in ("args:", "arguments:", "parameters:"):
            in_args = True
            continue
        if in_args:
            if not stripped:
                break
            name, sep, text = stripped.partition(":")
            if sep:
                params[name.split("(")[0].strip()] = text.strip()
    return description, params


def function_to_tool(func: Callable) -> dict:
    description, arg_docs = _docstring_parts(func)
    hints = typing.get_type_hints(func)
    properties: dict[str, dict] = {}
    for name in inspect.signature(func).parameters:
        if name not in hints:
            raise TypeError(f"parameter {name!r} of {func.__name__} has no type hint")
        schema = _schema_for(hints[name])
        if name in arg_docs:
            schema["description"] = arg_docs[name]
        properties[name] = schema
    return {
        "type": "function",
        "function": {
            "name": func.__name__,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": list(properties),  # strict mode: every property, even those with a default
                "additionalProperties": False,
            },
            "strict": True,
        },
    }


def assistant_to_dict(message: Any) -> dict:
    out: dict = {"role": "assistant", "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.function.name, "arguments": call.function.arguments},
            }
            for call in message.tool_calls
        ]
    return out


def _error(text: str) -> str:
    return json.dumps({"error": text})


def _run_one(call: Any, registry: dict[str, Callable[..., Any]]) -> str:
    """The content of the tool message answering ``call``: the function's result, or an error it can read."""
    name = call.function.name
    if name not in registry:
        return _error(f"unknown tool {name!r}; the tools are: {', '.join(registry)}")
    try:
        arguments = json.loads(call.function.arguments or "{}")
    except json.JSONDecodeError as err:
        return _error(f"the arguments are not valid JSON ({err})")
    if not isinstance(arguments, dict):
        return _error("the arguments must be a JSON object")
    try:
        value = registry[name](**arguments)
    except Exception as err:  # the model reads the error and can try again; the loop goes on
        return _error(f"{type(err).__name__}: {err}")
    return value if isinstance(value, str) else json.dumps(value, default=str)


def execute_tool_calls(message: Any, registry: dict[str, Callable[..., Any]]) -> list[dict]:
    return [
        {"role": "tool", "tool_call_id": call.id, "content": _run_one(call, registry)}
        for call in message.tool_calls or []
    ]


def run_agent(
    client: OpenAI,
    model: str,
    messages: list[dict],
    tools: list[dict],
    registry: dict[str, Callable[..., Any]],
    max_steps: int = 5,
    **options: Any,
) -> tuple[str, list[dict]]:
    history = list(messages)
    for _ in range(max_steps):
        response = client.chat.completions.create(model=model, messages=history, tools=tools, **options)
        message = response.choices[0].message
        history.append(assistant_to_dict(message))
        if not message.tool_calls:
            return message.content or "", history
        history.extend(execute_tool_calls(message, registry))
    raise StepLimitExceeded(max_steps, history)
