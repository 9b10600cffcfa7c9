"""Mistake: ignoring message.refusal, so a refusal looks like a parsing failure instead of "refused"."""

import json

from pydantic import ValidationError

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import StructuredOutputError


def parse_reply(completion, model):
    choice = completion.choices[0]
    if choice.finish_reason == "length":
        raise StructuredOutputError("truncated", "cut off", choice.message.content)
    try:
        data = json.loads(choice.message.content or "")
    except json.JSONDecodeError as err:
        raise StructuredOutputError("invalid_json", str(err), choice.message.content) from err
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise StructuredOutputError("wrong_shape", str(err), choice.message.content) from err
