"""Validate a chat-completions request body the way the real API does, and normalise it.

Messages and codes follow the real API's 400s ("Missing required parameter:
'messages'.", "Invalid type for 'n': expected an integer, but got a string
instead.") so that a learner sees on the stub exactly what a provider would say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from openai.types.chat import completion_create_params

from .errors import StubError, invalid
from .lazy import computed_once
from .schema_check import SCHEMAS, TYPE_WORDS, bad_value, kind_of
from .schema_check import described_type as schema_check_described_type
from .schema_check import validate as validate_schema
from .tokenizer import content_text

# Every top-level parameter the SDK knows; anything else is "Unrecognized request argument".
KNOWN_PARAMS = frozenset(completion_create_params.CompletionCreateParamsBase.__annotations__) | {"stream"}
ROLES = ("system", "assistant", "user", "function", "tool", "developer")

# Content-part types each role may send (the SDK's message param types: ChatCompletionContentPartParam for
# user messages, text and refusal parts for assistant messages, text parts for the others).
PART_TYPES = {
    "user": ("text", "image_url", "input_audio", "file"),
    "assistant": ("text", "refusal"),
    "system": ("text",),
    "developer": ("text",),
    "tool": ("text",),
    "function": ("text",),
}
# ^[a-zA-Z0-9_-]+$ for a message's name: "Invalid 'messages[1].name': string does not match pattern. Expected a
# string that matches the pattern '^[a-zA-Z0-9_-]+$'." (param messages[1].name, code invalid_value; quoted
# from the real API in Pingdred/meowgram-client#11)
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_TOOLS = 128
# Side parameters validated against their OpenAPI schemas (schema_check.py); the rest have checks below.
SIDE_PARAMS = tuple(k for k in SCHEMAS if k not in ("custom_tool", "stream_options"))
_SIDE_SET = frozenset(SIDE_PARAMS)

schema_type = kind_of  # the JSON Schema type of a value; one naming for every module's 400s
described_type = schema_check_described_type


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return {
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
    }[kind]


def expect(value: Any, kind: str, param: str) -> Any:
    if not _is(value, kind):
        raise invalid(
            f"Invalid type for '{param}': expected {TYPE_WORDS[kind]}, but got {described_type(value)} instead.",
            param,
            "invalid_type",
        )
    return value


def typed_object(value: Any, param: str) -> Any:
    """The ``type`` of an object that must have one (a content part, a tool); the 400 for a value that is not
    an object, or an object without ``type``."""
    expect(value, "object", param)
    if "type" not in value:
        raise missing(f"{param}.type")
    return value["type"]


def check_tool_choice_mode(choice: str) -> None:
    """A ``tool_choice`` given as a string must be one of the three modes (both endpoints)."""
    if choice not in ("none", "auto", "required"):
        raise invalid(
            f"Invalid value: '{choice}'. Supported values are: 'none', 'auto', and 'required'.",
            "tool_choice",
            "invalid_value",
        )


def bounded(value: Any, kind: str, param: str, low: float | None = None, high: float | None = None) -> Any:
    expect(value, kind, param)
    word = "integer" if kind == "integer" else "decimal"
    if low is not None and value < low:
        raise invalid(
            f"Invalid '{param}': {word} below minimum value. Expected a value >= {low}, but got {value} instead.",
            param,
            f"{word}_below_min_value",
        )
    if high is not None and value > high:
        raise invalid(
            f"Invalid '{param}': {word} above maximum value. Expected a value <= {high}, but got {value} instead.",
            param,
            f"{word}_above_max_value",
        )
    return value


def missing(param: str) -> StubError:
    return invalid(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")


@dataclass
class ChatRequest:
    """A validated chat request; ``body`` keeps the original for anything not lifted out."""

    body: dict
    model: str
    messages: list[dict]
    stream: bool = False
    include_usage: bool = False
    n: int = 1
    temperature: float | None = None
    seed: int | None = None
    max_tokens: int | None = None
    max_tokens_param: str = "max_tokens"  # the name the request used for its cap, for the 400s that name it
    stop: list[str] = field(default_factory=list)
    response_format: dict | None = None
    tools: list[dict] = field(default_factory=list)
    tool_choice: Any = None
    parallel_tool_calls: bool = True
    api_key: str = ""
    service_tier: str | None = None
    include_obfuscation: bool = True
    # Which endpoint the request came through: "chat", or "responses" (then ``source`` is the Responses body,
    # whose own parameters, e.g. a 12-hour prompt_cache_options.ttl, the per-model rules read there).
    api: str = "chat"
    source: dict | None = None
    # token log probabilities of the reply (``logprobs: true``; the Responses API's include
    # "message.output_text.logprobs"), with ``top_logprobs`` alternatives per token
    logprobs: bool = False
    top_logprobs: int = 0

    # Read by several steps of every request: worked out once (a request's messages are not changed after
    # it is parsed).
    @computed_once
    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return content_text(message.get("content"))
        return ""

    @computed_once
    def instructions(self) -> str:
        """The system and developer messages joined: the standing instructions."""
        return "\n".join(
            content_text(m.get("content")) for m in self.messages if m.get("role") in ("system", "developer")
        )


def _check_content(message: dict, index: int, required: bool) -> None:
    param = f"messages[{index}].content"
    if "content" not in message or message["content"] is None:
        if required:
            raise missing(param)
        return
    content = message["content"]
    if isinstance(content, str):
        return
    if not isinstance(content, list):
        raise invalid(
            f"Invalid type for '{param}': expected one of a string or array of objects, but got {described_type(content)} instead.",
            param,
            "invalid_type",
        )
    allowed = PART_TYPES.get(message.get("role"), ("text",))
    for j, part in enumerate(content):
        part_param = f"{param}[{j}]"
        kind = typed_object(part, part_param)
        if kind not in allowed:
            # "Invalid value: 'image'. Supported values are: 'text' and 'image_url'." with param
            # messages[0].content[1].type and code invalid_value (aallam/openai-kotlin#320, 2024, when user
            # parts were text and image_url; the list today is the SDK's part types for the role)
            raise bad_value(kind, allowed, f"{part_param}.type")
        if kind in ("text", "refusal"):
            if kind not in part:
                raise missing(f"{part_param}.{kind}")
            expect(part[kind], "string", f"{part_param}.{kind}")


def _check_message(message: Any, index: int) -> None:
    param = f"messages[{index}]"
    expect(message, "object", param)
    if "role" not in message:
        raise missing(f"{param}.role")
    role = message["role"]
    if role not in ROLES:
        raise bad_value(role, ROLES, f"{param}.role")
    if "name" in message:
        expect(message["name"], "string", f"{param}.name")
        if not NAME_PATTERN.match(message["name"]):
            raise invalid(
                f"Invalid '{param}.name': string does not match pattern. Expected a string that matches the "
                "pattern '^[a-zA-Z0-9_-]+$'.",
                f"{param}.name",
                "invalid_value",
            )
    if role == "assistant":
        has_calls = message.get("tool_calls") is not None or bool(message.get("function_call"))
        _check_content(message, index, required=not has_calls and not message.get("refusal"))
        if "tool_calls" in message and message["tool_calls"] is not None:
            calls = expect(message["tool_calls"], "array", f"{param}.tool_calls")
            if not calls:
                # "Invalid 'messages[2].tool_calls': empty array. Expected an array with minimum length 1, but
                # got an empty array instead." param messages[2].tool_calls, code empty_array
                # (home-assistant/core#118577; openai/openai-node#1341)
                raise invalid(
                    f"Invalid '{param}.tool_calls': empty array. Expected an array with minimum length 1, but got "
                    "an empty array instead.",
                    f"{param}.tool_calls",
                    "empty_array",
                )
            for k, call in enumerate(calls):
                call_param = f"{param}.tool_calls[{k}]"
                expect(call, "object", call_param)
                for key in ("id", "type", "function"):
                    if key not in call:
                        raise missing(f"{call_param}.{key}")
                function = expect(call["function"], "object", f"{call_param}.function")
                for key in ("name", "arguments"):
                    if key not in function:
                        raise missing(f"{call_param}.function.{key}")
                    expect(function[key], "string", f"{call_param}.function.{key}")
    else:
        _check_content(message, index, required=True)
    if role == "tool":
        if "tool_call_id" not in message:
            raise missing(f"{param}.tool_call_id")
        expect(message["tool_call_id"], "string", f"{param}.tool_call_id")


def check_for_model(req: ChatRequest, model: Any) -> None:
    """What this model cannot read: an image part sent to a text-only model.

    The real 400 (to GPT-3.5, vllm-project/vllm#11629; browser-use/web-ui#274): "Invalid content type.
    image_url is only supported by certain models.", param ``messages.[1].content.[1].type`` (that spelling),
    code null.
    """
    if getattr(model, "accepts_images", True):  # catalog.ModelInfo.accepts_images (its `input` modalities)
        return
    for i, message in enumerate(req.messages):
        content = message.get("content")
        if isinstance(content, list):
            for j, part in enumerate(content):
                if part.get("type") == "image_url":
                    raise invalid(
                        "Invalid content type. image_url is only supported by certain models.",
                        f"messages.[{i}].content.[{j}].type",
                    )


def _check_logit_bias(bias: Any) -> None:
    """Keys are token ids (non-negative integers written as strings), values integers from -100 to 100.

    The real 400 for a word as key: "Invalid key in 'logit_bias': AI. You should only be submitting
    non-negative integers.", param logit_bias, code null (OkGoDoIt/OpenAI-API-dotnet#163,
    sashabaranov/go-openai#129).
    """
    expect(bias, "object", "logit_bias")
    for key, value in bias.items():
        if not (key.isascii() and key.isdigit()):
            raise invalid(
                f"Invalid key in 'logit_bias': {key}. You should only be submitting non-negative integers.",
                "logit_bias",
            )
        bounded(value, "number", f"logit_bias.{key}", -100, 100)


def expect_body_object(body: Any) -> None:
    """The 400 for a JSON body that is not an object (both endpoints)."""
    if not isinstance(body, dict):
        raise invalid(
            f"Invalid type for request body: expected an object, but got {described_type(body)} instead.",
            None,
            "invalid_type",
        )


def parse_chat_request(body: Any) -> ChatRequest:
    """Check ``body`` like the real endpoint does; raise the first 400 it would raise."""
    expect_body_object(body)
    for name in body:
        if name not in KNOWN_PARAMS:
            raise invalid(f"Unrecognized request argument supplied: {name}", None, None)
    if body.get("model") is None:
        # "you must provide a model parameter", param and code null (lss233/kirara-ai#800,
        # danielmiessler/Fabric#239: the real 400 for a request without a model)
        raise invalid("you must provide a model parameter")
    expect(body["model"], "string", "model")
    if "messages" not in body:
        raise missing("messages")
    messages = expect(body["messages"], "array", "messages")
    if not messages:
        raise invalid(
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            "messages",
            "empty_array",
        )
    for i, message in enumerate(messages):
        _check_message(message, i)

    req = ChatRequest(body=body, model=body["model"], messages=messages)
    if body.get("stream") is not None:
        req.stream = expect(body["stream"], "boolean", "stream")
    options = body.get("stream_options")
    if options is not None:
        if not req.stream:
            raise invalid(
                "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options"
            )
        validate_schema(options, SCHEMAS["stream_options"], "stream_options")
        req.include_usage = bool(options.get("include_usage"))
        # "These obfuscation fields are included by default ... You can set include_obfuscation to false"
        # (the SDK's ChatCompletionStreamOptionsParam docstring)
        req.include_obfuscation = options.get("include_obfuscation") is not False
    if body.get("n") is not None:
        req.n = bounded(body["n"], "integer", "n", 1, 128)
    if body.get("temperature") is not None:
        req.temperature = bounded(body["temperature"], "number", "temperature", 0, 2)
    if body.get("top_p") is not None:
        bounded(body["top_p"], "number", "top_p", 0, 1)
    for penalty in ("presence_penalty", "frequency_penalty"):
        if body.get(penalty) is not None:
            bounded(body[penalty], "number", penalty, -2, 2)
    if body.get("seed") is not None:
        # int64, the OpenAPI's bounds for seed; the message follows the real API's bounds messages (no quote of
        # the real one for seed was found)
        req.seed = bounded(body["seed"], "integer", "seed", INT64_MIN, INT64_MAX)
    for limit in ("max_tokens", "max_completion_tokens"):
        if body.get(limit) is not None:
            req.max_tokens = bounded(body[limit], "integer", limit, 1)
            req.max_tokens_param = limit
    stop = body.get("stop")
    if stop is not None:
        if isinstance(stop, str):
            req.stop = [stop]
        else:
            expect(stop, "array", "stop")
            if len(stop) > 4:
                raise invalid(
                    f"Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length {len(stop)} instead.",
                    "stop",
                    "array_above_max_length",
                )
            req.stop = [expect(s, "string", f"stop[{i}]") for i, s in enumerate(stop)]
    if body.get("response_format") is not None:
        fmt = expect(body["response_format"], "object", "response_format")
        if "type" not in fmt:
            raise missing("response_format.type")
        if fmt["type"] not in ("text", "json_object", "json_schema"):
            raise bad_value(fmt["type"], ("text", "json_object", "json_schema"), "response_format.type")
        req.response_format = fmt if fmt["type"] != "text" else None
    if body.get("tools") is not None:
        req.tools = expect(body["tools"], "array", "tools")
        if len(req.tools) > MAX_TOOLS:
            # vishalmysore/Tools4AI#16: param tools, code array_above_max_length
            raise invalid(
                f"Invalid 'tools': array too long. Expected an array with maximum length {MAX_TOOLS}, but got an "
                f"array with length {len(req.tools)} instead.",
                "tools",
                "array_above_max_length",
            )
    if body.get("logit_bias") is not None:
        _check_logit_bias(body["logit_bias"])
    for name in [k for k in body if k in _SIDE_SET]:  # in the request's order; usually none
        if body[name] is not None:
            validate_schema(body[name], SCHEMAS[name], name)
    req.service_tier = body.get("service_tier")
    if body.get("logprobs") is True:  # types checked above (SIDE_PARAMS: logprobs, top_logprobs)
        req.logprobs = True
        req.top_logprobs = body.get("top_logprobs") or 0
    if body.get("tool_choice") is not None:
        req.tool_choice = body["tool_choice"]
    if body.get("parallel_tool_calls") is not None:
        req.parallel_tool_calls = expect(body["parallel_tool_calls"], "boolean", "parallel_tool_calls")
    return req
