"""Mistake: replacing a $ref that has a description beside it by the definition it points to, and losing the description."""

from solutions.lab03_structured import *  # noqa: F403


def _strict(node, root):
    if isinstance(node, list):
        return [_strict(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and len(node) > 1:
        node = root["$defs"][node["$ref"].split("/")[-1]]  # the definition alone: the description is gone
    node = {k: v for k, v in node.items() if k != "default"}
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
        out["required"] = list(out.get("properties", {}))
    return out
