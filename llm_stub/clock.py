"""The stub's calendar: which day it is, for model lifecycles (a model past its shutdown date is refused).

The real date by default. A run can pin it, so that lessons and tests see the same day whatever the
calendar says: ``llm-stub --today 2026-12-12``, the ``LLM_STUB_TODAY`` environment variable, the
``StubConfig.today`` field, or at run time through the control endpoint (``PATCH /_stub/config`` with
``{"today": "2026-12-12"}``; ``{"today": null}`` goes back to the real date).
"""

from __future__ import annotations

import datetime as dt
import os

ENV = "LLM_STUB_TODAY"


def parse_day(value: str) -> dt.date:
    """``YYYY-MM-DD`` as a date; a ValueError that says what was expected otherwise."""
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"today must be a date written YYYY-MM-DD (e.g. 2026-12-07), not {value!r}"
        ) from None


def from_env() -> str | None:
    """``$LLM_STUB_TODAY`` when set (checked: a bad value is an error at start, not a surprise later)."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    parse_day(value)
    return value


def today(pinned: str | None) -> dt.date:
    """The pinned day, else the real date."""
    return parse_day(pinned) if pinned else dt.date.today()
