"""Mistake: making only the top-level object strict; nested models (in $defs, items, anyOf) are left as pydantic wrote them, so strict mode rejects the schema."""

from solutions.lab03_structured import *  # noqa: F403


def strict_response_format(model, name=None):
    schema = dict(model.model_json_schema())
    schema["additionalProperties"] = False
    schema["required"] = list(schema.get("properties", {}))
    return {
        "type": "json_schema",
        "json_schema": {"name": name or model.__name__, "schema": schema, "strict": True},
    }
