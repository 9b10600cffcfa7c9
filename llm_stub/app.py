"""The ASGI app: the OpenAI-compatible endpoints, the control endpoints, and the error shape around them.

``POST /v1/chat/completions``, the hot path, is served straight from the ASGI callable (no routing or
middleware layers per request or per chunk); everything else goes through Starlette. Streams are sent by
``SSEResponse``, which notices a client that stopped reading (lesson 2's ``break`` / ``stream.close()``),
stops generating and logs nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from collections.abc import AsyncIterator

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from . import control, pipeline, responses_endpoint
from .config import StubConfig
from .errors import StubError, invalid, mask_key
from .ids import hex_id
from .journal import JournalEntry
from .render import Meta, completion, json_bytes, service_tier_of, stream_frames
from .request import parse_chat_request
from .state import StubState

log = logging.getLogger("llm_stub")

# The real API's answer to a body it cannot parse (quoted in the stub since issue 2). The stub also gives
# it for bodies nested deeper than MAX_DEPTH, bodies that are not UTF-8 and strings with a lone surrogate
# escape ("\udad2"): the real API's wording for those was not found, only that they are not accepted.
_BAD_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
    "library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have "
    "trouble figuring out how to fix this, please visit https://platform.openai.com/docs.)"
)
# Wording not from the real API (no quote found): the stub's own, for content it cannot read.
_TOO_DEEP = "The request could not be processed: it holds JSON nested too deeply."
MAX_DEPTH = 128  # JSON nesting; a strict schema may nest 10 levels (about 30 JSON levels in a request)

# The real 401 without a key, whole, with code null (quoted in many proxies' docs, e.g. the "ErrNoAuth"
# constant of a Go relay and the Cloudflare-worker "AUTH_KEY_NO_PROVIDE_FAIL_MESSAGE" found by find_string).
_NO_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header using "
    "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if "
    "you're accessing the API from your browser and are prompted for a username and password. You can "
    "obtain an API key from https://platform.openai.com/account/api-keys."
)


def _state(request: Request) -> StubState:
    return request.scope[
        "app"
    ].stub  # StubApp.stub: a plain attribute (Starlette's app.state is a dynamic lookup)


def headers_of(request: Request) -> dict[str, str]:
    """The request's headers as a plain dict, the first of repeated names kept (as Starlette's ``Headers.get``);
    built once per request: auth, journal and fault plans all read it. Names are lower-case as the ASGI
    server gives them (uvicorn lower-cases them; Starlette's ``Headers`` relies on the same)."""
    headers = request.scope.get("llm_stub.headers")
    if headers is None:
        headers = request.scope["llm_stub.headers"] = {
            k.decode("latin-1"): v.decode("latin-1") for k, v in reversed(request.scope["headers"])
        }
    return headers


def _bearer(request: Request) -> str | None:
    headers = headers_of(request)
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("api-key")  # Azure-style clients send the key here


def authenticate(request: Request) -> str:
    key = _bearer(request)
    if not key:
        raise StubError(401, _NO_KEY)
    if key not in _state(request).config.api_keys:
        raise StubError(
            401,
            f"Incorrect API key provided: {mask_key(key)}. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            code="invalid_api_key",
        )
    return key


class ClientGone(Exception):
    """The client closed the connection before its request body arrived whole: there is no one to answer."""


async def read_body(request: Request, limit: int) -> bytes:
    declared = headers_of(request).get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise StubError(
            413,
            f"Request body too large: {declared} bytes; the limit is {limit} bytes.",
            code="request_too_large",
        )
    receive = request.receive
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise StubError(
                413, f"Request body too large; the limit is {limit} bytes.", code="request_too_large"
            )
        chunks.append(chunk)
        if not message.get("more_body"):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _too_deep_or_lone_surrogate(value: object, check_strings: bool) -> bool:
    """Walk a decoded body (iteratively: no recursion to overflow) for nesting or lone surrogates."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                return True
            for k, v in node.items():
                if check_strings and _SURROGATE.search(k):
                    return True
                stack.append((v, depth + 1))
        elif isinstance(node, list):
            if depth > MAX_DEPTH:
                return True
            stack.extend((v, depth + 1) for v in node)
        elif check_strings and isinstance(node, str) and _SURROGATE.search(node):
            return True
    return False


def _not_json(literal: str) -> object:
    # NaN, Infinity and -Infinity are not JSON (RFC 8259); Python's json module would accept them
    raise ValueError(literal)


def _finite(literal: str) -> float:
    value = float(literal)
    if value in (math.inf, -math.inf):  # 1e400: valid JSON syntax, but no number any reader can hold
        raise ValueError(literal)
    return value


# json.loads with hooks builds a decoder per call; one is enough
_DECODER = json.JSONDecoder(parse_constant=_not_json, parse_float=_finite)


# orjson reads an integer beyond 64 bits as a float; bodies with a run of 19 digits go through the json
# module, which keeps it exact (a too-large ``seed`` gets its own 400, not a type error).
_LONG_NUMBER = re.compile(rb"\d{19}")


def decode_json(raw: bytes) -> object:
    """The body as JSON, or the real API's 400 for a body it cannot parse; never a RecursionError.

    orjson reads the common body (several times faster than the json module, issue 18). It already refuses
    what the stub refuses: invalid UTF-8, lone surrogate escapes, NaN and Infinity, numbers too large for a
    double, nesting past 1024. The depth limit here is lower (MAX_DEPTH), so deep bodies are still walked.
    """
    if _LONG_NUMBER.search(raw) is None:
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise invalid(_BAD_JSON) from None
        if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _too_deep_or_lone_surrogate(value, False):
            raise invalid(_BAD_JSON)
        return value
    try:
        text = raw.decode("utf-8")  # strict: invalid UTF-8 (and UTF-8-encoded surrogates) is refused
        value = _DECODER.decode(text)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise invalid(_BAD_JSON) from None
    escapes = "\\ud" in text or "\\uD" in text
    # a body with fewer brackets than MAX_DEPTH cannot nest deeper: skip the walk (the common case)
    if escapes or text.count("[") + text.count("{") > MAX_DEPTH:
        if _too_deep_or_lone_surrogate(value, escapes):
            raise invalid(_BAD_JSON)
    return value


def _check_content_type(content_type: str) -> None:
    if content_type and "json" not in content_type.lower():
        raise invalid(
            f"Invalid Content-Type header ({content_type}), expected application/json. "
            "(HINT: If you're using curl, you can pass -H 'Content-Type: application/json')"
        )


def parse_json(raw: bytes, content_type: str) -> object:
    _check_content_type(content_type)
    return decode_json(raw)


class Exchange:
    """One request's bookkeeping: its id, journal entry and the headers every answer carries."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.request_id = "req_" + hex_id(16)
        self.started = time.perf_counter()
        # the wall-clock moment the request arrived: the journal's ``received_at``, so that ``received_at +
        # duration`` (both from this moment) is when the stub answered, even when reading the body took long
        self.received_at = time.time()
        self.headers = {"x-request-id": self.request_id, "openai-version": "2020-10-01"}
        self.entry: JournalEntry | None = None

    def log(self, body: object, key: str = "") -> None:
        self.entry = _state(self.request).journal.open(
            request_id=self.request_id,
            method=self.request.scope["method"],
            path=self.request.scope["path"],
            headers=headers_of(self.request),
            body=body,
            key=key,
            received_at=self.received_at,
        )

    def close(self, status: int, error: StubError | None = None) -> None:
        if self.entry is not None:
            self.entry.status = status
            self.entry.duration = time.perf_counter() - self.started
            self.entry.error_code = error.code or error.type if error else None

    def fail(self, err: StubError) -> Response:
        if self.entry is None:
            self.log(None)
        self.close(err.status, err)
        return err.response(self.headers)

    def ok(self, body: dict) -> Response:
        self.close(200)
        self.headers["openai-processing-ms"] = str(int((time.perf_counter() - self.started) * 1000))
        return JSONBody(json_bytes(body), self.headers)


class JSONBody(Response):
    """A 200 ``application/json`` response with its header list written once (Starlette's ``Response``
    rebuilds and re-checks it: a few percent of a call, profiled in issue 18)."""

    def __init__(self, body: bytes, headers: dict[str, str]) -> None:
        self.status_code = 200
        self.background = None
        self.body = body
        self.raw_headers = [
            *_raw(headers),
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
        ]


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """Headers as ASGI sends them: lower-case names, latin-1 bytes."""
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


def _logged_body(raw: bytes) -> object:
    try:
        return decode_json(raw)
    except StubError:
        return raw[:2000].decode("utf-8", "replace")


def _bytes(frame: bytes | str) -> bytes:
    return frame if isinstance(frame, bytes) else frame.encode()


class SSEResponse(Response):
    """A ``text/event-stream`` response that stops when the client does.

    A learner's ``break`` out of a stream closes the connection. Sending on into the closed socket makes
    asyncio log "socket.send() raised exception." for every write after the fifth, so this response
    listens for ``http.disconnect``, lets the event loop run every few frames so that a closed connection
    is seen, and then stops the generator (nothing is logged; the journal notes ``client_disconnected``).
    ``frames`` is an async iterator (paced streams, faults) or a list (sent in a plain loop); frames may be
    ``str`` or ``bytes``. Use it for any SSE endpoint (the Responses API's too).
    """

    media_type = "text/event-stream"
    YIELD_EVERY = 4  # asyncio starts warning at the 5th write after a connection is lost

    def __init__(
        self,
        frames: AsyncIterator[bytes | str] | list[bytes | str],
        headers: dict[str, str],
        exchange: Exchange | None = None,
    ) -> None:
        self.status_code = 200
        self.background = None
        self.raw_headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            *_raw(headers),
            (b"cache-control", b"no-cache"),
        ]
        self.frames = frames
        self.exchange = exchange

    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        # Straight from uvicorn (no middleware between), ``send`` belongs to the connection's cycle, whose
        # transport says at once when a write has failed; otherwise a watcher on ``receive`` and a turn of the
        # event loop every few frames tell the same, a little later.
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        closing = getattr(transport, "is_closing", None)
        gone = asyncio.Event()
        watcher = None
        if closing is None:

            async def watch() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                gone.set()

            watcher = asyncio.ensure_future(watch())
        frames = self.frames
        stopped = False  # the client went away before the stream's end
        ended = False  # the last frame was sent as the body's end
        try:
            n = 0
            if hasattr(frames, "__aiter__"):
                async for frame in frames:
                    if gone.is_set() or (closing is not None and closing()):
                        stopped = True
                        break
                    await send({"type": "http.response.body", "body": _bytes(frame), "more_body": True})
                    n += 1
                    if closing is None and n % self.YIELD_EVERY == 0:
                        await asyncio.sleep(0)  # lets the loop see a closed connection (and the watcher run)
            else:  # a list: nothing paces it
                last = len(frames) - 1
                for i, frame in enumerate(frames):
                    # the last frame ends the body: the server writes it with the end of the chunked
                    # coding in one call (same bytes, one system call fewer per stream; issue 28)
                    await send({"type": "http.response.body", "body": _bytes(frame), "more_body": i < last})
                    if i == last:
                        ended = True
                        break
                    if closing is not None:
                        if closing():
                            stopped = True
                            break
                        continue
                    n += 1
                    if n % self.YIELD_EVERY == 0:
                        await asyncio.sleep(0)
                        if gone.is_set():
                            stopped = True
                            break
            if not stopped and not ended:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            if watcher is not None:
                watcher.cancel()
            aclose = getattr(frames, "aclose", None)
            if aclose is not None:
                await aclose()
            ex = self.exchange
            if ex is not None and ex.entry is not None:
                ex.entry.duration = time.perf_counter() - ex.started
                if stopped:
                    ex.entry.extra["client_disconnected"] = True


