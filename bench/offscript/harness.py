"""Running one experiment as a learner's notebook cell would: the unmodified SDK, a history, live turns, and
tools answered with canned results.

An experiment sends its prebuilt ``history`` (messages for Chat Completions, input items for the Responses
API) and then each of its ``turns`` as a new user message, appending every reply to the history as lesson 01
teaches. When a reply asks for tools and every tool it names has a canned result, the harness answers each
call (a ``tool`` message, or a ``function_call_output`` item) and asks again, as lesson 04's agent loop does,
up to ``max_steps`` requests per turn. A call to a tool without a canned result, or a call repeating one
already answered in the same turn, ends the turn: the judge sees it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openai
from pydantic import BaseModel

from .judge import Verdict


@dataclass
class Experiment:
    """One learner experiment: the request(s) as data, and the predicate that classifies the answer."""

    id: str
    group: str
    judge: Callable[[Run], Verdict]
    api: str = "chat"  # "chat" (Chat Completions) or "responses"
    history: list[dict] = field(default_factory=list)
    turns: list[str] = field(default_factory=list)
    tools: list[dict] | None = None  # Chat Completions shape; converted to the flat shape for Responses
    tool_choice: Any = None
    response_format: Any = None  # a dict (json_schema / json_object) or a pydantic class (then .parse())
    results: dict[str, Any] = field(default_factory=dict)  # tool name -> result, or callable(arguments)
    options: dict[str, Any] = field(default_factory=dict)  # other parameters of create()
    chain: bool = False  # Responses: continue with previous_response_id instead of resending the history
    real_model: bool = True  # would a small real model (gpt-6-luna class) get this right?
    note: str = ""  # what a real model does here, in a few words
    max_steps: int = 4


@dataclass
class Call:
    name: str
    arguments: str
    args: dict | None  # the arguments parsed, or None if they were not a JSON object
    id: str = ""

    def __str__(self) -> str:
        return f"{self.name}({self.arguments})"


@dataclass
class Reply:
    text: str | None = None
    calls: list[Call] = field(default_factory=list)
    refusal: str | None = None
    finish: str | None = None
    data: Any = None  # the structured output, parsed (dict), when the request asked for one
    raw: Any = None  # the message / output items as JSON, for the report


@dataclass
class Run:
    turns: list[list[Reply]] = field(default_factory=list)
    history_calls: list[Call] = field(default_factory=list)  # calls already in the prebuilt history
    user_texts: list[str] = field(
        default_factory=list
    )  # what the user wrote: a reply quoting it is no answer
    error: str | None = None  # an API error (4xx/5xx): the "error" bucket
    exception: str | None = None  # anything else that went wrong while reading the answer

    @property
    def replies(self) -> list[Reply]:
        return [r for turn in self.turns for r in turn]

    @property
    def last(self) -> Reply:
        return self.replies[-1] if self.replies else Reply()

    def first(self, turn: int = -1) -> Reply:
        """The first reply to a user turn (before any tool result came back)."""
        replies = self.turns[turn] if self.turns else []
        return replies[0] if replies else Reply()

    def calls(self, turn: int = -1) -> list[Call]:
        """Every call made while answering one user turn, across the agent loop's steps."""
        return [c for r in (self.turns[turn] if self.turns else []) for c in r.calls]


