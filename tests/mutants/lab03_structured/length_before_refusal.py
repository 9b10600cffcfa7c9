"""Mistake: parse_reply checks finish_reason before the refusal, so a refusal cut by the length cap is
reported as "truncated"."""

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import StructuredOutputError
from solutions.lab03_structured import parse_reply as _parse_reply


def parse_reply(completion, model):
    choice = completion.choices[0]
    if choice.finish_reason == "length":
        raise StructuredOutputError("truncated", "cut off", choice.message.content)
    return _parse_reply(completion, model)