async def chat_completions(request: Request) -> Response:
    state = _state(request)
    ex = Exchange(request)
    key: str | None = None
    try:
        raw = await read_body(request, state.config.max_body_bytes)
        try:
            body = decode_json(raw)
            bad: StubError | None = None
        except StubError as err:
            body, bad = raw[:2000].decode("utf-8", "replace"), err
        ex.log(body)
        key = authenticate(request)
        ex.entry.key = mask_key(key)
        _check_content_type(headers_of(request).get("content-type", ""))
        if bad is not None:
            raise bad
        req = parse_chat_request(body)
        req.api_key = key
        try:
            outcome = await pipeline.run(
                state,
                req,
                key=key,
                request_headers=headers_of(request),
                response_headers=ex.headers,
                extra=ex.entry.extra,
            )
        except RecursionError:  # JSON text nested thousands deep inside a message, read by the stub's model
            raise invalid(_TOO_DEEP) from None
        choices, usage, fault = outcome.choices, outcome.usage, outcome.fault
        # the dated snapshot the alias resolved to (catalog.py)
        meta = Meta.new(outcome.model.resolved, service_tier_of(req.service_tier))
        cfg = state.config
        no_usage = fault is not None and fault.no_usage  # a provider that reports no usage (faults.py)
        if no_usage:
            ex.entry.extra["usage"] = None  # what the response reported: nothing
        if req.stream:
            frames = stream_frames(
                meta,
                choices,
                usage,
                include_usage=req.include_usage and not no_usage,
                include_obfuscation=req.include_obfuscation,
                time_to_first_token=cfg.time_to_first_token,
                time_per_token=cfg.time_per_token,
                fault=fault.stream if fault else None,
            )
            ex.close(200)
            return SSEResponse(frames, ex.headers, ex)
        pause = cfg.time_to_first_token + cfg.time_per_token * max(0, usage.completion_tokens - 1)
        if pause > 0:
            await asyncio.sleep(pause)
        body = completion(meta, choices, usage)
        if no_usage:
            del body["usage"]
        return ex.ok(body)
    except StubError as err:
        if key and state.limits.enabled:  # errors carry the x-ratelimit-* headers too, as the real API's do
            ex.headers.update({k: v for k, v in state.limits.headers(key).items() if k not in err.headers})
        return ex.fail(err)


