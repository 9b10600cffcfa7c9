"""Lab 7 · The Responses API: reference solution.

Same names and signatures as labs/lab07_responses.py; read that file for the contracts.
"""

from __future__ import annotations

import json
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


def _content(content: Any, role: str) -> Any:
    if not isinstance(content, list):
        return content
    kind = "output_text" if role == "assistant" else "input_text"
    return [{"type": kind, "text": part["text"]} for part in content]


def to_responses_request(messages: list[dict], tools: list[dict] | None = None) -> dict:
    instructions = [m["content"] for m in messages if m["role"] in ("system", "developer")]
    items: list[dict] = []
    for m in messages:
        role = m["role"]
        if role in ("system", "developer"):
            continue
        if role == "tool":
            items.append(
                {"type": "function_call_output", "call_id": m["tool_call_id"], "output": m["content"]}
            )
            continue
        calls = m.get("tool_calls") or []
        if not calls or m.get("content") not in (None, ""):
            items.append({"role": role, "content": _content(m.get("content"), role)})
        for call in calls:
            function = call["function"]
            items.append(
                {
                    "type": "function_call",
                    "call_id": call["id"],
                    "name": function["name"],
                    "arguments": function["arguments"],
                }
            )
    flat = [{"type": "function", **dict(tool["function"])} for tool in tools or []]
    return {
        "instructions": "\n\n".join(instructions) if instructions else None,
        "input": items,
        "tools": flat,
    }


def collect_response_stream(events: Iterable[Any]) -> ResponseStreamResult:
    result = ResponseStreamResult()
    texts: list[str] = []
    calls: dict[int, dict] = {}
    finished = False
    for event in events:
        kind = event.type
        if kind == "response.output_text.delta":
            texts.append(event.delta)
        elif kind == "response.output_item.added" and event.item.type == "function_call":
            calls[event.output_index] = {
                "call_id": event.item.call_id,
                "name": event.item.name,
                "arguments": "",
            }
        elif kind == "response.function_call_arguments.delta":
            calls[event.output_index]["arguments"] += event.delta
        elif kind == "response.function_call_arguments.done":
            calls[event.output_index]["arguments"] = event.arguments
        elif kind in ("response.completed", "response.incomplete"):
            result.usage = event.response.usage
            result.status = event.response.status
            finished = True
        elif kind == "response.failed":
            error = event.response.error
            raise ResponseFailed(f"the response failed: {error.message if error else 'no reason given'}")
    if not finished:
        raise ResponseFailed("the stream ended before the response was complete")
    result.text = "".join(texts)
    result.tool_calls = [calls[i] for i in sorted(calls)]
    return result


def chat_with_state(
    client: OpenAI, model: str, turns: list[str], instructions: str | None = None
) -> list[str]:
    replies: list[str] = []
    previous: str | None = None
    for turn in turns:
        options: dict[str, Any] = {}
        if previous is not None:
            options["previous_response_id"] = previous
        if instructions is not None:
            options["instructions"] = instructions
        response = client.responses.create(model=model, input=turn, **options)
        replies.append(response.output_text)
        previous = response.id
    return replies


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
    options = {**options, "tools": tools}
    if instructions is not None:
        options["instructions"] = instructions
    response = client.responses.create(model=model, input=user_text, **options)
    for step in range(1, max_steps + 1):
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return response.output_text
        if step == max_steps:
            raise StepLimitExceeded(max_steps)
        outputs = [
            {
                "type": "function_call_output",
                "call_id": call.call_id,
                "output": json.dumps(registry[call.name](**json.loads(call.arguments))),
            }
            for call in calls
        ]
        response = client.responses.create(
            model=model, input=outputs, previous_response_id=response.id, **options
        )
    raise StepLimitExceeded(max_steps)  # not reached: the loop returns or raises
