"""Lab 01: messages, history, tokens, trimming and cost.

Notebook: notebooks/01_messages.ipynb. Check your work with

    make check LAB=1        (or: python -m course check 1)

Replace each ``raise NotImplementedError`` with your code. Functions that call the
API take an ``OpenAI`` client as an argument: the tests pass one pointed at the
course's stub, and read the stub's journal to see exactly what your code sent.
Messages are plain dicts: ``{"role": "user", "content": "Hello"}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openai import OpenAI

# US dollars per 1 million tokens: (input price, output price). Use this table in estimate_cost. It is the lab's
# own small table, part of the exercise; the course's catalogue (docs/providers.md) has every model and price.
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-6-luna": (0.10, 0.50),
    "gpt-5.4-mini": (0.75, 4.50),
    "gpt-6.1-terra": (1.00, 5.00),
    "gpt-6.2-sol": (2.00, 10.00),
}

TOKENS_PER_MESSAGE = 4  # what each message costs on top of its text (role, separators)
TOKENS_REPLY_PRIMING = 3  # what every request costs on top of its messages
CHARS_PER_TOKEN = 4  # the rule of thumb for English text


def build_messages(system_prompt: str, history: list[dict], user_message: str) -> list[dict]:
    """Return the messages list for one turn.

    The result is: ONE system message (``system_prompt``) first, then every message
    of ``history`` in order, then the new user message last. ``history`` holds the
    earlier user and assistant messages (no system message).

    Return a new list; do not change ``history`` (the caller still owns it).

    Hint: ``[{"role": "system", "content": ...}, *history, {"role": "user", "content": ...}]``.
    """
    raise NotImplementedError("build_messages: build [system, *history, user] (see the docstring)")


class Conversation:
    """A chat that remembers, because it resends the whole history on every call.

    Attributes (already set up for you in ``__init__``):

    * ``history``: the user and assistant messages so far, oldest first (no system message);
    * ``usage``: running totals over every call, a dict with the keys
      ``prompt_tokens``, ``completion_tokens`` and ``total_tokens``.

    ``options`` (e.g. ``temperature=0``, or ``max_completion_tokens=200`` to cap each reply) are passed on
    to every API call.
    """

    def __init__(self, client: OpenAI, model: str, system_prompt: str, **options: Any) -> None:
        self.client = client
        self.model = model
        self.system_prompt = system_prompt
        self.options = options
        self.history: list[dict] = []
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}

    def ask(self, user_message: str) -> str:
        """Send ``user_message`` with the whole conversation so far; return the reply's text.

        1. Build the messages with ``build_messages(self.system_prompt, self.history, user_message)``.
        2. Call ``self.client.chat.completions.create(model=self.model, messages=..., **self.options)``.
        3. Only when the call succeeded: append the user message AND the assistant's reply
           (``{"role": "assistant", "content": reply}``) to ``self.history``.
        4. Add the response's ``usage`` (``prompt_tokens``, ``completion_tokens``, ``total_tokens``)
           to ``self.usage``: add, do not overwrite.

        If the call raises, let the exception propagate and leave ``history`` and ``usage`` unchanged.
        Hint: the reply is ``response.choices[0].message.content``; it is None when the reply has no text
        (a refusal, for one): store and return "" then.
        """
        raise NotImplementedError("Conversation.ask: send the history, append both turns, add up usage")


def estimate_tokens(messages: list[dict]) -> int:
    """Estimate the prompt tokens of a messages list, with the course's rule.

    * each message costs ``TOKENS_PER_MESSAGE`` (4) plus ``ceil(len(content) / CHARS_PER_TOKEN)``
      for its content (``math.ceil``; a ``None`` content counts as "");
    * the whole request costs ``TOKENS_REPLY_PRIMING`` (3) more.

    So ``estimate_tokens([])`` is 3 and ``[{"role": "user", "content": "Hello!"}]`` is 3 + 4 + 2 = 9.
    Real tokenizers (tiktoken) give different counts; this estimate is within ~20% for English.
    """
    raise NotImplementedError("estimate_tokens: 3 + for each message 4 + ceil(len(content) / 4)")


def split_turns(messages: list[dict]) -> list[list[dict]]:
    """Group messages (without the system message) into turns.

    A turn starts at each user message and holds everything up to the next user
    message (the assistant's reply, tool messages, ...). Messages before the first
    user message, if any, form a turn of their own. Joining the turns gives back
    ``messages`` exactly.

    Example: ``[u1, a1, u2, a2, u3]`` -> ``[[u1, a1], [u2, a2], [u3]]``.
    """
    raise NotImplementedError("split_turns: start a new group at each user message")


def trim_history(
    messages: list[dict], budget: int, count_tokens: Callable[[list[dict]], int] | None = None
) -> list[dict]:
    """Return the longest recent part of ``messages`` that fits in ``budget`` tokens.

    ``count_tokens`` measures a list of messages; when it is None, use ``estimate_tokens``.
    ``messages`` may start with a system message. The result:

    * keeps the system message, first, always (it holds the instructions);
    * then keeps whole turns (see ``split_turns``), the newest ones, in their original
      order: walk from the newest turn back, and stop at the first turn that does not fit;
    * never splits a turn (an assistant reply without its question confuses the model);
    * satisfies ``count_tokens(result) <= budget``: measure the WHOLE candidate list,
      system message included.

    If even the system message alone exceeds the budget, raise ``ValueError``.
    Return a new list and leave ``messages`` unchanged.
    """
    raise NotImplementedError("trim_history: keep the system message and the newest whole turns that fit")


def estimate_cost(
    usage: Any, model: str, prices: Mapping[str, tuple[float, float]] = PRICES_PER_MILLION
) -> float:
    """Dollars for one ``usage`` with ``model``: prompt tokens at the input price, completion at the output price.

    ``usage`` is either the SDK's ``response.usage`` object (attributes) or a dict with the keys
    ``prompt_tokens`` and ``completion_tokens``. Prices are per MILLION tokens.
    For a model missing from ``prices``, raise ``ValueError`` naming the model.

    Example: 1000 prompt + 500 completion tokens on gpt-6-luna cost
    (1000 * 0.10 + 500 * 0.50) / 1_000_000 = $0.00035. (Reasoning tokens are already inside
    ``completion_tokens``; cached and cache-write prices are left out of this exercise.)
    """
    raise NotImplementedError("estimate_cost: (prompt * input + completion * output) / 1_000_000")
