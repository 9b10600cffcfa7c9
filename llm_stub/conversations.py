"""The Conversations API: a conversation object that keeps items, and ``conversation=`` on ``POST /v1/responses``.

``POST /v1/conversations`` (up to 20 initial ``items``, ``metadata``), ``GET``/``POST`` (update metadata)/
``DELETE /v1/conversations/{id}``, and its items: ``GET``/``POST /v1/conversations/{id}/items``,
``GET``/``DELETE /v1/conversations/{id}/items/{item_id}``. Shapes: the SDK's ``openai.types.conversations``
(``Conversation``, ``ConversationDeletedResource``, ``ConversationItemList``) and the OpenAPI description
(``ConversationResource``, ``CreateConversationBody`` with ``maxItems: 20``, ``UpdateConversationBody``,
``DeletedConversationResource``, ``ConversationItemList``); real traffic: pydantic-ai's cassettes
``tests/models/cassettes/test_openai_responses/test_openai_conversation_id_*.yaml`` (create → ``{"id":
"conv_…", "object": "conversation", "created_at", "metadata": {}}``; delete → ``{"id", "object":
"conversation.deleted", "deleted": true}``; each response made with ``conversation=`` repeats
``"conversation": {"id": "conv_…"}``).

A response made with ``conversation=`` reads the conversation's items before its own input ("Items from this
conversation are prepended to ``input_items`` for this response request"), and once it completes its input
items and output items are added to the conversation ("Input items and output items from this response are
automatically added to this conversation after this response completes": the SDK's docstring of
``conversation``). Items appear together, after the response completes (a curl report of 2025-10-27 found with
find_string: "Conversation items are updated atomically").

An unknown conversation is a 404 "Conversation with id 'conv_…' not found.", param and code null (a direct
API observation of 2026-08-30 in a public test table, find_string id 61421724985; the same sentence in the curl
report). An unknown item of a conversation: "Item with id '…' not found." (404; the first sentence of the real
404 for a reasoning item the server does not hold; no capture of this exact case was found). Like stored
responses, conversations belong to the API key that made them.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field

from openai.types.conversations import Conversation as OpenAIConversation
from openai.types.conversations import ConversationDeletedResource, ConversationItemList
from starlette.requests import Request
from starlette.routing import Route

from .errors import StubError, invalid
from .request import expect, expect_body_object, missing
from .responses_http import endpoint, open_request, page, read, state_of, with_ids
from .responses_input import Items, parse_items
from .responses_render import new_id
from .responses_request import check_metadata
from .responses_store import kept_beside_state, store_for

MAX_ITEMS_PER_CALL = 20  # CreateConversationBody.items and the items endpoint: "up to 20 items at a time"
MAX_CONVERSATIONS = 10_000  # per stub; the oldest go first


@dataclass
class Conversation:
    id: str
    key: str
    created_at: int
    metadata: dict
    items: list[dict] = field(default_factory=list)  # as listed, each with an id

    def resource(self) -> dict:
        """The SDK's ``Conversation``, keys in the OpenAPI example's order."""
        sdk = OpenAIConversation(
            id=self.id, object="conversation", created_at=self.created_at, metadata=self.metadata
        )
        as_sent = sdk.to_dict(mode="json")
        return {k: as_sent[k] for k in ("id", "object", "created_at", "metadata")}


class ConversationStore:
    def __init__(self) -> None:
        self._items: dict[str, Conversation] = {}
        self._lock = threading.Lock()

    def create(self, key: str, metadata: dict, items: list[dict]) -> Conversation:
        conversation = Conversation(new_id("conv"), key, int(time.time()), metadata, with_ids(items))
        with self._lock:
            self._items[conversation.id] = conversation
            while len(self._items) > MAX_CONVERSATIONS:
                self._items.pop(next(iter(self._items)))
        return conversation

    def get(self, key: str, conversation_id: str) -> Conversation:
        """The conversation, or the real 404 (another key's conversations are invisible)."""
        with self._lock:
            conversation = self._items.get(conversation_id)
        if conversation is None or conversation.key != key:
            raise not_found(conversation_id)
        return conversation

    def history(self, key: str, conversation_id: str) -> Items:
        """A copy of the conversation's items, as the context a response reads before its own input."""
        conversation = self.get(key, conversation_id)
        with self._lock:
            items = copy.deepcopy(conversation.items)
        return Items(items, ["conversation"] * len(items))

    def append(self, key: str, conversation_id: str, items: list[dict]) -> list[dict]:
        """Add items (given ids where they have none); return them as listed."""
        listed = with_ids(items)
        with self._lock:
            conversation = self._items.get(conversation_id)
            if conversation is not None and conversation.key == key:  # deleted meanwhile: nothing to add to
                conversation.items.extend(listed)
        return listed

    def delete(self, key: str, conversation_id: str) -> None:
        self.get(key, conversation_id)
        with self._lock:
            self._items.pop(conversation_id, None)


conversations_for = kept_beside_state(ConversationStore)


def not_found(conversation_id: str) -> StubError:
    return StubError(404, f"Conversation with id '{conversation_id}' not found.")


def _items_param(raw: object, state: object, param: str = "items") -> list[dict]:
    items = expect(raw, "array", param)
    if len(items) > MAX_ITEMS_PER_CALL:
        raise invalid(
            f"Invalid '{param}': array too long. Expected an array with maximum length {MAX_ITEMS_PER_CALL}, but "
            f"got an array with length {len(items)} instead.",
            param,
            "array_above_max_length",
        )
    return parse_items(items, param, open_sealed=store_for(state).sealer.open).items


def _body(body: object, known: tuple[str, ...], required: str | None = None) -> dict:
    """A body object with only the ``known`` parameters (the real 400s for anything else)."""
    expect_body_object(body)
    for name in body:
        if name not in known:
            raise invalid(f"Unknown parameter: '{name}'.", name, "unknown_parameter")
    if required is not None and required not in body:
        raise missing(required)
    return body


# ------------------------------------------------------------------------------------------------ endpoints


def _conversation(request: Request, key: str) -> Conversation:
    return conversations_for(state_of(request)).get(key, request.path_params["conversation_id"])


@endpoint
async def create(request: Request, ex) -> dict:
    key, body = await read(request, ex)
    body = _body(body, ("items", "metadata"))
    metadata = check_metadata(body.get("metadata")) or {}
    items = _items_param(body["items"], state_of(request)) if body.get("items") is not None else []
    return conversations_for(state_of(request)).create(key, metadata, items).resource()


@endpoint
async def retrieve(request: Request, ex) -> dict:
    return _conversation(request, open_request(request, ex)).resource()


@endpoint
async def update(request: Request, ex) -> dict:
    key, body = await read(request, ex)
    conversation = _conversation(request, key)
    body = _body(body, ("metadata",), required="metadata")
    conversation.metadata = check_metadata(body["metadata"]) or {}
    return conversation.resource()


@endpoint
async def delete(request: Request, ex) -> dict:
    conversation = _conversation(request, open_request(request, ex))
    conversations_for(state_of(request)).delete(conversation.key, conversation.id)
    deleted = ConversationDeletedResource(id=conversation.id, object="conversation.deleted", deleted=True)
    return {k: deleted.to_dict()[k] for k in ("id", "object", "deleted")}


@endpoint
async def list_items(request: Request, ex) -> dict:
    items = _conversation(request, open_request(request, ex)).items
    return page(items, request.query_params, ConversationItemList)


@endpoint
async def add_items(request: Request, ex) -> dict:
    key, body = await read(request, ex)
    conversation = _conversation(request, key)
    body = _body(body, ("items",), required="items")
    items = _items_param(body["items"], state_of(request))
    added = conversations_for(state_of(request)).append(key, conversation.id, items)
    return page(added, {"order": "asc", "limit": str(MAX_ITEMS_PER_CALL)}, ConversationItemList)


def _item(conversation: Conversation, item_id: str) -> dict:
    found = next((i for i in conversation.items if i["id"] == item_id), None)
    if found is None:
        raise StubError(404, f"Item with id '{item_id}' not found.")
    return found


@endpoint
async def retrieve_item(request: Request, ex) -> dict:
    conversation = _conversation(request, open_request(request, ex))
    return _item(conversation, request.path_params["item_id"])


@endpoint
async def delete_item(request: Request, ex) -> dict:
    """Deleting an item returns the conversation (OpenAPI: ``ConversationResource``)."""
    conversation = _conversation(request, open_request(request, ex))
    conversation.items.remove(_item(conversation, request.path_params["item_id"]))
    return conversation.resource()


def routes() -> list[Route]:
    base = "/v1/conversations/{conversation_id}"
    return [
        Route("/v1/conversations", create, methods=["POST"]),
        Route(base, retrieve, methods=["GET"]),
        Route(base, update, methods=["POST"]),
        Route(base, delete, methods=["DELETE"]),
        Route(base + "/items", list_items, methods=["GET"]),
        Route(base + "/items", add_items, methods=["POST"]),
        Route(base + "/items/{item_id}", retrieve_item, methods=["GET"]),
        Route(base + "/items/{item_id}", delete_item, methods=["DELETE"]),
    ]
