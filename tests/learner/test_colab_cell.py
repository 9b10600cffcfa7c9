"""Every lesson's Colab cell: the same small cell, first among each lesson's code cells, that fetches and
installs the course on Google Colab and does nothing anywhere else (a lesson cannot import `course` before the
course is installed, so the cell is plain Python, kept identical in every lesson).

The cell itself runs here, in a fresh Python, with Colab's marker faked: Colab's kernel has imported
`google.colab` before any cell runs, which is what the cell looks for. The repository it clones is a local
git repository holding this checkout's files (a file:// URL), and `python -m pip` is a stand-in that records
what it was asked to install (the real pins are not reinstalled; their syntax is checked separately).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from .course_files import REPO, copy_of_the_course, repository_url

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
COLAB_HOME = "/content/llm-api-basics"
COLAB_OWN = ("jupyterlab", "ipykernel", "ipywidgets")  # Colab's own Jupyter, which the cell leaves alone


def code_cells(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def colab_cell() -> str:
    return code_cells(REPO / "notebooks" / "00_setup.ipynb")[0]


def test_the_colab_cell_is_the_first_code_cell_of_every_lesson_and_the_same_everywhere():
    cell = colab_cell()
    assert 'if "google.colab" in sys.modules:' in cell, "00_setup's first code cell should be the Colab cell"
    assert len(NOTEBOOKS) >= 8
    for notebook in NOTEBOOKS:
        first = code_cells(notebook)[0]
        assert first == cell, (
            f"{notebook.name}: its first code cell should be the Colab cell exactly as in 00_setup.ipynb "
            f"(copy it into notebooks/src/{notebook.stem}.py, then `python -m tools.lesson --sync-only "
            f"{notebook.stem[:2]}`)"
        )
        cells = json.loads(notebook.read_text())["cells"]
        assert [c["cell_type"] for c in cells[:2]] == ["markdown", "code"], (
            f"{notebook.name}: the title, then the Colab cell, before anything else"
        )


def test_the_colab_cell_is_short_and_says_what_it_does_in_one_sentence():
    cell = colab_cell()
    first_line = cell.splitlines()[0]
    assert re.fullmatch(r"# .*Colab.*anywhere else it does nothing\.", first_line), first_line
    assert len(cell.splitlines()) <= 16, (
        "keep the Colab cell short: learners see it at the top of every lesson"
    )


def test_the_colab_cell_clones_the_course_repository():
    assert f'"{repository_url()}"' in colab_cell(), (
        f"the Colab cell should clone {repository_url()} (pyproject.toml [project.urls] Repository): "
        "`python -m tools.launch_links OWNER/NAME` re-points every link"
    )


@pytest.fixture
def fake_pip(tmp_path: Path) -> tuple[Path, Path]:
    """A `pip` package first on PYTHONPATH: `python -m pip ...` records its arguments and folder, installs nothing."""
    package = tmp_path / "fake_pip" / "pip"
    package.mkdir(parents=True)
    calls = tmp_path / "pip_calls.jsonl"
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(
        "import json, os, sys\n"
        f"with open({str(calls)!r}, 'a') as f:\n"
        "    f.write(json.dumps({'argv': sys.argv[1:], 'cwd': os.getcwd()}) + '\\n')\n"
    )
    return package.parent, calls


def run_cell(cell: str, tmp_path: Path, fake_pip: Path, *, on_colab: bool, times: int = 1) -> dict:
    """Run the cell ``times`` in one fresh Python (as a kernel would), and report where it left things."""
    program = (
        "import importlib.util, json, os, sys, types\n"
        + ("sys.modules['google'] = types.ModuleType('google')\n" if on_colab else "")
        + ("sys.modules['google.colab'] = types.ModuleType('google.colab')\n" if on_colab else "")
        + f"cell = {cell!r}\n"
        + f"for _ in range({times}): exec(cell, {{}})\n"
        + "spec = importlib.util.find_spec('course')\n"
        + "print(json.dumps({'cwd': os.getcwd(), 'path': sys.path,"
        + " 'course': spec.origin if spec else None}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(fake_pip)
    start = tmp_path / "start"
    start.mkdir(exist_ok=True)
    # A Python without the course installed, as on Colab: the base interpreter, not this .venv.
    python = getattr(sys, "_base_executable", sys.executable)
    done = subprocess.run([python, "-c", program], cwd=start, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"the Colab cell failed:\n{done.stderr}"
    return json.loads(done.stdout.splitlines()[-1])


def calls(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_outside_colab_the_cell_does_nothing(tmp_path, fake_pip):
    path, log = fake_pip
    home = tmp_path / "content" / "llm-api-basics"
    cell = colab_cell().replace(COLAB_HOME, str(home))
    after = run_cell(cell, tmp_path, path, on_colab=False)
    assert calls(log) == [], "outside Colab the cell must not run pip"
    assert not home.exists(), "outside Colab the cell must not clone anything"
    assert after["cwd"] == str(tmp_path / "start"), "outside Colab the cell must not change the folder"
    assert str(home) not in after["path"]


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A git repository holding this checkout's files, for the cell to clone over file://."""
    source = copy_of_the_course(tmp_path / "remote")
    git = ["git", "-c", "user.name=Course", "-c", "user.email=course@example.invalid", "-C", str(source)]
    subprocess.run([*git, "init", "--quiet"], check=True)
    subprocess.run([*git, "add", "--all"], check=True)
    subprocess.run([*git, "commit", "--quiet", "--message", "the course"], check=True)
    return source


