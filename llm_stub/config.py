"""Run-time settings of a stub server: keys, models, pacing, reply scripts, limits.

One ``StubConfig`` per server. It can be changed while the server runs (through
the handle, the control endpoint or the CLI flags), which is how a notebook turns
on realistic pacing or a rate limit for one demonstration.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import clock
from .catalog import DEFAULT_MODELS, DEFAULT_RESTRICTED, ModelInfo

DEFAULT_API_KEY = "sk-stub"


@dataclass
class StubConfig:
    api_keys: list[str] = field(default_factory=lambda: [DEFAULT_API_KEY])
    models: list[ModelInfo] = field(default_factory=lambda: list(DEFAULT_MODELS))
    restricted_models: list[ModelInfo] = field(default_factory=lambda: list(DEFAULT_RESTRICTED))
    reply_files: list[str] = field(default_factory=list)
    # Pacing of generated tokens, in seconds: zero makes tests instant.
    time_to_first_token: float = 0.0
    time_per_token: float = 0.0
    # Rate limits per API key (None: unlimited) and a spending budget in tokens per key.
    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None
    quota_tokens: int | None = None
    # Seconds of allowance a rate-limit bucket holds (60: the whole minute); the real API may "quantize"
    # a per-minute limit into shorter windows (600 RPM enforced as 10 per second: rate_limit_window=1).
    rate_limit_window: float = 60.0
    max_body_bytes: int = 8 * 1024 * 1024
    journal_size: int = 5000
    # When set, the control endpoints (/_stub/...) answer only requests carrying this secret in the
    # ``x-stub-control-token`` header (the grader sets a random one per run; unset for learners).
    control_token: str | None = None
    # The day the stub believes it is (YYYY-MM-DD), for model lifecycles (clock.py); None: the real date.
    today: str | None = field(default_factory=clock.from_env)

    # Fields a client may change at run time through the control endpoint.
    TUNABLE = (
        "api_keys",
        "reply_files",
        "time_to_first_token",
        "time_per_token",
        "requests_per_minute",
        "tokens_per_minute",
        "quota_tokens",
        "rate_limit_window",
        "max_body_bytes",
        "today",
    )

    def model(self, model_id: str) -> ModelInfo | None:
        """The served model with this id (looked up on every request: an index, rebuilt when ``models`` is
        replaced or changes length)."""
        models = self.models
        index = self.__dict__.get("_model_index")
        if index is None or index[0] is not models or index[1] != len(models):
            index = self.__dict__["_model_index"] = (models, len(models), {m.id: m for m in reversed(models)})
        return index[2].get(model_id)

    def current_date(self) -> dt.date:
        """Today, for this stub: the pinned ``today`` or the real date."""
        return clock.today(self.today)

    def restricted(self, model_id: str) -> ModelInfo | None:
        return next((m for m in self.restricted_models if m.id == model_id), None)

    def copy(self) -> StubConfig:
        return dataclasses.replace(
            self, api_keys=list(self.api_keys), models=list(self.models), reply_files=list(self.reply_files)
        )

    def update(self, changes: dict) -> list[str]:
        """Apply run-time changes; return the names of fields it did not accept.

        Raises ValueError (nothing changed) for a value a field cannot take, e.g. a ``today`` that is not a date.
        """
        if changes.get("today") is not None:
            clock.parse_day(changes["today"])
        rejected = []
        for name, value in changes.items():
            if name not in self.TUNABLE:
                rejected.append(name)
                continue
            setattr(self, name, value)
        return rejected

    def public(self) -> dict:
        """The settings as JSON, without the keys themselves."""
        data = {name: getattr(self, name) for name in self.TUNABLE if name != "api_keys"}
        data["api_key_count"] = len(self.api_keys)
        data["models"] = [m.id for m in self.models]
        data["reply_files"] = [str(Path(p)) for p in self.reply_files]
        return data
