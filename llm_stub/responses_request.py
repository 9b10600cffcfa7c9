"""Validate a Responses API request body (``POST /v1/responses``) and translate it into a ``ChatRequest``.

One brain, two wire formats: the Responses endpoint does not generate anything
itself. It checks the body the way the real endpoint does, turns ``input`` items
(plus ``instructions`` and the stored conversation behind ``previous_response_id``)
into chat ``messages``, the flat function tools into chat tools, ``text.format``
into ``response_format``, ``reasoning.effort`` into ``reasoning_effort`` and
``max_output_tokens`` into ``max_completion_tokens``, and hands the result to
``pipeline.run``. A 400 raised by the shared chat checks is renamed back into the
Responses vocabulary (``messages[2]`` -> ``input[1]``, ``response_format.json_schema.name``
-> ``text.format.name``, ...) by ``to_responses_error``, so the learner reads the
parameter names they actually sent.

Sources for shapes and messages: the SDK's ``openai.types.responses.response_create_params``
(the parameter set), ``../shared/openai-openapi.json`` (``CreateResponse``, ``InputItem``,
``FunctionTool``, ``TextResponseFormatJsonSchema``, ``ToolChoiceFunction``), the recorded
live responses in openai-python's ``tests/lib/responses/test_responses.py``. Error texts the
real API is known to send (from public bug reports): "Previous response with id '...' not
found." / ``previous_response_not_found`` (bigduu/Bamboo-agent#513, maximhq/bifrost#2441),
"No tool output found for function call ...", "No tool call found for function call output
with call_id ...". Features the stub deliberately leaves out (built-in tools, background mode,
the conversations API, reusable prompts) are refused with a 400 that says so, never ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openai.types.responses import response_create_params

from .catalog import EFFORTS
from .errors import StubError, invalid
from .request import (
    ChatRequest,
    bounded,
    check_tool_choice_mode,
    described_type,
    expect,
    expect_body_object,
    missing,
    parse_chat_request,
    typed_object,
)

KNOWN_PARAMS = frozenset(response_create_params.ResponseCreateParamsBase.__annotations__) | {"stream"}

# Chat Completions parameters a learner may carry over by habit: the real API names the new home.
MOVED = {
    "response_format": "text.format",
    "max_tokens": "max_output_tokens",
    "max_completion_tokens": "max_output_tokens",
    "reasoning_effort": "reasoning.effort",
    "messages": "input",
}

# Accepted and echoed, but with no effect on the stub's output.
IGNORED = frozenset(
    {
        "include",
        "metadata",
        "user",
        "safety_identifier",
        "prompt_cache_key",
        "prompt_cache_retention",
        "prompt_cache_options",
        "service_tier",
        "top_logprobs",
        "truncation",
        "stream_options",
        "max_tool_calls",
    }
)

# What the stub deliberately does not implement, each refused with a clear 400.
REFUSED = {
    "background": "background mode (`background: true`: poll for the result later)",
    "conversation": "the Conversations API (`conversation`); chain turns with `previous_response_id` instead",
    "prompt": "reusable prompts (`prompt`, stored in the OpenAI dashboard)",
    "context_management": "server-side context management (`context_management`)",
    "background_options": "background mode (`background_options`)",
    "image": "image generation options (`image`)",
    "moderation": "moderated completions (`moderation`)",
    "access_programs": "`access_programs`",
}

BUILT_IN_TOOLS = (
    "web_search",
    "web_search_preview",
    "file_search",
    "code_interpreter",
    "computer_use_preview",
    "computer",
    "image_generation",
    "mcp",
    "local_shell",
    "shell",
    "apply_patch",
    "custom",
    "tool_search",
    "namespace",
)

INPUT_ROLES = ("user", "assistant", "system", "developer")
REASONING_EFFORTS = (
    EFFORTS  # the SDK's ReasoningEffort (S1), "max" included; which a model takes: model_rules
)


def unsupported(what: str, param: str) -> StubError:
    return StubError(
        400,
        f"The course's stub does not implement {what}. The real Responses API does; this stub only "
        "generates text, JSON and calls to your own function tools.",
        param=param,
        code="unsupported_parameter",
    )


@dataclass
class ResponsesRequest:
    """A validated Responses request and its chat translation."""

    body: dict
    chat: ChatRequest
    input_items: list[dict]  # this request's input, as items in the Responses shape (for input_items)
    context: list[dict]  # the chat messages of the conversation so far, without instructions
    instructions: str | None = None
    previous_response_id: str | None = None
    store: bool = True
    stream: bool = False
    tools: list[dict] = field(default_factory=list)  # the flat Responses tools, as sent
    # where each chat message came from, for renaming the chat checks' params: chat index -> "input[i]"
    origin: list[str] = field(default_factory=list)

    @property
    def echo(self) -> dict:
        """The request fields a Response object repeats back."""
        b = self.body
        fmt = (b.get("text") or {}).get("format") or {"type": "text"}
        reasoning = b.get("reasoning") or {}
        return {
            "instructions": self.instructions,
            "max_output_tokens": b.get("max_output_tokens"),
            "parallel_tool_calls": True if b.get("parallel_tool_calls") is None else b["parallel_tool_calls"],
            "previous_response_id": self.previous_response_id,
            "reasoning": {"effort": reasoning.get("effort"), "summary": reasoning.get("summary")},
            "store": self.store,
            "temperature": 1.0 if b.get("temperature") is None else b["temperature"],
            "text": {"format": fmt, "verbosity": (b.get("text") or {}).get("verbosity") or "medium"},
            "tool_choice": b.get("tool_choice") or "auto",
            "tools": [_echo_tool(t) for t in self.tools],
            "top_p": 1.0 if b.get("top_p") is None else b["top_p"],
            "metadata": b.get("metadata") or {},
            "service_tier": "default",
            "top_logprobs": b.get("top_logprobs") or 0,
            "truncation": b.get("truncation") or "disabled",
            "max_tool_calls": b.get("max_tool_calls"),
            # strings in the OpenAPI schema (not nullable): echoed only when sent
            **{k: b[k] for k in ("user", "safety_identifier", "prompt_cache_key") if b.get(k) is not None},
        }


def _echo_tool(tool: dict) -> dict:
    return {
        "type": "function",
        "name": tool["name"],
        "description": tool.get("description"),
        "parameters": tool.get("parameters"),
        "strict": tool.get("strict"),
    }


# ---------------------------------------------------------------------------------------------- input


def _text_of_parts(parts: list, param: str, allowed: tuple[str, ...]) -> list[dict]:
    """Check a content list; return it as chat text parts."""
    out = []
    for j, part in enumerate(parts):
        p = f"{param}[{j}]"
        kind = typed_object(part, p)
        if kind in ("input_image", "input_file", "input_audio"):
            raise unsupported(f"`{kind}` content (the stub reads text only)", f"{p}.type")
        if kind not in allowed:
            supported = ", ".join(f"'{a}'" for a in allowed)
            raise invalid(
                f"Invalid value: '{kind}'. Supported values are: {supported}.", f"{p}.type", "invalid_value"
            )
        key = "refusal" if kind == "refusal" else "text"
        if key not in part:
            raise missing(f"{p}.{key}")
        expect(part[key], "string", f"{p}.{key}")
        out.append({"type": "text", "text": part[key]})
    return out


def _message(item: dict, param: str) -> dict:
    if "role" not in item:
        raise missing(f"{param}.role")
    role = item["role"]
    if role not in INPUT_ROLES:
        supported = ", ".join(f"'{r}'" for r in INPUT_ROLES[:-1]) + f", and '{INPUT_ROLES[-1]}'"
        raise invalid(
            f"Invalid value: '{role}'. Supported values are: {supported}.", f"{param}.role", "invalid_value"
        )
    if "content" not in item:
        raise missing(f"{param}.content")
    content = item["content"]
    if isinstance(content, str):
        return {"role": role, "content": content}
    if not isinstance(content, list):
        raise invalid(
            f"Invalid type for '{param}.content': expected one of a string or array of objects, but got "
            f"{described_type(content)} instead.",
            f"{param}.content",
            "invalid_type",
        )
    if role == "assistant":
        allowed = ("output_text", "refusal", "input_text")
    else:
        allowed = ("input_text",)
    parts = _text_of_parts(content, f"{param}.content", allowed)
    refusals = [p for p in content if isinstance(p, dict) and p.get("type") == "refusal"]
    if role == "assistant" and refusals and len(refusals) == len(content):
        return {"role": "assistant", "content": None, "refusal": "".join(p["refusal"] for p in refusals)}
    return {"role": role, "content": "".join(p["text"] for p in parts) if role == "assistant" else parts}


def _string_field(item: dict, key: str, param: str) -> str:
    if key not in item or item[key] is None:
        raise missing(f"{param}.{key}")
    return expect(item[key], "string", f"{param}.{key}")


def translate_input(raw: Any, *, param: str = "input") -> tuple[list[dict], list[dict], list[str]]:
    """``input`` (a string or a list of items) as (chat messages, Responses-shaped items, origin of each message)."""
    if isinstance(raw, str):
        item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": raw}]}
        return [{"role": "user", "content": raw}], [item], [param]
    if not isinstance(raw, list):
        raise invalid(
            f"Invalid type for '{param}': expected one of a string or array of input items, but got "
            f"{described_type(raw)} instead.",
            param,
            "invalid_type",
        )
    messages: list[dict] = []
    items: list[dict] = []
    origin: list[str] = []
    for i, item in enumerate(raw):
        p = f"{param}[{i}]"
        expect(item, "object", p)
        kind = item.get("type")
        if kind is None and "role" not in item:
            raise missing(f"{p}.type")
        if kind in (None, "message"):
            message = _message(item, p)
            messages.append(message)
            origin.append(p)
            text = message.get("content")
            if message["role"] == "assistant":
                part = (
                    {"type": "refusal", "refusal": message["refusal"]}
                    if message.get("refusal") is not None
                    else {"type": "output_text", "text": text or "", "annotations": []}
                )
                items.append({"type": "message", "role": "assistant", "content": [part]})
            else:
                parts = (
                    [{"type": "input_text", "text": text}]
                    if isinstance(text, str)
                    else [{"type": "input_text", "text": t["text"]} for t in text]
                )
                items.append({"type": "message", "role": message["role"], "content": parts})
        elif kind == "function_call":
            call_id = _string_field(item, "call_id", p)
            name = _string_field(item, "name", p)
            arguments = _string_field(item, "arguments", p)
            call = {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
            last = messages[-1] if messages else None
            if (
                last is not None
                and last.get("role") == "assistant"
                and last.get("tool_calls")
                and origin[-1].startswith(param)
            ):
                last["tool_calls"].append(call)  # parallel calls: one assistant turn with several calls
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
                origin.append(p)
            items.append({"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments})
        elif kind == "function_call_output":
            call_id = _string_field(item, "call_id", p)
            if "output" not in item or item["output"] is None:
                raise missing(f"{p}.output")
            output = item["output"]
            if isinstance(output, list):
                output = "".join(t["text"] for t in _text_of_parts(output, f"{p}.output", ("input_text",)))
            else:
                expect(output, "string", f"{p}.output")
            messages.append({"role": "tool", "tool_call_id": call_id, "content": output})
            origin.append(p)
            items.append({"type": "function_call_output", "call_id": call_id, "output": output})
        elif kind == "reasoning":
            continue  # a reasoning item handed back from an earlier output: nothing for the stub to read
        elif kind == "item_reference":
            raise unsupported("item references (`item_reference`); send the item itself", f"{p}.type")
        else:
            raise unsupported(f"input items of type '{kind}'", f"{p}.type")
    return messages, items, origin


def check_calls_answered(messages: list[dict], origin: list[str]) -> None:
    """The real API's 400s for a function_call without its output, and an output without its call."""
    calls: dict[str, str] = {}
    answered: set[str] = set()
    for message, where in zip(messages, origin, strict=True):
        for call in message.get("tool_calls") or []:
            calls[call["id"]] = where
        if message.get("role") == "tool":
            call_id = message["tool_call_id"]
            if call_id not in calls:
                raise invalid(
                    f"No tool call found for function call output with call_id {call_id}.", "input", None
                )
            answered.add(call_id)
    for call_id in calls:
        if call_id not in answered:
            raise invalid(f"No tool output found for function call {call_id}.", "input", None)


