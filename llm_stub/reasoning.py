"""Reasoning tokens: how many a reasoning model "thinks" before it answers, and what that does to the budget.

Real reasoning models spend hidden *reasoning tokens* before the visible answer.
The API reports them in ``usage.completion_tokens_details.reasoning_tokens``;
they are part of ``completion_tokens`` (billed as output), and
``max_completion_tokens`` caps reasoning and answer together: the SDK's
docstring says it is "an upper bound for the number of tokens that can be
generated for a completion, including visible output tokens and reasoning
tokens". When the budget runs out while the model is still reasoning, the
reply is empty (``content: ""``) with ``finish_reason: "length"``: the trap
OpenAI's reasoning guide warns about.

The stub's count is deterministic and documented, not a model of any real one:

    reasoning = round(EFFORT_SCALE[effort] * (BASE + 2 * user_tokens + jitter))

where ``user_tokens`` counts the last user message, ``jitter`` (0-127) is drawn
from a hash of the conversation (same prompt, same count), ``BASE`` is 128 and
the scale is 0 for ``none`` and ``minimal``, 0.5 for ``low``, 1 for ``medium``, 2.5 for ``high``, 4 for
``xhigh`` and 6 for ``max``. The effort is the request's, else the model's default (catalogue); at ``none`` a
model spends no reasoning tokens (OpenAI: effort none turns reasoning off; E2 in the catalogue measured 34
reasoning tokens going to 0). A non-reasoning model spends none.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .catalog import ModelInfo
from .request import ChatRequest
from .tokenizer import count

BASE = 128
EFFORT_SCALE = {"none": 0.0, "minimal": 0.0, "low": 0.5, "medium": 1.0, "high": 2.5, "xhigh": 4.0, "max": 6.0}


def reasoning_tokens(model: ModelInfo | None, req: ChatRequest, effort: str | None) -> int:
    """The reasoning tokens this request's model spends (0 for a non-reasoning model)."""
    if model is None or not model.is_reasoning:
        return 0
    scale = EFFORT_SCALE.get(effort or model.default_effort or "medium", 1.0)
    if scale == 0:
        return 0
    user_tokens = count(req.last_user_text, model.encoding)
    digest = hashlib.sha256(json.dumps(req.messages, sort_keys=True, default=str).encode()).digest()
    jitter = digest[0] % 128
    return round(scale * (BASE + 2 * user_tokens + jitter))


@dataclass(frozen=True)
class Usage:
    """What a reply cost, counted once: each wire format renders it (``render.usage_dict`` for Chat
    Completions, ``responses_render.usage_of`` for the Responses API).

    A plain dataclass rather than the SDK's ``CompletionUsage``: validating a pydantic model on every request
    was a twentieth of a call's time (issue 18), and the rendered bodies are what the conformance tests
    validate against the SDK's types and the OpenAPI schemas.
    """

    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0  # part of prompt_tokens
    reasoning_tokens: int = 0  # part of completion_tokens
    # prompt tokens written to the cache (part of prompt_tokens); None: the model does not report writes
    # (before GPT-5.6 writes were free and unreported: S16 in the catalogue)
    cache_write_tokens: int | None = None
    cache_write_ttl: str = "30m"  # "30m" or "12h": the Responses API splits writes by lifetime

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def usage(
    prompt_tokens: int,
    completion_tokens: int,
    *,
    cached_tokens: int = 0,
    reasoning: int = 0,
    cache_write_tokens: int | None = None,
    cache_write_ttl: str = "30m",
) -> Usage:
    """``usage`` as the real API reports it: reasoning inside completion_tokens, cached and written inside
    prompt_tokens."""
    return Usage(
        prompt_tokens, completion_tokens, cached_tokens, reasoning, cache_write_tokens, cache_write_ttl
    )
