"""Validate typed request fields against their schemas in the official OpenAPI description, with the real 400s.

``SCHEMAS`` holds the schemas of the Chat Completions request's side parameters (the
ones without hand-written checks in ``request.py``) and of a custom tool, copied from
``CreateChatCompletionRequest`` / ``CustomToolChatCompletions`` in
``../shared/openai-openapi.json`` with ``$ref``s inlined and descriptions dropped
(``tests/stub/test_validation.py`` checks the copy still matches the description).

Messages follow the real API's wording, as quoted in public issues: ``Invalid type for
'n': expected an integer, but got a string instead.`` (code ``invalid_type``),
``Missing required parameter: 'x'.`` (``missing_required_parameter``), ``Invalid
value: 'x'. Supported values are: 'a' and 'b'.`` (``invalid_value``; aallam/openai-kotlin#320),
``Invalid 'tools': array too long. Expected an array with maximum length 128, but got
an array with length 129 instead.`` (``array_above_max_length``; vishalmysore/Tools4AI#16),
``... empty array. Expected an array with minimum length 1 ...`` (``empty_array``;
home-assistant/core#118577), ``Unknown parameter: 'x'.`` (``unknown_parameter``).
"""

from __future__ import annotations

from typing import Any

from .errors import StubError, invalid

SCHEMAS: dict[str, Any] = {
    "metadata": {"anyOf": [{"type": "object", "additionalProperties": {"type": "string"}}, {"type": "null"}]},
    "top_logprobs": {"type": "integer", "minimum": 0, "maximum": 20, "nullable": True},
    "user": {"type": "string"},
    "safety_identifier": {"anyOf": [{"type": "string", "maxLength": 64}, {"type": "null"}]},
    "prompt_cache_key": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    "prompt_cache_retention": {"anyOf": [{"type": "string", "enum": ["in_memory", "24h"]}, {"type": "null"}]},
    "prompt_cache_options": {
        "properties": {
            "ttl": {"type": "string", "enum": ["30m"]},
            "mode": {"type": "string", "enum": ["implicit", "explicit"]},
        },
        "type": "object",
        "required": [],
    },
    "service_tier": {
        "anyOf": [
            {"type": "string", "enum": ["auto", "default", "flex", "scale", "priority", "fast"]},
            {"type": "null"},
        ]
    },
    "modalities": {
        "anyOf": [{"type": "array", "items": {"type": "string", "enum": ["text", "audio"]}}, {"type": "null"}]
    },
    "verbosity": {"anyOf": [{"type": "string", "enum": ["low", "medium", "high"]}, {"type": "null"}]},
    "web_search_options": {
        "type": "object",
        "properties": {
            "user_location": {
                "type": "object",
                "nullable": True,
                "required": ["type", "approximate"],
                "properties": {
                    "type": {"type": "string", "enum": ["approximate"]},
                    "approximate": {
                        "type": "object",
                        "properties": {
                            "country": {"type": "string"},
                            "region": {"type": "string"},
                            "city": {"type": "string"},
                            "timezone": {"type": "string"},
                        },
                    },
                },
            },
            "search_context_size": {"type": "string", "enum": ["low", "medium", "high"]},
        },
    },
    "audio": {
        "type": "object",
        "nullable": True,
        "required": ["voice", "format"],
        "properties": {
            "voice": {
                "anyOf": [
                    {
                        "anyOf": [
                            {"type": "string"},
                            {
                                "type": "string",
                                "enum": [
                                    "alloy",
                                    "ash",
                                    "ballad",
                                    "coral",
                                    "echo",
                                    "sage",
                                    "shimmer",
                                    "verse",
                                    "marin",
                                    "cedar",
                                ],
                            },
                        ]
                    },
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["id"],
                        "properties": {"id": {"type": "string"}},
                    },
                ]
            },
            "format": {"type": "string", "enum": ["wav", "aac", "mp3", "flac", "opus", "pcm16"]},
        },
    },
    "store": {"type": "boolean", "nullable": True},
    "moderation": {
        "anyOf": [
            {
                "properties": {
                    "model": {"type": "string"},
                    "policy": {
                        "anyOf": [
                            {
                                "properties": {
                                    "input": {
                                        "anyOf": [
                                            {
                                                "properties": {
                                                    "mode": {"type": "string", "enum": ["score", "block"]}
                                                },
                                                "type": "object",
                                                "required": ["mode"],
                                            },
                                            {"type": "null"},
                                        ]
                                    },
                                    "output": {
                                        "anyOf": [
                                            {
                                                "properties": {
                                                    "mode": {"type": "string", "enum": ["score", "block"]}
                                                },
                                                "type": "object",
                                                "required": ["mode"],
                                            },
                                            {"type": "null"},
                                        ]
                                    },
                                },
                                "type": "object",
                                "required": [],
                            },
                            {"type": "null"},
                        ]
                    },
                },
                "type": "object",
                "required": ["model"],
            },
            {"type": "null"},
        ]
    },
    "logprobs": {"type": "boolean", "nullable": True},
    "prediction": {
        "nullable": True,
        "oneOf": [
            {
                "type": "object",
                "required": ["type", "content"],
                "properties": {
                    "type": {"type": "string", "enum": ["content"]},
                    "content": {
                        "oneOf": [
                            {"type": "string"},
                            {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "type": {"type": "string", "enum": ["text"]},
                                        "text": {"type": "string"},
                                        "prompt_cache_breakpoint": {
                                            "properties": {"mode": {"type": "string", "enum": ["explicit"]}},
                                            "type": "object",
                                            "required": ["mode"],
                                        },
                                    },
                                    "required": ["type", "text"],
                                },
                                "minItems": 1,
                            },
                        ]
                    },
                },
            }
        ],
    },
    "stream_options": {
        "anyOf": [
            {
                "type": "object",
                "properties": {
                    "include_usage": {"type": "boolean"},
                    "include_obfuscation": {"type": "boolean"},
                },
            },
            {"type": "null"},
        ]
    },
    "custom_tool": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["custom"]},
            "custom": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "format": {
                        "oneOf": [
                            {
                                "type": "object",
                                "properties": {"type": {"type": "string", "enum": ["text"]}},
                                "required": ["type"],
                                "additionalProperties": False,
                            },
                            {
                                "type": "object",
                                "properties": {
                                    "type": {"type": "string", "enum": ["grammar"]},
                                    "grammar": {
                                        "type": "object",
                                        "properties": {
                                            "definition": {"type": "string"},
                                            "syntax": {"type": "string", "enum": ["lark", "regex"]},
                                        },
                                        "required": ["definition", "syntax"],
                                    },
                                },
                                "required": ["type", "grammar"],
                                "additionalProperties": False,
                            },
                        ]
                    },
                },
                "required": ["name"],
            },
        },
        "required": ["type", "custom"],
    },
}

