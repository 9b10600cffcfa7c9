"""Mistake: sending pydantic's model_json_schema() as is with strict=True (no additionalProperties: false, optional fields not required, defaults kept): strict mode rejects it."""

from solutions.lab03_structured import *  # noqa: F403


def strict_response_format(model, name=None):
    return {
        "type": "json_schema",
        "json_schema": {"name": name or model.__name__, "schema": model.model_json_schema(), "strict": True},
    }
