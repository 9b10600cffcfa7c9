"""Turn the model's choices into the wire format: a ChatCompletion, or SSE chunks.

The shapes are the SDK's own types (``openai.types.chat.ChatCompletion``,
``ChatCompletionChunk``): tests validate every kind of body and chunk against
those types and against the OpenAPI description. Production does not build a
pydantic model per chunk (profiling showed that cost most of a stream's time):
a completion is a plain dict in the real API's key order, and each chunk is a
pre-rendered head (id, object, created, model, service_tier, system_fingerprint)
plus a small JSON delta, encoded by one compact encoder that writes non-ASCII
text as raw UTF-8, as the real API does.

Key order, delta shapes and interleaving follow real streams recorded from the
API in openai-python's ``.inline-snapshot/external/*.bin`` (2024-09) and, for the
newer ``service_tier``/``obfuscation`` keys, real chunks quoted in
dongri/openai-api-rs#186 (2025-10) and ENTERPILOT/GoModel#46 (2026-01):

* ``{"id","object","created","model","service_tier","system_fingerprint","choices",["usage"],"obfuscation"}``
* first delta of a text choice ``{"role":"assistant","content":"","refusal":null}`` (e2aad469…bin);
  of a refusal ``{"role":"assistant","content":null,"refusal":""}`` (173417d5…bin);
  of a single tool call ``{"role":"assistant","content":null,"tool_calls":[head],"refusal":null}``
  (2018feb6…bin); with parallel tool calls a bare ``{"role":"assistant","content":null}`` and then each
  call's head in its own chunk (f82268f2…bin);
* tool arguments in token-sized pieces (``{"``, ``city``, ``":"``, ``New``, `` York``, ``"}``; 2018feb6…bin);
* with ``n`` > 1 the choices interleave (role and first token of choice 0, of choice 1, …, then one token
  of each in turn) and all the finish chunks come at the end, in index order (a491adda…bin).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import re
import secrets
import string
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson

from .faults import StreamFault
from .generate import Choice
from .ids import hex_id
from .reasoning import Usage

# One compact encoder for every body the stub writes (H4's Responses events can use it too): no spaces,
# non-ASCII as raw UTF-8 like the real API's JSON bodies and SSE frames, no circular-reference check.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(obj: object) -> str:
    """Compact JSON text with raw UTF-8 (``"Zoë"``, not ``"Zo\\u00eb"``)."""
    return _ENCODER.encode(obj)


def to_bytes(text: str) -> bytes:
    """UTF-8 bytes of JSON text; a lone surrogate (never valid UTF-8) is written as its ``\\uXXXX`` escape."""
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode()


def json_bytes(obj: object) -> bytes:
    """A JSON body as bytes, ready to send: the same compact raw-UTF-8 text as ``dumps``.

    orjson writes it about ten times faster than the json module (a twentieth of a non-streaming call;
    issue 18). What orjson refuses (a lone surrogate, an int beyond 64 bits) goes through ``dumps``. Its
    floats are the shortest round-trip form (``1e-7``, json's ``1e-07``): the same number to any reader.
    """
    try:
        return orjson.dumps(obj)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return to_bytes(dumps(obj))


def sse(data: str, event: str | None = None) -> bytes:
    """One SSE frame: ``[event: <type>\\n]data: <data>\\n\\n``."""
    head = f"event: {event}\n" if event else ""
    return to_bytes(f"{head}data: {data}\n\n")


@dataclass
class Meta:
    id: str
    created: int
    model: str
    system_fingerprint: str
    service_tier: str = "default"

    @classmethod
    def new(cls, model: str, service_tier: str = "default") -> Meta:
        return cls("chatcmpl-" + hex_id(15), int(time.time()), model, _fingerprint(model), service_tier)


@functools.lru_cache(maxsize=64)
def _fingerprint(model: str) -> str:
    return "fp_" + hashlib.sha256(f"stub:{model}".encode()).hexdigest()[:10]


def service_tier_of(requested: str | None) -> str:
    """The tier the response reports for the requested one.

    The SDK's docstring of ``ChatCompletion.service_tier``: not set means 'auto', and 'auto' runs on the
    project's tier, 'default' unless configured; 'fast' and 'priority' are both reported as 'priority';
    'flex' runs as Flex Processing. Real chunks of requests without the parameter carry
    ``"service_tier":"default"`` (dongri/openai-api-rs#186). A tier the stub knows no rule for ('scale')
    is reported as 'default'.
    """
    if requested in ("priority", "fast"):
        return "priority"
    if requested in ("flex", "ultrafast"):  # 'ultrafast' (Responses only): "will show service_tier=ultrafast"
        return requested
    return "default"


def usage_dict(usage: Usage) -> dict:
    """The ``usage`` object of a body, keys in the order of real bodies.

    Real bodies and chunks send ``"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0}`` and
    ``"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,
    "rejected_prediction_tokens":0}`` (a recorded gpt-4o-mini-2024-07-18 stream in a Go relay's test
    fixtures and logged gpt-4.1 usage, found with find_string); the SDK's model lists the fields in
    another order, which the stub sent before issue 18.

    Models that bill cache writes (GPT-5.6 and later) also report ``cache_write_tokens`` (the SDK's
    ``PromptTokensDetails``: "The unadjusted number of prompt tokens written to cache"; S16 in the catalogue);
    no recorded Chat Completions body was found, so its place after ``cached_tokens`` is the stub's choice.
    """
    prompt_details = {"cached_tokens": usage.cached_tokens, "audio_tokens": 0}
    if usage.cache_write_tokens is not None:
        prompt_details = {
            "cached_tokens": usage.cached_tokens,
            "cache_write_tokens": usage.cache_write_tokens,
            "audio_tokens": 0,
        }
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": prompt_details,
        "completion_tokens_details": {
            "reasoning_tokens": usage.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _tool_call(t) -> dict:
    return {"id": t.id, "type": "function", "function": {"name": t.name, "arguments": t.arguments}}


def choice_logprobs(c: Choice) -> dict | None:
    """A choice's ``logprobs``: null unless the request asked (``logprobs: true``), else the entries of every
    token of the content (or of the refusal) (``llm_stub/logprobs.py`` for the evidence)."""
    if c.logprobs is None:
        return None
    entries = [e.chat() for piece in c.logprobs for e in piece]
    if c.refusal is not None:
        return {"content": None, "refusal": entries}
    return {"content": entries, "refusal": None}


def _delta_logprobs(c: Choice) -> list[str]:
    """The ``logprobs`` of each of a choice's stream deltas, aligned with ``choice_deltas``: the role delta's
    is empty, then one piece's entries per delta (recorded chunks in openai/openai-go
    ``streamaccumulator_test.go``: ``"logprobs":{"content":[],"refusal":null}`` on the role chunk)."""
    if c.refusal is not None:
        shape = '{{"content":null,"refusal":{}}}'
    else:
        shape = '{{"content":{},"refusal":null}}'
    out = [shape.format("[]")]
    out += [shape.format(dumps([e.chat() for e in piece])) for piece in c.logprobs or []]
    return out


def completion(meta: Meta, choices: list[Choice], usage: Usage) -> dict:
    """A ChatCompletion body, keys in the order of real bodies (openai-python tests/lib/chat/test_completions.py
    snapshots: message ``role, content, [tool_calls], refusal``; then ``usage``, ``service_tier``,
    ``system_fingerprint``)."""
    out = []
    for c in choices:
        message: dict = {"role": "assistant", "content": c.content}
        if c.tool_calls or c.tool_calls_listed:
            # tool_calls_listed: an empty list beside the answer, as vLLM sends it (vllm-project/vllm#44104,
            # microsoft/autogen#3120); the SDK keeps it as ``message.tool_calls == []``
            message["tool_calls"] = [_tool_call(t) for t in c.tool_calls]
        message["refusal"] = c.refusal
        message["annotations"] = []
        out.append(
            {
                "index": c.index,
                "message": message,
                "logprobs": choice_logprobs(c),
                "finish_reason": c.finish_reason,
            }
        )
    return {
        "id": meta.id,
        "object": "chat.completion",
        "created": meta.created,
        "model": meta.model,
        "choices": out,
        "usage": usage_dict(usage),
        "service_tier": meta.service_tier,
        "system_fingerprint": meta.system_fingerprint,
    }


# Tool arguments stream in token-sized pieces: a word (with the space before it), a group of digits, or a
# run of punctuation such as ``{"`` or ``":"`` (recorded stream 2018feb6…bin).
# Every character falls in exactly one alternative (``_`` counts as punctuation, the last one catches
# anything else), so the pieces always join back into the arguments.
_ARGUMENT_PIECE = re.compile(r"\s?[^\W\d_]+|\d{1,3}|(?:[^\w\s]|_)+|\s+|.", re.UNICODE | re.DOTALL)


def argument_pieces(arguments: str) -> list[str]:
    """Token-sized pieces of a tool call's arguments; ``"".join(argument_pieces(a)) == a`` always."""
    return _ARGUMENT_PIECE.findall(arguments) or [arguments]


