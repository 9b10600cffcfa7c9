"""lesson: parse_reply never looks at ``message.refusal``; a refusal comes out as "invalid_json".

Breaks: "raise ... "refused" if ``message.refusal`` is set (content is None then)."
"""

import json

from pydantic import ValidationError

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import StructuredOutputError


def parse_reply(completion, model):
    choice = completion.choices[0]
    message = choice.message
    if choice.finish_reason == "length":
        raise StructuredOutputError("truncated", "the reply was cut off", message.content)
    if message.content is None:
        raise StructuredOutputError("invalid_json", "the reply has no content")
    try:
        data = json.loads(message.content)
    except json.JSONDecodeError as err:
        raise StructuredOutputError("invalid_json", f"not JSON ({err})", message.content) from err
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise StructuredOutputError("wrong_shape", str(err), message.content) from err
