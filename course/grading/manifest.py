"""A checksum manifest of the course's tests, so that edits to them can be reported.

``tests/SHA256SUMS`` (the format of ``sha256sum``; ``sha256sum -c tests/SHA256SUMS`` works from the
repository root) lists every file under tests/ and the pytest configuration, as handed out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

MANIFEST = "tests/SHA256SUMS"
CONFIG_FILES = ("pyproject.toml", "conftest.py", "pytest.ini", "setup.cfg", "tox.ini")
_IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints"}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def guarded_files(root: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """The test files and pytest configuration files under ``root`` (relative, sorted)."""
    files = [name for name in CONFIG_FILES if (root / name).is_file()]
    tests = root / "tests"
    if tests.is_dir():
        for path in tests.rglob("*"):
            rel = path.relative_to(root).as_posix()
            if (
                path.is_file()
                and not _IGNORED_PARTS & set(path.parts)
                and path.suffix != ".pyc"
                and rel != MANIFEST
                and not any(rel == e or rel.startswith(e + "/") for e in exclude)
            ):
                files.append(rel)
    return sorted(files)


def compute(root: Path, files: list[str]) -> dict[str, str]:
    return {rel: sha256(root / rel) for rel in files}


def write(root: Path, exclude: tuple[str, ...] = ()) -> Path:
    sums = compute(root, guarded_files(root, exclude))
    path = root / MANIFEST
    path.write_text("".join(f"{digest}  {rel}\n" for rel, digest in sums.items()), encoding="utf-8")
    return path


def read(root: Path) -> dict[str, str] | None:
    path = root / MANIFEST
    if not path.is_file():
        return None
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        if digest and rel:
            sums[rel.strip()] = digest.strip()
    return sums


def differences(root: Path, expected: dict[str, str]) -> list[str]:
    """``changed: x``, ``missing: x`` and ``added: x`` for files of ``root`` that differ from ``expected``."""
    out = []
    for rel, digest in sorted(expected.items()):
        path = root / rel
        if not path.is_file():
            out.append(f"missing: {rel}")
        elif sha256(path) != digest:
            out.append(f"changed: {rel}")
    for rel in guarded_files(root):
        if rel not in expected and rel.startswith("tests/"):
            out.append(f"added: {rel}")
    return out


def verify(root: Path) -> list[str] | None:
    """Differences from the manifest, or None when there is no manifest (the instructor's repository)."""
    expected = read(root)
    return None if expected is None else differences(root, expected)
