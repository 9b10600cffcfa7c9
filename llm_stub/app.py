"""The ASGI app: the OpenAI-compatible endpoints, the control endpoints, and the error shape around them."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route

from . import control, pipeline
from .config import StubConfig
from .errors import StubError, invalid, mask_key
from .journal import JournalEntry
from .render import Meta, completion, stream
from .request import parse_chat_request
from .state import StubState

_BAD_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
    "library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have "
    "trouble figuring out how to fix this, please visit https://platform.openai.com/docs.)"
)


def _state(request: Request) -> StubState:
    return request.app.state.stub


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("api-key")  # Azure-style clients send the key here


def authenticate(request: Request) -> str:
    key = _bearer(request)
    if not key:
        raise StubError(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using "
            "Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from "
            "https://platform.openai.com/account/api-keys.",
            code="invalid_api_key",
        )
    if key not in _state(request).config.api_keys:
        raise StubError(
            401,
            f"Incorrect API key provided: {mask_key(key)}. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            code="invalid_api_key",
        )
    return key


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise StubError(
            413,
            f"Request body too large: {declared} bytes; the limit is {limit} bytes.",
            code="request_too_large",
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise StubError(
                413, f"Request body too large; the limit is {limit} bytes.", code="request_too_large"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes, content_type: str) -> object:
    if content_type and "json" not in content_type.lower():
        raise invalid(
            f"Invalid Content-Type header ({content_type}), expected application/json. "
            "(HINT: If you're using curl, you can pass -H 'Content-Type: application/json')"
        )
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid(_BAD_JSON) from None


class Exchange:
    """One request's bookkeeping: its id, journal entry and the headers every answer carries."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.request_id = "req_" + secrets.token_hex(16)
        self.started = time.perf_counter()
        self.headers = {"x-request-id": self.request_id, "openai-version": "2020-10-01"}
        self.entry: JournalEntry | None = None

    def log(self, body: object, key: str = "") -> None:
        self.entry = _state(self.request).journal.open(
            request_id=self.request_id,
            method=self.request.method,
            path=self.request.url.path,
            headers=self.request.headers,
            body=body,
            key=key,
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

    def ok(self, body: dict) -> JSONResponse:
        self.close(200)
        self.headers["openai-processing-ms"] = str(int((time.perf_counter() - self.started) * 1000))
        return JSONResponse(body, headers=self.headers)


def _logged_body(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return raw[:2000].decode("utf-8", "replace")


async def chat_completions(request: Request) -> Response:
    state = _state(request)
    ex = Exchange(request)
    key: str | None = None
    try:
        raw = await read_body(request, state.config.max_body_bytes)
        ex.log(_logged_body(raw))
        key = authenticate(request)
        ex.entry.key = mask_key(key)
        body = parse_json(raw, request.headers.get("content-type", ""))
        req = parse_chat_request(body)
        req.api_key = key
        outcome = await pipeline.run(
            state,
            req,
            key=key,
            request_headers=dict(request.headers),
            response_headers=ex.headers,
            extra=ex.entry.extra,
        )
        choices, usage, fault = outcome.choices, outcome.usage, outcome.fault
        meta = Meta.new(req.model)
        cfg = state.config
        if req.stream:
            frames = stream(
                meta,
                choices,
                usage,
                include_usage=req.include_usage,
                time_to_first_token=cfg.time_to_first_token,
                time_per_token=cfg.time_per_token,
                fault=fault.stream if fault else None,
            )
            ex.close(200)
            return StreamingResponse(
                _finishing(frames, ex),
                media_type="text/event-stream",
                headers={**ex.headers, "cache-control": "no-cache"},
            )
        pause = cfg.time_to_first_token + cfg.time_per_token * max(0, usage.completion_tokens - 1)
        if pause > 0:
            await asyncio.sleep(pause)
        return ex.ok(completion(meta, choices, usage))
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
    from openai.types import Model

    return Model(id=m.id, object="model", created=m.created, owned_by=m.owned_by).to_dict(mode="json")


async def list_models(request: Request) -> Response:
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
        return ex.ok(_model_object(pipeline.resolve_model(_state(request), request.path_params["model"])))
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
    return StubError(exc.status_code, message).response({"x-request-id": "req_" + secrets.token_hex(16)})


async def server_error(request: Request, exc: Exception) -> Response:
    # Never expected: a bug in the stub. Still answer in the API's shape.
    return StubError(
        500, "The server had an error while processing your request. Sorry about that!", type="server_error"
    ).response()


def create_app(config: StubConfig | None = None) -> Starlette:
    routes = [
        Route("/health", health),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/models", list_models, methods=["GET"]),
        Route("/v1/models/{model:path}", get_model, methods=["GET"]),
        Mount(control.PREFIX, routes=control.routes()),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.stub = StubState(config)
    return app