def _loads(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return None


def _result_text(exp: Experiment, call: Call) -> str:
    value = exp.results[call.name]
    if callable(value):
        value = value(call.args or {})
    return value if isinstance(value, str) else json.dumps(value)


def _is_pydantic(fmt: Any) -> bool:
    return isinstance(fmt, type) and issubclass(fmt, BaseModel)


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json") if model is not None else None


# --- Chat Completions ---------------------------------------------------------------------------------------


def _chat_request(client: openai.OpenAI, model: str, exp: Experiment, messages: list[dict]) -> Reply:
    kwargs: dict[str, Any] = {"model": model, "messages": messages, **exp.options}
    if exp.tools:
        kwargs["tools"] = exp.tools
    if exp.tool_choice is not None:
        kwargs["tool_choice"] = exp.tool_choice
    if _is_pydantic(exp.response_format):
        completion = client.chat.completions.parse(response_format=exp.response_format, **kwargs)
    else:
        if exp.response_format is not None:
            kwargs["response_format"] = exp.response_format
        completion = client.chat.completions.create(**kwargs)
    choice = completion.choices[0]
    message = choice.message
    calls = [
        Call(c.function.name, c.function.arguments, _loads(c.function.arguments), c.id)
        for c in message.tool_calls or []
    ]
    if _is_pydantic(exp.response_format):
        data = _dump(getattr(message, "parsed", None))
    else:
        data = _loads(message.content) if exp.response_format is not None else None
    return Reply(
        message.content,
        calls,
        message.refusal,
        choice.finish_reason,
        data,
        message.model_dump(mode="json", exclude_none=True, warnings=False),
    )


def _chat_entry(reply: Reply) -> dict:
    entry: dict[str, Any] = {"role": "assistant", "content": reply.text}
    if reply.calls:
        entry["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in reply.calls
        ]
    return entry


def _run_chat(client: openai.OpenAI, model: str, exp: Experiment, run: Run) -> None:
    messages = list(exp.history)
    for text in exp.turns or [None]:
        if text is not None:
            messages.append({"role": "user", "content": text})
        replies: list[Reply] = []
        run.turns.append(replies)
        answered: set[tuple[str, str]] = set()
        for _ in range(exp.max_steps):
            reply = _chat_request(client, model, exp, messages)
            replies.append(reply)
            messages.append(_chat_entry(reply))
            if not _answer_calls(exp, reply, answered):
                break
            for call in reply.calls:
                messages.append({"role": "tool", "tool_call_id": call.id, "content": _result_text(exp, call)})


def _answer_calls(exp: Experiment, reply: Reply, answered: set[tuple[str, str]]) -> bool:
    """Whether the harness answers this reply's calls: every tool has a canned result and no call repeats."""
    if not reply.calls or not all(c.name in exp.results for c in reply.calls):
        return False
    keys = {(c.name, json.dumps(c.args, sort_keys=True)) for c in reply.calls}
    if keys & answered:
        return False
    answered |= keys
    return True


# --- Responses API ------------------------------------------------------------------------------------------


def flat_tool(tool: dict) -> dict:
    """Lesson 07: the same tool for the Responses API, flat (no nested "function")."""
    return {"type": "function", **tool["function"]} if "function" in tool else tool


def flat_format(fmt: dict) -> dict:
    """Lesson 07: ``response_format`` becomes ``text.format``, with the json_schema's fields one level up."""
    if fmt.get("type") == "json_schema":
        return {"type": "json_schema", **fmt["json_schema"]}
    return fmt


def _responses_request(client: openai.OpenAI, model: str, exp: Experiment, items: list, previous: str | None):
    kwargs: dict[str, Any] = {"model": model, "input": items, **exp.options}
    if exp.tools:
        kwargs["tools"] = [flat_tool(t) for t in exp.tools]
    if exp.tool_choice is not None:
        kwargs["tool_choice"] = exp.tool_choice
    if previous:
        kwargs["previous_response_id"] = previous
    if _is_pydantic(exp.response_format):
        response = client.responses.parse(text_format=exp.response_format, **kwargs)
    else:
        if exp.response_format is not None:
            kwargs["text"] = {"format": flat_format(exp.response_format)}
        response = client.responses.create(**kwargs)
    calls = [
        Call(item.name, item.arguments, _loads(item.arguments), item.call_id)
        for item in response.output
        if item.type == "function_call"
    ]
    refusal = next(
        (
            part.refusal
            for item in response.output
            if item.type == "message"
            for part in item.content
            if part.type == "refusal"
        ),
        None,
    )
    text = response.output_text or None
    if _is_pydantic(exp.response_format):
        data = _dump(getattr(response, "output_parsed", None))
    else:
        data = _loads(text) if exp.response_format is not None else None
    raw = [item.model_dump(mode="json", exclude_none=True, warnings=False) for item in response.output]
    return response, Reply(text, calls, refusal, response.status, data, raw)


def _run_responses(client: openai.OpenAI, model: str, exp: Experiment, run: Run) -> None:
    items: list = list(exp.history)  # everything sent so far (resend mode)
    new: list = list(exp.history)  # what the next request sends in chain mode
    previous: str | None = None
    for text in exp.turns or [None]:
        if text is not None:
            message = {"role": "user", "content": text}
            items.append(message)
            new.append(message)
        replies: list[Reply] = []
        run.turns.append(replies)
        answered: set[tuple[str, str]] = set()
        for _ in range(exp.max_steps):
            response, reply = _responses_request(client, model, exp, new if exp.chain else items, previous)
            replies.append(reply)
            previous = response.id if exp.chain else None
            items.extend(response.output)
            new = []
            if not _answer_calls(exp, reply, answered):
                break
            for call in reply.calls:
                output = {
                    "type": "function_call_output",
                    "call_id": call.id,
                    "output": _result_text(exp, call),
                }
                items.append(output)
                new.append(output)


def history_calls(history: list[dict]) -> list[Call]:
    """The tool calls a prebuilt history already holds (Chat ``tool_calls`` or Responses ``function_call``)."""
    calls = []
    for entry in history:
        for c in entry.get("tool_calls") or []:
            calls.append(
                Call(
                    c["function"]["name"],
                    c["function"]["arguments"],
                    _loads(c["function"]["arguments"]),
                    c.get("id", ""),
                )
            )
        if entry.get("type") == "function_call":
            calls.append(
                Call(entry["name"], entry["arguments"], _loads(entry["arguments"]), entry.get("call_id", ""))
            )
    return calls


def run_experiment(client: openai.OpenAI, model: str, exp: Experiment) -> Run:
    """Send the experiment's requests; an API error ends the run in the "error" bucket, never the bench."""
    said = [
        m["content"] for m in exp.history if m.get("role") == "user" and isinstance(m.get("content"), str)
    ]
    run = Run(history_calls=history_calls(exp.history), user_texts=[*said, *exp.turns])
    try:
        (_run_responses if exp.api == "responses" else _run_chat)(client, model, exp, run)
    except openai.APIStatusError as err:
        message = err.body.get("message") if isinstance(err.body, dict) else str(err)
        run.error = f"{err.status_code} {message}"
    except openai.APIError as err:
        run.error = f"{type(err).__name__}: {err}"
    except Exception as err:  # e.g. .parse() rejecting a reply that does not fit the class
        run.exception = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    return run