# ---------------------------------------------------------------------------------------------- tools


def translate_tools(raw: Any) -> tuple[list[dict], list[dict]]:
    """The flat Responses function tools as (chat tools, the flat tools as sent)."""
    tools = expect(raw, "array", "tools")
    chat, flat = [], []
    for i, tool in enumerate(tools):
        p = f"tools[{i}]"
        kind = typed_object(tool, p)
        if kind in BUILT_IN_TOOLS or (isinstance(kind, str) and kind.startswith("web_search")):
            raise unsupported(
                f"the built-in tool '{kind}' (built-in tools such as web search and file search run on "
                "OpenAI's servers)",
                f"{p}.type",
            )
        if kind != "function":
            raise invalid(
                f"Invalid value: '{kind}'. Supported values are: 'function', 'file_search', 'web_search', "
                "'computer_use_preview', 'mcp', 'code_interpreter', 'image_generation', 'local_shell', and 'custom'.",
                f"{p}.type",
                "invalid_value",
            )
        if "function" in tool and "name" not in tool:
            # the Chat Completions shape, nested under "function": the Responses API wants it flat
            raise invalid(
                f"Missing required parameter: '{p}.name'. (In the Responses API a function tool is flat: "
                "{'type': 'function', 'name': ..., 'parameters': ...}, without the nested 'function' object.)",
                f"{p}.name",
                "missing_required_parameter",
            )
        if "name" not in tool:
            raise missing(f"{p}.name")
        function = {"name": tool["name"]}
        for key in ("description", "parameters", "strict"):
            if tool.get(key) is not None:
                function[key] = tool[key]
        chat.append({"type": "function", "function": function})
        flat.append(tool)
    return chat, flat


