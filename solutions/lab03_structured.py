"""Lab 3 · Structured output: reference solution (same names and signatures as labs/lab03_structured.py)."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any, TypeVar

from openai import OpenAI
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, Field, ValidationError

M = TypeVar("M", bound=BaseModel)

SYSTEM_PROMPT = (
    "You classify product reviews. Give the overall sentiment, how confident you are (0 to 1) "
    "and up to five short keywords taken from the review."
)


class StructuredOutputError(Exception):
    """A reply that could not become the value you asked for. (Given.)

    ``kind`` says why, so the caller can react: "truncated" (finish_reason "length": raise
    max_completion_tokens), "refused" (the model declined: show ``refusal`` to the user), "invalid_json"
    (not JSON at all), or "wrong_shape" (JSON, but not what the model class describes).
    """

    KINDS = ("truncated", "refused", "invalid_json", "wrong_shape")

    def __init__(self, kind: str, message: str, raw: str | None = None) -> None:
        if kind not in self.KINDS:
            raise ValueError(f"kind must be one of {self.KINDS}, not {kind!r}")
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.raw = raw


class Sentiment(str, Enum):
    """The sentiments a review can have. (Given.)"""

    positive = "positive"
    negative = "negative"
    neutral = "neutral"
    mixed = "mixed"


class ReviewClassification(BaseModel):
    """The model's verdict on one review."""

    sentiment: Sentiment
    confidence: float = Field(ge=0, le=1, description="How sure the model is, from 0 to 1.")
    keywords: list[str] = Field(description="Short keywords taken from the review.")


def _strict(node: Any, root: dict) -> Any:
    """Return a strict copy of one node of a pydantic JSON schema (and of everything inside it)."""
    if isinstance(node, list):
        return [_strict(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    if "$ref" in node and len(node) > 1:  # strict mode wants a $ref on its own: inline what it points to
        target = root["$defs"][node.pop("$ref").split("/")[-1]]
        node = {**target, **node}
    node.pop("default", None)  # portable: Azure OpenAI refuses it; it never applies (every field is required)
    out: dict[str, Any] = {}
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


def strict_response_format(model: type[BaseModel], name: str | None = None) -> dict[str, Any]:
    """A ``response_format`` for ``model`` that strict mode accepts."""
    schema = model.model_json_schema()
    return {
        "type": "json_schema",
        "json_schema": {"name": name or model.__name__, "schema": _strict(schema, schema), "strict": True},
    }


def parse_reply(completion: ChatCompletion, model: type[M]) -> M:
    """The first choice's content as a validated ``model``, or a StructuredOutputError saying why not."""
    choice = completion.choices[0]
    message = choice.message
    if message.refusal:
        raise StructuredOutputError("refused", f"the model refused: {message.refusal}")
    if choice.finish_reason == "length":
        raise StructuredOutputError(
            "truncated",
            "the reply was cut off (finish_reason 'length'); raise max_completion_tokens",
            message.content,
        )
    if message.content is None:
        raise StructuredOutputError("invalid_json", "the reply has no content")
    try:
        data = json.loads(message.content)
    except json.JSONDecodeError as err:
        raise StructuredOutputError(
            "invalid_json", f"the reply is not JSON ({err})", message.content
        ) from err
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise StructuredOutputError(
            "wrong_shape", f"the JSON does not fit {model.__name__}: {err}", message.content
        ) from err


def classify_review(client: OpenAI, model: str, review: str) -> ReviewClassification:
    """Classify ``review`` with a strict schema and return the validated ReviewClassification."""
    completion = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Review: {review}"},
        ],
        response_format=strict_response_format(ReviewClassification),
    )
    return parse_reply(completion, ReviewClassification)
