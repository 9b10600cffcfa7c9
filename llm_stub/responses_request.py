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
found." / ``previous_response_not_found`` (bigduu/Bamboo-agent#513, maximhq/bifrost#2441).
The input items and their rules are ``responses_input.py``'s; the history behind
``previous_response_id`` or ``conversation`` comes from the caller (``History``). Features the
stub deliberately leaves out (built-in tools, background mode, reusable prompts) are refused
with a 400 that says so, never ignored.

Enums checked with the real 400 (``Invalid value: 'x'. Supported values are: ...``, code
``invalid_value``): ``include[i]`` (the SDK's ``ResponseIncludable``; the message and param as a direct
API observation records them, find_string id 61421724985: ``param: "include[0]"``),
``service_tier`` (the SDK's ``ServiceTier``; the observation lists only five values for gpt-5.6-terra,
the stub accepts the SDK's seven), ``reasoning.summary`` (``responses_reasoning.py``). ``conversation``
and ``previous_response_id`` are mutually exclusive: "Mutually exclusive parameters. Ensure you are only
providing one of: 'previous_response_id' or 'conversation'.", param null, code
``mutually_exclusive_parameters`` (the wording of several open implementations of the API, e.g. SGLang's
docs and two Rust gateways found with find_string; a real curl report of 2025-10-27 quotes the same
sentence shortened, "Mutually exclusive parameters: ''. Ensure you are only providing one of:
'pre..._id' or 'conversation'.", with the same code); a conversation id must start with ``conv_``
("Invalid 'conversation': 'x'. Expected an ID that begins with 'conv_'.", param ``conversation``, code
``invalid_conversation_id``, SGLang's documentation of the API's errors).
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openai.types.responses import response_create_params
from openai.types.responses.response_includable import ResponseIncludable
from openai.types.responses.service_tier import ServiceTier

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
from .responses_input import (
    Items,
    check_pairing,
    check_reasoning_followed,
    parse_items,
    reasoning_ids_unknown,
    to_chat,
    unsupported,
)
from .responses_reasoning import LOGPROBS_INCLUDE, SUMMARY_VALUES
from .schema_check import bad_value

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
        "metadata",
        "user",
        "safety_identifier",
        "prompt_cache_key",
        "prompt_cache_retention",
        "prompt_cache_options",  # read by the per-model rules (model_rules.cache_options)
        "max_tool_calls",
    }
)

