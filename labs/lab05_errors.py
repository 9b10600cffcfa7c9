"""Lab 5 · Errors, retries and rate limits: fail well, retry only what can succeed, stay under the limit.

Fill in the four functions below (replace each ``raise NotImplementedError``).
Check your work with:

    make check LAB=5          (or: python -m course check 5)

Everything here takes an ``OpenAI`` client (or a function that calls one), so it works against the
course's stub and against any real provider alike. Give your client ``max_retries=0`` when you use
these functions: otherwise the SDK retries underneath your own retries.

The errors the SDK raises (all in ``openai``), and what each tells you::

    APITimeoutError          no answer in time               retry
    APIConnectionError       network trouble                 retry
    BadRequestError          400: the request is wrong       fix it, never retry
    AuthenticationError      401: the key is wrong           fix it, never retry
    PermissionDeniedError    403: no access (model, region)  fix it, never retry
    NotFoundError            404: no such model / URL        fix it, never retry
    RateLimitError           429: rate_limit_exceeded        retry after Retry-After
                             429: insufficient_quota         never retry: add credit
    InternalServerError      500, 502, 503, ...              retry
    APIStatusError           any other status; 408 and 409   retry (timeout / conflict)

An ``APIStatusError`` has ``.status_code``, ``.code`` (e.g. "insufficient_quota"), ``.body`` and
``.response`` (its ``.headers`` hold ``retry-after`` / ``retry-after-ms``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import openai  # noqa: F401  (you will need its exception classes)
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
    """Decide whether the call that raised ``exc`` is worth trying again, and say why.

    Contract: ``Decision(retry=True, reason=...)`` for
    * ``openai.APITimeoutError`` and ``openai.APIConnectionError`` (check these first: they are not
      ``APIStatusError`` and have no status code);
    * an ``openai.APIStatusError`` whose ``status_code`` is 408, 409, 429 or any 5xx,
      EXCEPT a 429 whose ``code`` is ``"insufficient_quota"`` (the account is out of credit).
    ``Decision(retry=False, reason=...)`` for everything else: 400, 401, 403, 404, 422,
    insufficient_quota, and exceptions that are not API errors at all (``ValueError``, ``KeyError``:
    bugs in your own code). ``reason`` is a short, non-empty sentence.

    Hints:
    * ``isinstance(exc, openai.APIStatusError)`` then ``exc.status_code`` and ``exc.code``.
    * ``RETRYABLE_STATUSES`` above lists the retryable statuses below 500.
    """
    raise NotImplementedError("classify: decide retry or not, and why")


def retry_delay(
    attempt: int,
    *,
    retry_after: float | None = None,
    base: float = 0.5,
    cap: float = 8.0,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first retry, 2 for the second, ...).

    Contract:
    * If the server said how long to wait (``retry_after`` is not None), return exactly that
      (never negative). The server knows when it will have room; guessing shorter earns another 429.
    * Otherwise exponential backoff, capped, with jitter:
      ``ceiling = min(cap, base * 2 ** (attempt - 1))`` (0.5, 1, 2, 4, 8, 8, ... with the defaults)
      and the delay is ``ceiling * (0.5 + rand() / 2)``: somewhere between half the ceiling and the
      ceiling. ``rand()`` returns a float in [0, 1); call it once per delay (tests pass their own).
    * ``attempt`` < 1 raises ValueError. A huge ``attempt`` (1000) must not overflow.

    Why jitter: many clients that failed together would otherwise retry together, in lockstep, and
    hit the limit together again. Why a cap: 2**20 seconds is twelve days.
    """
    raise NotImplementedError("retry_delay: exponential, capped, jittered, overridden by retry_after")


def call_with_retries(
    fn: Callable[[], T],
    *,
    max_attempts: int = 5,
    base: float = 0.5,
    cap: float = 8.0,
    sleep: Callable[[float], object] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> T:
    """Call ``fn()`` and return its result, retrying failures that ``classify`` says are worth it.

    Contract:
    * At most ``max_attempts`` calls of ``fn`` in all (the first try counts).
    * After failed attempt ``n`` (1, 2, ...), when another attempt is allowed and the error is
      retryable, call ``sleep(retry_delay(n, retry_after=retry_after_seconds(exc), base=base,
      cap=cap, rand=rand))`` and try again. Never sleep before the first try or after the last.
    * When giving up (not retryable, or attempts used up), re-raise the LAST error itself (not a new
      exception), after setting ``exc.attempts`` to the number of attempts made.

    Hints:
    * ``for attempt in range(1, max_attempts + 1):`` with ``try: return fn()``.
    * ``raise`` on its own, inside ``except``, re-raises the error being handled.
    """
    raise NotImplementedError("call_with_retries: try, classify, sleep the right delay, give up in time")


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
    """Ask the model every prompt (each as one user message), at most ``max_concurrency`` at a time.

    Contract:
    * One chat completion per prompt: ``messages=[{"role": "user", "content": prompt}]``, ``model=model``;
      each through ``call_with_retries(..., max_attempts=max_attempts, sleep=sleep, rand=rand)``.
    * Never more than ``max_concurrency`` requests in flight at once (but do run them in parallel).
    * ``result.results[i]`` is the reply text (``message.content``, or "" when the reply has no text,
      e.g. a refusal) to ``prompts[i]``: the input
      order, whatever order the answers came back in. No prompt is lost.
    * A prompt that fails for good does not stop the others: its ``results[i]`` is None and
      ``result.failed[i]`` is the exception it failed with.

    Hints:
    * ``concurrent.futures.ThreadPoolExecutor(max_workers=max_concurrency)`` runs at most that many
      at once; ``pool.map(f, range(len(prompts)))`` keeps the order.
    * Catch the final error inside the function you give the pool, so one failure can't sink the batch.
    """
    raise NotImplementedError("run_batch: a concurrency limit, retries, results in input order")
