"""Lab 3 · Structured output: get JSON you can trust, and know when you can't.

Fill in the class and the three functions below (replace each ``raise NotImplementedError``).
Check your work with:

    make check LAB=3          (or: python -m course check 3)

Everything here takes an ``OpenAI`` client (or a completion it returned), so it works against
the course's stub and against any real provider that supports structured outputs.

The strict-mode rules your schema must follow (the API answers 400 otherwise)::

    {"type": "object",                       # the root is an object
     "properties": {...},
     "required": [every key of properties],  # no optional fields: a field that may be empty is
                                             #   {"anyOf": [{...}, {"type": "null"}]}
     "additionalProperties": false}          # on EVERY object, nested ones too
    no "minLength", "allOf", ...; a "$ref" stands alone (no "description" next to it); and leave
    "default" out: it can never apply (every field is required), and Azure OpenAI refuses it with a 400
    (OpenAI did too until 2025): a strict schema without "default" works on every provider
"""

from __future__ import annotations

import json  # noqa: F401  (you will need it)
from enum import Enum
from typing import Any, TypeVar

from openai import OpenAI
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, Field, ValidationError  # noqa: F401  (you will need them)

M = TypeVar("M", bound=BaseModel)


class StructuredOutputError(Exception):
    """A reply that could not become the value you asked for. (Given: use it, don't change it.)

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
    """The model's verdict on one review.

    Declare three fields (then delete the ``__init__`` below, which only stands in for them):

    * ``sentiment``: a ``Sentiment`` (so only the four values above validate);
    * ``confidence``: a float from 0 to 1 inclusive (``Field(ge=..., le=...)``);
    * ``keywords``: a list of strings.

    Pydantic then rejects ``confidence=1.5`` or ``sentiment="great"`` with a ValidationError,
    and ``model_json_schema()`` describes the same rules to the model.
    """

    def __init__(self, **data: Any) -> None:  # delete me when you have declared the fields
        raise NotImplementedError(
            "declare the fields of ReviewClassification (sentiment, confidence, keywords)"
        )


def strict_response_format(model: type[BaseModel], name: str | None = None) -> dict[str, Any]:
    """Build a ``response_format`` for ``model`` that strict mode accepts, by hand.

    Return::

        {"type": "json_schema",
         "json_schema": {"name": name or model.__name__, "schema": <schema>, "strict": True}}

    where <schema> is ``model.model_json_schema()`` made strict, at every level (nested models
    live under ``"$defs"``, lists under ``"items"``, optional fields under ``"anyOf"``):

    * every object (``"type": "object"``) gets ``"additionalProperties": False`` and
      ``"required"`` = the list of all its property names;
    * ``"default"`` is removed wherever it appears: the portable rule (Azure OpenAI refuses it, and a
      strict schema has no use for it; an optional field stays nullable through its
      ``anyOf [..., {"type": "null"}]``);
    * a ``"$ref"`` with other keys beside it (pydantic writes ``{"$ref": ..., "description": ...}``
      for a described field of a model type) is replaced by a copy of what it points to
      (``schema["$defs"][name]``) merged with those keys.

    Hints: write a recursive helper that returns a new dict (don't mutate pydantic's schema);
    recurse into "properties" and "$defs" (dicts of schemas), "items" (a schema) and "anyOf"
    (a list of schemas). The SDK has one too (``openai.lib._pydantic.to_strict_json_schema``):
    compare with it once yours works, but write your own here.
    """
    raise NotImplementedError("build the strict json_schema response_format")


def parse_reply(completion: ChatCompletion, model: type[M]) -> M:
    """Turn the first choice of ``completion`` into a validated ``model``, or raise StructuredOutputError.

    Check, in this order, and raise ``StructuredOutputError(kind, message, raw=content)`` with:

    * "refused"      if ``message.refusal`` is set (content is None then);
    * "truncated"    if ``finish_reason == "length"`` (the JSON was cut off by the length cap,
      ``max_completion_tokens``; a reasoning model can also spend its whole budget on reasoning);
    * "invalid_json" if the content is None or ``json.loads`` fails;
    * "wrong_shape"  if ``model.model_validate(data)`` raises pydantic's ValidationError.

    Otherwise return the validated model instance. Never let a json.JSONDecodeError or a
    ValidationError escape: the caller should only have to catch StructuredOutputError.
    Use ``raise ... from err`` to keep the original error attached.
    """
    raise NotImplementedError("parse the reply defensively")


def classify_review(client: OpenAI, model: str, review: str) -> ReviewClassification:
    """Classify ``review`` through the API and return the validated ReviewClassification.

    * send a system message saying what to do, and the review in a user message;
    * ask for structured output: ``response_format=strict_response_format(ReviewClassification)``;
    * don't cap the reply too tightly (a cut-off JSON is useless). If you cap it, use
      ``max_completion_tokens``: ``max_tokens`` is deprecated, and reasoning models (every current OpenAI
      model) reject it with a 400. While they reason they also reject a ``temperature`` other than the
      default, so leave it out (the strict schema already fixes the shape); the tests run it on the course's
      default model, which reasons;
    * turn the completion into the model with ``parse_reply`` (so refusals and truncation raise
      StructuredOutputError instead of returning garbage).
    """
    raise NotImplementedError("classify the review with a strict schema")
