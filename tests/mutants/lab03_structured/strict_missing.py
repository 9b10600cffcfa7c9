"""Mistake: a json_schema response_format without strict=True (the schema is then only a hint)."""

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import _strict


def strict_response_format(model, name=None):
    schema = model.model_json_schema()
    return {
        "type": "json_schema",
        "json_schema": {"name": name or model.__name__, "schema": _strict(schema, schema)},
    }