TYPE_WORDS = {  # how the real 400s name JSON types ("expected a decimal, but got null")
    "string": "a string",
    "integer": "an integer",
    "number": "a decimal",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}


def described_type(value: Any) -> str:
    """How the real API's 400s name a value's type: "a string", "an integer", "a decimal", "null"."""
    return TYPE_WORDS[kind_of(value)]


def kind_of(value: Any) -> str:
    """The JSON Schema type of a decoded JSON value ("integer", "number", "object", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _fits(kind: str, declared: str) -> bool:
    return kind == declared or (declared == "number" and kind == "integer")


def listing(values: list) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b', and 'c'`` (the real messages' lists)."""
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


def bad_value(value: Any, allowed: list | tuple, path: str) -> StubError:
    """The 400 for a value outside an enum; a value that is not a string gets the type error instead, so
    that no Python spelling ('None', 'True') reaches a message."""
    if not isinstance(value, str):
        return invalid(
            f"Invalid type for '{path}': expected a string, but got {TYPE_WORDS[kind_of(value)]} instead.",
            path,
            "invalid_type",
        )
    return invalid(
        f"Invalid value: '{value}'. Supported values are: {listing(allowed)}.", path, "invalid_value"
    )


def _types(schema: dict) -> list[str]:
    t = schema.get("type")
    return [t] if isinstance(t, str) else list(t or [])


def _branches(schema: dict) -> list[dict]:
    return list(schema.get("anyOf") or schema.get("oneOf") or [])


def _flat(schema: dict) -> list[dict]:
    """A schema's alternatives with nested anyOf/oneOf flattened (``null`` branches dropped)."""
    out = []
    for b in _branches(schema) or [schema]:
        if _branches(b):
            out.extend(_flat(b))
        elif _types(b) != ["null"]:
            out.append(b)
    return out


