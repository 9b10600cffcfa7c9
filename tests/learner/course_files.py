"""What the learner-facing tests share: the repository, its public address, and a fresh copy of the course."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import tomllib

REPO = Path(__file__).resolve().parents[2]


def repository_url() -> str:
    """The one place the course's public address is written (pyproject.toml, [project.urls])."""
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


def copy_of_the_course(dest: Path) -> Path:
    """What a fresh clone holds (git's tracked and new files), so that a test can change it freely."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = REPO / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)  # keeps mtimes: make sees .venv/.installed as up to date
    return dest
