"""The models the stub serves, read from the one catalogue kept as data: ``llm_stub/data/models.toml``.

This module is the typed view of that file; the file holds the facts and names a source for each row (read
its header for what every field means). The stub, the course's pricing and model information
(``course/pricing.py``, ``course/models.py``), ``docs/providers.md`` and the currency test all read the file
through this module, so there is no second table to keep in step.

An *alias* (``gpt-4o-mini``) resolves to a dated *snapshot* (``gpt-4o-mini-2024-07-18``); the snapshot is a
valid request on its own, and a response's ``model`` names the snapshot, as the real API does (the OpenAPI
description's own examples answer ``"model": "gpt-4o-mini-2024-07-18"`` to a request for ``gpt-4o-mini``).
GPT-5.6 and GPT-6 publish no dated ids (fact sheet section 7): those aliases name themselves. ``/v1/models``
lists aliases and snapshots side by side, each with its ``shutdown_date``.

Families, as the rules read them (``model_rules.py``):

* ``reasoning``: spends reasoning tokens at every effort but ``none``, takes ``reasoning_effort``, refuses
  ``max_tokens`` and, while it reasons, the sampling parameters;
* ``chat``: the classic models (gpt-4o, gpt-4.1, gpt-3.5): they refuse ``reasoning_effort``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib  # the course needs Python 3.11+ (README)

CATALOGUE_FILE = Path(__file__).parent / "data" / "models.toml"

REASONING, CHAT = "reasoning", "chat"
EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")  # the SDK's ReasoningEffort, in order
TOOL_RULES = ("any", "effort_none", "responses_only")
TOOL_HINTS = ("responses", "responses_or_none")
SAMPLING_ALWAYS, SAMPLING_EFFORT_NONE, SAMPLING_NEVER = "always", "effort_none", "never"
ACTIVE, DEPRECATED, SHUT_DOWN = "active", "deprecated", "shut down"


@dataclass(frozen=True)
class Prices:
    """US dollars per million tokens (Standard tier), and the multipliers that change them."""

    input: float
    output: float
    cached_input: float | None = None  # None: no discount, cached tokens bill as input
    cache_write: float | None = None  # 30-minute writes; None: writes are free (before GPT-5.6)
    cache_write_12h: float | None = None  # Responses-only 12-hour writes
    long_context_above: int = 0  # 0: no long-context pricing
    long_input: float = 1.0
    long_output: float = 1.0
    batch: float = 0.5
    flex: float | None = None


@dataclass(frozen=True)
class ModelInfo:
    id: str
    created: int
    owned_by: str
    context_window: int
    max_output_tokens: int
    family: str = CHAT
    encoding: str = "o200k_base"
    snapshot: str = ""  # the id a request for this alias resolves to ("" for an id that names itself)
    # reasoning: the effort values each endpoint accepts, the default, the tool rule on Chat Completions
    efforts: tuple[str, ...] = ()  # Responses API (reasoning.effort)
    default_effort: str | None = None
    supports_stop: bool = True
    chat_efforts: tuple[str, ...] = ()  # Chat Completions (reasoning_effort)
    chat_tools: str = "any"
    chat_tools_hint: str = "responses_or_none"
    # lifecycle
    released: _dt.date | None = None
    shutdown_date: _dt.date | None = None
    replacement: str | None = None
    # limits and what it reads
    max_input_tokens: int | None = None
    knowledge_cutoff: str | None = None
    input_modalities: tuple[str, ...] = ("text", "image")
    # prompt caching and prices
    cache_retention: tuple[str, ...] = ("in_memory", "24h")
    cache_options: bool = False  # prompt_cache_options, billed cache writes (GPT-5.6 and later)
    prices: Prices | None = None
    # where the facts come from
    base: str = ""  # the catalogue row's own id (the alias); "" means this id itself
    sources: tuple[str, ...] = ()
    notes: str = ""

    @property
    def is_reasoning(self) -> bool:
        return self.family == REASONING

    @property
    def resolved(self) -> str:
        """The id a response names: the dated snapshot an alias resolves to, else the id itself."""
        return self.snapshot or self.id

    @property
    def row(self) -> str:
        """The catalogue row this id belongs to (the alias, for a snapshot)."""
        return self.base or self.id

    @property
    def is_row(self) -> bool:
        """True for a catalogue row's own id (``gpt-4o-mini``), False for its snapshots and extra aliases."""
        return self.row == self.id

    @property
    def accepts_images(self) -> bool:
        return "image" in self.input_modalities

    @property
    def sampling(self) -> str:
        """When ``temperature``/``top_p``/``logprobs`` are accepted: always, only at effort none, or never."""
        if not self.is_reasoning:
            return SAMPLING_ALWAYS
        return SAMPLING_EFFORT_NONE if "none" in self.efforts else SAMPLING_NEVER

    def efforts_for(self, api: str) -> tuple[str, ...]:
        """The effort values an endpoint accepts (``"chat"`` or ``"responses"``)."""
        return self.chat_efforts if api == "chat" else self.efforts

    def status_on(self, day: _dt.date) -> str:
        """``"active"`` (no shutdown announced), ``"deprecated"`` (announced, still served) or ``"shut down"``."""
        if self.shutdown_date is None:
            return ACTIVE
        return SHUT_DOWN if day >= self.shutdown_date else DEPRECATED

    def shut_down_on(self, day: _dt.date) -> bool:
        return self.shutdown_date is not None and day >= self.shutdown_date


