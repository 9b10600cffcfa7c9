"""Render the pipeline's ``Outcome`` as the Responses API does: a Response object, or semantic stream events.

Built from the SDK's own types (``openai.types.responses.*``) so the shape cannot
drift from what the SDK parses, and checked in tests against the ``Response`` and
``Response*Event`` schemas of ``../shared/openai-openapi.json``. The field set
and key order of a Response follow the live response recorded in openai-python's
``tests/lib/responses/test_responses.py`` (``test_output_text``); the event order
follows the ``Streaming`` example of ``POST /responses`` in the OpenAPI
description: ``response.created``, ``response.in_progress``, per output item
``response.output_item.added``, (for a message) ``response.content_part.added``,
``response.output_text.delta``..., ``response.output_text.done``,
``response.content_part.done``, (for a function call)
``response.function_call_arguments.delta``..., ``.done``, then
``response.output_item.done``; last ``response.completed`` (or
``response.incomplete`` when ``max_output_tokens`` cut the text). Every event
carries ``sequence_number`` (required by the schemas), and every frame is
``event: <type>`` + ``data: <json>``; a Responses stream ends without ``[DONE]``.

An injected ``stream_error`` fault ends the stream with ``response.failed`` (status ``failed``,
``error: {code: "server_error", message}``), the documented terminal event for a response that fails.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFailedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseIncompleteEvent,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputRefusal,
    ResponseOutputText,
    ResponseReasoningItem,
    ResponseRefusalDeltaEvent,
    ResponseRefusalDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)
from openai.types.responses.response_usage import (
    InputTokensDetails,
    InputTokensDetailsCacheWriteTokensDetails,
    OutputTokensDetails,
)

from .faults import StreamFault
from .generate import Choice
from .ids import hex_id
from .reasoning import Usage
from .render import StreamDropped
from .tokenizer import encode


def new_id(prefix: str) -> str:
    """An id in the real API's shape: a prefix and 48 hex digits (``resp_``, ``msg_``, ``fc_``)."""
    return f"{prefix}_{hex_id(24)}"


# Key order of a live Response (openai-python tests/lib/responses/test_responses.py, test_output_text).
_RESPONSE_KEYS = (
    "id",
    "object",
    "created_at",
    "status",
    "background",
    "completed_at",
    "error",
    "incomplete_details",
    "instructions",
    "max_output_tokens",
    "max_tool_calls",
    "model",
    "output",
    "parallel_tool_calls",
    "previous_response_id",
    "prompt_cache_key",
    "reasoning",
    "safety_identifier",
    "service_tier",
    "store",
    "temperature",
    "text",
    "tool_choice",
    "tools",
    "top_logprobs",
    "top_p",
    "truncation",
    "usage",
    "user",
    "metadata",
)
_ITEM_KEYS = ("id", "type", "status", "content", "role", "call_id", "name", "arguments")
_PART_KEYS = ("type", "annotations", "logprobs", "text", "refusal")


def _ordered(data: dict, order: tuple[str, ...]) -> dict:
    rank = {k: i for i, k in enumerate(order)}
    return {k: data[k] for k in sorted(data, key=lambda k: rank.get(k, len(order)))}


def _wire_item(item: dict) -> dict:
    item = dict(item)
    if isinstance(item.get("content"), list):
        item["content"] = [_ordered(p, _PART_KEYS) for p in item["content"]]
    return _ordered(item, _ITEM_KEYS)


def _wire_response(data: dict) -> dict:
    data = dict(data)
    data["output"] = [_wire_item(i) for i in data.get("output", [])]
    for stamp in ("created_at", "completed_at"):  # the SDK types them as floats; the API sends integers
        if isinstance(data.get(stamp), float):
            data[stamp] = int(data[stamp])
    return _ordered(data, _RESPONSE_KEYS)


def usage_of(chat_usage: Usage) -> ResponseUsage:
    """The pipeline's usage in the Responses shape: same counts, new names. Writes are split by lifetime in
    ``cache_write_tokens_details`` on the models that bill them (the SDK's ``response_usage.py``; E7 in the
    catalogue: a live gpt-5.6-sol response reported its writes there)."""
    written = chat_usage.cache_write_tokens or 0
    details = InputTokensDetails(cached_tokens=chat_usage.cached_tokens, cache_write_tokens=written)
    if chat_usage.cache_write_tokens is not None:
        twelve = written if chat_usage.cache_write_ttl == "12h" else 0
        details.cache_write_tokens_details = InputTokensDetailsCacheWriteTokensDetails(
            ttl_12h_tokens=twelve, ttl_30m_tokens=written - twelve
        )
    return ResponseUsage(
        input_tokens=chat_usage.prompt_tokens,
        input_tokens_details=details,
        output_tokens=chat_usage.completion_tokens,
        output_tokens_details=OutputTokensDetails(reasoning_tokens=chat_usage.reasoning_tokens),
        total_tokens=chat_usage.total_tokens,
    )


