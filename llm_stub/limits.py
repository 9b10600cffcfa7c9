"""Per-key rate limits and quotas, with the headers and 429s of the real API.

Each API key gets two buckets that refill continuously, as the real API's do:

* **requests per minute** (``StubConfig.requests_per_minute``): every request takes 1;
* **tokens per minute** (``StubConfig.tokens_per_minute``): every request takes its prompt tokens
  plus its ``max_tokens`` (what the API reserves before it generates).

A bucket holds at most ``limit * window / 60`` (``StubConfig.rate_limit_window``, default 60 s:
the whole minute's allowance) and refills at ``limit / 60`` per second. The real API documents that
a per-minute limit "may be quantized": 600 RPM may be enforced as 10 requests per second; set
``rate_limit_window=1`` to get that behaviour (a burst of 10, then 10 per second).

Every answer carries, when a limit is on, the six headers the real API sends::

    x-ratelimit-limit-requests: 600         x-ratelimit-limit-tokens: 150000
    x-ratelimit-remaining-requests: 599     x-ratelimit-remaining-tokens: 149980
    x-ratelimit-reset-requests: 100ms       x-ratelimit-reset-tokens: 8ms

(``reset`` is the time until the bucket is full again, formatted as the API does: ``120ms``, ``1s``,
``17.28s``, ``6m0s``.) Over a limit the request is refused, consuming nothing, with a 429
``rate_limit_exceeded`` (``type`` ``"requests"`` or ``"tokens"``), the real message, and
``retry-after`` (whole seconds, rounded up) and ``retry-after-ms`` (the exact wait).

``StubConfig.quota_tokens`` is a separate budget per key (the account's credit): once a key has used
it, every request gets 429 ``insufficient_quota`` with ``x-should-retry: false``, so the SDK's own
retries give up at once (retrying cannot help until someone pays).

The clock is injectable (``RateLimiter(config, clock=fake)``) so tests need no real waiting.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .catalog import DEFAULT_MODEL
from .config import StubConfig
from .errors import StubError

ORGANIZATION = "org-stub"
QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more information on this "
    "error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."
)


def format_duration(seconds: float) -> str:
    """A duration as the API's rate-limit headers and messages show it: ``120ms``, ``1s``, ``8.64s``, ``6m0s``."""
    if seconds <= 1e-9:
        return "0s"
    if seconds < 1:
        return f"{max(1, math.ceil(seconds * 1000 - 1e-6))}ms"
    if seconds < 60:
        return f"{round(seconds, 3):g}s"
    minutes, rest = divmod(round(seconds, 3), 60)
    hours, minutes = divmod(int(minutes), 60)
    tail = f"{minutes}m{rest:g}s"
    return f"{hours}h{tail}" if hours else tail


@dataclass
class Bucket:
    """A continuously refilling bucket: ``capacity`` at most, ``rate`` units back per second."""

    limit: int  # the per-minute figure the headers report
    capacity: float
    rate: float
    level: float
    updated: float

    @classmethod
    def new(cls, limit: int, window: float, now: float) -> Bucket:
        capacity = max(1.0, limit * window / 60.0)
        return cls(limit, capacity, limit / 60.0, capacity, now)

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
        self.updated = max(self.updated, now)

    def wait_for(self, amount: float) -> float:
        """Seconds until ``amount`` is available (0 if it is now)."""
        missing = amount - self.level
        return 0.0 if missing <= 1e-9 else missing / self.rate

    def remaining(self) -> int:
        return max(0, int(self.level + 1e-9))

    def reset_in(self) -> float:
        return (self.capacity - self.level) / self.rate if self.rate else 0.0