@dataclass(frozen=True)
class Retired:
    """An id that was shut down and has no row: requests get the deprecation 404."""

    id: str
    shutdown_date: _dt.date
    replacement: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Unserved:
    """An id the SDK knows that the stub does not serve, and why."""

    id: str
    reason: str
    restricted: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    default_model: str
    models: tuple[ModelInfo, ...]  # every servable id: rows, their snapshots, extra aliases
    retired: dict[str, Retired]
    unserved: dict[str, Unserved]
    sources: dict[str, str]
    rows: tuple[str, ...] = field(default=())  # the rows' own ids, in file order

    def get(self, model_id: str) -> ModelInfo | None:
        return _index(self).get(model_id)

    def known_ids(self) -> set[str]:
        """Every id the catalogue says something about (served, retired or unserved)."""
        return {m.id for m in self.models} | set(self.retired) | set(self.unserved)


_INDEXES: dict[int, dict[str, ModelInfo]] = {}


def _index(catalogue: Catalogue) -> dict[str, ModelInfo]:
    index = _INDEXES.get(id(catalogue))
    if index is None:
        index = _INDEXES[id(catalogue)] = {m.id: m for m in catalogue.models}
    return index


# ---------------------------------------------------------------------------------------------- reading

_ROW_KEYS = {
    "id",
    "aliases",
    "snapshots",
    "family",
    "released",
    "created",
    "owned_by",
    "shutdown_date",
    "replacement",
    "context_window",
    "max_input",
    "max_output",
    "encoding",
    "knowledge_cutoff",
    "input",
    "reasoning",
    "efforts",
    "chat_efforts",
    "default_effort",
    "chat_tools",
    "chat_tools_hint",
    "stop",
    "cache_retention",
    "cache_options",
    "price",
    "sources",
    "notes",
}
_PRICE_KEYS = {f for f in Prices.__dataclass_fields__}


class CatalogueError(ValueError):
    """The data file says something the loader cannot use; the message names the row and the field."""


def _created(row: dict) -> int:
    if "created" in row:
        return int(row["created"])
    released: _dt.date = row["released"]
    # the real ids carry OpenAI's own timestamps, which the fact sheet does not list: midnight UTC of the release
    return int(_dt.datetime(released.year, released.month, released.day, tzinfo=_dt.timezone.utc).timestamp())


def _check(row: dict, where: str, sources: dict[str, str]) -> None:
    unknown = set(row) - _ROW_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {sorted(unknown)}")
    for name in ("id", "released", "context_window", "max_output", "price", "sources"):
        if name not in row:
            raise CatalogueError(f"{where}: missing {name!r}")
    if set(row["price"]) - _PRICE_KEYS:
        raise CatalogueError(f"{where}: unknown price field(s) {sorted(set(row['price']) - _PRICE_KEYS)}")
    if row.get("reasoning"):
        efforts = row.get("efforts", [])
        if not efforts or any(e not in EFFORTS for e in [*efforts, *row.get("chat_efforts", [])]):
            raise CatalogueError(f"{where}: efforts must be values of {EFFORTS}")
        if row.get("default_effort") not in efforts:
            raise CatalogueError(
                f"{where}: default_effort {row.get('default_effort')!r} is not one of its efforts"
            )
    if row.get("chat_tools", "any") not in TOOL_RULES:
        raise CatalogueError(f"{where}: chat_tools must be one of {TOOL_RULES}")
    if row.get("chat_tools_hint", "responses_or_none") not in TOOL_HINTS:
        raise CatalogueError(f"{where}: chat_tools_hint must be one of {TOOL_HINTS}")
    missing = [s for s in row["sources"] if s not in sources and "#" not in s]
    if missing:
        raise CatalogueError(f"{where}: sources {missing} are not in [sources]")


def _infos(row: dict) -> list[ModelInfo]:
    """The ModelInfo of a row's alias, of each dated snapshot, and of each extra alias."""
    efforts = tuple(row.get("efforts", ())) if row.get("reasoning") else ()
    chat_efforts = (
        tuple(row["chat_efforts"]) if "chat_efforts" in row else tuple(e for e in efforts if e != "max")
    )
    price = row["price"]
    common: dict[str, Any] = dict(
        created=_created(row),
        owned_by=row.get("owned_by", "system"),
        context_window=int(row["context_window"]),
        max_output_tokens=int(row["max_output"]),
        family=REASONING if row.get("reasoning") else CHAT,
        encoding=row.get("encoding", "o200k_base"),
        efforts=efforts,
        default_effort=row.get("default_effort") if efforts else None,
        supports_stop=bool(row.get("stop", True)),
        chat_efforts=chat_efforts,
        chat_tools=row.get("chat_tools", "any"),
        chat_tools_hint=row.get("chat_tools_hint", "responses_or_none"),
        released=row["released"],
        shutdown_date=row.get("shutdown_date"),
        replacement=row.get("replacement"),
        max_input_tokens=row.get("max_input"),
        knowledge_cutoff=row.get("knowledge_cutoff"),
        input_modalities=tuple(row.get("input", ("text", "image"))),
        cache_retention=tuple(row.get("cache_retention", ("in_memory", "24h"))),
        cache_options=bool(row.get("cache_options", False)),
        prices=Prices(**price),
        base=row["id"],
        sources=tuple(row["sources"]),
        notes=row.get("notes", ""),
    )
    snapshots = list(row.get("snapshots", ()))
    target = snapshots[0] if snapshots else ""
    infos = [ModelInfo(row["id"], snapshot=target, **common)]
    infos += [ModelInfo(s, **common) for s in snapshots]
    infos += [ModelInfo(a, snapshot=target or row["id"], **common) for a in row.get("aliases", ())]
    return infos


