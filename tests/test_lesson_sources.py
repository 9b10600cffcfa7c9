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