# --- stream plan ---------------------------------------------------------------------------------------

_ROLE_TEXT = '{"role":"assistant","content":"","refusal":null}'
_ROLE_REFUSAL = '{"role":"assistant","content":null,"refusal":""}'
_ROLE_CALLS = '{"role":"assistant","content":null}'


def _head(k: int, call) -> str:
    return (
        f'{{"index":{k},"id":{dumps(call.id)},"type":"function","function":'
        f'{{"name":{dumps(call.name)},"arguments":""}}}}'
    )


def choice_deltas(c: Choice) -> list[str]:
    """One choice's deltas (as JSON text) in send order, before its finish chunk."""
    if c.tool_calls:
        if c.content:  # text beside the calls (a scripted step) streams first, then each call
            deltas, heads = [_ROLE_TEXT, *(f'{{"content":{dumps(p)}}}' for p in c.pieces)], True
        elif len(c.tool_calls) == 1:  # the role and the one call's head in one delta
            head = _head(0, c.tool_calls[0])
            deltas, heads = (
                [f'{{"role":"assistant","content":null,"tool_calls":[{head}],"refusal":null}}'],
                False,
            )
        else:
            deltas, heads = [_ROLE_CALLS], True
        for k, call in enumerate(c.tool_calls):
            if heads:
                deltas.append(f'{{"tool_calls":[{_head(k, call)}]}}')
            deltas.extend(
                f'{{"tool_calls":[{{"index":{k},"function":{{"arguments":{dumps(p)}}}}}]}}'
                for p in argument_pieces(call.arguments)
            )
        return deltas
    if c.refusal is not None:
        role = _ROLE_REFUSAL if not c.tool_calls_listed else _ROLE_REFUSAL[:-1] + ',"tool_calls":[]}'
        return [role, *(f'{{"refusal":{dumps(p)}}}' for p in c.pieces)]
    # an empty tool_calls list rides on the role delta (vllm-project/vllm#44104: `delta.content` holds the text
    # and the payload still has "tool_calls": [])
    role = _ROLE_TEXT if not c.tool_calls_listed else _ROLE_TEXT[:-1] + ',"tool_calls":[]}'
    return [role, *(f'{{"content":{dumps(p)}}}' for p in c.pieces)]


