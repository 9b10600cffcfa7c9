"""Validators for the official OpenAPI description of the OpenAI API (../shared/openai-openapi.json).

The description is OpenAPI 3.1 but still marks some fields with the 3.0 keyword
``nullable: true``; JSON Schema ignores that keyword, so it is rewritten here into
``type: [T, "null"]`` (what it means) before validating.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "openai-openapi.json"
URI = "urn:openai-openapi"


def _nullable_to_type(node):
    if isinstance(node, dict):
        node = {k: _nullable_to_type(v) for k, v in node.items()}
        if node.pop("nullable", False):
            kind = node.get("type")
            if isinstance(kind, str):
                node["type"] = [kind, "null"]
            elif "type" not in node:
                node = {"anyOf": [node, {"type": "null"}]}
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        return node
    if isinstance(node, list):
        return [_nullable_to_type(v) for v in node]
    return node


@lru_cache(maxsize=1)
def _registry() -> Registry:
    if not SPEC_PATH.exists():
        pytest.skip(
            f"the OpenAPI description is not at {SPEC_PATH}: conformance tests need ../shared beside the repo"
        )
    spec = _nullable_to_type(json.loads(SPEC_PATH.read_text()))
    return Registry().with_resource(
        URI, Resource.from_contents(copy.deepcopy(spec), default_specification=DRAFT202012)
    )


def validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{URI}#/components/schemas/{schema_name}"}, registry=_registry())


def errors(schema_name: str, instance: object) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(schema_name).iter_errors(instance)
    ]
