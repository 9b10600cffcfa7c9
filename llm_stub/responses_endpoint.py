"""The Responses API endpoints: ``POST /v1/responses``, ``GET``/``DELETE /v1/responses/{id}``,
``GET /v1/responses/{id}/input_items``, ``POST /v1/responses/input_tokens``; and the Conversations API's
(``conversations.py``).

The request is parsed and translated by ``responses_request`` (its items by ``responses_input``), answered by
the same ``pipeline.run`` as the chat endpoint (one brain), rendered by ``responses_render``, and kept by
``responses_store`` when ``store`` is true (and added to its conversation when it has one). Authentication,
body limits, the journal, fault plans and rate limits are the chat endpoint's own (``app.Exchange`` and
``pipeline.run``).

``truncation``: ``"disabled"`` (the default) answers an input beyond the model's context window with the real
400; ``"auto"`` drops items from the beginning of the conversation until the request fits (the SDK's docstring
of ``truncation``: "the model will truncate the response to fit the context window by dropping items from the
beginning of the conversation"). The stub drops whole items, a call together with its outputs, keeps at least
the newest item, and reserves what ``max_output_tokens`` asks for, as the disabled check does. A model whose
input limit is below its window (``max_input_tokens``: 272K on gpt-5.2) is trimmed to that limit, which the
disabled check enforces too (``pipeline.py``). The docstring adds that "on some models" trimming begins earlier
because the model's whole output allowance is reserved; which models was not found, so the stub does not
imitate that. What is stored for the next turn is the whole
conversation: each turn is trimmed again.

``include: ["reasoning.encrypted_content"]`` with a non-reasoning model and ``store: false`` gets the real 400
(``responses_reasoning.py``), checked once the model is known.

Deliberately not implemented, each answered with a clear 4xx instead of silence: built-in tools
(``web_search``, ``file_search``, ``code_interpreter``, ...), ``background: true`` (and so ``POST
/v1/responses/{id}/cancel`` and resuming a stream with ``GET ...?stream=true``), reusable ``prompt``s,
``item_reference`` input items, and image/file/audio inputs.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses

from openai.types.responses import ResponseItemList, input_token_count_params
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import conversations, pipeline
from .catalog import ModelInfo
from .conversations import conversations_for
from .errors import StubError, invalid
from .responses_http import endpoint, open_request, page, read, state_of, with_ids
from .responses_input import Items, output_items, to_chat, unsupported
from .responses_reasoning import ENCRYPTED_INCLUDE, not_supported_by_model
from .responses_render import Plan, usage_of
from .responses_render import stream as render_stream
from .responses_request import History, ResponsesRequest, parse_responses_request, to_responses_error
from .responses_store import Stored, not_found, previous_not_found, store_for
from .tokenizer import count_messages


def _app():
    from . import app  # the chat endpoint's helpers (imported late: app.py imports this module's routes)

    return app


def _model_name(outcome: pipeline.Outcome, requested: str) -> str:
    """The model the response names: the dated snapshot an alias resolved to, when the catalogue has one."""
    snapshot = getattr(outcome.model, "resolved", None)  # catalog.ModelInfo.resolved
    return snapshot if isinstance(snapshot, str) and snapshot else requested


def _history(state, key: str) -> History:
    """What ``previous_response_id`` and ``conversation`` refer to, for this key (copies: a turn never
    changes what is stored)."""
    store = store_for(state)

    def previous(previous_id: str) -> Items:
        stored = store.get(key, previous_id)
        if stored is None:
            raise previous_not_found(previous_id)
        return Items(copy.deepcopy(stored.context.items), list(stored.context.where))

    return History(
        previous=previous,
        conversation=lambda conversation_id: conversations_for(state).history(key, conversation_id),
        holds=lambda item_id: store.holds_reasoning(key, item_id),
        open_sealed=store.sealer.open,
    )


def _check_include(rr: ResponsesRequest, model: ModelInfo) -> None:
    if ENCRYPTED_INCLUDE in rr.include and not model.is_reasoning and not rr.store:
        raise not_supported_by_model()


def _truncated(rr: ResponsesRequest, model: ModelInfo) -> ResponsesRequest:
    """With ``truncation: "auto"``, the request with its oldest items dropped until it fits (module docstring)."""
    if rr.body.get("truncation") != "auto":
        return rr
    items, where = list(rr.context.items), list(rr.context.where)
    head = [m for m in rr.chat.messages[:1] if rr.instructions and m.get("role") == "system"]
    room = model.context_window - (rr.chat.max_tokens or 0)
    if (
        model.max_input_tokens is not None
    ):  # the input limit the pipeline enforces (pipeline.py) must hold too
        room = min(room, model.max_input_tokens)

    def chat_of(items: list[dict], where: list[str]) -> tuple[list[dict], list[str]]:
        messages, origin = to_chat(Items(items, where))
        return [*head, *messages], (["instructions"] if head else []) + origin

    messages, origin = chat_of(items, where)
    dropped = False
    while len(items) > 1 and count_messages(messages, rr.chat.tools or None, model.encoding) > room:
        first = items[0]
        gone = {first["call_id"]} if first["type"] == "function_call" else set()
        keep = [
            k
            for k, item in enumerate(items[1:], 1)
            if not (item["type"] == "function_call_output" and item["call_id"] in gone)
        ]
        # an output whose call went before it goes too; a reasoning item left first has nothing to explain
        items, where = [items[k] for k in keep], [where[k] for k in keep]
        while len(items) > 1 and (
            items[0]["type"] == "function_call_output" or items[0]["type"] == "reasoning"
        ):
            items, where = items[1:], where[1:]
        messages, origin = chat_of(items, where)
        dropped = True
    if not dropped:
        return rr
    return dataclasses.replace(rr, chat=dataclasses.replace(rr.chat, messages=messages), origin=origin)


async def create_response(request: Request) -> Response:
    app = _app()
    state = app._state(request)
    ex = app.Exchange(request)
    key: str | None = None
    try:
        key, body = await read(request, ex)
        store = store_for(state)
        rr = parse_responses_request(body, _history(state, key))
        rr.chat.api_key = key
        try:
            model = pipeline.resolve_model(state, rr.chat.model)
            _check_include(rr, model)
            rr = _truncated(rr, model)
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
        options = body.get("stream_options") or {}
        plan = Plan(
            outcome.choices[0],
            _model_name(outcome, rr.chat.model),
            rr.echo,
            usage,
            question=rr.chat.last_user_text,
            json_answer=rr.chat.response_format is not None,
            include=rr.include,
            sealer=store.sealer,
            obfuscation=options.get("include_obfuscation") is not False,
        )
        ex.entry.extra["response_id"] = plan.id  # so tests can follow a previous_response_id chain

        def keep() -> None:
            body_json = plan.body()
            output = output_items(body_json["output"])
            if rr.store:
                store.put(
                    Stored(
                        key=key,
                        response=body_json,
                        input_items=with_ids(rr.input_items.items),
                        context=rr.context + Items(output, ["output"] * len(output)),
                    )
                )
            if rr.conversation:  # input and output join the conversation once the response is complete
                conversations_for(state).append(
                    key, rr.conversation, [*rr.input_items.items, *body_json["output"]]
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


@endpoint
async def count_input_tokens(request: Request, ex) -> dict:
    """``POST /v1/responses/input_tokens``: what ``usage.input_tokens`` of the same request would be, for free.

    The count is the pipeline's (``tokenizer.count_messages`` over the translated conversation, with the model's
    encoding), so it equals the ``input_tokens`` the request would report; tests check that it does.
    """
    state = state_of(request)
    key, body = await read(request, ex)
    if isinstance(body, dict):
        for name in body:
            if name not in COUNT_PARAMS:
                raise invalid(f"Unknown parameter: '{name}'.", name, "unknown_parameter")
        body = {k: v for k, v in body.items() if k != "personality"}
    rr = parse_responses_request(body, _history(state, key))
    try:
        model = pipeline.resolve_model(state, rr.chat.model)
        rr = _truncated(rr, model)
    except StubError as err:
        raise to_responses_error(err, rr.origin) from None
    tokens = count_messages(rr.chat.messages, rr.chat.tools or None, model.encoding)
    return {"object": "response.input_tokens", "input_tokens": tokens}


def _stored(request: Request, ex) -> Stored:
    key = open_request(request, ex)
    response_id = request.path_params["response_id"]
    stored = store_for(state_of(request)).get(key, response_id)
    if stored is None:
        raise not_found(response_id)
    return stored


@endpoint
async def retrieve_response(request: Request, ex) -> dict:
    if request.query_params.get("stream", "").lower() == "true":
        open_request(request, ex)
        raise unsupported("resuming a stream (`stream=true`), which belongs to background mode", "stream")
    return _stored(request, ex).response


@endpoint
async def delete_response(request: Request, ex) -> dict:
    """``DELETE /v1/responses/{id}``: the OpenAPI example's body, ``{"id", "object": "response", "deleted": true}``."""
    stored = _stored(request, ex)
    store_for(state_of(request)).delete(stored.key, stored.response["id"])
    return {"id": stored.response["id"], "object": "response", "deleted": True}


@endpoint
async def list_input_items(request: Request, ex) -> dict:
    return page(_stored(request, ex).input_items, request.query_params, ResponseItemList)


@endpoint
async def refused(request: Request, ex) -> dict:
    """What the stub leaves out but a learner may call: a clear 400 instead of a bare 404."""
    open_request(request, ex)
    raise unsupported(
        "background mode, so there is nothing to cancel (`POST /v1/responses/{id}/cancel`)", None
    )


def routes() -> list[Route]:
    return [
        Route("/v1/responses", create_response, methods=["POST"]),
        Route("/v1/responses/input_tokens", count_input_tokens, methods=["POST"]),
        Route("/v1/responses/{response_id}", retrieve_response, methods=["GET"]),
        Route("/v1/responses/{response_id}", delete_response, methods=["DELETE"]),
        Route("/v1/responses/{response_id}/input_items", list_input_items, methods=["GET"]),
        Route("/v1/responses/{response_id}/cancel", refused, methods=["POST"]),
        *conversations.routes(),
    ]
