"""lesson: parse_reply tries ``json.loads`` first and looks at ``finish_reason`` only once the JSON parsed.

Breaks: "Check, in this order ... "truncated" if ``finish_reason == "length"`` ... "invalid_json" if ...
``json.loads`` fails" (a cut-off JSON is reported as invalid_json, not truncated).
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
    if message.content is None:
        raise StructuredOutputError("invalid_json", "the reply has no content")
    try:
        data = json.loads(message.content)
    except json.JSONDecodeError as err:
        raise StructuredOutputError("invalid_json", f"not JSON ({err})", message.content) from err
    if choice.finish_reason == "length":
        raise StructuredOutputError("truncated", "the reply was cut off", message.content)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise StructuredOutputError("wrong_shape", str(err), message.content) from err
