"""Build the student version of the repository: everything git tracks but the solutions and mutants,
plus ``tests/SHA256SUMS`` so that edits to the tests are reported by ``check`` and ``grade``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from . import manifest

EXCLUDED = ("solutions/", "tests/mutants/")


def tracked_files(root: Path) -> list[str]:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached"], check=True, capture_output=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(
            f"{root} is not a git repository (the template is built from git's tracked files)"
        ) from exc
    return sorted(name for name in out.decode().split("\0") if name)


def build_template(root: Path, out: Path, force: bool = False) -> list[str]:
    out = out.resolve()
    if out == root.resolve() or root.resolve() in out.parents and not force:
        raise RuntimeError("the template must go outside the course repository (or pass --force)")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty (pass --force to replace it)")
        shutil.rmtree(out)
    files = [f for f in tracked_files(root) if not f.startswith(EXCLUDED) and (root / f).is_file()]
    for rel in files:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    manifest.write(out)
    return files + [manifest.MANIFEST]