class RateLimiter:
    def __init__(self, config: StubConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._spent: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- helpers -------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        c = self.config
        return bool(c.requests_per_minute or c.tokens_per_minute or c.quota_tokens is not None)

    def _window(self) -> float:
        return float(getattr(self.config, "rate_limit_window", 60.0) or 60.0)

    def _bucket(self, key: str, kind: str, now: float) -> Bucket | None:
        limit = self.config.requests_per_minute if kind == "requests" else self.config.tokens_per_minute
        if not limit:
            self._buckets.pop((key, kind), None)
            return None
        bucket = self._buckets.get((key, kind))
        window = self._window()
        if bucket is None or bucket.limit != limit or bucket.capacity != max(1.0, limit * window / 60.0):
            bucket = self._buckets[(key, kind)] = Bucket.new(limit, window, now)
        bucket.refill(now)
        return bucket

    @staticmethod
    def _headers_of(buckets: dict[str, Bucket | None]) -> dict[str, str]:
        headers = {}
        for kind, b in buckets.items():
            if b is None:
                continue
            headers[f"x-ratelimit-limit-{kind}"] = str(b.limit)
            headers[f"x-ratelimit-remaining-{kind}"] = str(b.remaining())
            headers[f"x-ratelimit-reset-{kind}"] = format_duration(b.reset_in())
        return headers

    # -- the API ---------------------------------------------------------------
    def headers(self, key: str) -> dict[str, str]:
        """The x-ratelimit-* headers for ``key`` right now, without taking anything."""
        with self._lock:
            now = self.clock()
            return self._headers_of({k: self._bucket(key, k, now) for k in ("requests", "tokens")})

    def admit(self, key: str, tokens: int, model: str = DEFAULT_MODEL) -> dict[str, str]:
        """Take one request and ``tokens`` from ``key``'s buckets; return the x-ratelimit-* headers or raise a 429."""
        if not self._buckets and not self.enabled:  # no limits, and none left to clear: nothing to take
            return {}
        with self._lock:
            now = self.clock()
            buckets = {k: self._bucket(key, k, now) for k in ("requests", "tokens")}
            quota = self.config.quota_tokens
            if quota is not None and self._spent.get(key, 0) >= quota:
                raise StubError(
                    429,
                    QUOTA_MESSAGE,
                    type="insufficient_quota",
                    code="insufficient_quota",
                    headers={**self._headers_of(buckets), "x-should-retry": "false"},
                )
            req, tok = buckets["requests"], buckets["tokens"]
            if tok is not None and tokens > tok.capacity:
                raise StubError(
                    429,
                    f"Request too large for {model} in organization {ORGANIZATION} on tokens per min (TPM): "
                    f"Limit {tok.limit}, Requested {tokens}. The input or output tokens must be reduced in order "
                    "to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.",
                    type="tokens",
                    code="rate_limit_exceeded",
                    headers={**self._headers_of(buckets), "x-should-retry": "false"},
                )
            for kind, bucket, amount, unit in (("requests", req, 1, "RPM"), ("tokens", tok, tokens, "TPM")):
                if bucket is None:
                    continue
                wait = bucket.wait_for(amount)
                if wait > 0:
                    used = round(bucket.capacity - bucket.level)
                    per = "requests" if kind == "requests" else "tokens"
                    raise StubError(
                        429,
                        f"Rate limit reached for {model} in organization {ORGANIZATION} on {per} per min ({unit}): "
                        f"Limit {bucket.limit}, Used {used}, Requested {amount}. Please try again in "
                        f"{format_duration(wait)}. Visit https://platform.openai.com/account/rate-limits to learn more.",
                        type=kind,
                        code="rate_limit_exceeded",
                        headers={
                            **self._headers_of(buckets),
                            "retry-after": str(max(1, math.ceil(wait - 1e-6))),
                            "retry-after-ms": str(max(1, math.ceil(wait * 1000 - 1e-6))),
                        },
                    )
            if req is not None:
                req.level -= 1
            if tok is not None:
                tok.level -= tokens
            if quota is not None:
                self._spent[key] = self._spent.get(key, 0) + tokens
            return self._headers_of(buckets)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._spent.clear()
