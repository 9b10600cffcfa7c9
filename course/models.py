"""What the course knows about a model, for lesson code that must run on any of them.

Today's OpenAI models differ in what a request may carry: most reason by default, ``temperature`` works only
at reasoning effort ``none`` (or never), and function tools on Chat Completions need effort ``none`` on some
models and the Responses API on others. Lesson code decides what to send from these facts, read from the
course's one model catalogue (``llm_stub/data/models.toml``), never from the look of a model's name.

A model the catalogue does not know (another provider's, a newer one) gets the benefit of the doubt: it is
treated as a classic chat model (sampling parameters and tools accepted, no ``reasoning_effort``), and the
lesson cells that demonstrate a 400 still catch it if the provider refuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llm_stub import catalog
from llm_stub.catalog import ModelInfo

DEFAULT_MODEL = catalog.DEFAULT_MODEL
WARN_DAYS = 90  # how long before a shutdown the course starts warning


def info(model: str) -> ModelInfo | None:
    """The catalogue's entry for ``model`` (an alias, a dated snapshot, or ``openai/<id>`` as gateways write
    it), None when the catalogue does not know it."""
    found = catalog.lookup(model)
    if found is None and "/" in model:
        found = catalog.lookup(model.rsplit("/", 1)[-1])
    return found


def is_known(model: str) -> bool:
    return info(model) is not None


def is_reasoning(model: str) -> bool:
    """True for a model that reasons (spends reasoning tokens, takes ``reasoning_effort``); False for a
    classic chat model and for a model the catalogue does not know."""
    found = info(model)
    return found is not None and found.is_reasoning


def efforts(model: str, api: str = "chat") -> tuple[str, ...]:
    """The reasoning efforts ``model`` accepts on an endpoint (``"chat"``: Chat Completions; ``"responses"``),
    lowest first; ``()`` for a classic or unknown model."""
    found = info(model)
    return found.efforts_for(api) if found is not None else ()


def default_effort(model: str) -> str | None:
    """The effort a request runs at when it sends none (None: not a reasoning model, or unknown)."""
    found = info(model)
    return found.default_effort if found is not None else None


def lowest_effort(model: str) -> str | None:
    """The least reasoning ``model`` allows on Chat Completions: ``"none"`` where it exists."""
    values = efforts(model)
    return values[0] if values else None


def sampling(model: str) -> str:
    """When ``temperature``/``top_p``/``logprobs`` are accepted: ``"always"`` (classic or unknown models),
    ``"effort_none"`` (only while the model does not reason) or ``"never"``."""
    found = info(model)
    return found.sampling if found is not None else catalog.SAMPLING_ALWAYS


def no_reasoning_params(model: str, api: str = "chat") -> dict:
    """Keyword arguments that stop ``model`` from reasoning: ``{"reasoning_effort": "none"}`` on Chat Completions
    (``{"reasoning": {"effort": "none"}}`` with ``api="responses"``) where the model has that effort and it is not
    already the default; ``{}`` otherwise (a classic or unknown model does not reason; a model without effort
    none always does)."""
    found = info(model)
    if found is None or "none" not in found.efforts_for(api) or found.default_effort == "none":
        return {}
    return {"reasoning": {"effort": "none"}} if api == "responses" else {"reasoning_effort": "none"}


def sampling_params(model: str, api: str = "chat", **params: object) -> dict:
    """Keyword arguments that let ``params`` (``temperature=0``, ``top_p=0.9``...) through on ``model``:

    * a classic (or unknown) model takes them as they are;
    * a model that accepts them only at effort ``none`` gets that effort too (unless it is already its default):
      ``reasoning_effort="none"`` on Chat Completions, ``reasoning={"effort": "none"}`` with ``api="responses"``;
    * a model that never accepts them gets none of them (``{}``): it samples at its own defaults.
    """
    if sampling(model) == catalog.SAMPLING_NEVER:
        return {}
    return {**no_reasoning_params(model, api), **params}


def chat_tools(model: str) -> str:
    """Function tools on Chat Completions: ``"any"`` (at any effort), ``"effort_none"`` (only while the model
    does not reason) or ``"responses_only"`` (use the Responses API). ``"any"`` for unknown models."""
    found = info(model)
    return found.chat_tools if found is not None else "any"


def chat_tools_params(model: str) -> dict | None:
    """Keyword arguments a Chat Completions request with function tools needs on ``model``: ``{}``, or
    ``{"reasoning_effort": "none"}`` where tools need effort none and that is not the default; None where
    Chat Completions refuses tools at every effort (send the request to the Responses API instead)."""
    rule = chat_tools(model)
    if rule == "responses_only":
        return None
    if rule == "effort_none" and default_effort(model) != "none":
        return {"reasoning_effort": "none"}
    return {}


def chat_tools_model(model: str) -> tuple[str, dict]:
    """A model for Chat Completions requests with function tools, and the keyword arguments they need:
    ``model`` itself wherever it takes them there, else the course's default model (for a model that serves tools
    only through the Responses API: use that API to keep ``model``, as lesson 07 does)."""
    params = chat_tools_params(model)
    if params is not None:
        return model, params
    return DEFAULT_MODEL, chat_tools_params(DEFAULT_MODEL) or {}


def input_limit(model: str) -> int | None:
    """The most prompt tokens ``model`` takes: its input limit where it has one below the window (272K on
    gpt-5.2, 922K on GPT-6), else its context window; None for a model the catalogue does not know."""
    found = info(model)
    if found is None:
        return None
    return found.max_input_tokens or found.context_window


def accepts_stop(model: str) -> bool:
    found = info(model)
    return found is None or found.supports_stop


@dataclass(frozen=True)
class Deprecation:
    model: str
    shutdown_date: dt.date
    replacement: str | None
    shut_down: bool  # the date has passed

    def days_left(self, today: dt.date) -> int:
        return (self.shutdown_date - today).days

    def message(self, today: dt.date) -> str:
        """One line for a learner: the date, what happens then, and what to use instead."""
        instead = f"; OpenAI names {self.replacement} as its replacement" if self.replacement else ""
        if self.shut_down:
            return (
                f"MODEL={self.model} was shut down on {self.shutdown_date.isoformat()}: every request to it now gets "
                f"a 404{instead}. Set MODEL in .env to a current model."
            )
        return (
            f"MODEL={self.model} is deprecated: it shuts down on {self.shutdown_date.isoformat()} "
            f"(in {self.days_left(today)} days){instead}. Set MODEL in .env before then."
        )


def deprecation(
    model: str, today: dt.date | None = None, shutdown_date: str | dt.date | None = None
) -> Deprecation | None:
    """The deprecation of ``model``, or None when no shutdown is announced.

    ``shutdown_date`` (YYYY-MM-DD), when given, is what a provider's ``GET /v1/models/{id}`` said, and wins;
    otherwise the catalogue's date is used (for the replacement too).
    """
    today = today or dt.date.today()
    found = info(model)
    day = dt.date.fromisoformat(shutdown_date) if isinstance(shutdown_date, str) else shutdown_date
    if day is None and found is not None:
        day = found.shutdown_date
    if day is None:
        if found is None:
            retired = catalog.retired(model.rsplit("/", 1)[-1])
            if retired is not None:
                return Deprecation(
                    model, retired.shutdown_date, retired.replacement, retired.shutdown_date <= today
                )
        return None
    return Deprecation(model, day, found.replacement if found else None, day <= today)


def current(today: dt.date | None = None) -> list[str]:
    """The catalogue's rows with no shutdown announced (the models to choose from today), newest first."""
    today = today or dt.date.today()
    rows = [catalog.lookup(r) for r in catalog.ROWS]
    live = [m for m in rows if m.status_on(today) == catalog.ACTIVE]
    return [m.id for m in sorted(live, key=lambda m: m.released, reverse=True)]


