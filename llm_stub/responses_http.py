"""What the Responses and Conversations endpoints share around the HTTP exchange: reading a body the chat
endpoint's way, opening a request that names an object in its path, listing items a page at a time, and
giving items the ids and statuses the API lists them with.

Pagination follows the SDK's list parameters (``input_item_list_params.InputItemListParams``,
``conversations.item_list_params.ItemListParams``): ``limit`` 1 to 100 (default 20), ``order`` ``asc`` or
``desc`` (default ``desc``), ``after`` an item id; the page is ``{"object": "list", "data", "first_id",
"last_id", "has_more"}`` (OpenAPI ``ResponseItemList`` / ``ConversationItemList``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from openai import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from .errors import StubError, invalid, mask_key
from .responses_render import new_id, wire_item


def _app():
    from . import (
        app,  # the chat endpoint's helpers (imported late: app.py imports the routes of these modules)
    )

    return app


async def read(request: Request, ex) -> tuple[str, object]:
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


def endpoint(handle: Callable[[Request, Any], Awaitable[dict]]) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint from ``handle(request, exchange) -> body``: the journal, the 200 and the error shape around it."""

    async def serve(request: Request) -> Response:
        ex = _app().Exchange(request)
        try:
            return ex.ok(await handle(request, ex))
        except StubError as err:
            return ex.fail(err)

    serve.__name__ = serve.__qualname__ = handle.__name__
    serve.__doc__ = handle.__doc__
    return serve


def state_of(request: Request):
    return _app()._state(request)


def open_request(request: Request, ex) -> str:
    """Log a request without a body (GET, DELETE) and authenticate it; return the key."""
    ex.log(None)
    key = _app().authenticate(request)
    ex.entry.key = mask_key(key)
    return key


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


def page(items: list[dict], query: Mapping[str, str], sdk_type: type[BaseModel]) -> dict:
    """One page of a list of items (each with an ``id``), as the query asks; read once by the SDK's own list
    type (``ResponseItemList``, ``ConversationItemList``), so a shape the SDK cannot parse fails here first."""
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise invalid(
            f"Invalid value: '{order}'. Supported values are: 'asc' and 'desc'.", "order", "invalid_value"
        )
    items = list(items)
    if order == "desc":
        items.reverse()
    after = query.get("after")
    if after:
        ids = [i["id"] for i in items]
        items = items[ids.index(after) + 1 :] if after in ids else []
    limit = _limit(query.get("limit"))
    data = items[:limit]
    listed = {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": len(items) > limit,
    }
    sdk_type.model_validate(listed)
    return listed


_PREFIX = {"message": "msg", "function_call": "fc", "function_call_output": "fco", "reasoning": "rs"}


def with_ids(items: list[dict]) -> list[dict]:
    """Items as the API lists them back: each with an id (kept when the client sent one) and, except
    reasoning items, a status (``ItemResource`` in the OpenAPI description requires both)."""
    out = []
    for item in items:
        item: dict[str, Any] = dict(item)
        item.setdefault("id", new_id(_PREFIX[item["type"]]))
        if item["type"] != "reasoning":
            item.setdefault("status", "completed")
        out.append(wire_item(item))
    return out
