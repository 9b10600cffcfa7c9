"""Lab 6 · Capstone: a support assistant assembled from your earlier labs. Reference solution.

Same names and signatures as labs/lab06_assistant.py; read that file for the contracts. The imports
are relative on purpose: this file uses the solutions of labs 1 to 5, the lab uses yours.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum
from typing import Any

import openai
from openai import OpenAI
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, Field

from .lab01_messages import estimate_cost, trim_history
from .lab03_structured import StructuredOutputError, parse_reply, strict_response_format  # noqa: F401 (re-exported)
from .lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls, function_to_tool
from .lab05_errors import call_with_retries

SYSTEM_PROMPT = (
    "You are the customer-support assistant of Brewster's, an online shop for coffee gear. "
    "Be friendly and brief. Use the tools to look up orders and stock; never guess an order's status. "
    "Answer only from the tool results; when they don't say, say that you don't know."
)

CUT_NOTICE = "\n[the reply was cut off; here it is again]\n"


class IncompleteStream(openai.APIConnectionError):
    """A streamed reply that stopped before its end: no chunk carried a ``finish_reason`` (the stream was cut),
    or an error event came in the middle of it. (Given.)

    It is an ``APIConnectionError`` (the connection delivered less than a whole reply), so your lab 5
    ``classify`` retries it like a dropped connection.
    """

    def __init__(
        self, message: str = "the stream ended before the reply was complete (no finish_reason)"
    ) -> None:
        super().__init__(message=message, request=None)  # type: ignore[arg-type]  (no HTTP request at hand)


TICKET_INSTRUCTIONS = (
    "You turn a customer-support conversation into a ticket for the support team. "
    "Use only what the conversation says; order_id is null when no order number was given."
)


class Category(str, Enum):
    """What a ticket is about. (Given.)"""

    order_status = "order_status"
    delivery_problem = "delivery_problem"
    damaged_item = "damaged_item"
    refund = "refund"
    product_question = "product_question"
    other = "other"


class Priority(str, Enum):
    """How soon the team should act. (Given.)"""

    low = "low"
    normal = "normal"
    high = "high"


class SupportTicket(BaseModel):
    """The ticket ``extract_ticket`` returns. (Given.)"""

    category: Category
    order_id: str | None = Field(description="The order number the customer gave, e.g. A1001; null if none.")
    summary: str = Field(description="One sentence: what the customer needs.")
    priority: Priority


class Assistant:
    """A support assistant: a system prompt, a trimmed history, streamed replies, tools, retries, a cost meter."""

    def __init__(
        self,
        client: OpenAI,
        model: str,
        tools: list[Callable[..., Any]] | None = None,
        *,
        system_prompt: str = SYSTEM_PROMPT,
        budget: int = 1000,
        max_steps: int = 5,
        max_attempts: int = 4,
        timeout: float = 30.0,
        sleep: Callable[[float], object] = time.sleep,
        **options: Any,
    ) -> None:
        # The assistant does its own retries (call_with_retries), so the SDK's are turned off: with both,
        # one call could make max_attempts x (max_retries + 1) requests. Every request gets ``timeout``.
        self.client = client.with_options(max_retries=0, timeout=timeout)
        self.model = model
        self.registry: dict[str, Callable[..., Any]] = {f.__name__: f for f in tools or []}
        self.system_prompt = system_prompt
        self.budget = budget
        self.max_steps = max_steps
        self.max_attempts = max_attempts
        self.sleep = sleep
        self.options = options
        self.history: list[dict] = []  # every message of the conversation, never trimmed (no system message)
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        self.calls = 0

    def transcript(self) -> str:
        """The conversation as text, one ``role: content`` line per user or assistant message. (Given.)"""
        return "\n".join(
            f"{m['role']}: {m['content']}"
            for m in self.history
            if m["role"] in ("user", "assistant") and m.get("content")
        )

    # -- your part -------------------------------------------------------------------------------------

    def context(self) -> list[dict]:
        system = {"role": "system", "content": self.system_prompt}
        return trim_history([system, *self.history], self.budget)

    def record_usage(self, usage: Any) -> None:
        self.calls += 1
        if usage is None:
            return
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            self.usage[name] += getattr(usage, name, 0) or 0

    @property
    def cost(self) -> float | None:
        try:
            return estimate_cost(self.usage, self.model)
        except ValueError:  # the price table does not know this model
            return None

    def call_model(
        self, messages: list[dict], on_token: Callable[[str], object] | None = None
    ) -> ChatCompletion:
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "stream_options": {"include_usage": True},
            **self.options,
        }
        if self.registry:
            request["tools"] = [function_to_tool(f) for f in self.registry.values()]

        shown = ""  # the text of this reply the user has seen, over every attempt
        text = ""  # the text of the current attempt

        def show(piece: str) -> None:
            nonlocal shown, text
            text += piece
            if shown.startswith(text) or on_token is None:
                return  # a retry repeating what is on the screen (or no screen)
            if not text.startswith(shown):  # a retry that says something else
                on_token(CUT_NOTICE)
                shown = ""
            on_token(text[len(shown) :])
            shown = text

        def attempt() -> ChatCompletion:
            nonlocal text
            text, finished = "", False
            with self.client.chat.completions.stream(**request) as stream:
                try:
                    for event in stream:
                        if event.type == "chunk":
                            finished = finished or any(c.finish_reason for c in event.chunk.choices)
                        elif event.type == "content.delta" and event.delta:
                            show(event.delta)
                except openai.APIError as err:
                    if isinstance(err, (openai.APIStatusError, openai.APIConnectionError)):
                        raise
                    raise IncompleteStream(
                        f"an error event in the middle of the stream: {err.message}"
                    ) from err
                if not finished:
                    raise IncompleteStream()
                return stream.get_final_completion()

        completion = call_with_retries(attempt, max_attempts=self.max_attempts, sleep=self.sleep)
        if on_token is not None and shown != text:  # the screen holds text the finished reply does not
            on_token(CUT_NOTICE + text)
        self.record_usage(completion.usage)
        return completion

    def ask(self, user_text: str, on_token: Callable[[str], object] | None = None) -> str:
        before = len(self.history)
        self.history.append({"role": "user", "content": user_text})
        try:
            for _ in range(self.max_steps):
                message = self.call_model(self.context(), on_token).choices[0].message
                self.history.append(assistant_to_dict(message))
                if not message.tool_calls:
                    return message.content or ""
                self.history.extend(execute_tool_calls(message, self.registry))
            raise StepLimitExceeded(self.max_steps, list(self.history))
        except BaseException:
            del self.history[before:]  # a failed turn leaves no half-answered question behind
            raise

    def extract_ticket(self) -> SupportTicket:
        if not self.transcript():
            raise ValueError("there is no conversation to turn into a ticket yet")
        messages = [
            {"role": "system", "content": TICKET_INSTRUCTIONS},
            {"role": "user", "content": self.transcript()},
        ]

        def attempt() -> ChatCompletion:
            return self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                response_format=strict_response_format(SupportTicket),
            )

        completion = call_with_retries(attempt, max_attempts=self.max_attempts, sleep=self.sleep)
        self.record_usage(completion.usage)
        return parse_reply(completion, SupportTicket)