class Plan:
    """One response's ids and output, decided once, so the stream and the final object agree."""

    def __init__(self, choice: Choice, model: str, echo: dict, usage: ResponseUsage) -> None:
        self.id = new_id("resp")
        self.created_at = int(time.time())
        self.completed_at: int | None = None
        self.model = model
        self.echo = echo
        self.usage = usage
        self.choice = choice
        self.incomplete = choice.finish_reason == "length"
        self.items: list[tuple[str, Any]] = []
        if getattr(choice, "reasoning_tokens", 0):
            # a reasoning model's output starts with a reasoning item (its summary only when one is asked for;
            # the stub writes none): e.g. the recorded outputs in lmstudio-ai/lmstudio-bug-tracker#1188
            self.items.append(("reasoning", new_id("rs")))
        if choice.tool_calls:
            self.items += [("function_call", (new_id("fc"), call)) for call in choice.tool_calls]
        elif choice.content or choice.refusal is not None or not self.items:
            self.items.append(("message", new_id("msg")))
        # else: the whole budget went to reasoning (max_output_tokens): no message at all, status incomplete

    # -- items --------------------------------------------------------------------------------------

    def _part(self, done: bool) -> ResponseOutputText | ResponseOutputRefusal:
        c = self.choice
        if c.refusal is not None:
            return ResponseOutputRefusal(type="refusal", refusal=c.refusal if done else "")
        return ResponseOutputText(
            type="output_text", text=(c.content or "") if done else "", annotations=[], logprobs=[]
        )

    def item(
        self, index: int, done: bool
    ) -> ResponseOutputMessage | ResponseFunctionToolCall | ResponseReasoningItem:
        kind, data = self.items[index]
        if kind == "reasoning":
            return ResponseReasoningItem(id=data, type="reasoning", summary=[])
        if kind == "function_call":
            item_id, call = data
            return ResponseFunctionToolCall(
                id=item_id,
                type="function_call",
                status="completed" if done else "in_progress",
                arguments=call.arguments if done else "",
                call_id=call.id,
                name=call.name,
            )
        status = ("incomplete" if self.incomplete else "completed") if done else "in_progress"
        return ResponseOutputMessage(
            id=data,
            type="message",
            status=status,
            content=[self._part(True)] if done else [],
            role="assistant",
        )

    # -- the Response object --------------------------------------------------------------------------

    def response(self, status: str, error: dict | None = None) -> Response:
        finished = status in ("completed", "incomplete")
        fields = {
            "id": self.id,
            "object": "response",
            "created_at": self.created_at,
            "status": status,
            "background": False,
            "completed_at": self._completed_at() if status == "completed" else None,
            "error": error,
            "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
            "model": self.model,
            "output": [self.item(i, True) for i in range(len(self.items))] if finished else [],
            **self.echo,
        }
        if finished:  # the schema's usage is an object, not nullable: absent until the response is done
            fields["usage"] = self.usage
        return Response.model_validate(fields)

    def _completed_at(self) -> int:
        """When the response completed: fixed the first time it is asked, so the stream, the body and the
        stored copy agree."""
        if self.completed_at is None:
            self.completed_at = int(time.time())
        return self.completed_at

    @property
    def final_status(self) -> str:
        return "incomplete" if self.incomplete else "completed"

    def body(self) -> dict:
        return response_json(self.response(self.final_status))

    # -- events ---------------------------------------------------------------------------------------

    def events(self) -> list[tuple[Any, bool]]:
        """Every event in send order, as (SDK event without its sequence number, is_token) pairs."""
        out: list[tuple[Any, bool]] = []
        seq = 0  # filled in later

        def add(event: Any, token: bool = False) -> None:
            out.append((event, token))

        add(
            ResponseCreatedEvent(
                type="response.created", response=self.response("in_progress"), sequence_number=seq
            )
        )
        add(
            ResponseInProgressEvent(
                type="response.in_progress", response=self.response("in_progress"), sequence_number=seq
            )
        )
        for index, (kind, data) in enumerate(self.items):
            add(
                ResponseOutputItemAddedEvent(
                    type="response.output_item.added",
                    output_index=index,
                    item=self.item(index, False),
                    sequence_number=seq,
                )
            )
            if kind == "reasoning":
                pass  # added, then done: no content events without a summary
            elif kind == "function_call":
                item_id, call = data
                for piece in encode(call.arguments):
                    add(
                        ResponseFunctionCallArgumentsDeltaEvent(
                            type="response.function_call_arguments.delta",
                            item_id=item_id,
                            output_index=index,
                            delta=piece,
                            sequence_number=seq,
                        ),
                        True,
                    )
                done = ResponseFunctionCallArgumentsDoneEvent(
                    type="response.function_call_arguments.done",
                    item_id=item_id,
                    output_index=index,
                    arguments=call.arguments,
                    sequence_number=seq,
                )
                done.name = call.name  # required by the OpenAPI schema; the SDK keeps it as an extra field
                add(done)
            else:
                item_id = data
                common = {
                    "item_id": item_id,
                    "output_index": index,
                    "content_index": 0,
                    "sequence_number": seq,
                }
                add(
                    ResponseContentPartAddedEvent(
                        type="response.content_part.added", part=self._part(False), **common
                    )
                )
                c = self.choice
                if c.refusal is not None:
                    for piece in c.pieces:
                        add(
                            ResponseRefusalDeltaEvent(type="response.refusal.delta", delta=piece, **common),
                            True,
                        )
                    add(ResponseRefusalDoneEvent(type="response.refusal.done", refusal=c.refusal, **common))
                else:
                    for piece in c.pieces:
                        add(
                            ResponseTextDeltaEvent(
                                type="response.output_text.delta", delta=piece, logprobs=[], **common
                            ),
                            True,
                        )
                    add(
                        ResponseTextDoneEvent(
                            type="response.output_text.done", text=c.content or "", logprobs=[], **common
                        )
                    )
                add(
                    ResponseContentPartDoneEvent(
                        type="response.content_part.done", part=self._part(True), **common
                    )
                )
            add(
                ResponseOutputItemDoneEvent(
                    type="response.output_item.done",
                    output_index=index,
                    item=self.item(index, True),
                    sequence_number=seq,
                )
            )
        final = self.response(self.final_status)
        if self.incomplete:
            add(ResponseIncompleteEvent(type="response.incomplete", response=final, sequence_number=seq))
        else:
            add(ResponseCompletedEvent(type="response.completed", response=final, sequence_number=seq))
        return out

    def failed_event(self, message: str) -> ResponseFailedEvent:
        return ResponseFailedEvent(
            type="response.failed",
            response=self.response("failed", {"code": "server_error", "message": message}),
            sequence_number=0,
        )