async def _finishing(frames: AsyncIterator[str], ex: Exchange) -> AsyncIterator[str]:
    """Pass the frames through and note in the journal how long the whole stream took."""
    try:
        async for frame in frames:
            yield frame
    finally:
        if ex.entry is not None:
            ex.entry.duration = time.perf_counter() - ex.started


def _model_object(m) -> dict:
    """A Model object with ``shutdown_date`` (YYYY-MM-DD, or null when none is announced): the SDK's
    ``types/model.py`` and the OpenAPI ``Model`` schema (date or null, example "2026-10-23")."""
    from openai.types import Model

    shutdown = m.shutdown_date.isoformat() if m.shutdown_date else None
    return Model(
        id=m.id, object="model", created=m.created, owned_by=m.owned_by, shutdown_date=shutdown
    ).to_dict(mode="json", exclude_none=False)


async def list_models(request: Request) -> Response:
    """Every model the stub serves, shut-down rows included with their past date: on 2026-08-31 a model shut
    down on 2026-07-23 was still in the real list (E3 in models.toml). Retired ids without a row are not."""
    ex = Exchange(request)
    ex.log(None)
    try:
        ex.entry.key = mask_key(authenticate(request))
        return ex.ok({"object": "list", "data": [_model_object(m) for m in _state(request).config.models]})
    except StubError as err:
        return ex.fail(err)


