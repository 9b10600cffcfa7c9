"""A small pricing table and cost helpers for the notebooks (the labs have their own table).

Providers bill per token, with different prices for the tokens you send (the
prompt, "input") and the tokens the model writes (the completion, "output").
Prices are quoted per million tokens. The figures below are OpenAI's list prices
for standard (non-batch) requests when this course was written: check your
provider's pricing page before you rely on them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# US dollars per 1 million tokens: (input, output).
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-3.5-turbo": (0.50, 1.50),
}

CHARS_PER_TOKEN = 4  # the rule of thumb for English text


def estimate_tokens(text: str) -> int:
    """About 4 characters a token for English: a quick estimate when no tokenizer is at hand."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def _get(usage: Any, name: str) -> int:
    value = usage.get(name) if isinstance(usage, Mapping) else getattr(usage, name, None)
    return int(value or 0)


def price_of(
    model: str, prices: Mapping[str, tuple[float, float]] = PRICES_PER_MILLION
) -> tuple[float, float] | None:
    """(input, output) dollars per million tokens for ``model``, or None when the table does not know it.

    Dated snapshots ("gpt-4o-mini-2024-07-18") and provider prefixes ("openai/gpt-4o") find their base model.
    """
    name = model.split("/")[-1]
    while name:
        if name in prices:
            return prices[name]
        if "-" not in name:
            return None
        name = name.rsplit("-", 1)[0]
    return None


def cost(
    usage: Any, model: str, prices: Mapping[str, tuple[float, float]] = PRICES_PER_MILLION
) -> float | None:
    """Dollars for one response's ``usage`` (an SDK ``CompletionUsage`` or a dict); None for an unknown model."""
    price = price_of(model, prices)
    if price is None:
        return None
    return (_get(usage, "prompt_tokens") * price[0] + _get(usage, "completion_tokens") * price[1]) / 1_000_000


def usd(amount: float | None) -> str:
    """Small amounts of money, readable: ``$0.000123``; unknown prices as ``$?``."""
    if amount is None:
        return "$?"
    if amount >= 0.01:
        return f"${amount:,.4f}"
    return f"${amount:.6f}"


@dataclass
class Meter:
    """A running total of tokens and dollars over many responses."""

    model: str
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, usage: Any) -> None:
        self.calls += 1
        self.prompt_tokens += _get(usage, "prompt_tokens")
        self.completion_tokens += _get(usage, "completion_tokens")

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def dollars(self) -> float | None:
        return cost(
            {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}, self.model
        )

    def __str__(self) -> str:
        price = "price unknown for " + self.model if self.dollars is None else usd(self.dollars)
        return (
            f"{self.calls} call{'s' if self.calls != 1 else ''} · {self.total_tokens} tokens "
            f"({self.prompt_tokens} prompt + {self.completion_tokens} completion) · {price}"
        )


def pricing_table(models: list[str] | None = None) -> str:
    """The table as aligned text, for printing in a notebook."""
    rows = [(m, *PRICES_PER_MILLION[m]) for m in (models or PRICES_PER_MILLION)]
    lines = [f"{'model':<15}{'input $/1M':>12}{'output $/1M':>13}"]
    lines += [f"{m:<15}{i:>12.2f}{o:>13.2f}" for m, i, o in rows]
    return "\n".join(lines)
