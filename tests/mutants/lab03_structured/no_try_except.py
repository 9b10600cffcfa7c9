"""Mistake: json.loads and model_validate without try/except, so a JSONDecodeError or ValidationError escapes instead of one clear error."""

import json

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import StructuredOutputError


def parse_reply(completion, model):
    choice = completion.choices[0]
    if choice.message.refusal:
        raise StructuredOutputError("refused", choice.message.refusal)
    if choice.finish_reason == "length":
        raise StructuredOutputError("truncated", "cut off", choice.message.content)
    return model.model_validate(json.loads(choice.message.content))
