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

Since issue 25, as recorded real streams show them (vercel/ai
``packages/openai/src/responses/__fixtures__/openai-reasoning-encrypted-content.1.chunks.txt``): event keys in the
order ``type, sequence_number, item_id, output_index, summary_index/content_index, ...``; delta events carry an
``obfuscation`` field unless ``stream_options.include_obfuscation`` is false (the SDK's ``StreamOptions``
docstring); a reasoning item's summary parts stream between its ``output_item.added`` and ``.done``
(``responses_reasoning.py``); ``service_tier`` is the requested one (``"auto"`` when none) while the response is
in progress and the tier that served it once it is done (``render.service_tier_of``; the recorded stream says
``"auto"`` then ``"default"``; the SDK's docstring: "the response body will include the service_tier value based
on the processing mode actually used"); with ``include: ["message.output_text.logprobs"]`` the text part and the
text events carry the tokens' log probabilities (``logprobs.py``).
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
    ResponseReasoningSummaryPartAddedEvent,
    ResponseReasoningSummaryPartDoneEvent,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseReasoningSummaryTextDoneEvent,
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
from .render import Obfuscator, StreamDropped, service_tier_of
from .responses_reasoning import ENCRYPTED_INCLUDE, Sealer, summary_parts
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
    "conversation",
    "error",
    "incomplete_details",
    "instructions",
    "max_output_tokens",
    "max_tool_calls",
    "model",
    "moderation",
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
_ITEM_KEYS = (
    "id",
    "type",
    "status",
    "encrypted_content",
    "summary",
    "content",
    "role",
    "call_id",
    "name",
    "arguments",
)
_PART_KEYS = ("type", "annotations", "logprobs", "text", "refusal")


def _ordered(data: dict, order: tuple[str, ...]) -> dict:
    rank = {k: i for i, k in enumerate(order)}
    return {k: data[k] for k in sorted(data, key=lambda k: rank.get(k, len(order)))}


def wire_item(item: dict) -> dict:
    item = dict(item)
    if isinstance(item.get("content"), list):
        item["content"] = [_ordered(p, _PART_KEYS) for p in item["content"]]
    return _ordered(item, _ITEM_KEYS)


def _wire_response(data: dict) -> dict:
    data = dict(data)
    data["output"] = [wire_item(i) for i in data.get("output", [])]
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

    def __init__(
        self,
        choice: Choice,
        model: str,
        echo: dict,
        usage: ResponseUsage,
        *,
        question: str = "",
        json_answer: bool = False,
        include: tuple[str, ...] = (),
        sealer: Sealer | None = None,
        obfuscation: bool = True,
    ) -> None:
        self.id = new_id("resp")
        self.created_at = int(time.time())
        self.completed_at: int | None = None
        self.model = model
        self.echo = echo
        self.usage = usage
        self.choice = choice
        self.obfuscator = Obfuscator() if obfuscation else None
        self.incomplete = choice.finish_reason == "length"
        self.items: list[tuple[str, Any]] = []
        self.summary: list[str] = []
        self.sealed: tuple[str, str] | None = None  # encrypted content: while in progress, done
        if getattr(choice, "reasoning_tokens", 0):
            # a reasoning model's output starts with a reasoning item: e.g. the recorded outputs in
            # lmstudio-ai/lmstudio-bug-tracker#1188; its summary only when one is asked for
            detail = (echo.get("reasoning") or {}).get("summary")
            if detail:
                self.summary = summary_parts(question, choice, detail, json_answer)
            if ENCRYPTED_INCLUDE in include and sealer is not None:
                payload = {"model": model, "reasoning_tokens": choice.reasoning_tokens}
                self.sealed = (sealer.seal(payload), sealer.seal({**payload, "summary": self.summary}))
            self.items.append(("reasoning", new_id("rs")))
        if choice.tool_calls:
            self.items += [("function_call", (new_id("fc"), call)) for call in choice.tool_calls]
        elif choice.content or choice.refusal is not None or not self.items:
            self.items.append(("message", new_id("msg")))
        # else: the whole budget went to reasoning (max_output_tokens): no message at all, status incomplete

    # -- items --------------------------------------------------------------------------------------

    def _logprobs(self, piece: int | None = None, event: bool = False) -> list[dict]:
        """The text's token log probabilities (all, or one piece's), when the request included them."""
        pieces = self.choice.logprobs
        if pieces is None:
            return []
        chosen = pieces if piece is None else pieces[piece : piece + 1]
        return [e.event() if event else e.chat() for p in chosen for e in p]

    def _part(self, done: bool) -> ResponseOutputText | ResponseOutputRefusal:
        c = self.choice
        if c.refusal is not None:
            return ResponseOutputRefusal(type="refusal", refusal=c.refusal if done else "")
        return ResponseOutputText(
            type="output_text",
            text=(c.content or "") if done else "",
            annotations=[],
            logprobs=self._logprobs() if done else [],
        )

    def item(
        self, index: int, done: bool
    ) -> ResponseOutputMessage | ResponseFunctionToolCall | ResponseReasoningItem:
        kind, data = self.items[index]
        if kind == "reasoning":
            item = ResponseReasoningItem(
                id=data,
                type="reasoning",
                summary=[{"type": "summary_text", "text": t} for t in self.summary] if done else [],
            )
            if self.sealed is not None:
                item.encrypted_content = self.sealed[1] if done else self.sealed[0]
            return item
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
        if status != "in_progress":  # the tier that served the request (the module docstring)
            fields["service_tier"] = service_tier_of(self.echo.get("service_tier"))
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
                self._summary_events(add, data, index)
            elif kind == "function_call":
                item_id, call = data
                for piece in encode(call.arguments):
                    add(
                        self._padded(
                            ResponseFunctionCallArgumentsDeltaEvent(
                                type="response.function_call_arguments.delta",
                                item_id=item_id,
                                output_index=index,
                                delta=piece,
                                sequence_number=seq,
                            )
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
                            self._padded(
                                ResponseRefusalDeltaEvent(
                                    type="response.refusal.delta", delta=piece, **common
                                )
                            ),
                            True,
                        )
                    add(ResponseRefusalDoneEvent(type="response.refusal.done", refusal=c.refusal, **common))
                else:
                    for k, piece in enumerate(c.pieces):
                        add(
                            self._padded(
                                ResponseTextDeltaEvent(
                                    type="response.output_text.delta",
                                    delta=piece,
                                    logprobs=self._logprobs(k, event=True),
                                    **common,
                                )
                            ),
                            True,
                        )
                    add(
                        ResponseTextDoneEvent(
                            type="response.output_text.done",
                            text=c.content or "",
                            logprobs=self._logprobs(event=True),
                            **common,
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

    def _summary_events(self, add: Any, item_id: str, index: int) -> None:
        """A reasoning item's summary parts: part added, text deltas, text done, part done (each part)."""
        for i, text in enumerate(self.summary):
            common = {"item_id": item_id, "output_index": index, "summary_index": i, "sequence_number": 0}
            add(
                ResponseReasoningSummaryPartAddedEvent(
                    type="response.reasoning_summary_part.added",
                    part={"type": "summary_text", "text": ""},
                    **common,
                )
            )
            for piece in encode(text):
                add(
                    self._padded(
                        ResponseReasoningSummaryTextDeltaEvent(
                            type="response.reasoning_summary_text.delta", delta=piece, **common
                        )
                    )
                )
            add(
                ResponseReasoningSummaryTextDoneEvent(
                    type="response.reasoning_summary_text.done", text=text, **common
                )
            )
            add(
                ResponseReasoningSummaryPartDoneEvent(
                    type="response.reasoning_summary_part.done",
                    part={"type": "summary_text", "text": text},
                    **common,
                )
            )

    def _padded(self, event: Any) -> Any:
        """A delta event with its ``obfuscation`` field (an extra field of the SDK's event types)."""
        if self.obfuscator is not None:
            event.obfuscation = self.obfuscator.pad(len(event.delta))
        return event

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
        data["item"] = wire_item(data["item"])
    order = (  # as recorded real events send them (the module docstring)
        "type",
        "sequence_number",
        "response",
        "item_id",
        "output_index",
        "summary_index",
        "content_index",
        "item",
        "part",
        "delta",
        "text",
        "refusal",
        "arguments",
        "name",
        "logprobs",
        "obfuscation",
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
