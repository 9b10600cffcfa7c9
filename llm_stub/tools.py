"""Tool calling: when to call a tool, with which arguments, and answers that use the results."""

from __future__ import annotations

import random

from .request import ChatRequest


def validate_request(req: ChatRequest) -> None:
    """Raise the real 400s for tools and tool histories the API would refuse."""


def draft_tool_calls(req: ChatRequest, rng: random.Random) -> list[tuple[str, str]] | None:
    """The (name, JSON arguments) of the calls the model makes, or None to answer in text."""
    return None


def awaiting_answer(req: ChatRequest) -> bool:
    """True when the last message is a tool result the model should now answer from."""
    return bool(req.messages) and req.messages[-1].get("role") == "tool"


def answer_from_results(req: ChatRequest) -> str | None:
    return None
