"""Fault plans: scripted errors, delays and broken streams, keyed to the attempt.

(Filled in by the errors-and-retries work; the request path already asks it.)
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import StubError


@dataclass
class StreamFault:
    """Break a stream after ``after_chunks`` data frames: an error frame, a clean cut, or a dropped connection."""

    kind: str  # "error" | "cut" | "drop"
    after_chunks: int = 1
    error: StubError | None = None


@dataclass
class Fault:
    error: StubError | None = None
    delay: float = 0.0
    stream: StreamFault | None = None


class FaultBook:
    def take(self, *, key: str, model: str, headers: dict[str, str]) -> Fault | None:
        return None

    def reset(self) -> None:
        pass
