"""Per-family parameter rules, with the real API's 400 bodies.

``check(model, req)`` is called by ``pipeline.run`` right after the model is
resolved; it raises the first 400 the real API would raise for that model
family. Every rule names the public trace of the real body it imitates
(status 400, ``type: invalid_request_error``, ``param``, ``code``, message).

Reasoning models (gpt-5, gpt-5-mini, gpt-5-nano, o3, o4-mini):

* ``max_tokens`` is rejected: ``Unsupported parameter: 'max_tokens' is not
  supported with this model. Use 'max_completion_tokens' instead.``, param
  ``max_tokens``, code ``unsupported_parameter`` (gpt-5:
  griptape-ai/ComfyUI-Griptape#312; o1/o3-mini: teilomillet/gollm#33). The SDK's
  docstring agrees: max_tokens "is not compatible with o-series models".
* ``temperature`` other than the default 1: ``Unsupported value: 'temperature'
  does not support 0 with this model. Only the default (1) value is
  supported.``, code ``unsupported_value`` (gpt-5: gabrii/Cursor-Azure-GPT-5#33;
  gpt-5-mini: QwenLM/qwen-code#921; o1-mini, value written as sent, "0.0":
  OpenHands/OpenHands#4131).
* ``top_p`` other than the default 1: ``Unsupported parameter: 'top_p' is not
  supported with this model.``, code ``unsupported_parameter`` (gpt-5:
  HIllya51/LunaTranslator#1842, lfnovo/open-notebook#107). The traces do not say
  whether an explicit ``top_p: 1`` is refused too; the stub lets the default
  through, as it does for ``temperature: 1``.
* ``stop`` (any non-empty value): ``Unsupported parameter: 'stop' is not
  supported with this model.``, code ``unsupported_parameter`` (gpt-5 family:
  huggingface/smolagents#1662; o3: crewAIInc/crewAI#2738; o4-mini:
  langgenius/dify#18971; SDK docstring: "Not supported with latest reasoning
  models o3 and o4-mini").
* ``reasoning_effort`` outside the model's values: ``Unsupported value:
  'reasoning_effort' does not support 'xhigh' with this model. Supported values
  are: 'minimal', 'low', 'medium', and 'high'.``, code ``unsupported_value``
  (gpt-5-mini: kaitranntt/ccs#344).
* ``system`` messages are accepted and read as ``developer`` messages ("With o1
  models and newer, developer messages replace the previous system messages":
  the OpenAPI description of ChatCompletionRequestDeveloperMessage). The stub
  already reads both roles as the standing instructions.

Non-reasoning models (gpt-4o, gpt-4o-mini, gpt-4.1 family, gpt-3.5-turbo):

* ``reasoning_effort`` is rejected: ``Unrecognized request argument supplied:
  reasoning_effort``, param and code null (gpt-4o-mini:
  davidmigloz/langchain_dart#712).

Every model: ``prompt_cache_key`` must be a string (the SDK types it
``Optional[str]``); a wrong type gets the stub's usual invalid_type 400.
"""

from __future__ import annotations

import json
from typing import Any

from .catalog import ModelInfo
from .errors import StubError, invalid
from .request import ChatRequest, expect


def _sent(value: Any) -> str:
    """A value as the real messages write it: as it was sent in the JSON body (``0``, ``0.7``, ``'high'``)."""
    return json.dumps(value)


def _unsupported_parameter(param: str, extra: str = "") -> StubError:
    return invalid(
        f"Unsupported parameter: '{param}' is not supported with this model.{extra}",
        param,
        "unsupported_parameter",
    )


def _quoted_list(values: tuple[str, ...]) -> str:
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


def effort_of(model: ModelInfo, req: ChatRequest) -> str | None:
    """The reasoning effort a request runs with: its ``reasoning_effort``, else the model's default."""
    if not model.is_reasoning:
        return None
    value = req.body.get("reasoning_effort")
    return value if isinstance(value, str) else model.default_effort


def check(model: ModelInfo, req: ChatRequest) -> None:
    """Raise the 400 the real API gives for a parameter this model's family does not take."""
    body = req.body
    if body.get("prompt_cache_key") is not None:
        expect(body["prompt_cache_key"], "string", "prompt_cache_key")
    effort = body.get("reasoning_effort")
    if not model.is_reasoning:
        if effort is not None:
            raise invalid("Unrecognized request argument supplied: reasoning_effort", None, None)
        return
    if body.get("max_tokens") is not None:
        raise _unsupported_parameter("max_tokens", " Use 'max_completion_tokens' instead.")
    temperature = body.get("temperature")
    if temperature is not None and temperature != 1:
        raise invalid(
            f"Unsupported value: 'temperature' does not support {_sent(temperature)} with this model. "
            "Only the default (1) value is supported.",
            "temperature",
            "unsupported_value",
        )
    top_p = body.get("top_p")
    if top_p is not None and top_p != 1:
        raise _unsupported_parameter("top_p")
    stop = body.get("stop")
    if not model.supports_stop and stop not in (None, [], ""):
        raise _unsupported_parameter("stop")
    if effort is not None:
        expect(effort, "string", "reasoning_effort")
        if effort not in model.efforts:
            raise invalid(
                f"Unsupported value: 'reasoning_effort' does not support '{effort}' with this model. "
                f"Supported values are: {_quoted_list(model.efforts)}.",
                "reasoning_effort",
                "unsupported_value",
            )
