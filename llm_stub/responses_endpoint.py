"""The Responses API endpoints: ``POST /v1/responses``, ``GET``/``DELETE /v1/responses/{id}``,
``GET /v1/responses/{id}/input_items``, ``POST /v1/responses/input_tokens``.

The request is parsed and translated by ``responses_request``, answered by the
same ``pipeline.run`` as the chat endpoint (one brain), rendered by
``responses_render``, and kept by ``responses_store`` when ``store`` is true.
Authentication, body limits, the journal, fault plans and rate limits are the
chat endpoint's own (``app.Exchange`` and ``pipeline.run``).

Deliberately not implemented, each answered with a clear 4xx instead of silence:
built-in tools (``web_search``, ``file_search``, ``code_interpreter``, ...),
``background: true`` (and so ``POST /v1/responses/{id}/cancel`` and resuming a stream
with ``GET ...?stream=true``), the Conversations API (``conversation``), reusable
``prompt``s, ``item_reference`` input items, and image/file/audio inputs.
"""

from __future__ import annotations

import asyncio
import copy

from openai.types.responses import input_token_count_params
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import pipeline
from .errors import StubError, invalid, mask_key
from .responses_render import Plan, new_id, usage_of
from .responses_render import stream as render_stream
from .responses_request import output_messages, parse_responses_request, to_responses_error, unsupported
from .responses_store import Stored, not_found, previous_not_found, store_for
from .tokenizer import count_messages


def _app():
    from . import app  # the chat endpoint's helpers (imported late: app.py imports this module's routes)

    return app


def _with_ids(items: list[dict]) -> list[dict]:
    """Input items as the API lists them back: each with an id (and a status where the schema has one)."""
    out = []
    for item in items:
        item = dict(item)
        if item["type"] == "message":
            item = {"id": new_id("msg"), **item, "status": "completed"}
        elif item["type"] == "function_call":
            item = {"id": new_id("fc"), **item, "status": "completed"}
        else:  # function_call_output
            item = {"id": new_id("fco"), **item, "status": "completed"}
        out.append(item)
    return out


def _model_name(outcome: pipeline.Outcome, requested: str) -> str:
    """The model the response names: the dated snapshot an alias resolved to, when the catalogue has one."""
    snapshot = getattr(outcome.model, "resolved", None)  # catalog.ModelInfo.resolved
    return snapshot if isinstance(snapshot, str) and snapshot else requested


async def _read(request: Request, ex) -> tuple[str, object]:
    """The chat endpoint's reading order: body, journal, key, content type, then a bad body's 400."""
    app = _app()
    raw = await app.read_body(request, app._state(request).config.max_body_bytes)
    try:
        body = app.decode_json(raw)
        bad: StubError | None = None
    except StubError as err:
        body, bad = raw[:2000].decode("utf-8", "replace"), err
    ex.log(body)
    key = app.authenticate(request)
    ex.entry.key = mask_key(key)
    app._check_content_type(app.headers_of(request).get("content-type", ""))
    if bad is not None:
        raise bad
    return key, body


def _lookup(state, key: str):
    """``previous_response_id`` -> the stored conversation (a copy), or the real 400."""
    store = store_for(state)

    def lookup(previous_id: str) -> list[dict]:
        stored = store.get(key, previous_id)
        if stored is None:
            raise previous_not_found(previous_id)
        return copy.deepcopy(stored.context)

    return lookup


async def create_response(request: Request) -> Response:
    app = _app()
    state = app._state(request)
    ex = app.Exchange(request)
    key: str | None = None
    try:
        key, body = await _read(request, ex)
        store = store_for(state)
        rr = parse_responses_request(body, _lookup(state, key))
        rr.chat.api_key = key
        try:
            outcome = await pipeline.run(
                state,
                rr.chat,
                key=key,
                request_headers=app.headers_of(request),
                response_headers=ex.headers,
                extra=ex.entry.extra,
            )
        except StubError as err:
            raise to_responses_error(err, rr.origin) from None
        usage = usage_of(outcome.usage)
        ex.entry.extra["usage"] = usage.to_dict(mode="json")  # what the response reports (Responses names)
        ex.entry.extra["api"] = "responses"
        plan = Plan(outcome.choices[0], _model_name(outcome, rr.chat.model), rr.echo, usage)
        ex.entry.extra["response_id"] = plan.id  # so tests can follow a previous_response_id chain

        def keep() -> None:
            if rr.store:
                body_json = plan.body()
                store.put(
                    Stored(
                        key=key,
                        response=body_json,
                        input_items=_with_ids(rr.input_items),
                        context=[*rr.context, *output_messages(body_json["output"])],
                    )
                )

        cfg = state.config
        fault = outcome.fault
        if rr.stream:
            frames = render_stream(
                plan,
                time_to_first_token=cfg.time_to_first_token,
                time_per_token=cfg.time_per_token,
                fault=fault.stream if fault else None,
                on_complete=keep,
            )
            ex.close(200)
            return app.SSEResponse(frames, ex.headers, ex)
        pause = cfg.time_to_first_token + cfg.time_per_token * max(0, outcome.usage.completion_tokens - 1)
        if pause > 0:
            await asyncio.sleep(pause)
        keep()
        return ex.ok(plan.body())
    except StubError as err:
        if key and state.limits.enabled:
            ex.headers.update({k: v for k, v in state.limits.headers(key).items() if k not in err.headers})
        return ex.fail(err)