def effort_range(model: str, api: str = "chat") -> str:
    """``none…xhigh``, ``low…max``; ``-`` for a classic model."""
    values = efforts(model, api)
    if not values:
        return "-"
    return values[0] if len(values) == 1 else f"{values[0]}…{values[-1]}"


def _tokens(n: int) -> str:
    return f"{n / 1_000_000:.2f}M" if n >= 1_000_000 else f"{n // 1000}K"


def table(model_ids: list[str] | None = None, today: dt.date | None = None) -> str:
    """A table to choose a model from (by default today's current ones): prices per million tokens, context
    window, the efforts Chat Completions accepts and the default, when sampling parameters and Chat Completions
    tools work. Plain aligned text, for printing in a notebook."""
    ids = model_ids or current(today)
    header = (
        f"{'model':<14}{'input':>7}{'cached':>8}{'output':>8}{'context':>9}  {'effort (CC)':<13}{'default':<9}"
        f"{'sampling':<14}{'CC tools'}"
    )
    lines = [header, "-" * (len(header) + 6)]
    tools_words = {"any": "any effort", "effort_none": "at none only", "responses_only": "Responses only"}
    sampling_words = {"always": "always", "effort_none": "at none only", "never": "never"}
    for model in ids:
        m = info(model)
        if m is None or m.prices is None:
            continue
        p = m.prices
        cached = f"{p.cached_input:.3f}".rstrip("0").rstrip(".") if p.cached_input is not None else "-"
        lines.append(
            f"{m.id:<14}{p.input:>7.2f}{cached:>8}{p.output:>8.2f}{_tokens(m.context_window):>9}  "
            f"{effort_range(m.id):<13}{m.default_effort or '-':<9}{sampling_words[m.sampling]:<14}"
            f"{tools_words[m.chat_tools]}"
        )
    return "\n".join(lines)


