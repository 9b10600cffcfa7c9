"""Decide what the "model" says for each choice, then cut it to the request's limits.

Order of decision, per choice: tool calls (when tools are offered and the
request calls for them, ``tools.decide``), a scripted refusal, JSON output (when
``response_format`` asks for it), a scripted reply that fits the request, an answer
that uses tool results, a question for a missing tool argument, an answer from the
history, and last an honest generic reply. What the words mean is read once by
``understanding.py``; see ``llm_stub.LIMITS_SENTENCE`` for what that covers.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from . import reasoning, recall, structured, tools
from .catalog import ModelInfo
from .replies import ReplyBook, Rule
from .request import ChatRequest
from .tokenizer import DEFAULT_ENCODING, count, pieces_of, token_ids


@dataclass
class ToolCallDraft:
    name: str
    arguments: str
    id: str = field(
        default_factory=lambda: "call_" + secrets.token_urlsafe(18).replace("-", "a").replace("_", "b")[:24]
    )


@dataclass
class Draft:
    """What the model decided to say, before max_tokens and stop are applied."""

    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ToolCallDraft] = field(default_factory=list)


class TokenPieces(Sequence[str]):
    """A reply's token pieces, tokenized and decoded only when something iterates them.

    Only a stream needs the pieces; a plain completion needs just their number (``tokenizer.count``, which
    remembers texts it has counted: the reply comes back as a prompt message in the next turn).
    """

    def __init__(self, text: str, encoding: str) -> None:
        self._text, self._encoding = text, encoding
        self._pieces: list[str] | None = None

    def _decoded(self) -> list[str]:
        if self._pieces is None:
            ids = token_ids(self._text, self._encoding)
            self._pieces = [piece for piece, _ in pieces_of(ids, self._encoding)]
        return self._pieces

    def __getitem__(self, i):  # noqa: ANN001, ANN204 (Sequence's int/slice overloads)
        return self._decoded()[i]

    def __len__(self) -> int:
        return len(self._decoded())

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return repr(self._decoded())


@dataclass
class Choice:
    index: int
    content: str | None
    refusal: str | None
    tool_calls: list[ToolCallDraft]
    finish_reason: str
    completion_tokens: int
    pieces: Sequence[str]  # the content (or refusal) as token pieces, for streaming (decoded on first use)
    reasoning_tokens: int = 0  # included in completion_tokens (reasoning models only)
    # per piece, the token log probabilities (``logprobs.TokenLogprob``) when the request asks for them
    logprobs: list | None = None


def rng_for(req: ChatRequest, index: int) -> random.Random:
    """Same request and seed give the same choice; temperature > 0 without a seed varies."""
    if req.temperature is not None and req.temperature > 0 and req.seed is None:
        return random.Random(secrets.randbits(64))
    digest = hashlib.sha256(
        json.dumps([req.messages, req.seed, index, req.temperature], sort_keys=True, default=str).encode()
    ).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class _LazyRng(random.Random):
    """``rng_for(req, index)``, seeded on first use: most replies draw nothing."""

    def __init__(self, req: ChatRequest, index: int) -> None:
        self._source: tuple[ChatRequest, int] | None = (req, index)
        self.gauss_next = None  # what Random.__init__ sets, without its seeding

    def random(self) -> float:
        self._seed_now()
        return super().random()

    def getrandbits(self, k: int) -> int:
        self._seed_now()
        return super().getrandbits(k)

    def _seed_now(self) -> None:
        if self._source is not None:
            req, index = self._source
            self._source = None
            self.setstate(rng_for(req, index).getstate())


_ID_ALPHABET = string.ascii_letters + string.digits


def call_id(rng: random.Random) -> str:
    """A tool-call id in the real API's shape (``call_`` and 24 letters and digits), drawn from ``rng``."""
    return "call_" + "".join(rng.choice(_ID_ALPHABET) for _ in range(24))


def pick(rule: Rule, req: ChatRequest, rng: random.Random) -> str:
    """Temperature 0 (or none given) takes the first alternative; above 0 the rng picks."""
    if len(rule.alternatives) == 1 or not req.temperature:
        return rule.alternatives[0]
    return rng.choice(rule.alternatives)


