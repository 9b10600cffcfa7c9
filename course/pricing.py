"""Cost helpers for the notebooks, priced from the course's one model catalogue (the labs keep their own small
table, as part of the exercise).

Providers bill per token, with different prices for the tokens you send (the prompt, "input") and the tokens
the model writes (the completion, "output"). Prices are quoted per million tokens. On today's models four
details change the bill:

* **Cached input.** A prompt prefix of 1,024 tokens or more that the API has seen recently is served from its
  cache and billed at a discount (a tenth or a twentieth of the input price on current models); the response
  says how many prompt tokens that was in ``usage.prompt_tokens_details.cached_tokens`` (part of
  ``prompt_tokens``).
* **Cache writes.** From GPT-5.6 on, writing a prefix to the cache costs 1.25 times the input price (2 times
  for 12-hour writes): ``usage.prompt_tokens_details.cache_write_tokens`` (also part of ``prompt_tokens``).
  Before GPT-5.6 writes were free.
* **Reasoning output.** Reasoning models spend hidden reasoning tokens before they answer (at every effort
  but ``none``); they are reported in ``usage.completion_tokens_details.reasoning_tokens``, are part of
  ``completion_tokens``, and are billed as output.
* **Long prompts.** Above 272K input tokens a GPT-5.4-or-later request is billed at 2x the input and cache
  rates and 1.5x the output rate, for the whole request.

The figures are the catalogue's (``llm_stub/data/models.toml``: OpenAI's model pages as of 2026-12-07, each row
with its source). Check your provider's pricing page before you rely on them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llm_stub import catalog

from . import models

# US dollars per 1 million tokens, per catalogue row: (input, output), and the cached-input price (rows with a
# discount). Built from the catalogue: there is no second table.
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    row: (p.input, p.output) for row in catalog.ROWS if (p := catalog.lookup(row).prices) is not None
}
CACHED_INPUT_PER_MILLION: dict[str, float] = {
    row: p.cached_input
    for row in catalog.ROWS
    if (p := catalog.lookup(row).prices) is not None and p.cached_input is not None
}
CACHE_WRITE_PER_MILLION: dict[str, float] = {
    row: p.cache_write
    for row in catalog.ROWS
    if (p := catalog.lookup(row).prices) is not None and p.cache_write is not None
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


def _responses_shape(usage: Any) -> bool:
    """A Responses API usage (input_tokens/output_tokens) rather than a Chat Completions one."""
    return _get(usage, "input_tokens") > 0 or _get(usage, "output_tokens") > 0


def prompt_tokens(usage: Any) -> int:
    return _get(usage, "input_tokens") if _responses_shape(usage) else _get(usage, "prompt_tokens")


def completion_tokens(usage: Any) -> int:
    return _get(usage, "output_tokens") if _responses_shape(usage) else _get(usage, "completion_tokens")


def cached_tokens(usage: Any) -> int:
    """Prompt tokens served from the prompt cache (part of ``prompt_tokens``)."""
    if _responses_shape(usage):
        return _detail(usage, "input_tokens_details", "cached_tokens")
    return _detail(usage, "prompt_tokens_details", "cached_tokens")


def cache_write_tokens(usage: Any) -> int:
    """Prompt tokens written to the prompt cache (part of ``prompt_tokens``; reported from GPT-5.6 on)."""
    if _responses_shape(usage):
        return _detail(usage, "input_tokens_details", "cache_write_tokens")
    return _detail(usage, "prompt_tokens_details", "cache_write_tokens")


def reasoning_tokens(usage: Any) -> int:
    """Hidden reasoning tokens (part of ``completion_tokens``, billed as output)."""
    if _responses_shape(usage):
        return _detail(usage, "output_tokens_details", "reasoning_tokens")
    return _detail(usage, "completion_tokens_details", "reasoning_tokens")


def _twelve_hour_writes(usage: Any) -> int:
    details = (
        usage.get("input_tokens_details")
        if isinstance(usage, Mapping)
        else getattr(usage, "input_tokens_details", None)
    )
    if details is None:
        return 0
    return _detail(details, "cache_write_tokens_details", "ttl_12h_tokens")


def _base_name(model: str, table: Mapping[str, Any]) -> str | None:
    name = model.split("/")[-1]
    while name:
        if name in table:
            return name
        if "-" not in name:
            return None
        name = name.rsplit("-", 1)[0]
    return None


def prices_of(model: str) -> catalog.Prices | None:
    """The catalogue's prices for a model id (an alias, a dated snapshot, ``openai/...``), None if unknown."""
    found = models.info(model)
    return found.prices if found is not None else None


