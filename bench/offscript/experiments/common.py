"""Small builders for the experiments: tools, schemas and history entries in the shapes lessons 03, 04 and 07
teach, so each experiment reads as the learner wrote it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

# A real app tells the model the date when dates matter (models do not know it); the experiments that need one
# put this in their system message, so predicates can check absolute dates.
TODAY = date(2026, 12, 7)
TODAY_LINE = "Today is Monday, 7 December 2026."


def string(description: str = "") -> dict:
    return {"type": "string", **({"description": description} if description else {})}


def integer(description: str = "") -> dict:
    return {"type": "integer", **({"description": description} if description else {})}


def number(description: str = "") -> dict:
    return {"type": "number", **({"description": description} if description else {})}


def boolean(description: str = "") -> dict:
    return {"type": "boolean", **({"description": description} if description else {})}


def enum(*values: str, description: str = "") -> dict:
    return {"type": "string", "enum": list(values), **({"description": description} if description else {})}


def nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


def array(items: dict, description: str = "") -> dict:
    return {"type": "array", "items": items, **({"description": description} if description else {})}


def obj(properties: dict, *, strict: bool = True, required: list[str] | None = None) -> dict:
    """An object schema; strict means every property required and no others (lesson 03)."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if strict else (required or []),
    }
    if strict:
        schema["additionalProperties"] = False
    return schema


def tool(
    name: str, description: str, properties: dict, *, strict: bool = True, required: list[str] | None = None
) -> dict:
    """A Chat Completions function tool (lesson 04); non-strict tools may leave parameters optional."""
    function: dict[str, Any] = {
        "name": name,
        "description": description,
        "parameters": obj(properties, strict=strict, required=required),
    }
    if strict:
        function["strict"] = True
    return {"type": "function", "function": function}


def json_schema(name: str, properties: dict) -> dict:
    """A strict ``response_format`` (lesson 03)."""
    return {"type": "json_schema", "json_schema": {"name": name, "schema": obj(properties), "strict": True}}


def system(text: str) -> dict:
    return {"role": "system", "content": text}


def developer(text: str) -> dict:
    return {"role": "developer", "content": text}


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict:
    return {"role": "assistant", "content": text}


def called(*calls: tuple[str, dict, str]) -> dict:
    """The assistant message that asked for tools: (name, arguments, call id) per call."""
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
            for name, args, call_id in calls
        ],
    }


def result(call_id: str, value: Any) -> dict:
    return {
        "role": "tool",
        "tool_call_id": call_id,
        "content": value if isinstance(value, str) else json.dumps(value),
    }


def function_call(name: str, args: dict, call_id: str) -> dict:
    """A Responses ``function_call`` item (lesson 07)."""
    return {"type": "function_call", "name": name, "arguments": json.dumps(args), "call_id": call_id}


def function_output(call_id: str, value: Any) -> dict:
    return {
        "type": "function_call_output",
        "call_id": call_id,
        "output": value if isinstance(value, str) else json.dumps(value),
    }


DATED = system(f"You are a helpful assistant. {TODAY_LINE}")
