"""Fault plans: scripted errors, delays and broken streams, keyed to the attempt.

A fault plan is a list of **steps**, one per attempt: "fail twice with 429, then succeed" is
``["429", "429", "ok"]``. Once its steps are used up, a plan lets requests through.

Two ways to inject one
----------------------

1. **Control endpoint** (``POST /_stub/faults``, ``StubControl.add_fault``, ``StubServer.add_fault``)::

       {"scope": {"plan_id": "retry-demo"}, "steps": ["429", {"status": 503, "retry_after": 0.05}, "ok"]}

   ``scope`` says which requests the plan applies to, so tests in parallel do not interfere:
   ``{"key": "sk-..."}`` (requests made with that API key), ``{"model": "gpt-6-luna"}``,
   ``{"plan_id": "x"}`` (requests carrying the header ``x-stub-fault-id: x``), or ``{}`` (every
   request). Several scope fields must all match. Every matching request consumes the next step
   (a cursor), whoever sends it: the SDK's own retries and a hand-written loop alike. Plans are
   tried oldest first; ``"repeat": true`` cycles the steps forever. ``GET /_stub/faults`` lists the
   plans and how far each has got; ``DELETE /_stub/faults`` removes them (``reset`` does too).

2. **Request header**, so a client scripts its own attempts without any control call::

       x-stub-fault: 429,429,ok

   Without an id the step is chosen by the attempt number the SDK sends on its retries
   (``x-stainless-retry-count``: 0 for the first try, 1 for the first retry, ...), so the SDK's
   built-in ``max_retries`` can be demonstrated statelessly. With ``x-stub-fault-id: <id>`` as well,
   the stub keeps a cursor per id instead (needed by a hand-written retry loop, whose every request
   says retry-count 0).

Steps
-----

======================================  ==========================================================
``"ok"``                                 no fault: answer normally
``"429"`` / ``"429:<s>"``                ``rate_limit_exceeded`` (type ``requests``), ``retry-after``
                                         of 0.5 s or ``<s>`` seconds (``retry-after-ms`` too)
``"429_tokens"``                         ``rate_limit_exceeded`` of type ``tokens``
``"quota"``                              429 ``insufficient_quota`` with ``x-should-retry: false``
``"400"`` ``"401"`` ``"403"`` ``"404"``  the matching client error (bad request, invalid key,
                                         no access to the model, model not found)
``"408"`` ``"500"`` ``"502"`` ``"503"``  timeout / server errors (retryable)
``"slow:<s>"``                           wait ``<s>`` seconds, then answer (beyond a client timeout)
``"stream_error:<n>"``                   a stream that sends ``<n>`` chunks then an error frame
``"stream_cut:<n>"``                     a stream that ends after ``<n>`` chunks without ``[DONE]``
``"stream_drop:<n>"``                    a stream whose connection drops after ``<n>`` chunks
``"no_usage"``                           an answer without ``usage``, as some OpenAI-compatible servers
                                         send (Chat Completions: no ``usage`` in the body, no usage chunk
                                         in a stream even with ``include_usage``; the Responses
                                         API, whose responses always report usage, ignores it)
======================================  ==========================================================

A step may also be an object: ``{"status": 429, "retry_after": 2}`` (or ``"retry_after_ms"``),
``{"status": 503, "message": "..."}``, ``{"status": 429, "type": "tokens"}``, ``{"delay": 5}``
(a delay, combinable with a status), ``{"stream": "error", "after": 3}`` (with ``"message": "..."``: the
error event's text), ``{"no_usage": true}``. Stream steps only affect streamed requests; a non-streamed
request passes them as ``ok``. The journal notes the step a request
got in ``extra["fault"]``, next to its ``attempt`` and ``received_at``.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import StubError

DEFAULT_RETRY_AFTER = 0.5
HEADER = "x-stub-fault"
ID_HEADER = "x-stub-fault-id"
SCOPE_FIELDS = ("key", "model", "plan_id")


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
    label: str = ""
    # the answer comes without usage: sglang's streams (sgl-project/sglang#954), servers that ignore
    # stream_options (ollama/ollama#4448); the OpenAPI text itself warns the usage chunk "might be missing"
    # (openai/openai-openapi#240). ChatCompletion.usage is Optional in the SDK.
    no_usage: bool = False


def scope_of(plan_id: str | None = None, key: str | None = None, model: str | None = None) -> dict:
    """The scope of a plan from the arguments given: only the requests that match all of them."""
    return {k: v for k, v in (("plan_id", plan_id), ("key", key), ("model", model)) if v is not None}


class PlanError(ValueError):
    """A fault plan that cannot be understood; the message says what is wrong."""


def _rate_limit(kind: str, retry_after: float | None) -> StubError:
    headers = {}
    wait = DEFAULT_RETRY_AFTER if retry_after is None else float(retry_after)
    if wait > 0:
        headers = {
            "retry-after": str(max(1, int(-(-wait // 1)))),
            "retry-after-ms": str(max(1, round(wait * 1000))),
        }
    per, unit = ("requests", "RPM") if kind == "requests" else ("tokens", "TPM")
    from .limits import ORGANIZATION, format_duration

    return StubError(
        429,
        f"Rate limit reached for {{model}} in organization {ORGANIZATION} on {per} per min ({unit}): "
        f"Limit 3, Used 3, Requested 1. Please try again in {format_duration(wait)}. "
        "Visit https://platform.openai.com/account/rate-limits to learn more.",
        type=kind,
        code="rate_limit_exceeded",
        headers=headers,
    )


def error_for(
    status: int, *, message: str | None = None, retry_after: float | None = None, kind: str = "requests"
) -> StubError:
    """The error the real API answers with for ``status`` (429: a rate limit of ``kind`` or the quota)."""
    from .limits import QUOTA_MESSAGE

    if status == 429:
        if kind == "insufficient_quota":
            return StubError(
                429,
                message or QUOTA_MESSAGE,
                type="insufficient_quota",
                code="insufficient_quota",
                headers={"x-should-retry": "false"},
            )
        err = _rate_limit(kind, retry_after)
        if message:
            err.message = message
        return err
    headers = {}
    if retry_after is not None:
        headers = {
            "retry-after": str(max(1, int(-(-float(retry_after) // 1)))),
            "retry-after-ms": str(round(float(retry_after) * 1000)),
        }
    table: dict[int, tuple[str, str, str | None, str | None]] = {
        400: (
            "Invalid value for 'messages': the request was malformed (injected by a fault plan).",
            "invalid_request_error",
            "messages",
            "invalid_value",
        ),
        401: (
            "Incorrect API key provided: sk-st***. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            None,
            "invalid_api_key",
        ),
        403: (
            "Project `proj_stub` does not have access to model `{model}`",
            "invalid_request_error",
            None,
            "model_not_found",
        ),
        404: (
            "The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            None,
            "model_not_found",
        ),
        408: ("Request timed out.", "timeout", None, None),
        500: (
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            None,
            None,
        ),
        502: ("Bad gateway.", "server_error", None, None),
        503: ("The server is overloaded or not ready yet.", "server_error", None, None),
    }
    default, type_, param, code = table.get(status, (f"Injected error {status}.", "server_error", None, None))
    return StubError(status, message or default, type=type_, param=param, code=code, headers=headers)


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PlanError(f"{what} must be a number, got {text!r}") from None
    if value < 0:
        raise PlanError(f"{what} must not be negative, got {text!r}")
    return value


def parse_step(step: Any) -> Fault | None:
    """One step of a plan (a string or an object, see the module docstring) as a Fault (None: ``ok``)."""
    if isinstance(step, int) and not isinstance(step, bool):
        step = str(step)
    if isinstance(step, str):
        text = step.strip().lower()
        name, _, arg = text.partition(":")
        if name in ("ok", "pass", ""):
            return None
        if name == "no_usage":
            return Fault(no_usage=True, label=text)
        if name == "429":
            ra = _number(arg, "retry-after in '429:<seconds>'") if arg else None
            return Fault(error=error_for(429, retry_after=ra), label=text)
        if name in ("429_tokens", "tokens"):
            ra = _number(arg, "retry-after") if arg else None
            return Fault(error=error_for(429, retry_after=ra, kind="tokens"), label=text)
        if name in ("quota", "insufficient_quota"):
            return Fault(error=error_for(429, kind="insufficient_quota"), label="quota")
        if name.isdigit():
            status = int(name)
            if not 400 <= status <= 599:
                raise PlanError(f"status {status} is not an HTTP error status (400-599)")
            ra = _number(arg, "retry-after") if arg else None
            return Fault(error=error_for(status, retry_after=ra), label=text)
        if name in ("slow", "delay", "timeout"):
            if not arg:
                raise PlanError(f"{step!r} needs seconds, e.g. 'slow:5'")
            return Fault(delay=_number(arg, "the delay"), label=text)
        if name.startswith("stream_"):
            kind = name[len("stream_") :]
            if kind not in ("error", "cut", "drop"):
                raise PlanError(f"unknown stream fault {step!r}: use stream_error, stream_cut or stream_drop")
            after = int(_number(arg, "the chunk count")) if arg else 1
            return Fault(stream=_stream(kind, after), label=text)
        raise PlanError(
            f"unknown step {step!r}: use ok, 429, 429:<s>, 429_tokens, quota, a status (400-599), slow:<s>, "
            "stream_error:<n>, stream_cut:<n>, stream_drop:<n> or no_usage"
        )
    if isinstance(step, dict):
        unknown = set(step) - {
            "status",
            "retry_after",
            "retry_after_ms",
            "message",
            "type",
            "delay",
            "stream",
            "after",
            "no_usage",
        }
        if unknown:
            raise PlanError(f"unknown field(s) in step {step}: {', '.join(sorted(unknown))}")
        fault = Fault(label=_label(step))
        if "delay" in step:
            fault.delay = _number(str(step["delay"]), "'delay'")
        if "status" in step:
            try:
                status = int(step["status"])
            except (TypeError, ValueError):
                raise PlanError(f"'status' must be an integer, got {step['status']!r}") from None
            if not 400 <= status <= 599:
                raise PlanError(f"status {status} is not an HTTP error status (400-599)")
            ra = step.get("retry_after")
            if step.get("retry_after_ms") is not None:
                ra = _number(str(step["retry_after_ms"]), "'retry_after_ms'") / 1000
            elif ra is not None:
                ra = _number(str(ra), "'retry_after'")
            kind = step.get("type", "requests")
            if kind not in ("requests", "tokens", "insufficient_quota"):
                raise PlanError(f"'type' must be requests, tokens or insufficient_quota, got {kind!r}")
            fault.error = error_for(status, message=step.get("message"), retry_after=ra, kind=kind)
        if "stream" in step:
            if step["stream"] not in ("error", "cut", "drop"):
                raise PlanError(f"'stream' must be error, cut or drop, got {step['stream']!r}")
            message = step.get("message") if "status" not in step else None
            if message is not None and (step["stream"] != "error" or not isinstance(message, str)):
                raise PlanError("'message' goes with 'stream': 'error' (the error event's text), as a string")
            after = int(_number(str(step.get("after", 1)), "'after'"))
            fault.stream = _stream(step["stream"], after, message)
        if step.get("no_usage") is not None:
            if not isinstance(step["no_usage"], bool):
                raise PlanError(f"'no_usage' must be true or false, got {step['no_usage']!r}")
            fault.no_usage = step["no_usage"]
        if fault.error is None and fault.stream is None and not fault.delay and not fault.no_usage:
            return None
        return fault
    raise PlanError(f"a step must be a string or an object, got {step!r}")


def _label(step: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in step.items())


def _stream(kind: str, after: int, message: str | None = None) -> StreamFault:
    error = None
    if kind == "error":
        error = StubError(
            500,
            message or "The server had an error while processing your request. Sorry about that!",
            type="server_error",
        )
    return StreamFault(kind, after, error)


def parse_steps(steps: Any) -> list[Fault | None]:
    """A plan's steps (a list, or a comma-separated string as in the header) as Faults."""
    if isinstance(steps, str):
        steps = [s for s in steps.split(",") if s.strip()]
    if not isinstance(steps, list) or not steps:
        raise PlanError("'steps' must be a non-empty list (or a comma-separated string)")
    return [parse_step(s) for s in steps]


