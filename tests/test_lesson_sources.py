"""Each lesson is a jupytext pair: notebooks/src/NN_name.py (the source) and notebooks/NN_name.ipynb (the
same cells with stored outputs). If they disagree, the notebook learners open is not the one reviewers read.

Fix a failure with ``python -m tools.lesson NN`` (it syncs the pair from the newer side and re-executes).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import lesson

LESSONS = lesson.lessons()


def test_every_notebook_has_a_source_and_every_source_a_notebook():
    notebooks = sorted(p.stem for p in lesson.NOTEBOOKS.glob("[0-9]*.ipynb"))
    assert notebooks == LESSONS, "each notebooks/NN_name.ipynb needs notebooks/src/NN_name.py, and back"


@pytest.mark.parametrize("name", LESSONS)
def test_the_source_and_the_notebook_have_the_same_cells(name):
    problems = lesson.differences(name)
    assert not problems, f"run: python -m tools.lesson {name}\n  " + "\n  ".join(problems)


def test_a_changed_cell_is_reported(tmp_path, monkeypatch):
    name = LESSONS[0]
    for folder in ("src",):
        (tmp_path / folder).mkdir()
    (tmp_path / "src" / f"{name}.py").write_text(
        lesson.source_path(name).read_text(encoding="utf-8").replace("# %%\n", "# %%\n# edited\n", 1),
        encoding="utf-8",
    )
    (tmp_path / f"{name}.ipynb").write_bytes(lesson.notebook_path(name).read_bytes())
    monkeypatch.setattr(lesson, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(lesson, "SOURCES", tmp_path / "src")
    monkeypatch.setattr(lesson, "REPO", tmp_path)
    assert any("differs" in p for p in lesson.differences(name))


def test_the_lesson_sources_pass_ruff():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    result = subprocess.run([ruff, "check", "notebooks/src"], cwd=lesson.REPO, capture_output=True, text=True)
    assert result.returncode == 0, "ruff check notebooks/src:\n" + result.stdout


def test_a_lesson_number_names_one_lesson_and_a_split_lesson_keeps_its_number():
    """``tools.lesson 01`` builds 01_messages and ``01b`` its second half, 01b_tokens_and_cost (issue 23 §8)."""
    assert lesson.resolve("01") == "01_messages"
    assert lesson.resolve("01b") == "01b_tokens_and_cost"
    assert LESSONS.index("01_messages") + 1 == LESSONS.index("01b_tokens_and_cost"), (
        "01b comes right after 01"
    )


@pytest.mark.parametrize("name", [n for n in LESSONS if not n.startswith("00")])
def test_every_lesson_ends_by_pointing_at_its_lab(name):
    """Lessons and labs are paired by number: lesson NN (and NNb, its second half) ends with labs/labNN_*.py."""
    number = name[:2]
    labs = sorted(p.name for p in (lesson.REPO / "labs").glob(f"lab{number}_*.py"))
    assert len(labs) == 1, f"lesson {name} has no single labs/lab{number}_*.py: {labs}"
    last = lesson.read_source(name).cells[-1]
    assert last.cell_type == "markdown" and f"(../labs/{labs[0]})" in last.source, (
        f"{name}'s last cell should link its lab: [`labs/{labs[0]}`](../labs/{labs[0]})"
    )
    assert f"make check LAB={int(number)}" in last.source, (
        f"{name}'s last cell should say `make check LAB={int(number)}`"
    )


def test_the_first_half_of_a_split_lesson_leads_to_the_second():
    last = lesson.read_source("01_messages").cells[-1].source
    assert "(01b_tokens_and_cost.ipynb)" in last, "lesson 01 should end by linking lesson 01b"