def _merged(family: dict, row: dict) -> dict:
    out = {**family, **row}
    out["price"] = {**family.get("price", {}), **row.get("price", {})}
    return out


def parse(text: str) -> Catalogue:
    """A catalogue from the text of a models.toml (tests feed it variants)."""
    data = tomllib.loads(text)
    sources = dict(data.get("sources", {}))
    families = data.get("family", {})
    models: list[ModelInfo] = []
    rows: list[str] = []
    for i, raw in enumerate(data.get("model", [])):
        where = f"model #{i + 1} ({raw.get('id', '?')})"
        family = raw.get("family")
        if family is not None and family not in families:
            raise CatalogueError(f"{where}: no [family.{family}]")
        row = _merged(families.get(family, {}), raw)
        _check(row, where, sources)
        rows.append(row["id"])
        models += _infos(row)
    seen: set[str] = set()
    for m in models:
        if m.id in seen:
            raise CatalogueError(f"{m.id} appears twice")
        seen.add(m.id)
    retired = {
        model_id: Retired(
            model_id, entry["shutdown_date"], entry.get("replacement"), tuple(entry.get("sources", ()))
        )
        for entry in data.get("retired", [])
        for model_id in entry["ids"]
    }
    unserved = {
        model_id: Unserved(
            model_id, entry["reason"], bool(entry.get("restricted")), tuple(entry.get("sources", ()))
        )
        for entry in data.get("unserved", [])
        for model_id in entry["ids"]
    }
    clash = (seen & set(retired)) | (seen & set(unserved)) | (set(retired) & set(unserved))
    if clash:
        raise CatalogueError(f"ids listed twice across model/retired/unserved: {sorted(clash)}")
    default = data["default_model"]
    if default not in seen:
        raise CatalogueError(f"default_model {default!r} has no row")
    return Catalogue(default, tuple(models), retired, unserved, sources, tuple(rows))


def load(path: Path = CATALOGUE_FILE) -> Catalogue:
    return parse(path.read_text(encoding="utf-8"))


CATALOGUE = load()

DEFAULT_MODELS: tuple[ModelInfo, ...] = CATALOGUE.models
# Models that exist but that the stub's "project" may not use: requests get the real 403.
DEFAULT_RESTRICTED: tuple[ModelInfo, ...] = tuple(
    ModelInfo(u.id, 0, "system", 0, 0, family=REASONING, sources=u.sources)
    for u in CATALOGUE.unserved.values()
    if u.restricted
)
DEFAULT_MODEL = CATALOGUE.default_model
ROWS = CATALOGUE.rows  # every row's own id (the aliases), in the file's order
REASONING_MODELS = tuple(m.id for m in DEFAULT_MODELS if m.is_reasoning and m.is_row)  # the rows' ids
ALIASES = tuple(m.id for m in DEFAULT_MODELS if m.snapshot)  # ids that resolve to another id


def lookup(model: str) -> ModelInfo | None:
    """The catalogue's entry for an id it serves (alias, snapshot or extra alias), else None."""
    return CATALOGUE.get(model)


def plain_model(today: _dt.date | None = None) -> str:
    """A model served ``today`` that, at its defaults, takes what a classic chat model takes on Chat Completions:
    it does not reason (default effort none), and takes sampling parameters, ``stop`` and function tools. Tests,
    benchmarks and probes whose requests were written for a classic model use it, and keep working when the
    catalogue changes (the first such row, in the file's order)."""
    day = today or _dt.date.today()
    for m in map(lookup, ROWS):
        if (
            m.is_reasoning
            and m.default_effort == "none"
            and m.supports_stop
            and m.chat_tools != "responses_only"
            and m.prices is not None
            and m.prices.cached_input is not None
            and not m.shut_down_on(day)
        ):
            return m.id
    raise LookupError(
        "the catalogue serves no current model that takes sampling, stop and tools at its defaults"
    )


def retired(model: str) -> Retired | None:
    return CATALOGUE.retired.get(model)


def family_of(model: str) -> str | None:
    """``"reasoning"`` or ``"chat"`` for a model id of the catalogue (alias or snapshot), else None."""
    found = lookup(model)
    return found.family if found else None