def draft(req: ChatRequest, book: ReplyBook, index: int) -> Draft:
    rng = _LazyRng(req, index)  # hashing the conversation is a tenth of a call: only when a choice is drawn
    decision = tools.decide(req)  # tool calls, or the question to ask for a missing argument
    if decision.calls:
        calls = decision.calls if req.parallel_tool_calls else decision.calls[:1]
        # ids from the request's rng: random-looking, yet the same request gets the same ids, so that usage
        # (a tool message's tool_call_id counts as prompt tokens) is reproducible for a fixed conversation
        return Draft(tool_calls=[ToolCallDraft(c.name, c.json(), call_id(rng)) for c in calls])
    rule = book.find(req.last_user_text, req.instructions, req.messages)
    if rule is not None and tools.unfilled(rule.alternatives) and not tools.turn_results(req)[0]:
        rule = None  # a reply written around tool results ("It's {temp_c} °C"), and no result to fill it
    if rule is not None and rule.refusal:
        return Draft(refusal=rule.refusal)
    if req.response_format is not None:
        return Draft(content=structured.draft_json(req, rule, rng))
    if rule is not None and rule.alternatives and not tools.awaiting_answer(req):
        return Draft(content=pick(rule, req, rng))
    answer = (
        tools.answer_from_results(req, rule) or decision.question or recall.answer_from_history(req.messages)
    )
    if answer is None and rule is not None and rule.alternatives:
        answer = pick(rule, req, rng)
    return Draft(content=answer or recall.greeting_reply(req.messages) or recall.generic_reply(req.messages))


def finish(
    d: Draft, index: int, req: ChatRequest, model: ModelInfo | None = None, effort: str | None = None
) -> Choice:
    """Apply ``stop`` and the token budget to a draft, as the model's sampler would.

    A reasoning model first spends its reasoning tokens (``reasoning.py``); ``max_completion_tokens`` caps
    reasoning and answer together, so a budget the reasoning uses up leaves ``content: ""`` with
    ``finish_reason: "length"``. Token counts use the model's real encoding.
    """
    encoding = model.encoding if model is not None else DEFAULT_ENCODING
    thinking = reasoning.reasoning_tokens(model, req, effort)
    budget = req.max_tokens
    if budget is not None and thinking >= budget:
        return Choice(index, "", None, [], "length", budget, [], reasoning_tokens=budget)
    room = None if budget is None else budget - thinking
    if d.tool_calls:
        tokens = sum(count(c.name, encoding) + count(c.arguments, encoding) for c in d.tool_calls)
        # a named tool_choice ends with "stop", auto/required with "tool_calls" (the real API's, measured in
        # vllm-project/vllm#25054)
        named = isinstance(req.tool_choice, dict) and req.tool_choice.get("type") == "function"
        reason = "stop" if named else "tool_calls"
        return Choice(
            index, None, None, d.tool_calls, reason, thinking + tokens, [], reasoning_tokens=thinking
        )
    text = d.refusal if d.refusal is not None else (d.content or "")
    finish_reason = "stop"
    for stop in req.stop:
        if stop and stop in text:
            text = text[: text.index(stop)]
    used = count(text, encoding)
    pieces: Sequence[str] = TokenPieces(text, encoding)
    if room is not None and used > room:
        counted = pieces_of(token_ids(text, encoding), encoding)
        kept, used = [], 0
        for piece, n in counted:
            if used + n > room:
                break
            kept.append((piece, n))
            used += n
        text = "".join(piece for piece, _ in kept)
        finish_reason = "length"
        pieces = [piece for piece, _ in kept]
    if d.refusal is not None:
        return Choice(
            index, None, text, [], finish_reason, thinking + used, pieces, reasoning_tokens=thinking
        )
    return Choice(index, text, None, [], finish_reason, thinking + used, pieces, reasoning_tokens=thinking)


def complete(
    req: ChatRequest, book: ReplyBook, model: ModelInfo | None = None, effort: str | None = None
) -> list[Choice]:
    return [finish(draft(req, book, i), i, req, model, effort) for i in range(req.n)]
