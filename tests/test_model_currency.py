"""The course cannot silently rot: no model it names may be past its shutdown date.

Fails when the default model, or any model a lesson, lab, solution, test, doc, the README, ``.env.example``,
the course package, a benchmark, a tool, the Makefile or a CI workflow names, is past its shutdown date in the
catalogue (``llm_stub/data/models.toml``), on today's real date. Warns, in the CI log's warnings summary, when
that date is less than 90 days away, so a maintainer moves the course before a learner meets the 404.

What is not a use of a model, and so not checked:

* the catalogue itself, its rendering in docs/providers.md (between the model-table markers), and the stub's
  code (its comments and docstrings cite the evidence it imitates);
* a lesson section about deprecation: cells tagged ``deprecation`` (jupytext: ``# %% tags=["deprecation"]``);
* a line that cites evidence (an issue ``owner/repo#123`` or a ``find_string id``): that is history;
* comments in Python files (tests cite their evidence there); strings and docstrings are checked;
* records of what happened: recorded real traffic (``tests/**/data/recorded_*``, the bodies a real model sent)
  and a benchmark's measured baseline (``BASELINE.*``, a dated run on the model of its day).

Run ``python -m tests.test_model_currency`` to print every finding with its place.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import tokenize
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from course.models import MODEL_TABLE_BEGIN, MODEL_TABLE_END
from llm_stub import catalog

REPO = Path(__file__).resolve().parent.parent
WARN_DAYS = 90
ROOTS = ("notebooks", "labs", "solutions", "tests", "docs", "course", "bench", "tools", ".github")
FILES = ("README.md", ".env.example", "Makefile", "llm_stub/data/replies.yaml")
TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".yaml", ".yml", ".txt", ".toml", ".cfg", ".json", ".sh", ""}
CITATION = re.compile(r"[\w.-]+/[\w.-]+#\d+|find_string ids?\b")
DEPRECATION_TAG = "deprecation"


class ModelShutdownSoon(UserWarning):
    """A model the course names shuts down in less than 90 days."""


@dataclass(frozen=True)
class Mention:
    model: str
    place: str  # path:line (or path, cell N)


@dataclass(frozen=True)
class Finding:
    mention: Mention
    shutdown_date: dt.date
    days_left: int

    @property
    def past(self) -> bool:
        return self.days_left <= 0

    def __str__(self) -> str:
        when = (
            f"was shut down on {self.shutdown_date}"
            if self.past
            else f"shuts down on {self.shutdown_date}, in {self.days_left} days"
        )
        return f"{self.mention.place}: {self.mention.model} {when}"


def _shutdowns() -> dict[str, dt.date]:
    dates = {m.id: m.shutdown_date for m in catalog.DEFAULT_MODELS if m.shutdown_date is not None}
    dates.update({r.id: r.shutdown_date for r in catalog.CATALOGUE.retired.values()})
    return dates


def _pattern(ids: Iterable[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    # a whole id: not inside a longer one ("gpt-5" in "gpt-5.4" or "gpt-5-mini"); "openai/<id>" counts
    return re.compile(rf"(?<![\w.-])({alternatives})(?![\w-]|\.\d)")


def mentions_in_text(text: str, place: str, pattern: re.Pattern, first_line: int = 1) -> Iterator[Mention]:
    for n, line in enumerate(text.splitlines(), start=first_line):
        if CITATION.search(line):
            continue
        for match in pattern.finditer(line):
            yield Mention(match.group(1), f"{place}:{n}")


def mentions_in_python(text: str, place: str, pattern: re.Pattern) -> Iterator[Mention]:
    """Strings (and docstrings) of a Python file; comments are where evidence is cited."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        yield from mentions_in_text(text, place, pattern)
        return
    for tok in tokens:
        if tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            yield from mentions_in_text(tok.string, place, pattern, first_line=tok.start[0])


def _cell_text(cell: dict) -> str:
    source = cell.get("source", "")
    parts = ["".join(source) if isinstance(source, list) else source]
    for output in cell.get("outputs", []):
        text = output.get("text")
        if text is not None:
            parts.append("".join(text) if isinstance(text, list) else text)
        for value in (output.get("data") or {}).values():
            if isinstance(value, (str, list)):
                parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


