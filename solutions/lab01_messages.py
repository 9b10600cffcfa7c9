"""Lab 01 reference solution: messages, history, tokens, trimming and cost.

Read labs/lab01_messages.py for the contract of each function; this file is one way to meet it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from openai import OpenAI

# US dollars per 1 million tokens: (input, output). The lab's own table.
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-6-luna": (0.10, 0.50),
    "gpt-5.4-mini": (0.75, 4.50),
    "gpt-6.1-terra": (1.00, 5.00),
    "gpt-6.2-sol": (2.00, 10.00),
}

TOKENS_PER_MESSAGE = 4
TOKENS_REPLY_PRIMING = 3
CHARS_PER_TOKEN = 4


def build_messages(system_prompt: str, history: list[dict], user_message: str) -> list[dict]:
    """The messages for one turn: the system prompt first, then the history, then the new user message."""
    return [
        {"role": "system", "content": system_prompt},
        *history,
        {"role": "user", "content": user_message},
    ]


class Conversation:
    """A chat that remembers: it resends the whole history on every call and adds up the usage."""

    def __init__(self, client: OpenAI, model: str, system_prompt: str, **options: Any) -> None:
        self.client = client
        self.model = model
        self.system_prompt = system_prompt
        self.options = options
        self.history: list[dict] = []
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}

    def ask(self, user_message: str) -> str:
        messages = build_messages(self.system_prompt, self.history, user_message)
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content or ""
        self.history.append({"role": "user", "content": user_message})
        self.history.append({"role": "assistant", "content": reply})
        if response.usage is not None:
            self.usage["prompt_tokens"] += response.usage.prompt_tokens
            self.usage["completion_tokens"] += response.usage.completion_tokens
            self.usage["total_tokens"] += response.usage.total_tokens
        return reply


def estimate_tokens(messages: list[dict]) -> int:
    """4 tokens per message plus ceil(characters / 4) of its content, plus 3 for the reply."""
    total = TOKENS_REPLY_PRIMING
    for message in messages:
        total += TOKENS_PER_MESSAGE + math.ceil(len(message.get("content") or "") / CHARS_PER_TOKEN)
    return total


def split_turns(messages: list[dict]) -> list[list[dict]]:
    """Group non-system messages into turns: each user message starts a new one."""
    turns: list[list[dict]] = []
    for message in messages:
        if message["role"] == "user" or not turns:
            turns.append([message])
        else:
            turns[-1].append(message)
    return turns


def trim_history(
    messages: list[dict], budget: int, count_tokens: Callable[[list[dict]], int] | None = None
) -> list[dict]:
    """Keep the system message and the newest whole turns whose tokens fit in ``budget``."""
    count_tokens = count_tokens or estimate_tokens
    system = [m for m in messages[:1] if m["role"] == "system"]
    rest = messages[len(system) :]
    if count_tokens(system) > budget:
        raise ValueError(
            f"the system message alone needs {count_tokens(system)} tokens; the budget is {budget}"
        )
    kept: list[dict] = []
    for turn in reversed(split_turns(rest)):
        candidate = turn + kept
        if count_tokens(system + candidate) > budget:
            break
        kept = candidate
    return system + kept


def _get(usage: Any, name: str) -> int:
    value = usage.get(name) if isinstance(usage, Mapping) else getattr(usage, name)
    return int(value or 0)


def estimate_cost(
    usage: Any, model: str, prices: Mapping[str, tuple[float, float]] = PRICES_PER_MILLION
) -> float:
    """Dollars for a usage: prompt tokens at the input price, completion tokens at the output price."""
    if model not in prices:
        raise ValueError(f"no price for model {model!r}; known models: {', '.join(sorted(prices))}")
    input_price, output_price = prices[model]
    return (
        _get(usage, "prompt_tokens") * input_price + _get(usage, "completion_tokens") * output_price
    ) / 1_000_000
