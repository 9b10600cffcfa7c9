"""shapes: ``"default"`` is removed from the root model's own fields only; nested models under ``$defs`` keep it.

Breaks: "``"default"`` is removed wherever it appears."
"""

from solutions.lab03_structured import *  # noqa: F403


def _strict(node, root, top=True):
    if isinstance(node, list):
        return [_strict(item, root, False) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    if "$ref" in node and len(node) > 1:
        target = root["$defs"][node.pop("$ref").split("/")[-1]]
        node = {**target, **node}
    out = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _strict(sub, root, False) for name, sub in value.items()}
            if top:  # the defaults of the model's own fields
                for sub in out[key].values():
                    sub.pop("default", None)
        elif key == "$defs":
            out[key] = {name: _strict(sub, root, False) for name, sub in value.items()}
        elif key in ("items", "anyOf"):
            out[key] = _strict(value, root, False)
        else:
            out[key] = value
    if out.get("type") == "object":
        out["additionalProperties"] = False
        out["required"] = list(out.get("properties", {}))
    return out


def strict_response_format(model, name=None):
    schema = model.model_json_schema()
    return {
        "type": "json_schema",
        "json_schema": {"name": name or model.__name__, "schema": _strict(schema, schema), "strict": True},
    }
