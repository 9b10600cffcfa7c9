"""Mistake: not checking finish_reason, so a reply cut off by max_tokens is reported as bad JSON (or worse, accepted) instead of "truncated"."""

import json

from pydantic import ValidationError

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import StructuredOutputError


def parse_reply(completion, model):
    message = completion.choices[0].message
    if message.refusal:
        raise StructuredOutputError("refused", message.refusal)
    try:
        data = json.loads(message.content or "")
    except json.JSONDecodeError as err:
        raise StructuredOutputError("invalid_json", str(err), message.content) from err
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise StructuredOutputError("wrong_shape", str(err), message.content) from err