def mentions_in_notebook(text: str, place: str, pattern: re.Pattern) -> Iterator[Mention]:
    cells = json.loads(text).get("cells", [])
    for i, cell in enumerate(cells):
        if DEPRECATION_TAG in (cell.get("metadata", {}).get("tags") or []):
            continue
        for m in mentions_in_text(_cell_text(cell), f"{place} cell {i}", pattern):
            yield Mention(m.model, m.place.rsplit(":", 1)[0])


def mentions_in_lesson_source(text: str, place: str, pattern: re.Pattern) -> Iterator[Mention]:
    """A jupytext percent script: each ``# %%`` cell, skipping those tagged deprecation."""
    skip = False
    for n, line in enumerate(text.splitlines(), start=1):
        if line.startswith("# %%"):
            skip = re.search(rf'tags=\[[^\]]*"{DEPRECATION_TAG}"', line) is not None
            continue
        if skip or CITATION.search(line):
            continue
        for match in pattern.finditer(line):
            yield Mention(match.group(1), f"{place}:{n}")


def tracked_files(repo: Path = REPO) -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", *ROOTS, *FILES],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        paths = [repo / p for p in listed]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the folders
        paths = [p for root in ROOTS for p in (repo / root).rglob("*")] + [repo / f for f in FILES]
    return sorted(p for p in paths if p.is_file() and p.suffix in TEXT_SUFFIXES)


def is_record(path: Path) -> bool:
    """A record of what happened (recorded traffic, a measured baseline): history, not a use of a model."""
    return path.name.startswith("BASELINE.") or (
        path.parent.name == "data" and path.name.startswith("recorded_")
    )


def mentions(paths: Iterable[Path], repo: Path = REPO) -> Iterator[Mention]:
    pattern = _pattern(catalog.CATALOGUE.known_ids())
    for path in paths:
        if path.resolve() == Path(__file__).resolve() or is_record(path):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        place = path.relative_to(repo).as_posix() if path.is_relative_to(repo) else str(path)
        if path.suffix == ".ipynb":
            yield from mentions_in_notebook(text, place, pattern)
        elif path.suffix == ".py" and path.parent.name == "src" and path.parent.parent.name == "notebooks":
            yield from mentions_in_lesson_source(text, place, pattern)
        elif path.suffix == ".py":
            yield from mentions_in_python(text, place, pattern)
        else:
            yield from mentions_in_text(without_catalogue_table(text), place, pattern)


def without_catalogue_table(text: str) -> str:
    """The text with the generated catalogue table blanked out (line numbers kept): it is the catalogue."""
    begin, end = text.find(MODEL_TABLE_BEGIN), text.find(MODEL_TABLE_END)
    if begin < 0 or end < begin:
        return text
    blank = "\n" * text.count("\n", begin, end)
    return text[:begin] + blank + text[end:]


def findings(found: Iterable[Mention], today: dt.date) -> list[Finding]:
    """The mentions of models that shut down within WARN_DAYS days of ``today`` (or before it)."""
    dates = _shutdowns()
    out = []
    for m in found:
        day = dates.get(m.model)
        if day is not None and (day - today).days < WARN_DAYS:
            out.append(Finding(m, day, (day - today).days))
    return out


def default_model_finding(today: dt.date) -> Finding | None:
    day = catalog.lookup(catalog.DEFAULT_MODEL).shutdown_date
    if day is None or (day - today).days >= WARN_DAYS:
        return None
    return Finding(
        Mention(catalog.DEFAULT_MODEL, "the default model (llm_stub/data/models.toml)"),
        day,
        (day - today).days,
    )


def test_no_model_the_course_names_is_shut_down_and_none_is_close():
    today = dt.date.today()
    found = findings(mentions(tracked_files()), today)
    default = default_model_finding(today)
    if default is not None:
        found.append(default)
    past = [f for f in found if f.past]
    for f in found:
        if not f.past:
            warnings.warn(ModelShutdownSoon(f"{f}: move the course to a current model"), stacklevel=1)
    assert not past, (
        f"{len(past)} place(s) name a model that is shut down (requests to it now get a 404). Replace each with "
        "a current model from llm_stub/data/models.toml (`python -m tests.test_model_currency` lists them), or, in "
        "a lesson section about deprecation, tag the cell 'deprecation':\n" + "\n".join(map(str, past[:60]))
    )


# --- the guard's own contract, on synthetic files and pinned dates ------------------------------------------


def _pick(want) -> tuple[str, dt.date]:
    m = next(m for m in catalog.DEFAULT_MODELS if want(m))
    return m.id, m.shutdown_date