# What the stub deliberately does not implement, each refused with a clear 400.
REFUSED = {
    "background": "background mode (`background: true`: poll for the result later)",
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
INCLUDABLE = typing.get_args(ResponseIncludable)
SERVICE_TIERS = typing.get_args(typing.get_args(ServiceTier)[0])


@dataclass
class History:
    """Where the conversation before this request lives: each callable raises the real error for an unknown id.

    ``previous(id)`` and ``conversation(id)`` return the stored items; ``holds(item_id)`` says whether the
    server keeps a reasoning item; ``open_sealed(token)`` verifies encrypted reasoning content.
    """

    previous: Callable[[str], Items] | None = None
    conversation: Callable[[str], Items] | None = None
    holds: Callable[[str], bool] = lambda _id: False
    open_sealed: Callable[[str], dict] | None = None


@dataclass
class ResponsesRequest:
    """A validated Responses request and its chat translation."""

    body: dict
    chat: ChatRequest
    input_items: Items  # this request's input, as items in the Responses shape (for input_items)
    context: Items  # the items of the conversation so far (history and this input), without instructions
    instructions: str | None = None
    previous_response_id: str | None = None
    conversation: str | None = None
    store: bool = True
    stream: bool = False
    tools: list[dict] = field(default_factory=list)  # the flat Responses tools, as sent
    # where each chat message came from, for renaming the chat checks' params: chat index -> "input[i]"
    origin: list[str] = field(default_factory=list)
    include: tuple[str, ...] = ()

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
            # only when the response belongs to one (a 2026-10 recorded body without a conversation has no
            # such key: pydantic-ai cassette test_openai_responses_gpt_5_6_minimal_thinking_uses_low_effort.yaml)
            **({"conversation": {"id": self.conversation}} if self.conversation else {}),
            "reasoning": {"effort": reasoning.get("effort"), "summary": reasoning.get("summary")},
            "store": self.store,
            "temperature": 1.0 if b.get("temperature") is None else b["temperature"],
            "text": {"format": fmt, "verbosity": (b.get("text") or {}).get("verbosity") or "medium"},
            "tool_choice": b.get("tool_choice") or "auto",
            "tools": [_echo_tool(t) for t in self.tools],
            "top_p": 1.0 if b.get("top_p") is None else b["top_p"],
            "metadata": b.get("metadata") or {},
            "moderation": None,  # results of moderated completions, which the stub refuses (REFUSED)
            "service_tier": b.get("service_tier") or "auto",  # as requested; the final body says what ran
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
    if err.code == "context_length_exceeded":
        # the Responses API's own sentence (codex and Responses clients handle it as the context overflow:
        # openai/codex tests "sse_failed(..., \"context_length_exceeded\", \"Your input exceeds the context
        # window of this model. Please adjust your input and try again.\")"; the same text in 400 bodies quoted
        # by several clients found with find_string); param as the chat 400's, renamed
        return StubError(
            400,
            "Your input exceeds the context window of this model. Please adjust your input and try again.",
            param="input",
            code="context_length_exceeded",
            headers=err.headers,
        )
    if err.message.startswith("Invalid schema for response_format") and err.param == "response_format":
        # strict text.format schemas: the real Responses 400 keeps the chat wording of the message
        # ("Invalid schema for response_format 'response': In context=(...), reference to component
        # '#/$defs/Shared' which was not found in the schema.") but names param "text.format.schema", code
        # "invalid_json_schema" (recorded body: vercel/ai packages/openai/src/responses/__fixtures__/
        # issue-6454-nested-definitions-error.json; the same pair in several public error captures)
        return StubError(
            400, err.message, param="text.format.schema", code="invalid_json_schema", headers=err.headers
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


def check_metadata(metadata: Any) -> dict | None:
    """``metadata``: at most 16 string values (responses and conversations)."""
    if metadata is None:
        return None
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
    return metadata


def _check_echoed(body: dict) -> None:
    """Checks of the parameters that only change what is echoed or included (not the reply itself)."""
    check_metadata(body.get("metadata"))
    for name in ("user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention"):
        if body.get(name) is not None:
            expect(body[name], "string", name)
    if body.get("top_logprobs") is not None:
        bounded(body["top_logprobs"], "integer", "top_logprobs", 0, 20)
    if body.get("max_tool_calls") is not None:
        bounded(body["max_tool_calls"], "integer", "max_tool_calls", 1)
    if body.get("truncation") is not None and body["truncation"] not in ("auto", "disabled"):
        raise bad_value(body["truncation"], ("auto", "disabled"), "truncation")
    if body.get("service_tier") is not None and body["service_tier"] not in SERVICE_TIERS:
        raise bad_value(body["service_tier"], SERVICE_TIERS, "service_tier")
    if body.get("stream_options") is not None:
        expect(body["stream_options"], "object", "stream_options")


def _include(body: dict) -> tuple[str, ...]:
    if body.get("include") is None:
        return ()
    entries = expect(body["include"], "array", "include")
    for i, entry in enumerate(entries):
        if entry not in INCLUDABLE:
            raise bad_value(entry, INCLUDABLE, f"include[{i}]")
    return tuple(entries)


def _conversation_id(raw: Any) -> str | None:
    """``conversation``: an id, or ``{"id": ...}`` (the SDK's ``Conversation`` param)."""
    if raw is None:
        return None
    if isinstance(raw, dict):
        if "id" not in raw:
            raise missing("conversation.id")
        raw = expect(raw["id"], "string", "conversation.id")
    elif not isinstance(raw, str):
        raise invalid(
            f"Invalid type for 'conversation': expected one of a string or an object, but got "
            f"{described_type(raw)} instead.",
            "conversation",
            "invalid_type",
        )
    if not raw.startswith("conv_"):
        raise invalid(
            f"Invalid 'conversation': '{raw}'. Expected an ID that begins with 'conv_'.",
            "conversation",
            "invalid_conversation_id",
        )
    return raw


def parse_responses_request(body: Any, history: History | None = None) -> ResponsesRequest:
    """Check ``body`` like the real endpoint and translate it for the pipeline.

    ``history`` finds what ``previous_response_id`` or ``conversation`` refers to (and raises the real error
    for an unknown id); without it, both are ignored (the body is checked on its own).

    Raises the first 400 the real endpoint would raise (or the stub's clear 400 for a feature it leaves out).
    """
    history = history or History()
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
    conversation = _conversation_id(body.get("conversation"))
    if previous is not None and conversation is not None:
        raise invalid(
            "Mutually exclusive parameters. Ensure you are only providing one of: 'previous_response_id' or "
            "'conversation'.",
            None,
            "mutually_exclusive_parameters",
        )
    instructions = body.get("instructions")
    if instructions is not None:
        expect(instructions, "string", "instructions")

    if body.get("input") is None:
        raise missing("input")
    sent = parse_items(body["input"], open_sealed=history.open_sealed)
    before = Items([], [])
    if previous is not None and history.previous is not None:
        before = history.previous(previous)
        before = Items(before.items, ["previous_response_id"] * len(before.items))
    elif conversation is not None and history.conversation is not None:
        before = history.conversation(conversation)
        before = Items(before.items, ["conversation"] * len(before.items))
    if not sent.items and not before.items:
        raise invalid(
            "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            "input",
            "empty_array",
        )
    check_reasoning_followed(sent)
    reasoning_ids_unknown(sent, history.holds)
    context = before + sent
    check_pairing(context)
    messages, origin = to_chat(context)

    chat_body: dict[str, Any] = {"model": body["model"], "messages": []}
    if instructions:
        chat_body["messages"].append({"role": "system", "content": instructions})
        origin = ["instructions", *origin]
    chat_body["messages"].extend(messages)

    _check_echoed(body)
    include = _include(body)
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
        if reasoning.get("summary") is not None and reasoning["summary"] not in SUMMARY_VALUES:
            raise bad_value(reasoning["summary"], SUMMARY_VALUES, "reasoning.summary")
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
    if LOGPROBS_INCLUDE in include:  # the pipeline's logprobs, with the Responses request's top_logprobs
        chat.logprobs, chat.top_logprobs = True, body.get("top_logprobs") or 0
    chat.service_tier = body.get("service_tier")
    return ResponsesRequest(
        body=body,
        chat=chat,
        input_items=sent,
        context=context,
        instructions=instructions,
        previous_response_id=previous,
        conversation=conversation,
        store=store,
        stream=stream,
        tools=flat,
        origin=origin,
        include=include,
    )


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
