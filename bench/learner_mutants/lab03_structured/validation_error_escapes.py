"""lesson: parse_reply calls ``model.model_validate`` without a try, so pydantic's ValidationError escapes.

Breaks: ""wrong_shape" if ``model.model_validate(data)`` raises ... Never let ... a ValidationError escape."
"""

import json

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import StructuredOutputError


def parse_reply(completion, model):
    choice = completion.choices[0]
    message = choice.message
    if message.refusal:
        raise StructuredOutputError("refused", f"the model refused: {message.refusal}")
    if choice.finish_reason == "length":
        raise StructuredOutputError("truncated", "the reply was cut off", message.content)
    if message.content is None:
        raise StructuredOutputError("invalid_json", "the reply has no content")
    try:
        data = json.loads(message.content)
    except json.JSONDecodeError as err:
        raise StructuredOutputError("invalid_json", f"not JSON ({err})", message.content) from err
    return model.model_validate(data)
