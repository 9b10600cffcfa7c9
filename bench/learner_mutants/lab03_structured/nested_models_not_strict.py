"""shapes: only the root object is made strict; nested models under ``$defs`` keep pydantic's schema.

Breaks: "``<schema>`` is ``model.model_json_schema()`` made strict, at every level (nested models live
under ``"$defs"``...): every object gets ``"additionalProperties": False`` and ``"required"``."
"""

from solutions.lab03_structured import *  # noqa: F403


def strict_response_format(model, name=None):
    schema = model.model_json_schema()
    properties = {}
    for key, prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in prop.items() if k != "default"}
        if "$ref" in prop and len(prop) > 1:
            target = schema["$defs"][prop.pop("$ref").split("/")[-1]]
            prop = {**target, **prop}
        properties[key] = prop
    strict = {**schema, "properties": properties, "required": list(properties), "additionalProperties": False}
    return {
        "type": "json_schema",
        "json_schema": {"name": name or model.__name__, "schema": strict, "strict": True},
    }
