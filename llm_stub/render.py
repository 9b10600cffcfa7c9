"""Turn the model's choices into the wire format: a ChatCompletion, or SSE chunks.

Both are built from the SDK's own pydantic types, so their shape cannot drift
from what the SDK parses; ``to_dict()`` keeps the explicitly set ``null`` fields
the real API sends (``"refusal": null``) and drops the ones it does not send.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice as CompletionChoice
from openai.types.chat.chat_completion_chunk import (
    Choice as ChunkChoice,
)
from openai.types.chat.chat_completion_chunk import (
    ChoiceDelta,
    ChoiceDeltaToolCall,
    ChoiceDeltaToolCallFunction,
)
from openai.types.chat.chat_completion_message_function_tool_call import (
    ChatCompletionMessageFunctionToolCall,
    Function,
)
from openai.types.completion_usage import CompletionTokensDetails, PromptTokensDetails

from .faults import StreamFault
from .generate import Choice
from .tokenizer import encode


@dataclass
class Meta:
    id: str
    created: int
    model: str
    system_fingerprint: str

    @classmethod
    def new(cls, model: str) -> Meta:
        fingerprint = "fp_" + hashlib.sha256(f"stub:{model}".encode()).hexdigest()[:10]
        return cls("chatcmpl-" + secrets.token_hex(15), int(time.time()), model, fingerprint)


def usage_of(prompt_tokens: int, completion_tokens: int) -> CompletionUsage:
    return CompletionUsage(
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        total_tokens=prompt_tokens + completion_tokens,
        prompt_tokens_details=PromptTokensDetails(cached_tokens=0, audio_tokens=0),
        completion_tokens_details=CompletionTokensDetails(
            reasoning_tokens=0, audio_tokens=0, accepted_prediction_tokens=0, rejected_prediction_tokens=0
        ),
    )


def completion(meta: Meta, choices: list[Choice], usage: CompletionUsage) -> dict:
    out = []
    for c in choices:
        message = ChatCompletionMessage(
            role="assistant", content=c.content, refusal=c.refusal, annotations=[]
        )
        if c.tool_calls:
            message.tool_calls = [
                ChatCompletionMessageFunctionToolCall(
                    id=t.id, type="function", function=Function(name=t.name, arguments=t.arguments)
                )
                for t in c.tool_calls
            ]
        out.append(
            CompletionChoice(index=c.index, message=message, logprobs=None, finish_reason=c.finish_reason)
        )
    body = ChatCompletion(
        id=meta.id,
        object="chat.completion",
        created=meta.created,
        model=meta.model,
        choices=out,
        usage=usage,
        service_tier="default",
        system_fingerprint=meta.system_fingerprint,
    )
    return body.to_dict(mode="json")


def _chunk(
    meta: Meta, choices: list[ChunkChoice], include_usage: bool, usage: CompletionUsage | None = None
) -> str:
    chunk = ChatCompletionChunk(
        id=meta.id,
        object="chat.completion.chunk",
        created=meta.created,
        model=meta.model,
        service_tier="default",
        system_fingerprint=meta.system_fingerprint,
        choices=choices,
    )
    if include_usage:
        chunk.usage = usage
    return "data: " + json.dumps(_wire_order(chunk.to_dict(mode="json")), separators=(",", ":")) + "\n\n"


# Key order of the real API's chunks (pydantic sorts fields its own way). JSON readers don't care; people
# reading raw frames (curl, the lesson on streaming) see the same line the real API sends.
_KEY_ORDER = {
    "chunk": ("id", "object", "created", "model", "service_tier", "system_fingerprint", "choices", "usage"),
    "choice": ("index", "delta", "logprobs", "finish_reason"),
    "delta": ("role", "content", "refusal", "tool_calls"),
    "tool_call": ("index", "id", "type", "function"),
    "function": ("name", "arguments"),
}


def _ordered(data: dict, kind: str) -> dict:
    order = _KEY_ORDER[kind]
    rank = {k: i for i, k in enumerate(order)}
    return {k: data[k] for k in sorted(data, key=lambda k: rank.get(k, len(order)))}


def _wire_order(chunk: dict) -> dict:
    choices = []
    for choice in chunk.get("choices", []):
        delta = dict(choice.get("delta", {}))
        if delta.get("tool_calls"):
            delta["tool_calls"] = [
                _ordered(
                    {**t, **({"function": _ordered(t["function"], "function")} if t.get("function") else {})},
                    "tool_call",
                )
                for t in delta["tool_calls"]
            ]
        choices.append(_ordered({**choice, "delta": _ordered(delta, "delta")}, "choice"))
    return _ordered({**chunk, "choices": choices}, "chunk")


def _delta_choice(index: int, delta: ChoiceDelta, finish_reason: str | None = None) -> ChunkChoice:
    return ChunkChoice(index=index, delta=delta, logprobs=None, finish_reason=finish_reason)


def chunk_plan(choices: list[Choice]) -> list[tuple[int, ChoiceDelta, bool]]:
    """The deltas of a stream in send order, as (choice index, delta, is_token) triples.

    Tokens of several choices are interleaved round-robin, as the real API does for ``n`` > 1.
    """
    firsts: list[tuple[int, ChoiceDelta, bool]] = []
    bodies: list[list[tuple[int, ChoiceDelta, bool]]] = []
    for c in choices:
        rest: list[tuple[int, ChoiceDelta, bool]] = []
        if c.tool_calls:
            for k, call in enumerate(c.tool_calls):
                head = ChoiceDeltaToolCall(
                    index=k,
                    id=call.id,
                    type="function",
                    function=ChoiceDeltaToolCallFunction(name=call.name, arguments=""),
                )
                if k == 0:
                    firsts.append(
                        (
                            c.index,
                            ChoiceDelta(role="assistant", content=None, tool_calls=[head], refusal=None),
                            False,
                        )
                    )
                else:
                    rest.append((c.index, ChoiceDelta(tool_calls=[head]), False))
                for piece in encode(call.arguments):
                    part = ChoiceDeltaToolCall(index=k, function=ChoiceDeltaToolCallFunction(arguments=piece))
                    rest.append((c.index, ChoiceDelta(tool_calls=[part]), True))
        elif c.refusal is not None:
            firsts.append((c.index, ChoiceDelta(role="assistant", content=None, refusal=""), False))
            rest.extend((c.index, ChoiceDelta(refusal=p), True) for p in c.pieces)
        else:
            firsts.append((c.index, ChoiceDelta(role="assistant", content="", refusal=None), False))
            rest.extend((c.index, ChoiceDelta(content=p), True) for p in c.pieces)
        bodies.append(rest)
    plan = list(firsts)
    for step in range(max((len(b) for b in bodies), default=0)):
        plan.extend(b[step] for b in bodies if step < len(b))
    return plan


class StreamDropped(Exception):
    """Raised inside the response body to abort the connection mid-stream (a dropped network)."""


class _HideDroppedStreams(logging.Filter):
    """A dropped stream is a fault the stub was asked to inject, not a server error: don't log its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], StreamDropped))


