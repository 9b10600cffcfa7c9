"""Which OpenAI-compatible provider supports which feature the lessons use.

The lessons are written against the OpenAI Chat Completions API. Other providers
accept the same requests, but not every parameter: some reject it with a 400,
some ignore it silently (the worse failure: the lesson's point quietly stops
being true). ``setup()`` detects the provider from the base URL, and a lesson
that relies on a feature calls ``backend.warn_unsupported("n", "01")`` so that
a learner on, say, Ollama reads one line saying what will differ, instead of a
puzzling result.

Every entry below was checked against the provider's own documentation (or,
where a behaviour is undocumented, a maintainer's answer); the page is named in
a comment next to the entry and listed in ``docs/providers.md``. Support is
``"yes"``, ``"partial"`` (works with a caveat: some models only, ignored flag,
different behaviour) or ``"no"`` (rejected or ignored).

This module has no side effects and makes no network calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

from llm_stub.catalog import DEFAULT_MODEL

YES, PARTIAL, NO = "yes", "partial", "no"
LEVELS = (YES, PARTIAL, NO)

# The features the lessons use, with the words a learner sees in a warning.
FEATURES: dict[str, str] = {
    "json_object": 'response_format {"type": "json_object"} (JSON mode)',
    "json_schema_strict": "response_format json_schema with strict: true (Structured Outputs)",
    "tools": "tools (function calling)",
    "tool_choice": 'tool_choice ("required" or a named function)',
    "parallel_tool_calls": "parallel_tool_calls",
    "stream_include_usage": "stream_options.include_usage (token usage on the last chunk)",
    "seed": "seed (best-effort reproducible sampling)",
    "n": "n > 1 (several choices in one request)",
    "max_completion_tokens": "max_completion_tokens (the length cap that replaces max_tokens)",
    "reasoning_effort": "reasoning_effort (how much a reasoning model thinks before it answers)",
    "prompt_caching": "prompt caching (a repeated long prompt prefix billed at a discount, usage.prompt_tokens_details)",
    "responses_api": "the Responses API (POST /v1/responses: input and output items, previous_response_id)",
}


@dataclass(frozen=True)
class Support:
    level: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"support level {self.level!r} is not one of {LEVELS}")


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str
    key: str  # what goes in OPENAI_API_KEY
    model: str  # an example MODEL value
    models_note: str  # how this provider names models
    sources: tuple[str, ...]  # documentation pages the entries were checked against
    features: dict[str, Support] = field(default_factory=dict)

    def support(self, feature: str) -> Support:
        check_feature(feature)
        return self.features.get(feature, Support(YES))


def _all_yes(**overrides: Support) -> dict[str, Support]:
    table = {name: Support(YES) for name in FEATURES}
    table.update(overrides)
    return table


OPENAI_REFERENCE = "https://platform.openai.com/docs/api-reference/chat/create"

# The three rows for today's models (issue 16), with what each was checked against:
# * max_completion_tokens: OpenAI's reference marks max_tokens deprecated in its favour (the SDK's
#   completion_create_params docstring: "not compatible with o-series models"). Azure's reasoning guide uses it
#   (learn.microsoft.com/.../how-to/reasoning). Ollama's "Supported request fields" list max_tokens only. Groq's
#   API reference and OpenRouter's request schema document max_tokens. vLLM's server takes the OpenAI request
#   body (its openai_compatible_server page).
# * reasoning_effort: OpenAI and Azure for reasoning models; Ollama lists "reasoning_effort (model-defined names
#   and compatibility aliases)" for thinking models; OpenRouter documents it as "Shorthand for setting reasoning
#   effort. Equivalent to setting reasoning.effort"; Groq on the models its docs list (langchain-groq's
#   reference: "See the Groq documentation for ... models that support setting a reasoning effort"); vLLM for
#   models whose chat format takes it (gpt-oss).
# * prompt_caching: OpenAI automatic from 1,024 tokens (cookbook "Prompt Caching 201"); Azure "supported with all
#   Azure OpenAI models GPT-4o or newer ... typically cleared within 5-10 minutes of inactivity"; Groq "works
#   automatically on all your API requests to supported models ... 50% for cached portions ... expires after 2
#   hours without use"; OpenRouter implicit caching for OpenAI/DeepSeek/Gemini, cache_control breakpoints for
#   others; vLLM automatic prefix caching, with cached_tokens reported only behind --enable-prompt-tokens-details
#   (default off: its api_server.py passes enable_prompt_tokens_details through).
# * responses_api (lesson 07): OpenAI's SDK README leads with client.responses.create; Azure: the v1 API serves
#   it for listed regions and models (learn.microsoft.com/azure/ai-services/openai/how-to/responses); Groq: "Groq
#   also supports the Responses API" (console.groq.com/docs/openai; stored state not confirmed); OpenRouter: beta
#   `responses` endpoints in the "OpenResponses API format"; Ollama: /v1/responses (ollama/ollama#17531), no
#   stored state documented; vLLM: serving_responses, with store off by default (vllm-project/vllm#22137).
PROVIDERS: dict[str, Provider] = {
    # The course's own stub implements every feature (see ARCHITECTURE.md), with the real error shapes.
    "stub": Provider(
        name="stub",
        base_url="(a free loopback port, chosen by setup())",
        key="sk-stub (set by setup())",
        model=DEFAULT_MODEL,
        models_note="the ids in its /v1/models: today's OpenAI models (llm_stub/data/models.toml)",
        sources=("ARCHITECTURE.md",),
        features=_all_yes(),
    ),
    # Source: the OpenAI API reference, "Create chat completion" (the copy of the OpenAPI description the
    # stub is tested against lists every parameter below; `seed` is marked deprecated/Beta there).
    "OpenAI": Provider(
        name="OpenAI",
        base_url="https://api.openai.com/v1 (the SDK's default: leave OPENAI_BASE_URL empty)",
        key="sk-proj-... (a project key from platform.openai.com/api-keys)",
        model=DEFAULT_MODEL,
        models_note=f"plain model ids: {DEFAULT_MODEL}, gpt-6.1-terra, gpt-6.2-sol, ... (docs/providers.md lists them)",
        sources=(OPENAI_REFERENCE,),
        features=_all_yes(
            seed=Support(YES, "marked deprecated (Beta) in the API reference: best effort, not guaranteed"),
        ),
    ),
    # Sources: https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle (the v1 API:
    # the plain OpenAI() client with base_url .../openai/v1/, no api-version) and
    # https://learn.microsoft.com/en-us/azure/ai-foundry/openai/latest (v1 reference: the OpenAI request
    # body; the key goes in the api-key or the Authorization header). stream_options: supported since
    # api-version 2024-09-01-preview (Azure/azure-sdk-for-java#40998), so on v1.
    "Azure OpenAI": Provider(
        name="Azure OpenAI",
        base_url="https://<resource>.openai.azure.com/openai/v1/",
        key="a key of your Azure OpenAI resource (Keys and Endpoint in the portal)",
        model="<deployment name>",
        models_note="MODEL is the name you gave your deployment, not the model's id",
        sources=(
            "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle",
            "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/latest",
            "https://learn.microsoft.com/en-us/azure/foundry/openai/how-to/structured-outputs",
            "https://learn.microsoft.com/en-us/azure/foundry/openai/how-to/reasoning",
            "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/prompt-caching",
            "https://learn.microsoft.com/en-us/azure/ai-services/openai/how-to/responses",
        ),
        features=_all_yes(
            json_schema_strict=Support(YES, "on deployments of models that support Structured Outputs"),
            seed=Support(YES, "best effort, as on OpenAI"),
            reasoning_effort=Support(YES, "on deployments of reasoning models, as on OpenAI"),
            responses_api=Support(YES, "on the v1 API, for the regions and models Azure lists"),
            prompt_caching=Support(
                YES, "GPT-4o or newer; caches are typically cleared within 5-10 minutes of inactivity"
            ),
        ),
    ),
    # Source: https://docs.ollama.com/api/openai-compatibility ("Supported request fields" of
    # /v1/chat/completions: tool_choice, logit_bias, user and n are unchecked, i.e. not supported;
    # parallel_tool_calls is not listed) and https://docs.ollama.com/capabilities/structured-outputs
    # (a JSON schema works "through the OpenAI-compatible API via response_format"; it constrains
    # generation but Ollama does not apply OpenAI's strict-mode rules or their 400s).
    "Ollama": Provider(
        name="Ollama",
        base_url="http://localhost:11434/v1",
        key="ollama (required by the SDK, ignored by Ollama)",
        model="llama3.2",
        models_note="the names you pulled: `ollama pull llama3.2`, then MODEL=llama3.2",
        sources=(
            "https://docs.ollama.com/api/openai-compatibility",
            "https://docs.ollama.com/capabilities/structured-outputs",
        ),
        features=_all_yes(
            json_schema_strict=Support(
                PARTIAL, "the schema constrains the output, but strict-mode rules are not checked (no 400s)"
            ),
            tools=Support(YES, "with models that support tool calling"),
            tool_choice=Support(
                NO, "not among its supported fields, the model decides whether to call a tool"
            ),
            parallel_tool_calls=Support(NO, "not among its supported fields, so it is ignored"),
            n=Support(NO, "not among its supported fields, one choice comes back"),
            max_completion_tokens=Support(
                NO, "not among its supported fields (it lists max_tokens): send max_tokens"
            ),
            reasoning_effort=Support(PARTIAL, "thinking models only, with model-defined effort names"),
            responses_api=Support(
                PARTIAL, "/v1/responses exists; previous_response_id state is not documented"
            ),
            prompt_caching=Support(
                PARTIAL,
                "it reuses its local cache, but documents no cached_tokens and has nothing to discount",
            ),
        ),
    ),
    # Sources: https://console.groq.com/docs/openai ("If N is supplied, it must be equal to 1";
    # logprobs, logit_bias, top_logprobs and messages[].name give a 400),
    # https://console.groq.com/docs/structured-outputs (strict: true only on openai/gpt-oss-20b and
    # openai/gpt-oss-120b; other models best-effort) and https://console.groq.com/docs/api-reference
    # (seed, parallel_tool_calls, stream_options, tool_choice).
    "Groq": Provider(
        name="Groq",
        base_url="https://api.groq.com/openai/v1",
        key="gsk_... (console.groq.com/keys)",
        model="openai/gpt-oss-20b",
        models_note="Groq's ids: openai/gpt-oss-20b, llama-3.3-70b-versatile, llama-3.1-8b-instant, ...",
        sources=(
            "https://console.groq.com/docs/openai",
            "https://console.groq.com/docs/structured-outputs",
            "https://console.groq.com/docs/api-reference",
            "https://console.groq.com/docs/prompt-caching",
            "https://reference.langchain.com/python/langchain-groq/chat_models/ChatGroq/reasoning_effort",
        ),
        features=_all_yes(
            json_schema_strict=Support(
                PARTIAL,
                "strict: true only on openai/gpt-oss-20b and openai/gpt-oss-120b; other models best-effort",
            ),
            n=Support(NO, "n must be 1 (anything else is a 400)"),
            max_completion_tokens=Support(PARTIAL, "its API reference documents max_tokens: send that"),
            reasoning_effort=Support(PARTIAL, "only on the models Groq lists as reasoning models"),
            responses_api=Support(
                PARTIAL, "supported, but stored state (previous_response_id) is not confirmed"
            ),
            prompt_caching=Support(
                PARTIAL, "automatic on supported models only; cached tokens 50% off, kept 2 hours without use"
            ),
        ),
    ),
    # Sources: https://openrouter.ai/docs/api-reference/overview, https://openrouter.ai/docs/parameters
    # ("refer to the model's provider section to confirm which parameters are supported"),
    # https://openrouter.ai/docs/structured-outputs ("for compatible models"),
    # https://openrouter.ai/docs/use-cases/usage-accounting (usage is always in the last SSE message;
    # stream_options.include_usage is deprecated and has no effect). n: ignored, one choice comes back
    # (OpenRouterArchived/openrouter-runner#99).
    "OpenRouter": Provider(
        name="OpenRouter",
        base_url="https://openrouter.ai/api/v1",
        key="sk-or-... (openrouter.ai/keys)",
        model=f"openai/{DEFAULT_MODEL}",
        models_note=f"vendor/model ids: openai/{DEFAULT_MODEL}, meta-llama/llama-3.3-70b-instruct, ...",
        sources=(
            "https://openrouter.ai/docs/api-reference/overview",
            "https://openrouter.ai/docs/parameters",
            "https://openrouter.ai/docs/structured-outputs",
            "https://openrouter.ai/docs/use-cases/usage-accounting",
            "https://openrouter.ai/docs/client-sdks/python/components/chatrequestreasoningeffort.md",
            "https://openrouter.ai/docs/guides/best-practices/prompt-caching",
        ),
        features=_all_yes(
            json_object=Support(PARTIAL, "depends on the model and the upstream provider it is routed to"),
            json_schema_strict=Support(PARTIAL, "only on models whose page lists structured outputs"),
            tools=Support(PARTIAL, "depends on the model (the models page lists tool support)"),
            tool_choice=Support(PARTIAL, "depends on the model and the upstream provider"),
            parallel_tool_calls=Support(PARTIAL, "passed on to providers that support it"),
            stream_include_usage=Support(
                YES, "usage is always sent on the last chunk; the option itself is ignored"
            ),
            seed=Support(PARTIAL, "passed on to providers that support it"),
            n=Support(NO, "ignored, one choice comes back"),
            max_completion_tokens=Support(PARTIAL, "its request schema documents max_tokens: send that"),
            reasoning_effort=Support(PARTIAL, "shorthand for reasoning.effort; reasoning models only"),
            responses_api=Support(PARTIAL, "a beta endpoint in the OpenResponses format"),
            prompt_caching=Support(
                PARTIAL,
                "implicit for OpenAI, DeepSeek and Gemini models; others need cache_control breakpoints",
            ),
        ),
    ),
    # Sources: https://docs.vllm.ai/en/stable/serving/openai_compatible_server/ ("parallel_tool_calls and
    # user parameters are ignored"; the rest of the Chat API is OpenAI's; --api-key sets the key),
    # https://docs.vllm.ai/en/latest/features/tool_calling/ (needs --enable-auto-tool-choice and a
    # --tool-call-parser; tool_choice auto, required (vllm>=0.8.3), none and named functions) and
    # https://docs.vllm.ai/en/latest/features/structured_outputs/ (response_format json_schema through
    # guided decoding; strict-mode rules are not checked).
    "vLLM": Provider(
        name="vLLM",
        base_url="http://localhost:8000/v1",
        key="the --api-key you started `vllm serve` with (any non-empty value if you gave none)",
        model="Qwen/Qwen2.5-7B-Instruct",
        models_note="the Hugging Face id you served (or --served-model-name); see /v1/models",
        sources=(
            "https://docs.vllm.ai/en/stable/serving/openai_compatible_server/",
            "https://docs.vllm.ai/en/latest/features/tool_calling/",
            "https://docs.vllm.ai/en/latest/features/structured_outputs/",
            "https://www.mintlify.com/vllm-project/vllm/features/prefix-caching",
            "https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/openai/api_server.py",
        ),
        features=_all_yes(
            json_schema_strict=Support(
                PARTIAL, "the schema constrains decoding, but strict-mode rules are not checked (no 400s)"
            ),
            tools=Support(
                PARTIAL, "only when the server runs with --enable-auto-tool-choice --tool-call-parser"
            ),
            tool_choice=Support(YES, '"required" needs vllm>=0.8.3'),
            parallel_tool_calls=Support(NO, "the server ignores it"),
            reasoning_effort=Support(PARTIAL, "only models whose chat format takes it (gpt-oss)"),
            responses_api=Support(PARTIAL, "served, but store is off by default: no previous_response_id"),
            prompt_caching=Support(
                PARTIAL,
                "automatic prefix caching speeds repeats up, but cached_tokens is only reported with "
                "--enable-prompt-tokens-details and nothing is discounted",
            ),
        ),
    ),
}

# How a base URL names its provider: hostname suffixes, then well-known local ports.
HOST_SUFFIXES: list[tuple[str, str]] = [
    (".openai.azure.com", "Azure OpenAI"),
    (".cognitiveservices.azure.com", "Azure OpenAI"),
    (".services.ai.azure.com", "Azure OpenAI"),
    ("api.groq.com", "Groq"),
    ("openrouter.ai", "OpenRouter"),
    ("ollama.com", "Ollama"),
    ("api.openai.com", "OpenAI"),
]
# (default port, provider, only on this machine?): Ollama's port is distinctive anywhere; 8000 is vLLM's
# default but also many other servers', so it only counts on loopback.
LOCAL_PORTS: list[tuple[int, str, bool]] = [(11434, "Ollama", False), (8000, "vLLM", True)]
LOOPBACK = ("localhost", "127.0.0.1", "::1", "0.0.0.0")
# Other spellings accepted in LLM_PROVIDER (compared without case, spaces, dashes or underscores).
ALIASES = {"azure": "Azure OpenAI", "aoai": "Azure OpenAI"}
UNKNOWN = "an OpenAI-compatible provider"


def check_feature(feature: str) -> str:
    if feature not in FEATURES:
        raise ValueError(f"unknown feature {feature!r}; known features: {', '.join(FEATURES)}")
    return feature


def lookup(name: str | None) -> Provider | None:
    """The table entry for a provider name ("vllm", "Azure OpenAI", "azure", ...), or None for an unknown one."""
    if not name:
        return None
    wanted = _squash(name)
    wanted = _squash(ALIASES.get(wanted, wanted))
    return next((p for key, p in PROVIDERS.items() if _squash(key) == wanted), None)


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _host_matches(host: str, suffix: str) -> bool:
    suffix = suffix.lstrip(".")
    return host == suffix or host.endswith("." + suffix)


def detect(base_url: str | None, override: str | None = None) -> str:
    """The provider's name for a base URL; ``override`` (LLM_PROVIDER) wins when it names a known one.

    No base URL means the SDK's default, OpenAI. Local servers are recognised by their default port
    (Ollama 11434 anywhere; vLLM 8000 on this machine); anything else is "an OpenAI-compatible provider".
    """
    named = lookup(override)
    if named is not None:
        return named.name
    if not base_url:
        return "OpenAI"
    parsed = urlparse(base_url)
    host = (parsed.hostname or "").lower()
    for suffix, name in HOST_SUFFIXES:
        if _host_matches(host, suffix):
            return name
    for port, name, loopback_only in LOCAL_PORTS:
        if parsed.port == port and (host in LOOPBACK or not loopback_only):
            return name
    return UNKNOWN


def supports(provider: str, feature: str) -> bool:
    """True unless the table says ``no``. Unknown providers are given the benefit of the doubt."""
    check_feature(feature)
    entry = lookup(provider)
    if entry is None:
        return True
    return entry.support(feature).level != NO


def warning(provider: str, feature: str, lesson: str | None = None) -> str | None:
    """The one-line warning a lesson prints for this provider and feature, or None when there is nothing to say."""
    check_feature(feature)
    entry = lookup(provider)
    where = f"Lesson {lesson}" if lesson else "This lesson"
    what = FEATURES[feature]
    if entry is None:
        who = "your provider" if provider == UNKNOWN else provider
        return (
            f"Note: {where.lower()[0]}{where[1:]} uses {what}, which {who} may not support; if a cell fails or "
            "differs, see docs/providers.md (or name your provider with LLM_PROVIDER in .env)."
        )
    if entry.name in ("stub", "OpenAI"):
        return None
    support = entry.support(feature)
    if support.level == YES:
        return None
    if support.level == PARTIAL:
        return (
            f"Note: on {entry.name}, {what} works only in part: {support.note}. "
            f"{where}'s cells that use it may differ (docs/providers.md)."
        )
    return (
        f"Note: {entry.name} does not support {what}: {support.note}. "
        f"{where}'s cells that use it will fail or differ (docs/providers.md)."
    )


def gaps(provider: str) -> dict[str, Support]:
    """The features a provider lacks or supports only in part (empty for the stub, OpenAI and unknown ones)."""
    entry = lookup(provider)
    if entry is None:
        return {}
    return {f: s for f, s in entry.features.items() if s.level != YES}


def markdown_table() -> str:
    """The feature table as Markdown (docs/providers.md embeds it; a test keeps the two in step)."""
    names = [n for n in PROVIDERS if n != "stub"]
    mark = {YES: "yes", PARTIAL: "partial", NO: "**no**"}
    lines = [
        "| feature | " + " | ".join(names) + " |",
        "| --- | " + " | ".join("---" for _ in names) + " |",
    ]
    for feature in FEATURES:
        cells = [mark[PROVIDERS[n].support(feature).level] for n in names]
        lines.append(f"| `{feature}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