def test_a_shut_down_model_in_a_lab_fails_and_one_close_to_it_warns(tmp_path):
    model, day = _pick(lambda m: m.shutdown_date is not None)
    lab = tmp_path / "labs" / "lab99.py"
    lab.parent.mkdir()
    lab.write_text(f'MODEL = "{model}"  # the lab\'s model\n')
    found = list(mentions([lab], tmp_path))
    assert [m.model for m in found] == [model]
    assert [f.past for f in findings(found, day)] == [True], "on the shutdown day"
    assert [f.past for f in findings(found, day + dt.timedelta(days=1))] == [True]
    before = findings(found, day - dt.timedelta(days=1))
    assert [f.past for f in before] == [False] and before[0].days_left == 1, "the day before: a warning"
    assert findings(found, day - dt.timedelta(days=WARN_DAYS)) == [], "90 days ahead: nothing yet"
    assert len(findings(found, day - dt.timedelta(days=WARN_DAYS - 1))) == 1


def test_a_model_inside_a_longer_id_is_not_that_model(tmp_path):
    text = "\n".join(f"uses {m.id}" for m in catalog.DEFAULT_MODELS if m.shutdown_date is None)
    doc = tmp_path / "docs.md"
    doc.write_text(text)
    assert findings(mentions([doc], tmp_path), dt.date(2100, 1, 1)) == []


def test_comments_and_citations_are_evidence_not_use(tmp_path):
    model, day = _pick(lambda m: m.shutdown_date is not None)
    test = tmp_path / "test_x.py"
    test.write_text(
        f"# the real body for {model}: see issue\n"
        f'"""The wording ({model}: owner/repo#42)."""\n'
        f'x = "{model} (find_string id 123)"\n'
    )
    assert list(mentions([test], tmp_path)) == []
    test.write_text(f'"""Runs on {model}."""\n')
    assert [m.model for m in mentions([test], tmp_path)] == [model]


def test_lesson_cells_about_deprecation_are_exempt(tmp_path):
    model, _ = _pick(lambda m: m.shutdown_date is not None)
    src = tmp_path / "notebooks" / "src" / "09_x.py"
    src.parent.mkdir(parents=True)
    src.write_text(
        f'# %% [markdown]\n# Use {model}.\n\n# %% tags=["deprecation"]\nclient.models.retrieve("{model}")\n'
    )
    assert [m.place for m in mentions([src], tmp_path)] == ["notebooks/src/09_x.py:2"]
    nb = tmp_path / "notebooks" / "09_x.ipynb"
    nb.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "metadata": {"tags": ["deprecation"]},
                        "source": model,
                        "outputs": [],
                    },
                    {"cell_type": "code", "metadata": {}, "source": "x", "outputs": [{"text": f"{model}\n"}]},
                ]
            }
        )
    )
    assert [m.place for m in mentions([nb], tmp_path)] == ["notebooks/09_x.ipynb cell 1"]


def test_recorded_traffic_and_measured_baselines_are_history(tmp_path):
    model, _ = _pick(lambda m: m.shutdown_date is not None)
    recorded = tmp_path / "tests" / "data" / "recorded_responses.json"
    baseline = tmp_path / "bench" / "BASELINE.md"
    other = tmp_path / "tests" / "data" / "fixtures.json"
    for path in (recorded, baseline, other):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'{{"model": "{model}"}}\n')
    assert [m.place for m in mentions([recorded, baseline, other], tmp_path)] == [
        "tests/data/fixtures.json:1"
    ]


def test_the_rendered_catalogue_is_the_catalogue(tmp_path):
    model, _ = _pick(lambda m: m.shutdown_date is not None)
    doc = tmp_path / "providers.md"
    doc.write_text(
        f"Use {model}.\n{MODEL_TABLE_BEGIN}\n| `{model}` | ... |\n{MODEL_TABLE_END}\nAlso {model}.\n"
    )
    assert [m.place for m in mentions([doc], tmp_path)] == ["providers.md:1", "providers.md:5"]


def test_the_default_model_is_checked_too():
    today = dt.date.today()
    m = catalog.lookup(catalog.DEFAULT_MODEL)
    assert (default_model_finding(today) is None) == (
        m.shutdown_date is None or (m.shutdown_date - today).days >= WARN_DAYS
    )


if __name__ == "__main__":
    for f in sorted(findings(mentions(tracked_files()), dt.date.today()), key=str):
        print(("FAIL " if f.past else "warn ") + str(f))
