"""lesson: parse_reply hands a None content to ``json.loads``, and the TypeError escapes.

Breaks: ""invalid_json" if the content is None or ``json.loads`` fails ... the caller should only have
to catch StructuredOutputError."
"""

import json

from pydantic import ValidationError

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import StructuredOutputError


def parse_reply(completion, model):
    choice = completion.choices[0]
    message = choice.message
    if message.refusal:
        raise StructuredOutputError("refused", f"the model refused: {message.refusal}")
    if choice.finish_reason == "length":
        raise StructuredOutputError("truncated", "the reply was cut off", message.content)
    try:
        data = json.loads(message.content)
    except json.JSONDecodeError as err:
        raise StructuredOutputError("invalid_json", f"not JSON ({err})", message.content) from err
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise StructuredOutputError("wrong_shape", str(err), message.content) from err
