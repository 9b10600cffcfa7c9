"""Decide what the "model" says for each choice, then cut it to the request's limits.

Order of decision, per choice: a tool call (when tools are offered and the
request calls for one), an answer that uses tool results, a scripted refusal, JSON
output (when ``response_format`` asks for it), a scripted reply, an answer from the
history, and last an honest generic reply.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import string
from dataclasses import dataclass, field

from . import recall, structured, tools
from .replies import ReplyBook, Rule
from .request import ChatRequest
from .tokenizer import encode


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


@dataclass
class Choice:
    index: int
    content: str | None
    refusal: str | None
    tool_calls: list[ToolCallDraft]
    finish_reason: str
    completion_tokens: int
    pieces: list[str]  # the content (or refusal) as token pieces, for streaming


def rng_for(req: ChatRequest, index: int) -> random.Random:
    """Same request and seed give the same choice; temperature > 0 without a seed varies."""
    if req.temperature is not None and req.temperature > 0 and req.seed is None:
        return random.Random(secrets.randbits(64))
    digest = hashlib.sha256(
        json.dumps([req.messages, req.seed, index, req.temperature], sort_keys=True, default=str).encode()
    ).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


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
    rng = rng_for(req, index)
    called = tools.draft_tool_calls(req, rng)
    if called is not None:
        # ids from the request's rng: random-looking, yet the same request gets the same ids, so that usage
        # (a tool message's tool_call_id counts as prompt tokens) is reproducible for a fixed conversation
        return Draft(tool_calls=[ToolCallDraft(name, args, call_id(rng)) for name, args in called])
    rule = book.find(req.last_user_text, req.instructions)
    if rule is not None and rule.refusal:
        return Draft(refusal=rule.refusal)
    if req.response_format is not None:
        return Draft(content=structured.draft_json(req, rule, rng))
    if rule is not None and rule.alternatives and not tools.awaiting_answer(req):
        return Draft(content=pick(rule, req, rng))
    answer = tools.answer_from_results(req, rule) or recall.answer_from_history(req.messages)
    if answer is None and rule is not None and rule.alternatives:
        answer = pick(rule, req, rng)
    return Draft(content=answer or recall.greeting_reply(req.messages) or recall.generic_reply(req.messages))


def finish(d: Draft, index: int, req: ChatRequest) -> Choice:
    """Apply ``stop`` and ``max_tokens`` to a draft, as the model's sampler would."""
    if d.tool_calls:
        tokens = sum(len(encode(c.name)) + len(encode(c.arguments)) for c in d.tool_calls)
        return Choice(index, None, None, d.tool_calls, "tool_calls", tokens, [])
    text = d.refusal if d.refusal is not None else (d.content or "")
    finish_reason = "stop"
    for stop in req.stop:
        if stop and stop in text:
            text = text[: text.index(stop)]
    pieces = encode(text)
    if req.max_tokens is not None and len(pieces) > req.max_tokens:
        pieces = pieces[: req.max_tokens]
        text = "".join(pieces)
        finish_reason = "length"
    if d.refusal is not None:
        return Choice(index, None, text, [], finish_reason, len(pieces), pieces)
    return Choice(index, text, None, [], finish_reason, len(pieces), pieces)


def complete(req: ChatRequest, book: ReplyBook) -> list[Choice]:
    return [finish(draft(req, book, i), i, req) for i in range(req.n)]
