"""Lab 7 · The Responses API: the same moves, in the newer wire format.

Fill in the four functions below (replace each ``raise NotImplementedError``).
Check your work with:

    make check LAB=7          (or: python -m course check 7)

Chat Completions and the Responses API, side by side::

    Chat Completions                               Responses API
    messages=[{"role": "system", ...}, ...]        instructions="...", input="..." or [items]
    choices[0].message.content                     response.output_text (output: a list of items)
    assistant message with tool_calls=[...]        {"type": "function_call", "call_id", "name", "arguments"}
    {"role": "tool", "tool_call_id", "content"}    {"type": "function_call_output", "call_id", "output"}
    tools=[{"type": "function", "function": {...}}] tools=[{"type": "function", "name", "parameters", ...}]
    stateless: resend the whole history            store=True + previous_response_id=... (you still pay for it)
    chunks with choices[0].delta                   typed events: response.output_text.delta, ...

Everything here takes an ``OpenAI`` client (or what it returned), so it works against the
course's stub and against any provider that serves ``/v1/responses``.
"""

from __future__ import annotations

import json  # noqa: F401  (you will want it)
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from openai import OpenAI
from openai.types.responses import ResponseUsage


class ResponseFailed(RuntimeError):
    """A streamed response that did not finish. (Given: raise it, don't change it.)"""


class StepLimitExceeded(RuntimeError):
    """The model still asked for tools after ``max_steps`` calls. (Given: raise it, don't change it.)"""

    def __init__(self, max_steps: int) -> None:
        super().__init__(f"the model still wanted tools after {max_steps} steps")
        self.max_steps = max_steps


@dataclass
class ResponseStreamResult:
    """What a whole Responses stream adds up to. (Given: you fill it in, you don't need to change it.)"""

    text: str = ""  # the full text of the reply ("" when the model only called tools)
    tool_calls: list[dict] = field(default_factory=list)  # [{"call_id", "name", "arguments"}, ...] in order
    usage: ResponseUsage | None = None  # from the final response
    status: str = ""  # "completed" or "incomplete" (max_output_tokens cut the text short)


def to_responses_request(messages: list[dict], tools: list[dict] | None = None) -> dict:
    """Translate a Chat Completions ``messages`` list (and ``tools``) into Responses API arguments.

    Return ``{"instructions": ..., "input": [...], "tools": [...]}``, ready for
    ``client.responses.create(model=..., **result)``.

    Contract:
    * ``instructions``: the ``content`` of every ``system`` and ``developer`` message, in order, joined
      with a blank line (``"\\n\\n"``); ``None`` when there are none. They do not appear in ``input``.
    * ``input``: every other message, in order, as items:
      - a ``user`` message: ``{"role": "user", "content": <its content>}``;
      - an ``assistant`` message with text: ``{"role": "assistant", "content": <its content>}``;
      - content that is a string stays that string; content that is a list of text parts
        ``{"type": "text", "text": t}`` becomes a list of ``{"type": "input_text", "text": t}`` parts
        (``"output_text"`` in an assistant message): the Responses API names its parts by direction;
      - an ``assistant`` message with ``tool_calls``: first its text as above if it has any (not None,
        not ""), then ONE item per call, in order:
        ``{"type": "function_call", "call_id": <call id>, "name": <function name>, "arguments": <arguments string>}``;
      - a ``tool`` message: ``{"type": "function_call_output", "call_id": <its tool_call_id>, "output": <its content>}``.
    * ``tools`` (``[]`` when ``tools`` is None): each Chat tool
      ``{"type": "function", "function": {"name", "description", "parameters", "strict"}}`` flattened to
      ``{"type": "function", "name", "description", "parameters", "strict"}``, with only the keys the
      ``function`` object has.
    * Don't change the caller's lists or dicts.

    Hints: messages and tools here are plain dicts (``m["role"]``, ``m.get("tool_calls")``); a call looks like
    ``{"id": "call_...", "type": "function", "function": {"name": "...", "arguments": "{...}"}}``.
    """
    raise NotImplementedError(
        "to_responses_request: messages -> instructions + input items; flatten the tools"
    )