def test_on_colab_the_cell_clones_installs_and_moves_into_the_lessons(tmp_path, fake_pip, remote):
    path, log = fake_pip
    home = tmp_path / "content" / "llm-api-basics"
    cell = colab_cell().replace(repository_url(), remote.as_uri()).replace(COLAB_HOME, str(home))
    after = run_cell(cell, tmp_path, path, on_colab=True, times=2)

    assert (home / ".git").is_dir() and (home / "requirements.txt").is_file(), "the course should be cloned"
    assert after["cwd"] == str(home / "notebooks"), "the lessons run from notebooks/, as in JupyterLab"
    assert after["path"].count(str(home)) == 1, "the clone goes on sys.path once, however often the cell runs"
    assert after["course"] == str(home / "course" / "__init__.py"), "`import course` should find the clone"

    installs = calls(log)
    assert len(installs) == 1, f"pip should run once (the second run finds the clone): {installs}"
    argv, cwd = installs[0]["argv"], installs[0]["cwd"]
    assert cwd == str(home), "pip runs in the clone, so that `-e .` installs the course"
    assert argv[:2] == ["install", "--quiet"]
    wanted = argv[2:]
    assert wanted[-2:] == ["-e", "."], f"the course itself, editable: {wanted}"
    pins = [Requirement(word) for word in wanted[:-2]]
    learner = [
        Requirement(line)
        for line in (REPO / "requirements.txt").read_text().splitlines()
        if line and not line.startswith(("#", "-"))
    ]
    assert [str(p) for p in pins] == [str(r) for r in learner if r.name not in COLAB_OWN], (
        "on Colab the cell installs the learner's pins (requirements.txt) except Colab's own Jupyter"
    )
    assert all(len(p.specifier) == 1 and next(iter(p.specifier)).operator == "==" for p in pins)


def test_the_readme_has_an_open_in_colab_link_for_every_lesson():
    readme = (REPO / "README.md").read_text()
    owner_name = repository_url().removeprefix("https://github.com/")
    for notebook in NOTEBOOKS:
        link = f"https://colab.research.google.com/github/{owner_name}/blob/main/notebooks/{notebook.name}"
        assert link in readme, f"README: no 'Open in Colab' link for {notebook.name} ({link})"