logging.getLogger("uvicorn.error").addFilter(_HideDroppedStreams())


async def stream(
    meta: Meta,
    choices: list[Choice],
    usage: CompletionUsage,
    *,
    include_usage: bool,
    time_to_first_token: float,
    time_per_token: float,
    fault: StreamFault | None = None,
) -> AsyncIterator[str]:
    """Yield the SSE frames of a streamed completion, paced like a model generating tokens."""
    # (frame, paced): a paced frame waits time_per_token before it is sent. The choices of one request are
    # generated side by side, so with n > 1 one wait covers a round of tokens (one per choice still going);
    # the first token comes right after time_to_first_token.
    frames: list[tuple[str, bool]] = []
    plan = chunk_plan(choices)
    # Each choice's finish chunk follows its own last delta (with n > 1 a short choice finishes while a
    # longer one is still streaming, as with the real API).
    last_of = {index: at for at, (index, _, _) in enumerate(plan)}
    finish_reasons = {c.index: c.finish_reason for c in choices}
    previous: int | None = None  # the choice index of the previous token
    for at, (index, delta, is_token) in enumerate(plan):
        paced = is_token and previous is not None and index <= previous
        if is_token:
            previous = index
        frames.append((_chunk(meta, [_delta_choice(index, delta)], include_usage), paced))
        if last_of[index] == at:
            finish = _delta_choice(index, ChoiceDelta(), finish_reasons[index])
            frames.append((_chunk(meta, [finish], include_usage), False))
    if include_usage:
        frames.append((_chunk(meta, [], True, usage), False))

    if time_to_first_token > 0:
        await asyncio.sleep(time_to_first_token)
    for sent, (frame, paced) in enumerate(frames):
        if fault is not None and sent >= fault.after_chunks:
            if fault.kind == "error" and fault.error is not None:
                yield "data: " + json.dumps(fault.error.body()) + "\n\n"
                return
            if fault.kind == "drop":
                raise StreamDropped("stream dropped by fault plan")
            return  # "cut": the body ends cleanly but without [DONE]
        if paced and time_per_token > 0:
            await asyncio.sleep(time_per_token)
        yield frame
    yield "data: [DONE]\n\n"