def translate_tool_choice(raw: Any) -> Any:
    if isinstance(raw, str):
        check_tool_choice_mode(raw)
        return raw
    expect(raw, "object", "tool_choice")
    kind = raw.get("type")
    if kind == "function":
        if "name" not in raw:
            raise missing("tool_choice.name")
        return {"type": "function", "function": {"name": raw["name"]}}
    raise unsupported(
        f"tool_choice of type '{kind}' (the stub forces function tools by name only)", "tool_choice.type"
    )


# ---------------------------------------------------------------------------------------------- text.format


def translate_text(raw: Any) -> dict | None:
    """``text.format`` as a chat ``response_format`` (None for plain text)."""
    text = expect(raw, "object", "text")
    if text.get("verbosity") is not None and text["verbosity"] not in ("low", "medium", "high"):
        raise invalid(
            f"Invalid value: '{text['verbosity']}'. Supported values are: 'low', 'medium', and 'high'.",
            "text.verbosity",
            "invalid_value",
        )
    fmt = text.get("format")
    if fmt is None:
        return None
    expect(fmt, "object", "text.format")
    if "type" not in fmt:
        raise missing("text.format.type")
    kind = fmt["type"]
    if kind == "text":
        return None
    if kind == "json_object":
        return {"type": "json_object"}
    if kind != "json_schema":
        raise invalid(
            f"Invalid value: '{kind}'. Supported values are: 'text', 'json_schema', and 'json_object'.",
            "text.format.type",
            "invalid_value",
        )
    if "name" not in fmt:
        raise missing("text.format.name")
    if "schema" not in fmt:
        raise missing("text.format.schema")
    spec = {k: fmt[k] for k in ("name", "schema", "strict", "description") if k in fmt}
    return {"type": "json_schema", "json_schema": spec}


