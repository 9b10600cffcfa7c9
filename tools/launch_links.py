"""Point the course's launch links at a repository (after forking the course, say).

    python -m tools.launch_links OWNER/NAME    # rewrite every link, then rebuild the lessons (minutes)
    python -m tools.launch_links               # print where they point now

The address lives in pyproject.toml ([project.urls] Repository). From it come the README's Codespaces, Binder
and Colab badges and every lesson's Colab cell, which clones the repository into a Colab session; the tests in
tests/learner/ check that they all agree with it.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import tomllib

from tools.lesson import REPO, SOURCES, build, lessons

GITHUB = "https://github.com/"


def current() -> str:
    """OWNER/NAME, as pyproject.toml has it."""
    url = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    return url.removeprefix(GITHUB)


def repoint(old: str, new: str, root: Path = REPO) -> list[str]:
    """Replace ``old`` by ``new`` wherever a link names it; the files changed."""
    pattern = re.compile(rf"(?<=/){re.escape(old)}(?=[/?\")])")
    sources = root / SOURCES.relative_to(REPO)
    changed = []
    for path in [root / "pyproject.toml", root / "README.md", *sorted(sources.glob("[0-9]*.py"))]:
        text = path.read_text()
        updated = pattern.sub(new, text)
        if updated != text:
            path.write_text(updated)
            changed.append(str(path.relative_to(root)))
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repository", nargs="?", help="OWNER/NAME on GitHub")
    args = parser.parse_args(argv)
    old = current()
    if not args.repository:
        print(f"{GITHUB}{old}")
        return 0
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", args.repository):
        parser.error(f"expected OWNER/NAME, got {args.repository!r}")
    for path in repoint(old, args.repository):
        print("rewrote", path)
    for name in lessons():
        build(name)  # the Colab cell changed: rebuild the notebook (re-executed on the stub, a few minutes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
