"""The models the stub serves: today's real ids, their dated snapshots, limits, family and encoding.

An *alias* (``gpt-4o-mini``) resolves to a dated *snapshot*
(``gpt-4o-mini-2024-07-18``); the snapshot id is a valid request on its own, and
the response's ``model`` always names the snapshot, as the real API does (the
OpenAPI description's own examples answer ``"model": "gpt-4o-mini-2024-07-18"``
to a request for ``gpt-4o-mini``). ``/v1/models`` lists aliases and snapshots
side by side, as the real endpoint does.

Sources for ids, snapshots, context windows and output limits: OpenAI's model
pages as collected in LiteLLM's ``model_prices_and_context_window.json``
(BerriAI/litellm, MIT), and tiktoken's model table for the encodings
(``tiktoken/model.py``: o200k_base for gpt-4o/4.1/5/o-series, cl100k_base for
gpt-3.5-turbo/gpt-4).

Families:

* ``reasoning`` (gpt-5, gpt-5-mini, gpt-5-nano, o3, o4-mini): spend reasoning
  tokens, take ``reasoning_effort``, reject ``max_tokens`` and non-default
  sampling parameters; see ``model_rules.py``.
* ``chat`` (gpt-4o, gpt-4o-mini, gpt-4.1 family, gpt-3.5-turbo): the classic
  models; they reject ``reasoning_effort``.
"""

from __future__ import annotations

from dataclasses import dataclass

REASONING, CHAT = "reasoning", "chat"


@dataclass(frozen=True)
class ModelInfo:
    id: str
    created: int
    owned_by: str
    context_window: int
    max_output_tokens: int
    family: str = CHAT
    encoding: str = "o200k_base"
    snapshot: str = ""  # the dated id an alias resolves to ("" for a snapshot itself)
    # reasoning models: the reasoning_effort values accepted, the default, and whether `stop` is accepted
    efforts: tuple[str, ...] = ()
    default_effort: str | None = None
    supports_stop: bool = True

    @property
    def is_reasoning(self) -> bool:
        return self.family == REASONING

    @property
    def resolved(self) -> str:
        """The snapshot id a response names."""
        return self.snapshot or self.id


def _pair(alias: str, snapshot: str, created: int, owned_by: str, **limits) -> tuple[ModelInfo, ModelInfo]:
    """An alias and its dated snapshot, with the same limits and rules."""
    return (
        ModelInfo(alias, created, owned_by, snapshot=snapshot, **limits),
        ModelInfo(snapshot, created, owned_by, **limits),
    )


# reasoning_effort values: gpt-5 family "minimal", "low", "medium", "high" (the real 400 for "xhigh" on gpt-5-mini
# lists exactly these: kaitranntt/ccs#344); o-series "low", "medium", "high" (OpenAI's reasoning guide; "minimal" was
# introduced with gpt-5). Default "medium" (the reasoning guide). `stop` is rejected by gpt-5, gpt-5-mini,
# gpt-5-nano (huggingface/smolagents#1662), o3 (crewAIInc/crewAI#2738) and o4-mini (langgenius/dify#18971), and
# documented as "Not supported with latest reasoning models o3 and o4-mini" in the SDK's completion_create_params.
_GPT5 = dict(
    context_window=400_000,
    max_output_tokens=128_000,
    family=REASONING,
    efforts=("minimal", "low", "medium", "high"),
    default_effort="medium",
    supports_stop=False,
)
_OSERIES = dict(
    context_window=200_000,
    max_output_tokens=100_000,
    family=REASONING,
    efforts=("low", "medium", "high"),
    default_effort="medium",
    supports_stop=False,
)
_4O = dict(context_window=128_000, max_output_tokens=16_384)
_41 = dict(context_window=1_047_576, max_output_tokens=32_768)

DEFAULT_MODELS: tuple[ModelInfo, ...] = (
    *_pair("gpt-4o-mini", "gpt-4o-mini-2024-07-18", 1721172741, "system", **_4O),
    *_pair("gpt-4o", "gpt-4o-2024-08-06", 1715367049, "system", **_4O),
    *_pair("gpt-4.1", "gpt-4.1-2025-04-14", 1744316542, "system", **_41),
    *_pair("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 1744318173, "system", **_41),
    *_pair("gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", 1744321707, "system", **_41),
    *_pair("gpt-5", "gpt-5-2025-08-07", 1754425777, "system", **_GPT5),
    *_pair("gpt-5-mini", "gpt-5-mini-2025-08-07", 1754425867, "system", **_GPT5),
    *_pair("gpt-5-nano", "gpt-5-nano-2025-08-07", 1754426384, "system", **_GPT5),
    *_pair("o3", "o3-2025-04-16", 1744225308, "system", **_OSERIES),
    *_pair("o4-mini", "o4-mini-2025-04-16", 1744225351, "system", **_OSERIES),
    *_pair(
        "gpt-3.5-turbo",
        "gpt-3.5-turbo-0125",
        1677610602,
        "openai",
        context_window=16_385,
        max_output_tokens=4_096,
        encoding="cl100k_base",
    ),
)

# Models that exist but that the stub's "project" may not use: requests get the real 403.
DEFAULT_RESTRICTED: tuple[ModelInfo, ...] = (
    ModelInfo("o1-pro", 1742251791, "system", 200_000, 100_000, family=REASONING),
)

DEFAULT_MODEL = "gpt-4o-mini"
REASONING_MODELS = tuple(m.id for m in DEFAULT_MODELS if m.is_reasoning and m.snapshot)  # the aliases
ALIASES = tuple(m.id for m in DEFAULT_MODELS if m.snapshot)


def family_of(model: str) -> str | None:
    """``"reasoning"`` or ``"chat"`` for a model id of the catalogue (alias or snapshot), else None."""
    found = next((m for m in DEFAULT_MODELS if m.id == model), None)
    return found.family if found else None
