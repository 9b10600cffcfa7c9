"""Per-model parameter rules, with the real API's 400 bodies, for both endpoints.

``check(model, req)`` is called by ``pipeline.run`` right after the model is resolved, for Chat Completions and
for the Responses API alike (``req.api`` says which: the two endpoints word some 400s differently and name
their parameters differently). It raises the first 400 the real API would raise. What each model accepts is
data, in the catalogue (``data/models.toml``: effort values per endpoint, default effort, the tool rule, ``stop``,
cache retention); this module holds the rules and the real wording, each with the public trace it imitates.
Source keys (S1, E1, ...) are the catalogue's ``[sources]``.

Order, as measured on Chat Completions (E1, section 5.5.5: parameter refusals come before value refusals, and
the model-capability checks of sampling values come last): prompt caching, ``max_tokens``, the effort value,
``stop``, then the sampling parameters while the model reasons, then function tools.

Chat Completions, reasoning models:

* ``max_tokens``: "Unsupported parameter: 'max_tokens' is not supported with this model. Use
  'max_completion_tokens' instead.", code ``unsupported_parameter`` (gpt-5: griptape-ai/ComfyUI-Griptape#312;
  gpt-5.1: fish2018/YPrompt#26; gpt-5.2: jeremychone/rust-genai#139; gpt-6-astra: E8).
* an effort value the model does not take: "Unsupported value: 'reasoning_effort' does not support 'high' with
  this model. Supported values are: 'medium'.", code ``unsupported_value`` (egoist/chatwise-releases#1257;
  gpt-5.6 + minimal: E5; gpt-6-astra + none: E4; null: livekit/agents#3966, "does not support null").
* ``stop`` on a model that refuses it: "Unsupported parameter: 'stop' is not supported with this model." (E1,
  E2, E8, E9).
* while the effort actually used is not ``none`` (fact sheet 3.3; S8, S9): ``temperature`` other than 1:
  "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is
  supported.", ``unsupported_value`` (johny-b/llmcomp#69; BasedHardware/omi#11285); ``top_p`` other than 1:
  "Unsupported parameter: 'top_p' is not supported with this model.", ``unsupported_parameter`` (1 is
  accepted: E1); ``logprobs: true``, ``presence_penalty``/``frequency_penalty`` other than 0: the same
  "Unsupported parameter" form (E1: refused only while reasoning; the default values are let through, as
  for temperature 1: no trace says whether an explicit 0 is refused).
* function tools: at an effort other than ``none`` on the "effort_none" models (an omitted effort whose default
  is medium included: E5), always on the "responses_only" models: "Function tools with reasoning_effort are
  not supported for gpt-5.6-terra in /v1/chat/completions. To use function tools, use /v1/responses or set
  reasoning_effort to 'none'.", param ``reasoning_effort``, code null (GEMISIS/leviath#333,
  GoogleChromeLabs/webmcp-tools#417, onyx-dot-app/onyx#15008, Wei-Shaw/sub2api#6740: the hint to set 'none'
  comes even from gpt-6-astra, which refuses 'none'); GPT-5.2/5.4 end "Please use /v1/responses instead."
  (pipecat-ai/pipecat#4043).

Chat Completions, classic models: ``reasoning_effort`` -> "Unrecognized request argument supplied:
reasoning_effort", param and code null (gpt-4o-mini: davidmigloz/langchain_dart#712 and E3; gpt-4o: E2).

Responses API, reasoning models:

* an effort value the model does not take: "Unsupported value: 'minimal' is not supported with the 'gpt-5.1'
  model. Supported values are: 'none', 'low', 'medium', and 'high'.", param ``reasoning.effort``, code
  ``unsupported_value`` (anomalyco/opencode#4451).
* while it reasons: ``temperature`` other than 1 and ``top_p`` at any value (1 too): "Unsupported parameter:
  'temperature' is not supported with this model.", code null (E1; BerriAI/litellm#39631 for gpt-6-astra);
  token log probabilities (``top_logprobs`` above 0, or ``include: ["message.output_text.logprobs"]``) get the
  Chat Completions "Unsupported parameter: 'logprobs' ..." form (see ``_check_sampling``).
* function tools work at every effort (the Responses API is the way out the 400 above names).

Responses API, classic models: "Unsupported parameter: 'reasoning.effort' is not supported with this model.",
code ``unsupported_parameter`` (BoundaryML/baml#2708).

Prompt caching, both endpoints: ``prompt_cache_retention: "in_memory"`` on a model that keeps only 24-hour
caches: "This model is compatible only with 24h extended prompt caching", code null (E1; S1 says gpt-5.5 and
later take only 24h). ``prompt_cache_options`` members: an unknown one is ``Unknown parameter:
'prompt_cache_options.x'.`` (E1); ``ttl`` "30m" (Chat Completions) or "30m"/"12h" (Responses) (S1). On a model
before GPT-5.6 (S1: "Supported for gpt-5.6 and later models") no trace says what happens: the stub accepts the
options and caches as it always did (permissive).
"""

