"""lesson: parse_reply raises its StructuredOutputErrors without ``raw=`` the reply's content.

Breaks: "raise ``StructuredOutputError(kind, message, raw=content)``" (the caller cannot log or show what
the model actually wrote).
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
        raise StructuredOutputError("truncated", "the reply was cut off")
    if message.content is None:
        raise StructuredOutputError("invalid_json", "the reply has no content")
    try:
        data = json.loads(message.content)
    except json.JSONDecodeError as err:
        raise StructuredOutputError("invalid_json", f"not JSON ({err})") from err
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise StructuredOutputError("wrong_shape", str(err)) from err