# ---------------------------------------------------------------------------------------------- errors


_RENAMES = (
    (re.compile(r"response_format\.json_schema\.?"), "text.format."),
    (re.compile(r"response_format"), "text.format"),
    (re.compile(r"\bmax_completion_tokens\b|\bmax_tokens\b"), "max_output_tokens"),
    (re.compile(r"\breasoning_effort\b"), "reasoning.effort"),
    (re.compile(r"(tools\[\d+\])\.function\."), r"\1."),
    (re.compile(r"tool_choice\.function\."), "tool_choice."),
    (re.compile(r"\bcompletion tokens\b"), "output tokens"),
)


def _rename(text: str, origin: list[str]) -> str:
    def message_index(m: re.Match) -> str:
        i = int(m.group(1))
        return origin[i] if 0 <= i < len(origin) else "input"

    text = re.sub(r"messages\[(\d+)\]", message_index, text)
    text = re.sub(r"'messages'", "'input'", text)
    text = re.sub(r"\bmessages\b", "input", text)
    for pattern, new in _RENAMES:
        text = pattern.sub(new, text)
    return text.replace("text.format..", "text.format.").replace("'text.format.'", "'text.format'")


def to_responses_error(err: StubError, origin: list[str]) -> StubError:
    """A 400 from the shared chat checks, renamed into the parameters the Responses request used."""
    if err.status != 400:
        return err
    unrecognized = re.fullmatch(r"Unrecognized request argument supplied: (\w+)", err.message)
    if unrecognized:
        # the chat endpoint's word for a parameter the model family refuses (reasoning_effort on gpt-4o);
        # the Responses API names the nested parameter: "Unsupported parameter: 'reasoning.effort' is not
        # supported with this model." (same wording as the chat API's for max_tokens on o-series models)
        name = _rename(unrecognized.group(1), origin)
        return StubError(
            400,
            f"Unsupported parameter: '{name}' is not supported with this model.",
            param=name,
            code="unsupported_parameter",
            headers=err.headers,
        )
    param = _rename(err.param, origin).rstrip(".") if err.param else err.param
    return StubError(
        err.status,
        _rename(err.message, origin),
        type=err.type,
        param=param,
        code=err.code,
        headers=err.headers,
    )