from __future__ import annotations

import json
from typing import Any

from .catalog import ModelInfo
from .errors import StubError, invalid
from .request import ChatRequest, expect

CACHE_OPTION_MEMBERS = {
    "chat": ("mode", "ttl"),
    "responses": ("mode", "ttl", "prewarm", "comparison_response_id"),
}
CACHE_TTLS = {"chat": ("30m",), "responses": ("30m", "12h")}
CACHE_MODES = ("implicit", "explicit")


def _sent(value: Any) -> str:
    """A value as the real messages write it: as it was sent in the JSON body (``0``, ``0.7``, ``'high'``)."""
    return json.dumps(value)


def _unsupported_parameter(
    param: str, extra: str = "", code: str | None = "unsupported_parameter"
) -> StubError:
    return invalid(f"Unsupported parameter: '{param}' is not supported with this model.{extra}", param, code)


def quoted_list(values: tuple[str, ...]) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b', and 'c'``: the real messages' lists (Oxford "and")."""
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


def effort_of(model: ModelInfo, req: ChatRequest) -> str | None:
    """The reasoning effort a request runs with: its own, else the model's default (None: not a reasoning model)."""
    if not model.is_reasoning:
        return None
    value = req.body.get("reasoning_effort")
    return value if isinstance(value, str) else model.default_effort


def cache_options(req: ChatRequest) -> dict:
    """The request's ``prompt_cache_options`` (either endpoint), ``{}`` when it sent none."""
    body = req.source if req.api == "responses" and req.source is not None else req.body
    value = body.get("prompt_cache_options")
    return value if isinstance(value, dict) else {}


def check(model: ModelInfo, req: ChatRequest) -> None:
    """Raise the 400 the real API gives for a parameter this model does not take on this endpoint."""
    body = req.body
    _check_cache(model, req)
    if not model.is_reasoning:
        if body.get("reasoning_effort") is not None:
            if req.api == "responses":
                raise _unsupported_parameter("reasoning.effort")
            raise invalid("Unrecognized request argument supplied: reasoning_effort", None, None)
        return
    if req.api == "chat" and body.get("max_tokens") is not None:
        raise _unsupported_parameter("max_tokens", " Use 'max_completion_tokens' instead.")
    _check_effort_value(model, req)
    if req.api == "chat" and not model.supports_stop and body.get("stop") not in (None, [], ""):
        raise _unsupported_parameter("stop")
    effort = effort_of(model, req)
    if effort != "none":
        _check_sampling(req)
    if req.api == "chat":
        _check_chat_tools(model, req, effort)


def _check_effort_value(model: ModelInfo, req: ChatRequest) -> None:
    if "reasoning_effort" not in req.body:
        return
    effort = req.body["reasoning_effort"]
    allowed = model.efforts_for(req.api)
    if req.api == "responses":
        if effort is not None and effort not in allowed:
            raise invalid(
                f"Unsupported value: '{effort}' is not supported with the '{req.model}' model. "
                f"Supported values are: {quoted_list(allowed)}.",
                "reasoning.effort",
                "unsupported_value",
            )
        return
    if effort is None:
        shown = "null"
    else:
        expect(effort, "string", "reasoning_effort")
        if effort in allowed:
            return
        shown = f"'{effort}'"
    raise invalid(
        f"Unsupported value: 'reasoning_effort' does not support {shown} with this model. "
        f"Supported values are: {quoted_list(allowed)}.",
        "reasoning_effort",
        "unsupported_value",
    )


