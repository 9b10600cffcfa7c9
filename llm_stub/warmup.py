"""Load, before the first request, what a stub's first answers would otherwise load on the way.

A cold stub's first request pays for the token encodings (reading the BPE ranks and building tiktoken's
encoder), the word lists behind the reading of a user's words (``knowledge.warm()``, about 1.3 s of CPU) and
the JSON Schema validator's first import: 1.6 s on a quiet 2-core machine, over ten seconds on a busy one,
which is more than a test client's timeout and a long first cell for a learner. All of it is shared by every
stub in the process, so it is loaded once per process.
"""

from __future__ import annotations

import threading

from . import knowledge, tokenizer

_lock = threading.Lock()
_thread: threading.Thread | None = None


def warm() -> None:
    """Load everything now (the standalone server does this before it announces its URL)."""
    tokenizer.register_offline()
    knowledge.warm()
    import jsonschema  # noqa: F401 - structured output validates with it; its first import takes a while


def warm_in_background() -> threading.Thread:
    """Start :func:`warm` in a daemon thread, once per process, and return that thread.

    An embedded stub starts at once and serves meanwhile: a request that needs a table still being built waits
    for it (each table is built once, under its own lock), so nothing is loaded twice."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_warm_quietly, name="llm-stub-warm-up", daemon=True)
            _thread.start()
        return _thread


def _warm_quietly() -> None:
    try:
        warm()
    except Exception:  # noqa: BLE001,S110 - only a head start: a request loads what it needs anyway
        pass