def validate(value: Any, schema: dict, path: str) -> None:
    """Raise the real API's 400 for the first way ``value`` breaks ``schema``."""
    if value is None and (schema.get("nullable") or any(_types(b) == ["null"] for b in _branches(schema))):
        return
    if _branches(schema):
        _validate_union(value, schema, path)
        return
    kind = kind_of(value)
    types = _types(schema)
    if types and not any(_fits(kind, t) for t in types):
        expected = " or ".join(TYPE_WORDS[t] for t in types)
        raise invalid(
            f"Invalid type for '{path}': expected {expected}, but got {TYPE_WORDS[kind]} instead.",
            path,
            "invalid_type",
        )
    if "enum" in schema and value not in schema["enum"]:
        raise invalid(
            f"Invalid value: '{value}'. Supported values are: {listing(schema['enum'])}.",
            path,
            "invalid_value",
        )
    if kind in ("integer", "number"):
        word = "integer" if kind == "integer" else "decimal"
        if "minimum" in schema and value < schema["minimum"]:
            raise invalid(
                f"Invalid '{path}': {word} below minimum value. Expected a value >= {schema['minimum']}, "
                f"but got {value} instead.",
                path,
                f"{word}_below_min_value",
            )
        if "maximum" in schema and value > schema["maximum"]:
            raise invalid(
                f"Invalid '{path}': {word} above maximum value. Expected a value <= {schema['maximum']}, "
                f"but got {value} instead.",
                path,
                f"{word}_above_max_value",
            )
    elif kind == "string" and "maxLength" in schema and len(value) > schema["maxLength"]:
        raise invalid(
            f"Invalid '{path}': string too long. Expected a string with maximum length {schema['maxLength']}, "
            f"but got a string with length {len(value)} instead.",
            path,
            "string_above_max_length",
        )
    elif kind == "array":
        if "minItems" in schema and len(value) < schema["minItems"]:
            raise invalid(
                f"Invalid '{path}': empty array. Expected an array with minimum length {schema['minItems']}, "
                "but got an empty array instead.",
                path,
                "empty_array",
            )
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            raise invalid(
                f"Invalid '{path}': array too long. Expected an array with maximum length {schema['maxItems']}, "
                f"but got an array with length {len(value)} instead.",
                path,
                "array_above_max_length",
            )
        if "items" in schema:
            for i, item in enumerate(value):
                validate(item, schema["items"], f"{path}[{i}]")
    elif kind == "object":
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                raise invalid(
                    f"Missing required parameter: '{path}.{key}'.",
                    f"{path}.{key}",
                    "missing_required_parameter",
                )
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                validate(item, props[key], f"{path}.{key}")
            elif extra is False:
                raise invalid(f"Unknown parameter: '{path}.{key}'.", f"{path}.{key}", "unknown_parameter")
            elif isinstance(extra, dict):
                validate(item, extra, f"{path}.{key}")


def _validate_union(value: Any, schema: dict, path: str) -> None:
    errors: list[StubError] = []
    for branch in _branches(schema):
        try:
            validate(value, branch, path)
            return
        except StubError as err:
            errors.append(err)
    kind = kind_of(value)
    options = _flat(schema)
    same_kind = [b for b in options if any(_fits(kind, t) for t in _types(b))]
    if not same_kind:
        words = []
        for b in options:
            for t in _types(b):
                word = TYPE_WORDS[t] if t != "array" else "an array"
                if word not in words:
                    words.append(word)
        expected = words[0] if len(words) == 1 else "one of " + " or ".join(words)
        raise invalid(
            f"Invalid type for '{path}': expected {expected}, but got {TYPE_WORDS[kind]} instead.",
            path,
            "invalid_type",
        )
    if kind == "object":  # tagged objects: pick the branch its "type" names
        tags = [b.get("properties", {}).get("type", {}).get("enum") for b in same_kind]
        if all(tags) and "type" in value:
            for b, tag in zip(same_kind, tags, strict=True):
                if value["type"] in tag:
                    validate(value, b, path)
            allowed = [t for tag in tags for t in tag]
            raise invalid(
                f"Invalid value: '{value['type']}'. Supported values are: {listing(allowed)}.",
                f"{path}.type",
                "invalid_value",
            )
        if all(tags):
            raise invalid(
                f"Missing required parameter: '{path}.type'.", f"{path}.type", "missing_required_parameter"
            )
    if len(same_kind) == 1:
        validate(value, same_kind[0], path)
    enums = [v for b in same_kind for v in b.get("enum", [])]
    if enums and all("enum" in b for b in same_kind):
        raise invalid(
            f"Invalid value: '{value}'. Supported values are: {listing(enums)}.", path, "invalid_value"
        )
    raise errors[-1]