def _check_sampling(req: ChatRequest) -> None:
    """The sampling parameters a reasoning model refuses while it reasons (any effort but none)."""
    body = req.body
    temperature, top_p = body.get("temperature"), body.get("top_p")
    if req.api == "responses":
        if temperature is not None and temperature != 1:
            raise _unsupported_parameter("temperature", code=None)
        if top_p is not None:
            raise _unsupported_parameter("top_p", code=None)
        # Token log probabilities while it reasons: OpenAI's rule of thumb drops top_logprobs on both endpoints
        # (fact sheet 1d; S8, S9), and reasoning models give none on the Responses API (UKGovernmentBEIS/
        # inspect_ai#2739: "logprobs are not supported for reasoning models"; GPT-5.x and GPT-6 probed
        # 2026-09-25: "'logprobs' is not supported with this model", find_string id 68402646183). No Responses
        # body was captured: the Chat Completions wording, naming the parameter the request used.
        source = req.source or {}
        if source.get("top_logprobs"):
            raise _unsupported_parameter("top_logprobs")
        if req.logprobs:  # include: ["message.output_text.logprobs"]
            raise _unsupported_parameter("logprobs")
        return
    if temperature is not None and temperature != 1:
        raise invalid(
            f"Unsupported value: 'temperature' does not support {_sent(temperature)} with this model. "
            "Only the default (1) value is supported.",
            "temperature",
            "unsupported_value",
        )
    if top_p is not None and top_p != 1:
        raise _unsupported_parameter("top_p")
    for penalty in ("presence_penalty", "frequency_penalty"):
        if body.get(penalty) not in (None, 0):
            raise _unsupported_parameter(penalty)
    if body.get("logprobs"):
        raise _unsupported_parameter("logprobs")


def _check_chat_tools(model: ModelInfo, req: ChatRequest, effort: str | None) -> None:
    if not any(isinstance(t, dict) and t.get("type") == "function" for t in req.tools):
        return
    if model.chat_tools == "any" or (model.chat_tools == "effort_none" and effort == "none"):
        return
    hint = (
        "Please use /v1/responses instead."
        if model.chat_tools_hint == "responses"
        else "To use function tools, use /v1/responses or set reasoning_effort to 'none'."
    )
    raise invalid(
        f"Function tools with reasoning_effort are not supported for {req.model} in /v1/chat/completions. {hint}",
        "reasoning_effort",
        None,
    )


def _check_cache(model: ModelInfo, req: ChatRequest) -> None:
    body = req.source if req.api == "responses" and req.source is not None else req.body
    options = body.get("prompt_cache_options")
    if options is not None:
        expect(options, "object", "prompt_cache_options")
        for name in options:
            if name not in CACHE_OPTION_MEMBERS[req.api]:
                raise invalid(
                    f"Unknown parameter: 'prompt_cache_options.{name}'.",
                    f"prompt_cache_options.{name}",
                    "unknown_parameter",
                )
        for name, allowed in (("mode", CACHE_MODES), ("ttl", CACHE_TTLS[req.api])):
            if options.get(name) is not None:
                value = expect(options[name], "string", f"prompt_cache_options.{name}")
                if value not in allowed:
                    raise invalid(
                        f"Invalid value: '{value}'. Supported values are: {quoted_list(allowed)}.",
                        f"prompt_cache_options.{name}",
                        "invalid_value",
                    )
        if options.get("prewarm"):
            raise StubError(
                400,
                "The course's stub does not implement prompt_cache_options.prewarm (preparing the cache "
                "without generating output). The real Responses API does.",
                param="prompt_cache_options.prewarm",
                code="unsupported_parameter",
            )
    retention = body.get("prompt_cache_retention")
    if retention is not None and retention not in ("in_memory", "24h"):
        # the Chat Completions parser already refused it (its OpenAPI enum); the Responses API's enum is the same
        raise invalid(
            f"Invalid value: '{retention}'. Supported values are: 'in_memory' and '24h'.",
            "prompt_cache_retention",
            "invalid_value",
        )
    if retention is not None and retention not in model.cache_retention:
        raise invalid(
            "This model is compatible only with 24h extended prompt caching", "prompt_cache_retention", None
        )