@dataclass
class Plan:
    id: int
    scope: dict[str, str]
    steps: list[Any]
    faults: list[Fault | None]
    repeat: bool = False
    taken: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return not self.repeat and self.taken >= len(self.faults)

    def matches(self, key: str, model: str, plan_id: str | None) -> bool:
        s = self.scope
        return (
            ("key" not in s or s["key"] == key)
            and ("model" not in s or s["model"] == model)
            and ("plan_id" not in s or s["plan_id"] == plan_id)
        )

    def next(self) -> Fault | None:
        fault = self.faults[self.taken % len(self.faults)]
        self.taken += 1
        self.log.append(fault.label if fault else "ok")
        return fault

    def public(self) -> dict:
        scope = dict(self.scope)
        if "key" in scope:
            from .errors import mask_key

            scope["key"] = mask_key(scope["key"])
        return {
            "id": self.id,
            "scope": scope,
            "steps": self.steps,
            "repeat": self.repeat,
            "taken": self.taken,
            "done": self.done,
            "log": list(self.log),
        }


def _for_model(fault: Fault | None, model: str) -> Fault | None:
    """The fault with ``{model}`` in its error message filled in with the model the request asked for."""
    if fault is None or fault.error is None or "{model}" not in fault.error.message:
        return fault
    e = fault.error
    error = StubError(
        e.status,
        e.message.replace("{model}", model),
        type=e.type,
        param=e.param,
        code=e.code,
        headers=e.headers,
    )
    return Fault(
        error=error, delay=fault.delay, stream=fault.stream, label=fault.label, no_usage=fault.no_usage
    )