def collect_response_stream(events: Iterable[Any]) -> ResponseStreamResult:
    """Read a whole Responses stream (``client.responses.create(..., stream=True)``) and assemble it.

    Contract:
    * ``text``: every ``response.output_text.delta`` event's ``delta``, joined in order.
    * ``tool_calls``: one ``{"call_id", "name", "arguments"}`` dict per function call the model made, in
      the order of their ``output_index``; ``arguments`` is the complete JSON string (the
      ``response.function_call_arguments.done`` event has it, or join the ``...delta`` events).
    * ``usage`` and ``status``: from the ``response`` of the terminal event, ``response.completed``
      (status "completed") or ``response.incomplete`` (status "incomplete": ``max_output_tokens`` cut it).
    * a ``response.failed`` event: raise ``ResponseFailed`` with the failed response's
      ``error.message`` in its message.
    * a stream that ends without any of these terminal events (a dropped connection, a cut stream):
      raise ``ResponseFailed`` too; a half-read answer must not pass for a whole one.

    Hints: every event has a ``type``; ``event.item`` of ``response.output_item.added``/``.done`` is the
    output item (``item.type == "function_call"`` has ``call_id``, ``name``, ``arguments``); events you
    don't need (``response.created``, ``response.content_part.added``, ...) are simply skipped.
    """
    raise NotImplementedError("collect_response_stream: assemble text, tool calls, usage and status")


def chat_with_state(
    client: OpenAI, model: str, turns: list[str], instructions: str | None = None
) -> list[str]:
    """A multi-turn chat where the SERVER keeps the conversation: send each turn once, never resend history.

    Contract:
    * one ``client.responses.create`` per turn, in order, returning the replies (``output_text``) in order;
    * each request's ``input`` is that turn's text only (a string);
    * the first request has no ``previous_response_id``; every later one has the ``id`` of the response
      just before it (a chain, not a star: turn 3 continues from turn 2, not from turn 1);
    * ``instructions`` (when given) are sent with EVERY request: the API does not carry them over from
      the previous response.

    The model still reads the whole conversation on every turn, and ``usage.input_tokens`` counts all
    of it: the server saves you the resending, not the tokens.
    """
    raise NotImplementedError("chat_with_state: chain the turns with previous_response_id")


def run_tool_loop(
    client: OpenAI,
    model: str,
    user_text: str,
    tools: list[dict],
    registry: dict[str, Callable[..., Any]],
    *,
    instructions: str | None = None,
    max_steps: int = 5,
    **options: Any,
) -> str:
    """The tool loop on the Responses API, with the conversation kept on the server.

    ``tools`` are Responses-shaped (flat) function tools; ``registry`` maps each tool's name to a Python
    function taking the tool's arguments as keyword arguments.

    Contract:
    * the first request: ``input=user_text``, ``tools=tools`` (and ``instructions`` when given);
    * while the response's ``output`` has ``function_call`` items: run EACH one
      (``registry[item.name](**json.loads(item.arguments))``), and send the next request with
      ``previous_response_id`` = that response's ``id`` and ``input`` = one
      ``{"type": "function_call_output", "call_id": item.call_id, "output": json.dumps(result)}`` per
      call, in the order of the calls; nothing else in ``input`` (the server has the rest);
    * ``tools`` and ``instructions`` go with every request (neither is carried over);
    * when a response has no function call, return its ``output_text``;
    * at most ``max_steps`` requests: if the last one still asked for tools, raise
      ``StepLimitExceeded(max_steps)``;
    * ``options`` go to every request unchanged (e.g. ``tool_choice``, ``temperature``).
    """
    raise NotImplementedError("run_tool_loop: call, run the function calls, send their outputs, repeat")
