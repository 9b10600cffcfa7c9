"""One generation pipeline behind every wire format.

An endpoint parses its own request shape into a ``ChatRequest`` (the chat
endpoint directly; the Responses endpoint by translating ``input``), then calls
``run``: resolve the model, validate what the model will read, count tokens,
apply the context window, fault plans and rate limits, decide the reply, and
account for it. The endpoint only renders the ``Outcome`` in its own format.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import catalog, logprobs, model_rules, reasoning, structured, tools
from . import request as request_check
from .catalog import ModelInfo
from .errors import StubError, invalid
from .generate import Choice, complete
from .render import usage_dict
from .request import ChatRequest
from .state import StubState
from .tokenizer import count_messages, count_tools


@dataclass
class Outcome:
    """What the model did for one request, before any wire format is chosen."""

    model: ModelInfo
    prompt_tokens: int
    choices: list[Choice]
    usage: reasoning.Usage
    fault: Any = None  # the fault plan step taken for this request, if any (its ``stream`` part acts later)


# The real 404 for a model past its shutdown date, whole (fact sheet section 2): gpt-3.5-turbo-1106 after its
# 2026-09-28 shutdown (find_string id 71572945808, Python SDK NotFoundError), gpt-5.1-codex-mini on 2026-07-24
# (anomalyco/opencode#38665), text-davinci-003 with param null and code model_not_found
# (hkjang/node-red-contrib-openai#7). The link still points at platform.openai.com in every capture.
DEPRECATED_404 = (
    "The model `{}` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations"
)
# An id the API does not know, or one the caller may not see: abi/screenshot-to-code#459, BerriAI/litellm#39607.
UNKNOWN_404 = "The model `{}` does not exist or you do not have access to it."


def find_model(state: StubState, model_id: str) -> ModelInfo:
    """The catalogue's entry for an id, shut down or not (GET /v1/models/{id} still shows a shut-down row);
    the real 403/404 for an id the stub does not serve."""
    model = state.config.model(model_id)
    if model is not None:
        return model
    if state.config.restricted(model_id) is not None:
        raise StubError(
            403,
            f"Project `proj_stub` does not have access to model `{model_id}`",
            code="model_not_found",
        )
    if (
        catalog.retired(model_id) is not None
        and catalog.retired(model_id).shutdown_date <= state.config.current_date()
    ):
        raise StubError(404, DEPRECATED_404.format(model_id), code="model_not_found")
    raise StubError(404, UNKNOWN_404.format(model_id), code="model_not_found")


def resolve_model(state: StubState, model_id: str) -> ModelInfo:
    """The model a request may use: as ``find_model``, and past its shutdown date the deprecation 404."""
    model = find_model(state, model_id)
    if model.shut_down_on(state.config.current_date()):
        raise StubError(404, DEPRECATED_404.format(model_id), code="model_not_found")
    return model


def check_context(
    model: ModelInfo,
    prompt_tokens: int,
    max_tokens: int | None,
    functions: Callable[[], int] | None = None,
    param: str = "max_tokens",
) -> None:
    """The real 400s for a prompt the model cannot take; ``functions`` counts the tools' tokens (on error only).

    ``param`` is the name the request gave its cap (``max_tokens``, ``max_completion_tokens``,
    ``max_output_tokens``): the 400 names what the caller sent.
    """
    if max_tokens is not None and max_tokens > model.max_output_tokens:
        # Real body, code null (ChatGPTNextWeb/NextChat#3195): "max_tokens is too large: 8192. This model supports
        # at most 4096 completion tokens, whereas you provided 8192.", param "max_tokens". No quote was found for
        # max_completion_tokens; the same sentence names the parameter the caller used.
        raise invalid(
            f"{param} is too large: {max_tokens}. This model supports at most {model.max_output_tokens} "
            f"completion tokens, whereas you provided {max_tokens}.",
            param,
            None,
        )
    if model.max_input_tokens is not None and prompt_tokens > model.max_input_tokens:
        # Models with an input limit below their window (gpt-5: 272,000 of 400,000; GPT-6: 922,000 of 1,050,000)
        # answer an over-long prompt with their own sentence, param messages, code context_length_exceeded
        # (find_string ids 54678669116 and 55682358070: "Input tokens exceed the configured limit of 272000
        # tokens. Your messages resulted in 300007 tokens. Please reduce the length of the messages."; 922000
        # for GPT-6: ids 57503578316, 71119083909).
        raise invalid(
            f"Input tokens exceed the configured limit of {model.max_input_tokens} tokens. Your messages "
            f"resulted in {prompt_tokens} tokens. Please reduce the length of the messages.",
            "messages",
            "context_length_exceeded",
        )
    requested = prompt_tokens + (max_tokens or 0)
    if requested > model.context_window:
        if max_tokens:
            detail = (
                f"However, you requested {requested} tokens ({prompt_tokens} in the messages, "
                f"{max_tokens} in the completion). Please reduce the length of the messages or completion."
            )
        elif functions is not None and (functions_tokens := functions()):
            # messages and tools counted apart, as the real 400 does (huggingface/smolagents#1719: "(22394 in the
            # messages, 879 in the functions). Please reduce the length of the messages or functions.")
            detail = (
                f"However, your messages resulted in {prompt_tokens} tokens ({prompt_tokens - functions_tokens} "
                f"in the messages, {functions_tokens} in the functions). Please reduce the length of the "
                "messages or functions."
            )
        else:
            detail = f"However, your messages resulted in {prompt_tokens} tokens. Please reduce the length of the messages."
        raise invalid(
            f"This model's maximum context length is {model.context_window} tokens. {detail}",
            "messages",
            "context_length_exceeded",
        )


def attach_logprobs(req: ChatRequest, choices: list[Choice], encoding: str) -> None:
    """Each text (or refusal) choice gets the log probabilities of its own tokens (``logprobs.py``), fixed by
    the request so that the same request reports the same values."""
    for c in choices:
        if c.tool_calls:
            continue
        seed = f"{req.messages!r}|{c.index}|{c.content or c.refusal}".encode()
        c.logprobs = logprobs.for_pieces(list(c.pieces), encoding, req.top_logprobs, seed)


async def run(
    state: StubState,
    req: ChatRequest,
    *,
    key: str,
    request_headers: Mapping[str, str],
    response_headers: dict[str, str],
    extra: dict,
) -> Outcome:
    """Everything between a parsed request and its rendering; raises ``StubError`` for any 4xx/5xx.

    ``response_headers`` gains the rate-limit headers; ``extra`` (the journal entry's) gains the fault label
    and the usage the response reports.
    """
    model = resolve_model(state, req.model)
    model_rules.check(
        model, req
    )  # the family's parameter rules (max_tokens, temperature, reasoning_effort...)
    effort = model_rules.effort_of(model, req)
    structured.validate_request(req)
    tools.validate_request(req)
    prompt_tokens = count_messages(req.messages, req.tools or None, model.encoding)
    request_check.check_for_model(req, model)  # e.g. image parts to a text-only model
    check_context(
        model,
        prompt_tokens,
        req.max_tokens,
        lambda: count_tools(req.tools or None, model.encoding),
        req.max_tokens_param,
    )
    fault = state.faults.take(key=key, model=req.model, headers=request_headers)
    if fault is not None:
        extra["fault"] = fault.label
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.error is not None:
            raise fault.error
    response_headers.update(state.limits.admit(key, prompt_tokens + (req.max_tokens or 0), model=req.model))
    choices = complete(req, state.book, model, effort)
    if req.logprobs:
        attach_logprobs(req, choices, model.encoding)
    cache = state.cache.lookup_and_store(
        key=key,
        model=model.resolved,
        cache_key=req.body.get("prompt_cache_key"),
        messages=req.messages,
        tools=req.tools or None,
        encoding=model.encoding,
        prompt_tokens=prompt_tokens,
        options=model_rules.cache_options(req),
        writes_billed=model.cache_options,
    )
    usage = reasoning.usage(
        prompt_tokens,
        sum(c.completion_tokens for c in choices),
        cached_tokens=cache.cached,
        reasoning=sum(c.reasoning_tokens for c in choices),
        cache_write_tokens=cache.written if model.cache_options else None,
        cache_write_ttl=cache.ttl,
    )
    extra["usage"] = usage_dict(usage)  # what the response reported, for tests
    return Outcome(model, prompt_tokens, choices, usage, fault)
