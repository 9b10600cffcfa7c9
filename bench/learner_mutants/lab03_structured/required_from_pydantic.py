"""shapes: every object gets ``additionalProperties: False`` but keeps pydantic's own ``required`` list.

Breaks: "every object ... gets ... ``"required"`` = the list of all its property names" (a field with a
default is left out of ``required``, which strict mode rejects).
"""

from solutions.lab03_structured import *  # noqa: F403


def _strict(node, root):
    if isinstance(node, list):
        return [_strict(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    if "$ref" in node and len(node) > 1:
        target = root["$defs"][node.pop("$ref").split("/")[-1]]
        node = {**target, **node}
    node.pop("default", None)
    out = {}
    for key, value in node.items():
        if key in ("properties", "$defs"):
            out[key] = {name: _strict(sub, root) for name, sub in value.items()}
        elif key in ("items", "anyOf"):
            out[key] = _strict(value, root)
        else:
            out[key] = value
    if out.get("type") == "object":
        out["additionalProperties"] = False
        out.setdefault("required", [])
    return out


def strict_response_format(model, name=None):
    schema = model.model_json_schema()
    return {
        "type": "json_schema",
        "json_schema": {"name": name or model.__name__, "schema": _strict(schema, schema), "strict": True},
    }
