"""Per-key rate limits and quotas (filled in by the errors-and-retries work)."""

from __future__ import annotations

from .config import StubConfig


class RateLimiter:
    def __init__(self, config: StubConfig) -> None:
        self.config = config

    def admit(self, key: str, tokens: int) -> dict[str, str]:
        """Take one request and ``tokens`` from ``key``'s buckets; return the x-ratelimit-* headers or raise a 429."""
        return {}

    def reset(self) -> None:
        pass