class FaultBook:
    """The fault plans of one stub; ``take`` is called once per chat-completion request."""

    def __init__(self) -> None:
        self._plans: list[Plan] = []
        self._header_plans: dict[str, Plan] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, steps: Any, scope: dict | None = None, repeat: bool = False) -> dict:
        """Add a plan (raises PlanError if it cannot be understood); return it as JSON."""
        scope = dict(scope or {})
        unknown = set(scope) - set(SCOPE_FIELDS)
        if unknown:
            raise PlanError(
                f"unknown scope field(s): {', '.join(sorted(unknown))}; use key, model or plan_id"
            )
        faults = parse_steps(steps)
        with self._lock:
            plan = Plan(next(self._ids), {k: str(v) for k, v in scope.items()}, steps, faults, bool(repeat))
            self._plans.append(plan)
            return plan.public()

    def plans(self) -> list[dict]:
        with self._lock:
            return [p.public() for p in [*self._plans, *self._header_plans.values()]]

    def take(self, *, key: str, model: str, headers: Mapping[str, str]) -> Fault | None:
        """The next fault for this request, if a plan (or its ``x-stub-fault`` header) has one.

        ``headers``: the request's, names lower-case (``app.headers_of``)."""
        lower = headers
        plan_id = lower.get(ID_HEADER)
        with self._lock:
            for plan in self._plans:
                if not plan.done and plan.matches(key, model, plan_id):
                    return _for_model(plan.next(), model)
        spec = lower.get(HEADER)
        if not spec:
            return None
        try:
            faults = parse_steps(spec)
        except PlanError as err:
            raise StubError(400, f"Invalid {HEADER} header: {err}", param=HEADER) from None
        if plan_id:
            with self._lock:
                plan = self._header_plans.get(plan_id)
                if plan is None or plan.steps != spec:
                    plan = self._header_plans[plan_id] = Plan(
                        next(self._ids), {"plan_id": plan_id}, spec, faults
                    )
                return _for_model(plan.next(), model) if not plan.done else None
        try:
            attempt = int(lower.get("x-stainless-retry-count", "0"))
        except ValueError:
            attempt = 0
        return _for_model(faults[attempt], model) if 0 <= attempt < len(faults) else None

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()
            self._header_plans.clear()

    def reset(self) -> None:
        self.clear()
