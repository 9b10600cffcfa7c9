"""Streaming on the stub: the exact chunk sequence, through the real SDK and as raw SSE bytes.

What the real API sends for ``stream=True`` (and what these tests pin down):

* every chunk has the same ``id``, ``created`` and ``model``;
* the first chunk of each choice carries ``delta = {"role": "assistant", "content": "", "refusal": null}``;
* then one content delta per token, choices interleaved when ``n`` > 1;
* then one chunk per choice with an empty ``delta`` and its ``finish_reason``;
* with ``stream_options.include_usage``: ``"usage": null`` on every chunk above, then a last chunk with
  ``choices: []`` and the usage; without it, no ``usage`` key at all;
* then ``data: [DONE]``. Each frame is ``data: {json}\\n\\n``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai import AsyncOpenAI, OpenAI

from .models import PLAIN
from .openapi import errors

MODEL = PLAIN
PLANETS = [{"role": "user", "content": "List the planets of the solar system."}]
RIVER = [{"role": "user", "content": "Describe a river at dawn."}]


def full(client: OpenAI, messages=PLANETS, **options):
    return client.chat.completions.create(model=MODEL, messages=messages, **options)


def raw_frames(stub, body: dict) -> tuple[httpx2.Response, list[bytes]]:
    """POST a streamed request with plain httpx2 and split the body into SSE frames (keeping their bytes)."""
    response = httpx2.post(
        stub.base_url + "/chat/completions",
        headers={"Authorization": f"Bearer {stub.api_key}"},
        json={"model": MODEL, "stream": True, **body},
        timeout=10,
    )
    raw = response.content
    frames = re.findall(rb"(?s).*?\n\n", raw)
    assert b"".join(frames) == raw, (
        "the body must be a sequence of complete frames, each ending with a blank line"
    )
    return response, frames


# --- raw bytes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("include_usage", [False, True])
def test_raw_sse_frames(stub, include_usage):
    body = {"messages": PLANETS}
    if include_usage:
        body["stream_options"] = {"include_usage": True}
    response, frames = raw_frames(stub, body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-request-id"].startswith("req_")
    assert frames[-1] == b"data: [DONE]\n\n"
    chunks = []
    for frame in frames[:-1]:
        assert frame.startswith(b"data: {") and frame.endswith(b"}\n\n"), frame
        assert b"\n" not in frame[:-2], "one JSON object on one line per frame"
        chunks.append(json.loads(frame[len(b"data: ") :]))
    if include_usage:
        assert all("usage" in c and c["usage"] is None for c in chunks[:-1]), (
            "usage: null on all but the last"
        )
        assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0
    else:
        assert all("usage" not in c for c in chunks), "no usage key at all when it was not asked for"
    # The key order of the real API's lines.
    first = chunks[0]
    assert list(first)[:7] == [
        "id",
        "object",
        "created",
        "model",
        "service_tier",
        "system_fingerprint",
        "choices",
    ]
    assert first["choices"][0] == {
        "index": 0,
        "delta": {"role": "assistant", "content": "", "refusal": None},
        "logprobs": None,
        "finish_reason": None,
    }
    assert frames[0].startswith(b'data: {"id":"chatcmpl-')


def test_n2_truncated_chunks_match_the_openapi_schema(stub):
    body = {"messages": RIVER, "n": 2, "max_completion_tokens": 4, "stream_options": {"include_usage": True}}
    _, frames = raw_frames(stub, body)
    for frame in frames[:-1]:
        chunk = json.loads(frame[len(b"data: ") :])
        assert errors("CreateChatCompletionStreamResponse", chunk) == [], chunk


# --- through the SDK --------------------------------------------------------------------------------------


def test_chunk_sequence(client):
    expected = full(client)
    chunks = list(full(client, stream=True))
    assert {(c.id, c.created, c.model, c.object) for c in chunks} == {
        (chunks[0].id, chunks[0].created, expected.model, "chat.completion.chunk")
    }
    assert chunks[0].id.startswith("chatcmpl-") and chunks[0].id != expected.id
    assert all(len(c.choices) == 1 and c.choices[0].index == 0 for c in chunks)
    assert all(c.usage is None for c in chunks)
    role, *body, end = chunks
    assert role.choices[0].delta.role == "assistant" and role.choices[0].delta.content == ""
    assert role.choices[0].finish_reason is None
    for c in body:
        delta = c.choices[0].delta
        assert delta.role is None and delta.content and c.choices[0].finish_reason is None
    assert end.choices[0].finish_reason == "stop"
    assert end.choices[0].delta.content is None and end.choices[0].delta.role is None
    assert "".join(c.choices[0].delta.content for c in body) == expected.choices[0].message.content
    assert len(body) == expected.usage.completion_tokens, "one content delta per token"


def test_include_usage_adds_a_last_chunk_with_no_choices(client):
    expected = full(client)
    chunks = list(full(client, stream=True, stream_options={"include_usage": True}))
    *rest, last = chunks
    assert last.choices == []
    assert last.usage.model_dump() == expected.usage.model_dump()
    assert all(c.usage is None for c in rest)
    assert rest[-1].choices[0].finish_reason == "stop"
    with pytest.raises(IndexError):  # what the lesson shows a naive loop hitting
        last.choices[0]


def test_n2_interleaves_the_choices(client):
    # Real stream with n=3 (openai-python .inline-snapshot/external/a491adda…bin): role and first token of
    # choice 0, then of choice 1, ...; then one token of each choice in turn; all finish chunks at the end.
    options = {"n": 2, "temperature": 1.0, "seed": 11}
    expected = full(client, RIVER, **options)
    chunks = list(full(client, RIVER, stream=True, stream_options={"include_usage": True}, **options))
    assert all(len(c.choices) == 1 for c in chunks[:-1])
    indices = [c.choices[0].index for c in chunks[:-1]]
    assert indices[:4] == [0, 0, 1, 1], "each choice opens with its role chunk and its first token"
    assert [c.choices[0].delta.role for c in chunks[:4]] == ["assistant", None, "assistant", None]
    assert indices[4:6] == [0, 1], "then the choices' tokens alternate"
    texts = {0: "", 1: ""}
    for c in chunks[:-1]:
        texts[c.choices[0].index] += c.choices[0].delta.content or ""
    assert texts == {c.index: c.message.content for c in expected.choices}
    finishes = [c.choices[0] for c in chunks[:-1] if c.choices[0].finish_reason]
    assert [(f.index, f.finish_reason) for f in finishes] == [(0, "stop"), (1, "stop")]
    assert chunks[-3].choices[0].finish_reason and chunks[-2].choices[0].finish_reason, "finish chunks last"
    lengths = {c.index: len(c.message.content) for c in expected.choices}
    assert lengths[0] != lengths[1], "pick a seed whose two choices differ in length"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == expected.usage.completion_tokens


def test_max_tokens_truncates_the_stream(client):
    expected = full(client, max_completion_tokens=5)
    chunks = list(full(client, stream=True, max_completion_tokens=5, stream_options={"include_usage": True}))
    contents = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(contents) == 5
    assert "".join(contents) == expected.choices[0].message.content
    assert chunks[-2].choices[0].finish_reason == "length"
    assert chunks[-1].usage.completion_tokens == 5


def test_stop_sequence_while_streaming(client):
    chunks = list(full(client, stream=True, stop=["Venus"]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == "Mercury, "
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_stream_helper_events_and_final_completion(client):
    expected = full(client)
    with client.chat.completions.stream(
        model=MODEL, messages=PLANETS, stream_options={"include_usage": True}
    ) as stream:
        events = list(stream)
        final = stream.get_final_completion()
    kinds = [e.type for e in events]
    assert kinds[0] == "chunk" and "content.delta" in kinds and "content.done" in kinds
    deltas = [e for e in events if e.type == "content.delta"]
    assert "".join(e.delta for e in deltas) == expected.choices[0].message.content
    assert deltas[-1].snapshot == expected.choices[0].message.content
    done = next(e for e in events if e.type == "content.done")
    assert done.content == expected.choices[0].message.content
    assert final.choices[0].message.content == expected.choices[0].message.content
    assert final.choices[0].finish_reason == "stop"
    assert final.usage.total_tokens == expected.usage.total_tokens


def test_async_client_streams(stub):
    async def run() -> tuple[str, int]:
        client = AsyncOpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=10)
        try:
            stream = await client.chat.completions.create(
                model=MODEL, messages=PLANETS, stream=True, stream_options={"include_usage": True}
            )
            text, usage = "", 0
            async for chunk in stream:
                if chunk.choices:
                    text += chunk.choices[0].delta.content or ""
                if chunk.usage:
                    usage = chunk.usage.completion_tokens
            return text, usage
        finally:
            await client.close()

    text, usage = asyncio.run(run())
    sync = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0)
    expected = full(sync)
    assert text == expected.choices[0].message.content
    assert usage == expected.usage.completion_tokens


def test_closing_a_stream_early_leaves_the_server_serving(client, stub):
    stub.configure(time_per_token=0.01)
    stream = full(client, RIVER, stream=True)
    for n, _ in enumerate(stream):
        if n == 2:
            break
    stream.close()
    assert stream.response.is_closed
    stub.configure(time_per_token=0.0)
    assert full(client).choices[0].message.content.startswith("Mercury")


def test_async_stream_helper(stub):
    async def run():
        client = AsyncOpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=10)
        try:
            async with client.chat.completions.stream(model=MODEL, messages=PLANETS) as stream:
                deltas = [e.delta async for e in stream if e.type == "content.delta"]
                return deltas, await stream.get_final_completion()
        finally:
            await client.close()

    deltas, final = asyncio.run(run())
    assert "".join(deltas) == final.choices[0].message.content
    assert final.choices[0].message.content.startswith("Mercury")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prompt=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=80),
    n=st.integers(1, 3),
    max_tokens=st.one_of(st.none(), st.integers(1, 40)),
    stop=st.one_of(st.none(), st.sampled_from(["e", ".", " the", "stub"])),
)
def test_streamed_and_unstreamed_replies_agree(client, prompt, n, max_tokens, stop):
    options = {"n": n, "max_completion_tokens": max_tokens, "stop": stop, "temperature": 0.7, "seed": 5}
    options = {k: v for k, v in options.items() if v is not None}
    messages = [{"role": "user", "content": prompt}]
    expected = client.chat.completions.create(model=MODEL, messages=messages, **options)
    texts, reasons, usage = {}, {}, None
    for chunk in client.chat.completions.create(
        model=MODEL, messages=messages, stream=True, stream_options={"include_usage": True}, **options
    ):
        usage = chunk.usage or usage
        for choice in chunk.choices:
            texts[choice.index] = texts.get(choice.index, "") + (choice.delta.content or "")
            if choice.finish_reason:
                reasons[choice.index] = choice.finish_reason
    assert texts == {c.index: c.message.content for c in expected.choices}
    assert reasons == {c.index: c.finish_reason for c in expected.choices}
    assert usage.model_dump() == expected.usage.model_dump()


# --- pacing ----------------------------------------------------------------------------------------------


def test_pacing_delays_the_first_token_and_spaces_the_rest(client, stub):
    ttft, per_token = 0.15, 0.01
    stub.control.configure(time_to_first_token=ttft, time_per_token=per_token)  # PATCH /_stub/config
    assert stub.control.config()["time_to_first_token"] == ttft
    start = time.perf_counter()
    stream = full(client, stream=True)
    arrivals = []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            arrivals.append(time.perf_counter() - start)
    total = time.perf_counter() - start
    # Lower bounds only (a loaded machine may be slower, never faster than the configured pacing).
    assert arrivals[0] >= ttft
    assert total >= ttft + per_token * (len(arrivals) - 1) * 0.9
    assert arrivals == sorted(arrivals)


def test_pacing_applies_to_unstreamed_replies_too(client, stub):
    stub.configure(time_to_first_token=0.1, time_per_token=0.0)
    start = time.perf_counter()
    full(client)
    assert time.perf_counter() - start >= 0.1


def test_zero_pacing_by_default(stub):
    assert stub.state.config.time_to_first_token == 0 and stub.state.config.time_per_token == 0
