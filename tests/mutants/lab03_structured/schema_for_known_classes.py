"""Mistake: a schema written out for the classes the learner tried (their names and fields), and a top-level-only conversion for any other class."""

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import strict_response_format as _converted

TRIED = {
    "Review",
    "ReviewClassification",
    "Order",
    "Customer",
    "Item",
    "Address",
    "_Catalogue",
    "_Tag",
    "_Tree",
}


def strict_response_format(model, name=None):
    if model.__name__ in TRIED:
        return _converted(model, name)
    schema = dict(model.model_json_schema())
    schema["additionalProperties"] = False
    schema["required"] = list(schema.get("properties", {}))
    return {
        "type": "json_schema",
        "json_schema": {"name": name or "response", "schema": schema, "strict": True},
    }
