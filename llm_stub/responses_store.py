"""Server-side state of the Responses API: stored responses, per API key.

Unlike Chat Completions (stateless: the client resends the whole history every
time), the Responses API keeps each response (``store``, default true) so that
``previous_response_id`` can continue from it. The stub keeps, for each stored
response, the Response object it returned, the input items of its request (for
``GET /v1/responses/{id}/input_items``) and the conversation so far as chat
messages (without ``instructions``: the real API does not carry them over to the
next response), which is what the next turn's pipeline reads. The model still
reads, and the usage still counts, the whole conversation on every turn.

A response created with ``store: false`` is never kept, so continuing from it, retrieving it or deleting it
answers as for an unknown id, as the real API does.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from .errors import StubError

MAX_STORED = 10_000  # per stub; the oldest go first (the stub is not a database)


@dataclass
class Stored:
    key: str
    response: dict  # the Response object as sent
    input_items: list[dict]  # this request's input items, each with an id
    context: list[dict]  # chat messages: everything before this response plus its output


class ResponseStore:
    def __init__(self) -> None:
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, stored: Stored) -> None:
        with self._lock:
            self._items[stored.response["id"]] = stored
            while len(self._items) > MAX_STORED:
                self._items.popitem(last=False)

    def get(self, key: str, response_id: str) -> Stored | None:
        with self._lock:
            stored = self._items.get(response_id)
        # another key's responses are another project's: invisible, as on the real API
        return stored if stored is not None and stored.key == key else None

    def delete(self, key: str, response_id: str) -> bool:
        with self._lock:
            stored = self._items.get(response_id)
            if stored is None or stored.key != key:
                return False
            del self._items[response_id]
            return True

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_STORES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_STORES_LOCK = threading.Lock()


def store_for(state: object) -> ResponseStore:
    """The store of one running stub (kept beside its state, created on first use)."""
    with _STORES_LOCK:
        store = _STORES.get(state)
        if store is None:
            store = _STORES[state] = ResponseStore()
        return store


def not_found(response_id: str) -> StubError:
    """GET/DELETE of an id the stub does not hold (never stored, deleted, or another key's)."""
    return StubError(404, f"Response with id '{response_id}' not found.", param=None, code=None)


def previous_not_found(response_id: str) -> StubError:
    """``previous_response_id`` naming a response the server does not hold (e.g. one created with store: false).

    Message and code as public reports of the real API show them (bigduu/Bamboo-agent#513, maximhq/bifrost#2441).
    """
    return StubError(
        400,
        f"Previous response with id '{response_id}' not found.",
        param="previous_response_id",
        code="previous_response_not_found",
    )
