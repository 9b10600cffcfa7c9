"""A small pricing table and cost helpers for the notebooks (the labs have their own table).

Providers bill per token, with different prices for the tokens you send (the
prompt, "input") and the tokens the model writes (the completion, "output").
Prices are quoted per million tokens. Two details change the bill on today's
models:

* **Cached input.** A prompt prefix of 1,024 tokens or more that the API has
  seen recently is served from its cache and billed at a discount; the response
  says how many prompt tokens that was in
  ``usage.prompt_tokens_details.cached_tokens`` (they are part of
  ``prompt_tokens``).
* **Reasoning output.** Reasoning models (gpt-5, o3, o4-mini, ...) spend hidden
  reasoning tokens before they answer; they are reported in
  ``usage.completion_tokens_details.reasoning_tokens``, are part of
  ``completion_tokens``, and are billed as output tokens.

The figures below are OpenAI's list prices for standard (non-batch) requests in
US dollars per million tokens, as collected in LiteLLM's
``model_prices_and_context_window.json`` (BerriAI/litellm: ``input_cost_per_token``,
``cache_read_input_token_cost``, ``output_cost_per_token``), cross-checked for
gpt-5-mini and gpt-4.1 against GitHub's Copilot pricing table (github/docs,
``data/tables/copilot/models-and-pricing.yml``). No OpenAI pricing page is in the
course's stored references, so check your provider's pricing page before you
rely on them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# US dollars per 1 million tokens: (input, output).
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "o3": (2.00, 8.00),
    "o4-mini": (1.10, 4.40),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-3.5-turbo": (0.50, 1.50),
}

# US dollars per 1 million *cached* input tokens (same source). gpt-3.5-turbo has no cached price: its cached
# tokens (if any) are billed as ordinary input.
CACHED_INPUT_PER_MILLION: dict[str, float] = {
    "gpt-5": 0.125,
    "gpt-5-mini": 0.025,
    "gpt-5-nano": 0.005,
    "o3": 0.50,
    "o4-mini": 0.275,
    "gpt-4.1": 0.50,
    "gpt-4.1-mini": 0.10,
    "gpt-4.1-nano": 0.025,
    "gpt-4o": 1.25,
    "gpt-4o-mini": 0.075,
}

CHARS_PER_TOKEN = 4  # the rule of thumb for English text


def estimate_tokens(text: str) -> int:
    """About 4 characters a token for English: a quick estimate when no tokenizer is at hand."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def _get(usage: Any, name: str) -> int:
    value = usage.get(name) if isinstance(usage, Mapping) else getattr(usage, name, None)
    return int(value or 0)


def _detail(usage: Any, group: str, name: str) -> int:
    """``usage.<group>.<name>`` (e.g. prompt_tokens_details.cached_tokens), 0 when absent."""
    details = usage.get(group) if isinstance(usage, Mapping) else getattr(usage, group, None)
    return _get(details, name) if details is not None else 0


def cached_tokens(usage: Any) -> int:
    """Prompt tokens served from the prompt cache (part of ``prompt_tokens``)."""
    return _detail(usage, "prompt_tokens_details", "cached_tokens")


def reasoning_tokens(usage: Any) -> int:
    """Hidden reasoning tokens (part of ``completion_tokens``, billed as output)."""
    return _detail(usage, "completion_tokens_details", "reasoning_tokens")


def _base_name(model: str, table: Mapping[str, Any]) -> str | None:
    name = model.split("/")[-1]
    while name:
        if name in table:
            return name
        if "-" not in name:
            return None
        name = name.rsplit("-", 1)[0]
    return None


def price_of(
    model: str, prices: Mapping[str, tuple[float, float]] = PRICES_PER_MILLION
) -> tuple[float, float] | None:
    """(input, output) dollars per million tokens for ``model``, or None when the table does not know it.

    Dated snapshots ("gpt-4o-mini-2024-07-18") and provider prefixes ("openai/gpt-4o") find their base model.
    """
    name = _base_name(model, prices)
    return prices[name] if name is not None else None


def cached_price_of(model: str) -> float | None:
    """Dollars per million cached input tokens for ``model`` (None: no discount known, billed as input)."""
    name = _base_name(model, CACHED_INPUT_PER_MILLION)
    return CACHED_INPUT_PER_MILLION[name] if name is not None else None


def cost(
    usage: Any, model: str, prices: Mapping[str, tuple[float, float]] = PRICES_PER_MILLION
) -> float | None:
    """Dollars for one response's ``usage`` (an SDK ``CompletionUsage`` or a dict); None for an unknown model.

    Cached prompt tokens are billed at the cached-input price (when the model has one); reasoning tokens are
    already inside ``completion_tokens`` and billed as output.
    """
    price = price_of(model, prices)
    if price is None:
        return None
    prompt, cached = _get(usage, "prompt_tokens"), min(cached_tokens(usage), _get(usage, "prompt_tokens"))
    cached_price = cached_price_of(model) if prices is PRICES_PER_MILLION else None
    if cached_price is None:
        cached_price = price[0]
    dollars = (
        (prompt - cached) * price[0] + cached * cached_price + _get(usage, "completion_tokens") * price[1]
    )
    return dollars / 1_000_000


def usd(amount: float | None) -> str:
    """Small amounts of money, readable: ``$0.000123``; unknown prices as ``$?``."""
    if amount is None:
        return "$?"
    if amount >= 0.01:
        return f"${amount:,.4f}"
    return f"${amount:.6f}"


@dataclass
class Meter:
    """A running total of tokens and dollars over many responses (cached and reasoning tokens included)."""

    model: str
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    reasoning_tokens: int = 0

    def add(self, usage: Any) -> None:
        self.calls += 1
        self.prompt_tokens += _get(usage, "prompt_tokens")
        self.completion_tokens += _get(usage, "completion_tokens")
        self.cached_tokens += cached_tokens(usage)
        self.reasoning_tokens += reasoning_tokens(usage)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def dollars(self) -> float | None:
        return cost(
            {
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "prompt_tokens_details": {"cached_tokens": self.cached_tokens},
            },
            self.model,
        )

    def __str__(self) -> str:
        price = "price unknown for " + self.model if self.dollars is None else usd(self.dollars)
        extras = []
        if self.cached_tokens:
            extras.append(f"{self.cached_tokens} cached")
        if self.reasoning_tokens:
            extras.append(f"{self.reasoning_tokens} reasoning")
        detail = f"; {', '.join(extras)}" if extras else ""
        return (
            f"{self.calls} call{'s' if self.calls != 1 else ''} · {self.total_tokens} tokens "
            f"({self.prompt_tokens} prompt + {self.completion_tokens} completion{detail}) · {price}"
        )


def pricing_table(models: list[str] | None = None) -> str:
    """The table as aligned text, for printing in a notebook (cached input: "-" where there is no discount)."""
    lines = [f"{'model':<15}{'input $/1M':>12}{'cached $/1M':>13}{'output $/1M':>13}"]
    for m in models or PRICES_PER_MILLION:
        i, o = PRICES_PER_MILLION[m]
        c = CACHED_INPUT_PER_MILLION.get(m)
        cached = f"{c:>13.3f}" if c is not None else f"{'-':>13}"
        lines.append(f"{m:<15}{i:>12.2f}{cached}{o:>13.2f}")
    return "\n".join(lines)