def plan(choices: list[Choice]) -> list[tuple[int, int, str, bool]]:
    """Every (choice index, delta's position in its choice, delta JSON, starts a new round) in send order,
    finish chunks excluded.

    Round 0 is each choice's role delta and first token; every later round one more token of each choice
    still going. Pacing waits once per round.
    """
    queues = [(c.index, choice_deltas(c)) for c in choices]
    out: list[tuple[int, int, str, bool]] = []
    step = 0
    while True:
        first = True
        for index, deltas in queues:
            start = 0 if step == 0 else step + 1
            take = deltas[0:2] if step == 0 else deltas[step + 1 : step + 2]
            for k, d in enumerate(take, start):
                out.append((index, k, d, first and step > 0))
                first = False
        step += 1
        if all(len(deltas) <= step + 1 for _, deltas in queues):
            return out


# Random letters and digits, drawn once per process; each stream reads them from a random place.
_POOL = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(4096))


class Obfuscator:
    """The ``obfuscation`` field: random characters that even out the size of the chunks.

    The SDK's docstring (``ChatCompletionChunk.obfuscation``, ``stream_options.include_obfuscation``):
    included by default, omitted when ``include_obfuscation`` is false. Real chunks pad short deltas more
    than long ones (``"Hello"`` with ``"ZGF"``, ``","`` with ``"lRK2aBv"``: ENTERPILOT/GoModel#46).
    """

    def __init__(self) -> None:
        self.target = 8 + secrets.randbelow(10)
        self.at = secrets.randbelow(len(_POOL) - 64)

    def pad(self, delta_len: int) -> str:
        """The random characters for a delta of ``delta_len`` characters."""
        n = max(1, self.target - delta_len)
        start = self.at
        self.at = (start + 7) % (len(_POOL) - 64)
        return _POOL[start : start + n]

    def field(self, delta_len: int) -> str:
        return f',"obfuscation":"{self.pad(delta_len)}"}}\n\n'


