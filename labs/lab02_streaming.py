"""Lab 2 · Streaming: read a reply while it is being written.

Fill in the four functions below (replace each ``raise NotImplementedError``).
Check your work with:

    make check LAB=2          (or: python -m course check 2)

Everything here takes an ``OpenAI`` client (or a stream it returned), so it works
against the course's stub and against any real provider alike.

What a stream of ``ChatCompletionChunk`` objects looks like (one request, ``n=1``)::

    choices=[Choice(index=0, delta=ChoiceDelta(role="assistant", content=""))]        # the role chunk
    choices=[Choice(index=0, delta=ChoiceDelta(content="Hello"))]                     # content deltas ...
    choices=[Choice(index=0, delta=ChoiceDelta(content=" there"))]
    choices=[Choice(index=0, delta=ChoiceDelta(), finish_reason="stop")]              # content is None here
    choices=[], usage=CompletionUsage(...)   # only with stream_options={"include_usage": True}
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
    """What a whole stream adds up to. (Given: you fill it in, you don't need to change it.)"""

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
    """How long a streamed request took, in the units of the clock that measured it. (Given.)"""

    time_to_first_token: float | None  # from sending the request to the first piece of text (None: no text)
    total: float  # from sending the request to the end of the stream
    text: str  # the full reply


def collect_stream(stream: Iterable[ChatCompletionChunk]) -> StreamResult:
    """Read a whole stream of chunks and assemble the full text, the finish reason and the usage.

    Contract:
    * ``result.texts[i]`` is the full text of choice ``i``: every ``delta.content`` of that choice,
      joined in order. With ``n=2`` the chunks of choice 0 and choice 1 arrive interleaved; keep them
      apart by ``choice.index``.
    * ``result.finish_reasons[i]`` is that choice's ``finish_reason`` ("stop", or "length" when
      ``max_completion_tokens`` cut it short). It is only set on the choice's last chunk.
    * ``result.usage`` is the ``CompletionUsage`` of the stream's last chunk when the request asked
      for it (``stream_options={"include_usage": True}``), else ``None``.
    * Never crash and never add the text "None": the finish chunk has ``delta.content`` None, and the
      usage chunk has an EMPTY ``choices`` list (``chunk.choices[0]`` raises IndexError there).

    Hints:
    * Loop over ``chunk.choices`` rather than indexing ``[0]``: the usage chunk then needs no special case.
    * Grow ``result.texts`` / ``result.finish_reasons`` (with "" / None) when you meet a new index.
    * Read ``chunk.usage`` on every chunk; it is None (or absent) on all but the last.
    """
    raise NotImplementedError("collect_stream: assemble the text, finish reason and usage of a stream")


def stream_reply(client: OpenAI, model: str, messages: list[dict], on_token: Callable[[str], object]) -> str:
    """Stream a reply, hand each piece of text to ``on_token`` as it arrives, return the full text.

    Contract:
    * Send ONE request with ``stream=True`` (the tests read what you sent).
    * Call ``on_token(piece)`` once for every non-empty ``delta.content``, in order, while the stream is
      being read (not at the end): never with None or "".
    * Return the full reply: exactly the pieces joined together.

    Hints:
    * A stream can be iterated only ONCE. If you loop over it to call ``on_token``, collect the pieces
      in that same loop; a second loop (or ``collect_stream(stream)`` afterwards) sees nothing.
    * ``chunk.choices`` may be empty (the usage chunk, if a provider sends one anyway): skip such chunks.
    """
    raise NotImplementedError("stream_reply: stream the reply to on_token and return the full text")


def measure_stream(
    client: OpenAI, model: str, messages: list[dict], *, clock: Callable[[], float] = time.perf_counter
) -> StreamTiming:
    """Stream a reply and measure the time to its first token and its total time with ``clock``.

    Contract:
    * Read ``clock()`` once just before sending the request: that is time zero.
    * ``time_to_first_token`` = ``clock()`` when the first chunk WITH TEXT arrives, minus time zero.
      The role chunk that opens every stream has ``content == ""``: it is not a token.
      None if the reply had no text at all.
    * ``total`` = ``clock()`` after the stream has been read to the end, minus time zero.
    * ``text`` = the full reply.
    * Use only ``clock`` for time (the tests pass a fake clock and expect exact numbers).

    Hints:
    * ``client.chat.completions.create(..., stream=True)`` returns as soon as the response headers arrive,
      before any token: the time right after it is NOT the total.
    """
    raise NotImplementedError("measure_stream: time the first token and the whole stream")


def streaming_chat_turn(
    client: OpenAI,
    model: str,
    history: list[dict],
    user_text: str,
    on_token: Callable[[str], object] | None = None,
) -> StreamResult:
    """One turn of a streamed chat: add the user's message, stream the reply, add the reply to ``history``.

    Contract:
    * Append ``{"role": "user", "content": user_text}`` to ``history`` and send the whole history.
    * Stream the reply (``stream=True``) and ask for usage: ``stream_options={"include_usage": True}``
      (the usage of a stream is only sent when you ask for it).
    * If ``on_token`` is given, call it with each non-empty piece of text as it arrives.
    * When the stream has ended, append ``{"role": "assistant", "content": <the full reply>}`` to
      ``history`` (the same list object: the caller keeps using it for the next turn).
    * Return the ``StreamResult`` (text, finish reason, usage) of the stream.

    Hints:
    * Reuse ``collect_stream``. To also call ``on_token``, pass it a generator that calls ``on_token`` and
      yields each chunk on: the stream is still read only once.
    * Forgetting to append the reply is the classic streaming bug: the next turn's request then lacks
      what the assistant said, and the model cannot refer back to it.
    """
    raise NotImplementedError("streaming_chat_turn: stream a reply and append it to the history")
