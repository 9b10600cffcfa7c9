"""Server-side state of the Responses API: stored responses, per API key.

Unlike Chat Completions (stateless: the client resends the whole history every
time), the Responses API keeps each response (``store``, default true) so that
``previous_response_id`` can continue from it. The stub keeps, for each stored
response, the Response object it returned, the input items of its request (for
``GET /v1/responses/{id}/input_items``) and the conversation so far as items
(without ``instructions``: the real API does not carry them over to the next
response), which the next turn reads through ``responses_input.to_chat``. The model
still reads, and the usage still counts, the whole conversation on every turn.
The ids of stored reasoning items are indexed: a reasoning item handed back by id
alone is found there, or gets the real 404 (``responses_input.reasoning_ids_unknown``).
The store also holds the running stub's ``Sealer`` (encrypted reasoning content).

A response created with ``store: false`` is never kept, so continuing from it, retrieving it or deleting it
answers as for an unknown id, as the real API does.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import StubError
from .responses_input import Items
from .responses_reasoning import Sealer

T = TypeVar("T")
MAX_STORED = 10_000  # per stub; the oldest go first (the stub is not a database)


@dataclass
class Stored:
    key: str
    response: dict  # the Response object as sent
    input_items: list[dict]  # this request's input items, each with an id
    context: Items  # everything before this response, its input and its output


class ResponseStore:
    def __init__(self) -> None:
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._reasoning: dict[str, tuple[str, str]] = {}  # reasoning item id -> (key, response id)
        self._lock = threading.Lock()
        self.sealer = Sealer()

    def put(self, stored: Stored) -> None:
        with self._lock:
            self._items[stored.response["id"]] = stored
            for item in stored.response["output"]:
                if item["type"] == "reasoning":
                    self._reasoning[item["id"]] = (stored.key, stored.response["id"])
            while len(self._items) > MAX_STORED:
                self._items.popitem(last=False)

    def holds_reasoning(self, key: str, item_id: str) -> bool:
        """Whether a reasoning item of a response this key stored (and has not deleted) is kept."""
        with self._lock:
            owner = self._reasoning.get(item_id)
            return owner is not None and owner[0] == key and owner[1] in self._items

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


def kept_beside_state(factory: Callable[[], T]) -> Callable[[object], T]:
    """A getter of one object per running stub, kept beside its state and created on first use (a stub's
    ``reset`` leaves stored responses and conversations alone, as a real account keeps them)."""
    objects: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    lock = threading.Lock()

    def get(state: object) -> T:
        with lock:
            found = objects.get(state)
            if found is None:
                found = objects[state] = factory()
            return found

    return get


store_for: Callable[[object], ResponseStore] = kept_beside_state(ResponseStore)


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