def response_json(response: Response) -> dict:
    return _wire_response(response.to_dict(mode="json"))


def event_json(event: Any, sequence_number: int) -> dict:
    event.sequence_number = sequence_number
    data = event.to_dict(mode="json")
    if "response" in data:
        data["response"] = _wire_response(data["response"])
    if isinstance(data.get("item"), dict):
        data["item"] = _wire_item(data["item"])
    order = (
        "type",
        "sequence_number",
        "response",
        "output_index",
        "item_id",
        "content_index",
        "item",
        "part",
        "delta",
        "text",
        "refusal",
        "name",
        "arguments",
        "logprobs",
    )
    return _ordered(data, order)


def frame(data: dict) -> str:
    return f"event: {data['type']}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def stream(
    plan: Plan,
    *,
    time_to_first_token: float,
    time_per_token: float,
    fault: StreamFault | None = None,
    on_complete: Any = None,
) -> AsyncIterator[str]:
    """Yield the SSE frames of a streamed response, paced like a model generating tokens.

    ``on_complete`` is called once the final event is sent (the store keeps only responses that finished).
    """
    events = plan.events()
    if time_to_first_token > 0:
        await asyncio.sleep(time_to_first_token)
    first_token = True
    for sent, (event, token) in enumerate(events):
        if fault is not None and sent >= fault.after_chunks:
            if fault.kind == "error" and fault.error is not None:
                yield frame(event_json(plan.failed_event(fault.error.message), sent))
                return
            if fault.kind == "drop":
                raise StreamDropped("stream dropped by fault plan")
            return  # "cut": the body ends cleanly, without a terminal event
        if token:
            if not first_token and time_per_token > 0:
                await asyncio.sleep(time_per_token)
            first_token = False
        yield frame(event_json(event, sent))
    if on_complete is not None:
        on_complete()