MODEL_TABLE_BEGIN = (
    "<!-- model-table:begin (generated by course.models.markdown_table(); do not edit by hand) -->"
)
MODEL_TABLE_END = "<!-- model-table:end -->"


def _price(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}".rstrip("0").rstrip(".")


def markdown_table() -> str:
    """The catalogue as the Markdown table docs/providers.md shows (a test keeps the two in step)."""
    head = (
        "| model | released | shutdown (replacement) | $ input / cached / cache write / output per 1M | context · "
        "max output | effort: Chat Completions (default) · Responses | sampling | tools on Chat Completions "
        "| `stop` | sources |"
    )
    lines = [head, "| " + " | ".join(["---"] * 10) + " |"]
    tools_words = {
        "any": "any effort",
        "effort_none": "effort none only",
        "responses_only": "no: Responses API",
    }
    for row in catalog.ROWS:
        m = catalog.lookup(row)
        p = m.prices
        ids = f"`{m.id}`" + (f" → `{m.snapshot}`" if m.snapshot else "")
        shutdown = "-" if m.shutdown_date is None else m.shutdown_date.isoformat()
        if m.replacement:
            shutdown += f" ({m.replacement})"
        prices = " / ".join(_price(v) for v in (p.input, p.cached_input, p.cache_write, p.output))
        if m.is_reasoning:
            efforts = f"{effort_range(m.id)} ({m.default_effort}) · {effort_range(m.id, 'responses')}"
        else:
            efforts = "- (refused)"
        lines.append(
            f"| {ids} | {m.released.isoformat()} | {shutdown} | {prices} | {_tokens(m.context_window)} · "
            f"{_tokens(m.max_output_tokens)} | {efforts} | {m.sampling.replace('_', ' ')} | "
            f"{tools_words[m.chat_tools]} | {'yes' if m.supports_stop else 'no'} | {', '.join(m.sources)} |"
        )
    return "\n".join(lines)