# ---------------------------------------------------------------------------------------------- parse


def _check_echoed(body: dict) -> None:
    """Type checks for the parameters the stub only repeats back (their values do not change the reply)."""
    metadata = body.get("metadata")
    if metadata is not None:
        expect(metadata, "object", "metadata")
        if len(metadata) > 16:
            raise invalid(
                f"Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got "
                f"an object with {len(metadata)} properties instead.",
                "metadata",
                "object_above_max_properties",
            )
        for key, value in metadata.items():
            expect(value, "string", f"metadata.{key}")
    for name in ("user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention"):
        if body.get(name) is not None:
            expect(body[name], "string", name)
    if body.get("top_logprobs") is not None:
        bounded(body["top_logprobs"], "integer", "top_logprobs", 0, 20)
    if body.get("max_tool_calls") is not None:
        bounded(body["max_tool_calls"], "integer", "max_tool_calls", 1)
    if body.get("truncation") is not None and body["truncation"] not in ("auto", "disabled"):
        raise invalid(
            f"Invalid value: '{body['truncation']}'. Supported values are: 'auto' and 'disabled'.",
            "truncation",
            "invalid_value",
        )
    if body.get("service_tier") is not None:
        expect(body["service_tier"], "string", "service_tier")
    if body.get("include") is not None:
        for i, entry in enumerate(expect(body["include"], "array", "include")):
            expect(entry, "string", f"include[{i}]")
    if body.get("stream_options") is not None:
        expect(body["stream_options"], "object", "stream_options")