def chunk_frames(
    meta: Meta,
    choices: list[Choice],
    usage: Usage,
    *,
    include_usage: bool,
    include_obfuscation: bool = True,
) -> list[tuple[bytes, bool]]:
    """Every SSE frame of the stream but ``[DONE]``, as (bytes, paced) pairs."""
    head = (
        f'data: {{"id":"{meta.id}","object":"chat.completion.chunk","created":{meta.created},'
        f'"model":{dumps(meta.model)},"service_tier":"{meta.service_tier}",'
        f'"system_fingerprint":"{meta.system_fingerprint}","choices":['
    )
    usage_null = ',"usage":null' if include_usage else ""
    obfuscator = Obfuscator() if include_obfuscation else None
    frames: list[tuple[bytes, bool]] = []

    def add(body: str, paced: bool, size: int, tail: str = usage_null) -> None:
        end = obfuscator.field(size) if obfuscator is not None else "}\n\n"
        frames.append((to_bytes(head + body + "]" + tail + end), paced))

    with_logprobs = {c.index: _delta_logprobs(c) for c in choices if c.logprobs is not None}
    for index, k, delta, paced in plan(choices):
        lp = with_logprobs[index][k] if index in with_logprobs and k < len(with_logprobs[index]) else "null"
        add(
            f'{{"index":{index},"delta":{delta},"logprobs":{lp},"finish_reason":null}}',
            paced,
            len(delta) - 12,
        )
    for c in choices:
        add(
            f'{{"index":{c.index},"delta":{{}},"logprobs":null,"finish_reason":"{c.finish_reason}"}}',
            False,
            0,
        )
    if include_usage:
        add("", False, 0, ',"usage":' + dumps(usage_dict(usage)))
    return frames


class StreamDropped(Exception):
    """Raised inside the response body to abort the connection mid-stream (a dropped network)."""


class _HideDroppedStreams(logging.Filter):
    """A dropped stream is a fault the stub was asked to inject, not a server error: don't log its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], StreamDropped))


logging.getLogger("uvicorn.error").addFilter(_HideDroppedStreams())

DONE = b"data: [DONE]\n\n"


def stream_frames(
    meta: Meta,
    choices: list[Choice],
    usage: Usage,
    *,
    include_usage: bool,
    time_to_first_token: float,
    time_per_token: float,
    fault: StreamFault | None = None,
    include_obfuscation: bool = True,
) -> list[bytes] | AsyncIterator[bytes]:
    """The stream's frames: a plain list when nothing paces or breaks it (the common case: no per-frame
    generator to resume), else the async generator ``stream``."""
    if fault is None and time_to_first_token <= 0 and time_per_token <= 0:
        frames = chunk_frames(
            meta, choices, usage, include_usage=include_usage, include_obfuscation=include_obfuscation
        )
        return [frame for frame, _ in frames] + [DONE]
    return stream(
        meta,
        choices,
        usage,
        include_usage=include_usage,
        time_to_first_token=time_to_first_token,
        time_per_token=time_per_token,
        fault=fault,
        include_obfuscation=include_obfuscation,
    )


async def stream(
    meta: Meta,
    choices: list[Choice],
    usage: Usage,
    *,
    include_usage: bool,
    time_to_first_token: float,
    time_per_token: float,
    fault: StreamFault | None = None,
    include_obfuscation: bool = True,
) -> AsyncIterator[bytes]:
    """Yield the SSE frames of a streamed completion, paced like a model generating tokens.

    The choices of one request are generated side by side, so with ``n`` > 1 one wait of
    ``time_per_token`` covers a round of tokens; the first comes right after ``time_to_first_token``.
    """
    frames = chunk_frames(
        meta, choices, usage, include_usage=include_usage, include_obfuscation=include_obfuscation
    )
    if time_to_first_token > 0:
        await asyncio.sleep(time_to_first_token)
    for sent, (frame, paced) in enumerate(frames):
        if fault is not None and sent >= fault.after_chunks:
            if fault.kind == "error" and fault.error is not None:
                yield sse(dumps(fault.error.body()))
                return
            if fault.kind == "drop":
                raise StreamDropped("stream dropped by fault plan")
            return  # "cut": the body ends cleanly but without [DONE]
        if paced and time_per_token > 0:
            await asyncio.sleep(time_per_token)
        yield frame
    yield DONE
