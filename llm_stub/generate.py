"""Decide what the "model" says for each choice, then cut it to the request's limits.

Order of decision, per choice: a scripted step of a multi-step turn (``scripted.py``), tool calls
(when tools are offered and the request calls for them, ``tools.decide``), a scripted refusal, a reply in an
agent framework's own text format (ReAct, DSPy: ``agent_text.py``), JSON output (when
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

from . import agent_text, answers, capabilities, reasoning, recall, scripted, structured, tools
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

    content: str | None = None  # beside tool calls too (a scripted step: "Let me check." and the calls)
    refusal: str | None = None
    tool_calls: list[ToolCallDraft] = field(default_factory=list)
    tool_calls_listed: bool = False  # send "tool_calls": [] although there are none (a provider's shape)
    finish_reason: str | None = None  # a scripted step's own finish_reason, else the stub's rule


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
    tool_calls_listed: bool = False  # render "tool_calls": [] when there are none (Draft.tool_calls_listed)
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


def scripted_draft(rule: Rule, req: ChatRequest, rng: random.Random) -> Draft | None:
    """What the current step of a rule's scripted turn says, or None when the request does not allow it."""
    step = scripted.current_step(rule.steps, req.messages)
    calls = scripted.allowed_calls(step, req)
    if calls:
        return Draft(
            content=step.reply,
            tool_calls=[ToolCallDraft(name, arguments, call_id(rng)) for name, arguments in calls],
            finish_reason=step.finish_reason,
        )
    if scripted.must_call(req) and calls is None:
        return None  # a plain reply where the request forces a call: the stub's own decision calls
    if step.refusal is not None:
        return Draft(refusal=step.refusal, tool_calls_listed=calls == [], finish_reason=step.finish_reason)
    if step.reply is None:
        return None  # only calls, which this request does not allow
    return Draft(content=step.reply, tool_calls_listed=calls == [], finish_reason=step.finish_reason)


def draft(req: ChatRequest, book: ReplyBook, index: int) -> Draft:
    rng = _LazyRng(req, index)  # hashing the conversation is a tenth of a call: only when a choice is drawn
    rule: Rule | None = None
    looked = book.has_steps  # a scripted turn comes before the stub's own tool decision
    if looked:
        rule = book.find(req.last_user_text, req.instructions, req.messages)
        scripted_turn = scripted_draft(rule, req, rng) if rule is not None and rule.steps else None
        if scripted_turn is not None:
            return scripted_turn
    if req.response_format is None and not scripted.must_call(req):
        about = capabilities.reply(req, tools.function_tools(req))  # "what can you do?": the tools, in words
        if about is not None:
            return Draft(content=about)
    # tool calls, or the question to ask for a missing argument; none for "what is a timer?" (a word, not a task)
    decision = tools.Decision() if capabilities.asks_what_a_thing_is(req) else tools.decide(req)
    if decision.calls:
        calls = decision.calls if req.parallel_tool_calls else decision.calls[:1]
        # ids from the request's rng: random-looking, yet the same request gets the same ids, so that usage
        # (a tool message's tool_call_id counts as prompt tokens) is reproducible for a fixed conversation
        return Draft(tool_calls=[ToolCallDraft(c.name, c.json(), call_id(rng)) for c in calls])
    if not looked:
        rule = book.find(req.last_user_text, req.instructions, req.messages)
    if rule is not None and tools.unfilled(rule.alternatives) and not tools.turn_results(req)[0]:
        rule = None  # a reply written around tool results ("It's {temp_c} °C"), and no result to fill it
    if rule is not None and rule.refusal:
        return Draft(refusal=rule.refusal)
    framed = agent_text.reply(req)  # a ReAct or DSPy prompt: its own format
    if framed is not None:
        return Draft(content=framed)
    if req.response_format is not None:
        content, refusal = structured.draft_json(req, rule, rng)
        return Draft(content=content, refusal=refusal)
    if rule is not None and rule.alternatives and not tools.awaiting_answer(req):
        return Draft(content=pick(rule, req, rng))
    answer = (
        tools.answer_from_results(req, rule)
        or decision.question
        or answers.completed_by_reply(req.messages)  # "celsius", after the stub asked which scale
        or recall.answer_from_history(req.messages)
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
        # vllm-project/vllm#25054); a scripted step may say otherwise: OpenAI itself sometimes ends calls with
        # "stop" (ENTERPILOT/GoModel#124, measured on gpt-4o-mini), so do Ollama (ollama/ollama#5995) and others
        # beside text (ranxianglei/billion-context#131)
        named = isinstance(req.tool_choice, dict) and req.tool_choice.get("type") == "function"
        reason = d.finish_reason or ("stop" if named else "tool_calls")
        # text beside the calls (a scripted step) comes first, as in the streams of models that say what they
        # are about to do ("Let me check."); it is not cut by the budget (scripted calls are whole by design)
        text = d.content or None
        pieces: Sequence[str] = TokenPieces(text, encoding) if text else []
        tokens += count(text, encoding) if text else 0
        return Choice(
            index, text, None, d.tool_calls, reason, thinking + tokens, pieces, reasoning_tokens=thinking
        )
    text = d.refusal if d.refusal is not None else (d.content or "")
    finish_reason = d.finish_reason or "stop"
    for stop in req.stop:
        if stop and stop in text:
            text = text[: text.index(stop)]
    used = count(text, encoding)
    pieces = TokenPieces(text, encoding)
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
    listed = d.tool_calls_listed
    if d.refusal is not None:
        return Choice(
            index, None, text, [], finish_reason, thinking + used, pieces, thinking, tool_calls_listed=listed
        )
    return Choice(
        index, text, None, [], finish_reason, thinking + used, pieces, thinking, tool_calls_listed=listed
    )


def complete(
    req: ChatRequest, book: ReplyBook, model: ModelInfo | None = None, effort: str | None = None
) -> list[Choice]:
    return [finish(draft(req, book, i), i, req, model, effort) for i in range(req.n)]