def parse_responses_request(body: Any, lookup: Callable[[str], list[dict]] | None = None) -> ResponsesRequest:
    """Check ``body`` like the real endpoint.

    ``lookup(previous_response_id)`` returns the stored conversation (chat messages) of that response, or raises
    the 400 for an unknown one.

    Raises the first 400 the real endpoint would raise (or the stub's clear 400 for a feature it leaves out).
    """
    expect_body_object(body)
    for name in body:
        if name in MOVED:
            raise invalid(
                f"Unsupported parameter: '{name}'. In the Responses API, this parameter has moved to "
                f"'{MOVED[name]}'. Try again with the new parameter.",
                name,
                "unsupported_parameter",
            )
        if name not in KNOWN_PARAMS:
            raise invalid(f"Unknown parameter: '{name}'.", name, "unknown_parameter")
    for name, what in REFUSED.items():
        value = body.get(name)
        if value not in (None, False, {}, []):
            raise unsupported(what, name)
    if "model" not in body:
        raise missing("model")
    expect(body["model"], "string", "model")

    stream = False
    if body.get("stream") is not None:
        stream = expect(body["stream"], "boolean", "stream")
    store = True
    if body.get("store") is not None:
        store = expect(body["store"], "boolean", "store")
    previous = body.get("previous_response_id")
    if previous is not None:
        expect(previous, "string", "previous_response_id")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", previous):
            raise invalid(
                f"Invalid 'previous_response_id': '{previous}'. Expected an ID that contains letters, numbers, "
                "underscores, or dashes, but this value contained additional characters.",
                "previous_response_id",
                "invalid_value",
            )
    instructions = body.get("instructions")
    if instructions is not None:
        expect(instructions, "string", "instructions")

    history: list[dict] = []
    if previous is not None and lookup is not None:
        history = lookup(previous)
    if body.get("input") is None:
        raise missing("input")
    new_messages, items, new_origin = translate_input(body["input"])
    if not new_messages and not history:
        raise invalid(
            "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            "input",
            "empty_array",
        )
    context = [*(history or []), *new_messages]
    origin = [*(["previous_response_id"] * len(history or [])), *new_origin]
    check_calls_answered(context, origin)

    chat_body: dict[str, Any] = {"model": body["model"], "messages": []}
    if instructions:
        chat_body["messages"].append({"role": "system", "content": instructions})
        origin = ["instructions", *origin]
    chat_body["messages"].extend(context)

    _check_echoed(body)
    if body.get("prompt_cache_key") is not None:
        chat_body["prompt_cache_key"] = expect(body["prompt_cache_key"], "string", "prompt_cache_key")
    if body.get("temperature") is not None:
        chat_body["temperature"] = bounded(body["temperature"], "number", "temperature", 0, 2)
    if body.get("top_p") is not None:
        chat_body["top_p"] = bounded(body["top_p"], "number", "top_p", 0, 1)
    if body.get("max_output_tokens") is not None:
        # the Responses API's minimum for max_output_tokens is 16
        chat_body["max_completion_tokens"] = bounded(
            body["max_output_tokens"], "integer", "max_output_tokens", 16
        )
    if body.get("reasoning") is not None:
        reasoning = expect(body["reasoning"], "object", "reasoning")
        effort = reasoning.get("effort")
        if effort is not None:
            if effort not in REASONING_EFFORTS:
                supported = (
                    ", ".join(f"'{e}'" for e in REASONING_EFFORTS[:-1]) + f", and '{REASONING_EFFORTS[-1]}'"
                )
                raise invalid(
                    f"Invalid value: '{effort}'. Supported values are: {supported}.",
                    "reasoning.effort",
                    "invalid_value",
                )
            chat_body["reasoning_effort"] = effort
    if body.get("text") is not None:
        fmt = translate_text(body["text"])
        if fmt is not None:
            chat_body["response_format"] = fmt
    flat: list[dict] = []
    if body.get("tools") is not None:
        chat_tools, flat = translate_tools(body["tools"])
        if chat_tools:
            chat_body["tools"] = chat_tools
    if body.get("tool_choice") is not None:
        choice = translate_tool_choice(body["tool_choice"])
        # without tools, "auto" and "none" mean nothing and pass (a Response echoes "auto" by default); any
        # other choice reaches the chat checks, whose 400 says tool_choice needs tools
        if flat or choice not in ("none", "auto"):
            chat_body["tool_choice"] = choice
    if body.get("parallel_tool_calls") is not None:
        chat_body["parallel_tool_calls"] = expect(
            body["parallel_tool_calls"], "boolean", "parallel_tool_calls"
        )
        if not flat:
            chat_body.pop("parallel_tool_calls")  # the Responses API accepts it without tools

    try:
        chat = parse_chat_request(chat_body)
    except StubError as err:
        raise to_responses_error(err, origin) from None
    chat.api, chat.source = (
        "responses",
        body,
    )  # the per-model rules (model_rules.py) word 400s for this endpoint
    return ResponsesRequest(
        body=body,
        chat=chat,
        input_items=items,
        context=context,
        instructions=instructions,
        previous_response_id=previous,
        store=store,
        stream=stream,
        tools=flat,
        origin=origin,
    )


def output_messages(output: list[dict]) -> list[dict]:
    """A response's output items as chat messages, for the stored conversation."""
    messages: list[dict] = []
    calls = []
    for item in output:
        if item["type"] == "function_call":
            calls.append(
                {
                    "id": item["call_id"],
                    "type": "function",
                    "function": {"name": item["name"], "arguments": item["arguments"]},
                }
            )
        elif item["type"] == "message":
            parts = item["content"]
            refusal = "".join(p.get("refusal", "") for p in parts if p["type"] == "refusal")
            text = "".join(p.get("text", "") for p in parts if p["type"] == "output_text")
            if refusal and not text:
                messages.append({"role": "assistant", "content": None, "refusal": refusal})
            else:
                messages.append({"role": "assistant", "content": text})
    if calls:
        messages.append({"role": "assistant", "content": None, "tool_calls": calls})
    return messages


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
