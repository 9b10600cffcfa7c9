"""Helpers of the stub's Responses tests: models chosen by kind rather than by name (the catalogue changes with
the date), and the weather tool's call and output items."""

from __future__ import annotations

import datetime
import json

import pytest


def served_model(stub, kind: str) -> str:
    """The first model the stub lists that is a reasoning model (``kind="reasoning"``) or not (``"chat"``), and
    that is not past a shutdown date the catalogue may give it."""
    today = datetime.date.today().isoformat()
    for info in stub.state.config.models:
        shutdown = getattr(info, "shutdown_date", None)
        if shutdown and str(shutdown) <= today:
            continue
        if info.is_reasoning == (kind == "reasoning"):
            return info.id
    pytest.skip(f"the stub serves no {kind} model")


def weather_call(call_id: str, city: str) -> dict:
    """A ``function_call`` item of the tests' ``get_weather`` tool."""
    return {
        "type": "function_call",
        "call_id": call_id,
        "name": "get_weather",
        "arguments": json.dumps({"city": city}),
    }


def weather_output(call_id: str, temp: int) -> dict:
    return {"type": "function_call_output", "call_id": call_id, "output": json.dumps({"temp_c": temp})}
