"""Lab 5 · Errors, retries and rate limits: reference solution.

Same names and signatures as ``labs/lab05_errors.py``; read that file for the contracts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import openai
from openai import OpenAI

T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass
class Decision:
    """Whether to retry a failed call, and why (a sentence a colleague would understand). (Given.)"""

    retry: bool
    reason: str


@dataclass
class BatchResult:
    """What a batch adds up to. (Given.)"""

    results: list[str | None]  # the reply to prompts[i] at index i; None where it failed for good
    failed: dict[int, BaseException] = field(default_factory=dict)  # index -> the error it failed with

    @property
    def ok(self) -> bool:
        return not self.failed


def retry_after_seconds(exc: BaseException) -> float | None:
    """How long the server asked us to wait, in seconds, or None if it did not say. (Given.)

    Reads ``retry-after-ms`` (milliseconds, OpenAI's precise header) first, then ``retry-after``
    (seconds), from the response of an ``openai.APIStatusError``.
    """
    response = getattr(exc, "response", None)
    if response is None:
        return None
    for header, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = response.headers.get(header)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / scale)
        except ValueError:
            continue
    return None


def classify(exc: BaseException) -> Decision:
    if isinstance(exc, openai.APITimeoutError):
        return Decision(True, "the request timed out: the server may just be busy, so try again")
    if isinstance(exc, openai.APIConnectionError):
        return Decision(True, "the connection failed: a network blip, so try again")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status == 429 and exc.code == "insufficient_quota":
            return Decision(
                False, "insufficient_quota: the account is out of credit; retrying cannot help, add credit"
            )
        if status == 429:
            return Decision(True, "rate limited (429): wait as long as the server says, then try again")
        if status in RETRYABLE_STATUSES or status >= 500:
            return Decision(True, f"a server-side error ({status}): usually transient, so try again")
        return Decision(
            False, f"a client error ({status}): the request itself is wrong; fix it instead of retrying"
        )
    return Decision(False, f"{type(exc).__name__} is not an API error: a bug to fix, not a hiccup to retry")


def retry_delay(
    attempt: int,
    *,
    retry_after: float | None = None,
    base: float = 0.5,
    cap: float = 8.0,
    rand: Callable[[], float] = random.random,
) -> float:
    if attempt < 1:
        raise ValueError(f"attempt counts retries from 1, got {attempt}")
    if retry_after is not None:
        return max(0.0, retry_after)
    ceiling = min(cap, base * 2 ** min(attempt - 1, 64))
    return ceiling * (0.5 + rand() / 2)


def call_with_retries(
    fn: Callable[[], T],
    *,
    max_attempts: int = 5,
    base: float = 0.5,
    cap: float = 8.0,
    sleep: Callable[[float], object] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> T:
    for attempt in range(1, max_attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt >= max_attempts or not classify(exc).retry:
                exc.attempts = attempt  # type: ignore[attr-defined]
                raise
            sleep(retry_delay(attempt, retry_after=retry_after_seconds(exc), base=base, cap=cap, rand=rand))
    raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")


def run_batch(
    client: OpenAI,
    prompts: list[str],
    *,
    model: str,
    max_concurrency: int = 4,
    max_attempts: int = 5,
    sleep: Callable[[float], object] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> BatchResult:
    batch = BatchResult(results=[None] * len(prompts))

    def one(index: int) -> None:
        def ask() -> str:
            reply = client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": prompts[index]}]
            )
            return reply.choices[0].message.content or ""

        try:
            batch.results[index] = call_with_retries(ask, max_attempts=max_attempts, sleep=sleep, rand=rand)
        except Exception as exc:
            batch.failed[index] = exc

    with ThreadPoolExecutor(max_workers=max(1, max_concurrency)) as pool:
        list(pool.map(one, range(len(prompts))))
    return batch