async def get_model(request: Request) -> Response:
    ex = Exchange(request)
    ex.log(None)
    try:
        ex.entry.key = mask_key(authenticate(request))
        return ex.ok(_model_object(pipeline.find_model(_state(request), request.path_params["model"])))
    except StubError as err:
        return ex.fail(err)


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        message = f"Invalid URL ({request.method} {request.url.path})"
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed for {request.url.path}"
    else:
        message = str(exc.detail)
    return StubError(exc.status_code, message).response({"x-request-id": "req_" + hex_id(16)})


async def server_error(request: Request, exc: Exception) -> Response:
    # Never expected: a bug in the stub. Still answer in the API's shape.
    return StubError(500, _SERVER_ERROR, type="server_error").response()


async def _client_gone(request: Request, exc: Exception) -> Response:
    return Response(status_code=400)  # nobody is listening: the server moves on without a traceback


_SERVER_ERROR = "The server had an error while processing your request. Sorry about that!"


class StubApp(Starlette):
    """Starlette, with ``POST /v1/chat/completions`` served directly (the hot path: no routing or middleware
    layers per request and per chunk; profiled in issue 18)."""

    stub: StubState  # the running stub's state (also ``app.state.stub``, as control.py and server.py read it)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/chat/completions" and scope["method"] == "POST":
            scope["app"] = self
            request = Request(scope, receive, send)
            try:
                response = await chat_completions(request)
            except ClientGone:
                return
            except Exception:  # a bug in the stub: answer in the API's shape, and say so in the log
                log.exception("llm_stub: unexpected error in %s", scope["path"])
                response = StubError(500, _SERVER_ERROR, type="server_error").response()
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(config: StubConfig | None = None) -> Starlette:
    routes = [
        Route("/health", health),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/models", list_models, methods=["GET"]),
        Route("/v1/models/{model:path}", get_model, methods=["GET"]),
        *responses_endpoint.routes(),  # POST /v1/responses, GET/DELETE /v1/responses/{id}, .../input_items
        Mount(control.PREFIX, routes=control.routes()),
    ]
    app = StubApp(
        routes=routes,
        exception_handlers={
            HTTPException: http_error,
            ClientGone: _client_gone,
            ClientDisconnect: _client_gone,
            Exception: server_error,
        },
    )
    app.stub = app.state.stub = StubState(config)
    return app
