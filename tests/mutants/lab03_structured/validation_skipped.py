"""Mistake: skipping pydantic validation (model_construct trusts the JSON), so valid JSON of the wrong shape gets through."""

import json

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import StructuredOutputError


def parse_reply(completion, model):
    choice = completion.choices[0]
    if choice.message.refusal:
        raise StructuredOutputError("refused", choice.message.refusal)
    if choice.finish_reason == "length":
        raise StructuredOutputError("truncated", "cut off", choice.message.content)
    try:
        data = json.loads(choice.message.content or "")
    except json.JSONDecodeError as err:
        raise StructuredOutputError("invalid_json", str(err), choice.message.content) from err
    return model.model_construct(**data)
