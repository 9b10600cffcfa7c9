"""The models the stub serves, named like real ones, each with its context window."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelInfo:
    id: str
    created: int
    owned_by: str
    context_window: int
    max_output_tokens: int


DEFAULT_MODELS: tuple[ModelInfo, ...] = (
    ModelInfo("gpt-4o-mini", 1721172741, "system", 128_000, 16_384),
    ModelInfo("gpt-4o", 1715367049, "system", 128_000, 16_384),
    ModelInfo("gpt-4.1-mini", 1744318173, "system", 1_047_576, 32_768),
    ModelInfo("gpt-4.1-nano", 1744321707, "system", 1_047_576, 32_768),
    ModelInfo("gpt-3.5-turbo", 1677610602, "openai", 16_385, 4_096),
)

# Models that exist but that the stub's "project" may not use: requests get the real 403.
DEFAULT_RESTRICTED: tuple[ModelInfo, ...] = (ModelInfo("o1-pro", 1742251791, "system", 200_000, 100_000),)

DEFAULT_MODEL = "gpt-4o-mini"
