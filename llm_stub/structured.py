"""JSON output: ``response_format`` json_object and json_schema (filled in by the structured-output work)."""

from __future__ import annotations

import json
import random

from .replies import Rule
from .request import ChatRequest


def validate_request(req: ChatRequest) -> None:
    """Raise the real 400s for a response_format the API would refuse."""


def draft_json(req: ChatRequest, rule: Rule | None, rng: random.Random) -> str:
    if rule is not None and rule.json is not None:
        return json.dumps(rule.json)
    return json.dumps({"reply": req.last_user_text})