def price_of(
    model: str, prices: Mapping[str, tuple[float, float]] = PRICES_PER_MILLION
) -> tuple[float, float] | None:
    """(input, output) dollars per million tokens for ``model``, or None when the table does not know it.

    Dated snapshots ("gpt-5.4-mini-2026-03-17") and provider prefixes ("openai/gpt-6-luna") find their row.
    """
    if prices is PRICES_PER_MILLION:
        found = prices_of(model)
        return (found.input, found.output) if found is not None else None
    name = _base_name(model, prices)
    return prices[name] if name is not None else None


def cached_price_of(model: str) -> float | None:
    """Dollars per million cached input tokens for ``model`` (None: no discount known, billed as input)."""
    found = prices_of(model)
    return found.cached_input if found is not None else None


def cache_write_price_of(model: str) -> float | None:
    """Dollars per million tokens written to the cache (None: writes are free for this model)."""
    found = prices_of(model)
    return found.cache_write if found is not None else None


def cost(
    usage: Any,
    model: str,
    prices: Mapping[str, tuple[float, float]] = PRICES_PER_MILLION,
    *,
    long_context: bool = True,
) -> float | None:
    """Dollars for one response's ``usage`` (Chat Completions or Responses, an SDK object or a dict); None for
    a model without a known price.

    Cached prompt tokens are billed at the cached-input price, written ones at the cache-write price (both when
    the model has one), the rest of the prompt at the input price; reasoning tokens are already inside the
    completion and billed as output. Long prompts get the model's long-context multipliers.
    """
    price = price_of(model, prices)
    if price is None:
        return None
    prompt = prompt_tokens(usage)
    cached = min(cached_tokens(usage), prompt)
    written = min(cache_write_tokens(usage), prompt - cached)
    full = prices_of(model) if prices is PRICES_PER_MILLION else None
    cached_price = full.cached_input if full is not None and full.cached_input is not None else price[0]
    write_price = full.cache_write if full is not None and full.cache_write is not None else price[0]
    twelve = min(_twelve_hour_writes(usage), written)
    twelve_price = (
        full.cache_write_12h if full is not None and full.cache_write_12h is not None else 2 * price[0]
    )
    input_rate = output_rate = 1.0
    if long_context and full is not None and full.long_context_above and prompt > full.long_context_above:
        input_rate, output_rate = full.long_input, full.long_output
    dollars = (
        input_rate
        * (
            (prompt - cached - written) * price[0]
            + cached * cached_price
            + (written - twelve) * write_price
            + twelve * twelve_price
        )
        + output_rate * completion_tokens(usage) * price[1]
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
    """A running total of tokens and dollars over many responses (cached, written and reasoning tokens too).

    The dollars are the totals priced at once; a request above the long-context threshold (272K prompt tokens)
    costs more than that, so price such requests one by one with ``cost``.
    """

    model: str
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    reasoning_tokens: int = 0
    cache_write_tokens: int = 0

    def add(self, usage: Any) -> None:
        self.calls += 1
        self.prompt_tokens += prompt_tokens(usage)
        self.completion_tokens += completion_tokens(usage)
        self.cached_tokens += cached_tokens(usage)
        self.cache_write_tokens += cache_write_tokens(usage)
        self.reasoning_tokens += reasoning_tokens(usage)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def dollars(self) -> float | None:
        totals = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "prompt_tokens_details": {
                "cached_tokens": self.cached_tokens,
                "cache_write_tokens": self.cache_write_tokens,
            },
        }
        # the totals of many requests are not one long prompt: no long-context rates here
        return cost(totals, self.model, long_context=False)

    def __str__(self) -> str:
        price = "price unknown for " + self.model if self.dollars is None else usd(self.dollars)
        extras = []
        if self.cached_tokens:
            extras.append(f"{self.cached_tokens} cached")
        if self.cache_write_tokens:
            extras.append(f"{self.cache_write_tokens} written to the cache")
        if self.reasoning_tokens:
            extras.append(f"{self.reasoning_tokens} reasoning")
        detail = f"; {', '.join(extras)}" if extras else ""
        return (
            f"{self.calls} call{'s' if self.calls != 1 else ''} · {self.total_tokens} tokens "
            f"({self.prompt_tokens} prompt + {self.completion_tokens} completion{detail}) · {price}"
        )


def pricing_table(model_ids: list[str] | None = None) -> str:
    """Prices as aligned text, for printing in a notebook: by default the models not scheduled to shut down
    ("-" where a model has no such price: writes are free before GPT-5.6)."""
    ids = model_ids or models.current()
    lines = [f"{'model':<15}{'input $/1M':>12}{'cached $/1M':>13}{'write $/1M':>12}{'output $/1M':>13}"]
    for m in ids:
        p = prices_of(m)
        if p is None:
            continue

        def col(value: float | None, width: int) -> str:
            return f"{value:>{width}.3f}" if value is not None else f"{'-':>{width}}"

        lines.append(
            f"{m:<15}{p.input:>12.2f}{col(p.cached_input, 13)}{col(p.cache_write, 12)}{p.output:>13.2f}"
        )
    return "\n".join(lines)
