"""An OpenAI-compatible stub server: deterministic, free, and faithful to the wire format.

Run it on its own (``python -m llm_stub --port 8000``), in a background thread
(``llm_stub.start()``), or as the pytest fixture ``llm_stub``.

The names below are loaded on first use (PEP 562), so that ``llm_stub.catalog`` (the model catalogue, which
the course reads on import) does not pull in the server, the SDK's types and the language data.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "StubControl": ".client",
    "DEFAULT_API_KEY": ".config",
    "StubConfig": ".config",
    "StubError": ".errors",
    "StubServer": ".server",
    "start": ".server",
    "LIMITS_SENTENCE": ".understanding",
}

__all__ = [
    "DEFAULT_API_KEY",
    "LIMITS_SENTENCE",
    "StubConfig",
    "StubControl",
    "StubError",
    "StubServer",
    "start",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
