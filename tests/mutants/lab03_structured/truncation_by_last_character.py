"""Mistake: parse_reply decides a reply was cut off by looking at its last character ("}" means complete)
instead of finish_reason."""

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import StructuredOutputError
from solutions.lab03_structured import parse_reply as _parse_reply


def parse_reply(completion, model):
    message = completion.choices[0].message
    if message.refusal:
        raise StructuredOutputError("refused", message.refusal)
    content = message.content
    if content is not None and not content.rstrip().endswith("}"):
        raise StructuredOutputError("truncated", "cut off", content)
    if completion.choices[0].finish_reason == "length":
        completion = completion.model_copy(deep=True)
        completion.choices[0].finish_reason = "stop"
    return _parse_reply(completion, model)
