"""Lab 2 · Streaming: reference solution.

Same names and signatures as labs/lab02_streaming.py. Read it top to bottom after
you have tried the lab yourself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from openai import OpenAI
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletionChunk


@dataclass
class StreamResult:
    """What a whole stream adds up to."""

    texts: list[str] = field(default_factory=list)  # the full text of every choice, by index
    finish_reasons: list[str | None] = field(default_factory=list)  # why each choice stopped
    usage: CompletionUsage | None = None  # only there when the request asked for it

    @property
    def text(self) -> str:
        """The full text of the first choice (the only one unless you asked for ``n`` > 1)."""
        return self.texts[0] if self.texts else ""

    @property
    def finish_reason(self) -> str | None:
        """Why the first choice stopped: "stop", "length", ..."""
        return self.finish_reasons[0] if self.finish_reasons else None


@dataclass
class StreamTiming:
    """How long a streamed request took, in the units of the clock that measured it."""

    time_to_first_token: float | None  # from sending the request to the first piece of text (None: no text)
    total: float  # from sending the request to the end of the stream
    text: str  # the full reply


def collect_stream(stream: Iterable[ChatCompletionChunk]) -> StreamResult:
    """Read a whole stream of chunks and assemble the full text, the finish reason and the usage."""
    result = StreamResult()
    for chunk in stream:
        if chunk.usage is not None:  # the last chunk when stream_options={"include_usage": True}
            result.usage = chunk.usage
        for choice in chunk.choices:  # empty on that usage chunk: nothing to index
            while len(result.texts) <= choice.index:
                result.texts.append("")
                result.finish_reasons.append(None)
            if choice.delta.content:  # None on the finish chunk (and on tool-call chunks)
                result.texts[choice.index] += choice.delta.content
            if choice.finish_reason is not None:
                result.finish_reasons[choice.index] = choice.finish_reason
    return result


def stream_reply(client: OpenAI, model: str, messages: list[dict], on_token: Callable[[str], object]) -> str:
    """Stream a reply, hand each piece of text to ``on_token`` as it arrives, return the full text."""
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    parts: list[str] = []
    for chunk in stream:
        if not chunk.choices:
            continue
        piece = chunk.choices[0].delta.content
        if piece:
            on_token(piece)
            parts.append(piece)
    return "".join(parts)


def measure_stream(
    client: OpenAI, model: str, messages: list[dict], *, clock: Callable[[], float] = time.perf_counter
) -> StreamTiming:
    """Stream a reply and measure the time to its first token and its total time with ``clock``."""
    start = clock()
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    first: float | None = None
    parts: list[str] = []
    for chunk in stream:
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece:
            if first is None:
                first = clock() - start
            parts.append(piece)
    total = clock() - start
    return StreamTiming(time_to_first_token=first, total=total, text="".join(parts))


def streaming_chat_turn(
    client: OpenAI,
    model: str,
    history: list[dict],
    user_text: str,
    on_token: Callable[[str], object] | None = None,
) -> StreamResult:
    """One turn of a streamed chat: add the user's message, stream the reply, add the reply to ``history``."""
    history.append({"role": "user", "content": user_text})
    stream = client.chat.completions.create(
        model=model, messages=history, stream=True, stream_options={"include_usage": True}
    )

    def passing_on(chunks: Iterable[ChatCompletionChunk]) -> Iterable[ChatCompletionChunk]:
        for chunk in chunks:
            if on_token is not None and chunk.choices and chunk.choices[0].delta.content:
                on_token(chunk.choices[0].delta.content)
            yield chunk

    result = collect_stream(passing_on(stream))
    history.append({"role": "assistant", "content": result.text})
    return result
