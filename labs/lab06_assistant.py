"""Lab 6 · Capstone: assemble a customer-support assistant from your earlier labs.

Notebook: notebooks/06_capstone.ipynb. Check your work with:

    make check LAB=6          (or: python -m course check 6)

Almost nothing here is new: every method is a few lines that call what you wrote in labs 1 to 5,
imported below. The one new piece is lesson 5's rule for streams, in ``call_model``: a stream without
a ``finish_reason`` is incomplete, so retry it, show the user no text twice, and never store it. The
class and its ``__init__`` are given; fill in the five methods and the ``cost`` property marked "your
part" (replace each ``raise NotImplementedError``). If a test fails inside an earlier lab's function
(a NotImplementedError from lab01..lab05), finish that lab first.

One turn of the assistant, ``ask("Where is my order A1001?")``::

    history += user message
    repeat (at most max_steps times):
        call_model(context())            context(): system prompt + the newest turns that fit the budget
            └─ call_with_retries( stream the reply with the tools on offer )   lab 5 + lab 2 + lab 4
                  no finish_reason -> IncompleteStream (retried; no text shown twice)   lesson 5
            └─ record_usage(completion.usage)                                   lab 1
        history += the assistant message (assistant_to_dict)                    lab 4
        no tool calls? -> return its text
        history += one tool message per call (execute_tool_calls)               lab 4
    still asking for tools -> raise StepLimitExceeded

``extract_ticket()`` then turns the conversation into a validated ``SupportTicket`` (lab 3).
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

# Your own functions from the earlier labs (relative imports: labs/lab01_messages.py, ...).
from .lab01_messages import estimate_cost, trim_history  # noqa: F401
from .lab03_structured import StructuredOutputError, parse_reply, strict_response_format  # noqa: F401
from .lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls, function_to_tool  # noqa: F401
from .lab05_errors import call_with_retries  # noqa: F401

SYSTEM_PROMPT = (
    "You are the customer-support assistant of Brewster's, an online shop for coffee gear. "
    "Be friendly and brief. Use the tools to look up orders and stock; never guess an order's status. "
    "Answer only from the tool results; when they don't say, say that you don't know."
)

# What ``call_model`` shows the user when a retried stream says something else than the text already shown.
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
    """A support assistant: a system prompt, a trimmed history, streamed replies, tools, retries, a cost meter.

    ``__init__`` and ``transcript`` are given. What ``__init__`` keeps, for your methods to use:

    * ``self.client``: the client, with the SDK's own retries off and ``timeout`` on every request;
    * ``self.model``, ``self.system_prompt``, ``self.budget`` (tokens for the context, lab 1's count),
      ``self.max_steps`` (model requests per turn), ``self.max_attempts`` and ``self.sleep`` (for
      ``call_with_retries``), ``self.options`` (extra request options, e.g. ``temperature=0``);
    * ``self.registry``: tool name -> the Python function (``tools`` is a list of plain functions with
      type hints and docstrings, as in lab 4);
    * ``self.history``: the whole conversation (user, assistant and tool messages; no system message);
    * ``self.usage`` (prompt, completion and total tokens so far) and ``self.calls`` (responses so far).
    """

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
        """The messages to send now: the system prompt, then the newest whole turns that fit ``self.budget``.

        Contract:
        * the first message is ``{"role": "system", "content": self.system_prompt}``, always;
        * then the newest turns of ``self.history`` (a turn: a user message and everything after it,
          tool calls and results included) whose tokens, with the system message, fit in ``self.budget``
          (counted as lab 1 counts them); older turns are left out of the request, not deleted from
          ``self.history``;
        * returns a new list: ``self.history`` itself is never changed.

        Hint: this is one call of your lab 1 ``trim_history``.
        """
        raise NotImplementedError("context: the system prompt plus the newest turns that fit the budget")

    def record_usage(self, usage: Any) -> None:
        """Add one response's ``usage`` to the meter.

        Contract:
        * ``self.calls`` goes up by one for every response, ``usage`` or not;
        * ``usage`` (an SDK ``CompletionUsage``: ``.prompt_tokens``, ``.completion_tokens``,
          ``.total_tokens``) is ADDED to the three counts in ``self.usage``, so that they add up over
          every request: each step of a tool loop and the ticket extraction are requests too;
        * ``None`` (a provider that sent no usage) adds no tokens.
        """
        raise NotImplementedError("record_usage: count the call and add the tokens")

    @property
    def cost(self) -> float | None:
        """Dollars spent so far: ``self.usage`` priced with lab 1's ``estimate_cost`` for ``self.model``.

        ``None`` when the price table does not know the model (``estimate_cost`` raises ValueError).
        """
        raise NotImplementedError("cost: estimate_cost of self.usage, None for an unknown model")

    def call_model(
        self, messages: list[dict], on_token: Callable[[str], object] | None = None
    ) -> ChatCompletion:
        """One request to the model: streamed, with the tools on offer, retried, and metered.

        Contract:
        * the request: ``model=self.model``, ``messages``, streamed, with
          ``stream_options={"include_usage": True}`` (a streamed response has no usage otherwise),
          ``**self.options``, and ``tools=[function_to_tool(f) for f in self.registry.values()]``
          when there are tools (no ``tools`` key at all when there are none: an empty list is a 400);
        * each piece of reply text goes to ``on_token(piece)`` as it arrives (when ``on_token`` is given);
        * the whole request is retried with your lab 5 ``call_with_retries``, with
          ``max_attempts=self.max_attempts`` and ``sleep=self.sleep``: a 429 is tried again, a 400 is not;
        * a stream that breaks after it started is incomplete (lesson 5, section 5), and is retried too:
          - it ends without any chunk carrying a ``finish_reason`` (cut): raise ``IncompleteStream()``
            inside the retried function, BEFORE ``get_final_completion()`` (which would assemble a half
            reply, or fail on half a tool call's arguments);
          - an error event in the middle (the SDK raises a bare ``openai.APIError``, neither an
            ``APIStatusError`` nor an ``APIConnectionError``): raise ``IncompleteStream`` from it;
          - a dropped connection raises ``openai.APIConnectionError`` by itself: let it through;
        * across attempts the user sees each piece of text once: when a retry sends again text that
          ``on_token`` already got, don't pass it on; pass on only what goes beyond it. If the retry says
          something else (a sampling model words it differently), call ``on_token(CUT_NOTICE)`` and then
          pass on the new attempt's text from its start (likewise when the finished reply turns out
          shorter than the text already shown: ``CUT_NOTICE`` and then the whole reply);
        * only a finished stream is returned: its usage is recorded (``record_usage``), and the
          completion is returned: ``completion.choices[0].message`` has ``.content`` and ``.tool_calls``.
          When every attempt breaks, the last error propagates (``ask`` then rolls the turn back).

        Hints: the SDK's stream helper does the assembling for you::

            with self.client.chat.completions.stream(model=..., messages=..., ...) as stream:
                for event in stream:
                    if event.type == "content.delta":
                        ...  # event.delta is the new text
                completion = stream.get_final_completion()   # a ChatCompletion, usage included

        Put that in a small function ``attempt()`` and pass it to ``call_with_retries``. The stream's
        ``event.type == "chunk"`` events carry the raw chunks: ``any(c.finish_reason for c in
        event.chunk.choices)`` tells whether the stream finished. For the screen, keep two strings outside
        ``attempt()``: ``shown`` (what on_token got so far) and ``text`` (this attempt's text, reset at the
        start of each attempt); on each delta, ``text += delta``, and pass on ``text[len(shown):]`` only
        when ``text`` goes beyond ``shown`` (``nonlocal`` lets ``attempt()`` change them).
        """
        raise NotImplementedError(
            "call_model: stream with tools, inside call_with_retries, then record the usage"
        )

    def ask(self, user_text: str, on_token: Callable[[str], object] | None = None) -> str:
        """One turn of the conversation: the agent loop. Returns the assistant's final text.

        Contract:
        * append ``{"role": "user", "content": user_text}`` to ``self.history``;
        * then at most ``self.max_steps`` times: ``call_model(self.context(), on_token)`` (the context
          is built again at every step, so it holds the tool results so far), append the assistant
          message to ``self.history`` (lab 4's ``assistant_to_dict``); if it has no tool calls, return
          its text; otherwise run them (lab 4's ``execute_tool_calls`` with ``self.registry``) and
          append the tool messages;
        * still asking for tools after ``self.max_steps`` requests: raise ``StepLimitExceeded``;
        * if the turn fails (any exception, StepLimitExceeded included), put ``self.history`` back as it
          was before the turn and re-raise: the next question must not carry a half-finished turn.

        Hint: ``before = len(self.history)`` and ``del self.history[before:]`` in an ``except``.
        """
        raise NotImplementedError("ask: the agent loop over call_model, with a step limit")

    def extract_ticket(self) -> SupportTicket:
        """Turn the conversation into a validated ``SupportTicket`` (structured output).

        Contract:
        * no conversation yet (``self.transcript()`` is empty): raise ValueError, without a request;
        * one request (not streamed, no tools): ``model=self.model`` (no ``temperature`` of its own: a
          reasoning model accepts only the default while it reasons; the strict schema fixes the shape), messages
          ``[{"role": "system", "content": TICKET_INSTRUCTIONS}, {"role": "user", "content": self.transcript()}]``
          and a STRICT json_schema ``response_format`` for ``SupportTicket`` (lab 3's
          ``strict_response_format``);
        * retried like ``call_model`` (``call_with_retries``) and metered (``record_usage``);
        * the reply is checked and validated with lab 3's ``parse_reply``: a refusal or a reply that is
          not a valid ticket raises ``StructuredOutputError``; return the ``SupportTicket``.
        """
        raise NotImplementedError("extract_ticket: a strict schema, retries, the meter, and parse_reply")
