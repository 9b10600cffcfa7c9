"""The models the stub's tests use, chosen from the catalogue by what they do, never by their names.

Model names come and go with OpenAI's lifecycle (the currency test, tests/test_model_currency.py, keeps
shut-down names out of the suite). A test that needs "a model that answers like a classic chat model at its
defaults" or "a reasoning model whose tools need effort none" asks for that here, and keeps working when the
catalogue (llm_stub/data/models.toml) changes.

Rule tests draw from every row, shut down or not: ``serve(stub, model)`` pins the stub's clock to a day the
model was served (its release date), so a rule is tested on every model it applies to whatever today's date.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from llm_stub import catalog
from llm_stub.catalog import ModelInfo

TODAY = dt.date.today()
DEFAULT = catalog.DEFAULT_MODEL
ROWS: list[ModelInfo] = [catalog.lookup(r) for r in catalog.ROWS]


def rows(want: Callable[[ModelInfo], bool] = lambda m: True, *, current: bool = False) -> list[ModelInfo]:
    """Catalogue rows (aliases) that satisfy ``want``; ``current``: only those served today."""
    return [m for m in ROWS if want(m) and not (current and m.shut_down_on(TODAY))]


def ids(want: Callable[[ModelInfo], bool] = lambda m: True, *, current: bool = False) -> list[str]:
    return [m.id for m in rows(want, current=current)]


def _first(want: Callable[[ModelInfo], bool], what: str) -> str:
    found = ids(want, current=True)
    assert found, f"the catalogue has no current model that {what}: pick another for these tests"
    return found[0]


# A model served today that, at its defaults, takes what a classic chat model takes on Chat Completions:
# default effort none (no reasoning tokens), sampling parameters, stop, function tools. The general stub tests
# (streaming, faults, limits, tools...) use it, so their bodies need nothing model-specific.
PLAIN = catalog.plain_model(TODAY)
PLAIN_SNAPSHOT = catalog.lookup(PLAIN).resolved  # the dated id a response names


def info(model: str) -> ModelInfo:
    found = catalog.lookup(model)
    assert found is not None, model
    return found


def served_on(model: str) -> str:
    """A day the model was served (its release date), YYYY-MM-DD."""
    return info(model).released.isoformat()


def serve(stub, model: str) -> str:
    """Pin ``stub``'s clock to a day ``model`` is served; return the model id (for one-line use)."""
    stub.configure(today=served_on(model))
    return model


def draw(rng: random.Random, want: Callable[[ModelInfo], bool], what: str) -> str:
    """One row satisfying ``want``, drawn with the test's seeded rng (every row, shut down or not)."""
    found = ids(want)
    assert found, f"the catalogue has no model that {what}"
    return rng.choice(found)


def at_effort_none(model: str) -> dict:
    """Keyword arguments that keep ``model`` from reasoning on Chat Completions ({} where that is the default,
    or where the model cannot stop reasoning)."""
    m = info(model)
    return {"reasoning_effort": "none"} if "none" in m.chat_efforts and m.default_effort != "none" else {}


def _default_or_first(want: Callable[[ModelInfo], bool], what: str) -> str:
    return DEFAULT if want(info(DEFAULT)) else _first(want, what)


# A model served today that reasons at its default effort (reasoning items and tokens on every call).
REASONER = _default_or_first(
    lambda m: m.is_reasoning and m.default_effort not in ("none", "minimal"), "reasons at its default effort"
)
# A classic chat model (no reasoning): rows of any lifecycle; tests pin the clock with ``serve``.
CLASSIC = ids(lambda m: not m.is_reasoning)[0]
SMALL_WINDOW = "small-window-test"


def small_window(stub, window: int = 16_385, max_output: int = 4_096) -> str:
    """Give ``stub`` (until its next reset) a model like PLAIN with a small context window, and return its id.

    Today's windows are 400,000 to 1,050,000 tokens: filling one in every context-length test would make the
    suite slow, and the rule (``pipeline.check_context``) is the same at any size.
    """
    import dataclasses

    if stub.state.config.model(SMALL_WINDOW) is None:
        small = dataclasses.replace(
            info(PLAIN),
            id=SMALL_WINDOW,
            base="",
            snapshot="",
            context_window=window,
            max_output_tokens=max_output,
            max_input_tokens=None,
        )
        stub.state.config.models.append(small)
    return SMALL_WINDOW