COUNT_PARAMS = frozenset(input_token_count_params.InputTokenCountParams.__annotations__)


async def count_input_tokens(request: Request) -> Response:
    """``POST /v1/responses/input_tokens``: what ``usage.input_tokens`` of the same request would be, for free.

    The count is the pipeline's (``tokenizer.count_messages`` over the translated conversation, with the model's
    encoding), so it equals the ``input_tokens`` the request would report; tests check that it does.
    """
    app = _app()
    state = app._state(request)
    ex = app.Exchange(request)
    try:
        key, body = await _read(request, ex)
        if isinstance(body, dict):
            for name in body:
                if name not in COUNT_PARAMS:
                    raise invalid(f"Unknown parameter: '{name}'.", name, "unknown_parameter")
            body = {k: v for k, v in body.items() if k != "personality"}
        rr = parse_responses_request(body, _lookup(state, key))
        try:
            model = pipeline.resolve_model(state, rr.chat.model)
        except StubError as err:
            raise to_responses_error(err, rr.origin) from None
        tokens = count_messages(rr.chat.messages, rr.chat.tools or None, model.encoding)
        return ex.ok({"object": "response.input_tokens", "input_tokens": tokens})
    except StubError as err:
        return ex.fail(err)


def _open(request: Request, ex) -> tuple[str, str]:
    """Log the request, authenticate it; return (key, the response id in the path)."""
    ex.log(None)
    key = _app().authenticate(request)
    ex.entry.key = mask_key(key)
    return key, request.path_params["response_id"]


async def retrieve_response(request: Request) -> Response:
    app = _app()
    ex = app.Exchange(request)
    try:
        key, response_id = _open(request, ex)
        if request.query_params.get("stream", "").lower() == "true":
            raise unsupported("resuming a stream (`stream=true`), which belongs to background mode", "stream")
        stored = store_for(app._state(request)).get(key, response_id)
        if stored is None:
            raise not_found(response_id)
        return ex.ok(stored.response)
    except StubError as err:
        return ex.fail(err)


async def delete_response(request: Request) -> Response:
    app = _app()
    ex = app.Exchange(request)
    try:
        key, response_id = _open(request, ex)
        if not store_for(app._state(request)).delete(key, response_id):
            raise not_found(response_id)
        return ex.ok({"id": response_id, "object": "response", "deleted": True})
    except StubError as err:
        return ex.fail(err)


def _limit(raw: str | None) -> int:
    if raw is None:
        return 20
    try:
        value = int(raw)
    except ValueError:
        raise invalid(
            "Invalid type for 'limit': expected an integer, but got a string instead.",
            "limit",
            "invalid_type",
        ) from None
    if not 1 <= value <= 100:
        raise invalid(
            f"Invalid 'limit': integer out of range. Expected a value between 1 and 100, but got {value} instead.",
            "limit",
            "invalid_value",
        )
    return value


async def list_input_items(request: Request) -> Response:
    app = _app()
    ex = app.Exchange(request)
    try:
        key, response_id = _open(request, ex)
        stored = store_for(app._state(request)).get(key, response_id)
        if stored is None:
            raise not_found(response_id)
        q = request.query_params
        order = q.get("order", "desc")
        if order not in ("asc", "desc"):
            raise invalid(
                f"Invalid value: '{order}'. Supported values are: 'asc' and 'desc'.", "order", "invalid_value"
            )
        items = list(stored.input_items)
        if order == "desc":
            items.reverse()
        after = q.get("after")
        if after:
            ids = [i["id"] for i in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        limit = _limit(q.get("limit"))
        page = items[:limit]
        return ex.ok(
            {
                "object": "list",
                "data": page,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
                "has_more": len(items) > limit,
            }
        )
    except StubError as err:
        return ex.fail(err)


async def refused(request: Request) -> Response:
    """What the stub leaves out but a learner may call: a clear 400 instead of a bare 404."""
    app = _app()
    ex = app.Exchange(request)
    try:
        ex.log(None)
        ex.entry.key = mask_key(app.authenticate(request))
        if request.url.path.endswith("/cancel"):
            raise unsupported(
                "background mode, so there is nothing to cancel (`POST /v1/responses/{id}/cancel`)", None
            )
        raise unsupported(
            "the Conversations API (`/v1/conversations`); chain turns with `previous_response_id`", None
        )
    except StubError as err:
        return ex.fail(err)


def routes() -> list[Route]:
    return [
        Route("/v1/responses", create_response, methods=["POST"]),
        Route("/v1/responses/input_tokens", count_input_tokens, methods=["POST"]),
        Route("/v1/responses/{response_id}", retrieve_response, methods=["GET"]),
        Route("/v1/responses/{response_id}", delete_response, methods=["DELETE"]),
        Route("/v1/responses/{response_id}/input_items", list_input_items, methods=["GET"]),
        Route("/v1/responses/{response_id}/cancel", refused, methods=["POST"]),
        Route("/v1/conversations", refused, methods=["GET", "POST"]),
        Route("/v1/conversations/{rest:path}", refused, methods=["GET", "POST", "DELETE"]),
    ]
