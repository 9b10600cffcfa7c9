"""Open a submission (a folder holding labs/, a student's whole repository, or a zip of either)."""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_ZIP_BYTES = 50_000_000
MAX_LAB_FILE_BYTES = 1_000_000
_SKIP_DIRS = {"__MACOSX", ".git", "__pycache__", ".venv", "venv", "node_modules"}


class SubmissionError(Exception):
    """The submission cannot be graded at all; the message says why."""


@dataclass
class Submission:
    name: str
    source: str  # what the instructor passed
    root: Path | None  # the folder that holds labs/ (None: not found)
    problem: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. which of several candidate repositories was graded

    def lab_files(self) -> list[Path]:
        """The submission's labs/*.py (no sub-folders, no __init__.py, size-capped)."""
        if self.root is None:
            return []
        folder = self.root / "labs"
        return sorted(
            p
            for p in folder.glob("*.py")
            if p.is_file()
            and not p.is_symlink()
            and p.name != "__init__.py"
            and p.stat().st_size <= MAX_LAB_FILE_BYTES
        )


def safe_name(text: str) -> str:
    """A display and file name: letters (any script), digits, ``.``, ``_``, ``-``; bytes that are not UTF-8
    and everything else become ``_``."""
    text = unicodedata.normalize("NFC", text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    name = re.sub(r"[^\w.-]+", "_", text).strip("._-")[:80]
    return name or "submission"


def _candidates(folder: Path, depth: int = 3) -> list[Path]:
    """The shallowest folders at or under ``folder`` that hold a labs/ folder with .py files."""
    level = [folder]
    for _ in range(depth + 1):
        found = []
        for candidate in level:
            labs = candidate / "labs"
            if labs.is_dir() and not labs.is_symlink() and any(labs.glob("*.py")):
                found.append(candidate)
            elif (
                candidate.name == "labs" and any(candidate.glob("lab*.py")) and candidate.parent != candidate
            ):
                found.append(candidate.parent)
        if found:
            return list(dict.fromkeys(found))
        level = sorted(
            child
            for parent in level
            if parent.is_dir()
            for child in parent.iterdir()
            if child.is_dir() and not child.is_symlink() and child.name not in _SKIP_DIRS
        )
    return []


def _newest(root: Path) -> float:
    return max((p.stat().st_mtime for p in (root / "labs").glob("*.py") if p.is_file()), default=0.0)


def _find_labs(folder: Path, depth: int = 3) -> Path | None:
    found = _candidates(folder, depth)
    return found[0] if found else None


def _extract(archive: Path, into: Path) -> None:
    total = 0
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            name = info.filename.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if not parts or ".." in parts or name.startswith("/") or set(parts) & _SKIP_DIRS:
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                continue
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise SubmissionError(f"the zip holds more than {MAX_ZIP_BYTES:,} bytes")
            target = into.joinpath(*parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)


def open_submission(path: Path, scratch: Path, name: str | None = None) -> Submission:
    """Find the labs/ folder of ``path``; a zip is extracted into ``scratch`` first."""
    source = str(path)
    path = Path(path)
    label = name or safe_name(path.stem if path.suffix == ".zip" else (path.resolve().name or "submission"))
    if label == "labs" and path.is_dir():
        label = safe_name(path.resolve().parent.name)
    try:
        if path.is_file() and zipfile.is_zipfile(path):
            scratch.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(prefix="unzipped-", dir=scratch))
            _extract(path, folder)
            _stamp_times(path, folder)
        elif path.is_dir():
            folder = path
        else:
            raise SubmissionError("not a folder or a zip file")
    except (SubmissionError, zipfile.BadZipFile, OSError) as exc:
        return Submission(label, source, None, f"cannot open the submission: {exc}")
    found = _candidates(folder)
    if not found:
        return Submission(label, source, None, "no labs/ folder with .py files in the submission")
    if len(found) == 1:
        return Submission(label, source, found[0])
    root = max(found, key=lambda p: (_newest(p), str(p)))
    names = ", ".join(safe_name(p.relative_to(folder).as_posix() or ".") + "/" for p in found)
    return Submission(
        label,
        source,
        root,
        notes=[
            f"ambiguous: {len(found)} candidate repositories ({names}); graded the one with the newest labs: "
            f"{safe_name(root.relative_to(folder).as_posix() or '.')}/"
        ],
    )


def _stamp_times(archive: Path, into: Path) -> None:
    """Give extracted files the modification times recorded in the zip (for choosing the newest labs)."""
    import os
    import time

    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            parts = [p for p in info.filename.replace("\\", "/").split("/") if p not in ("", ".")]
            target = into.joinpath(*parts) if parts and ".." not in parts else None
            if target is not None and target.is_file() and not target.is_symlink():
                try:
                    stamp = time.mktime((*info.date_time, 0, 0, -1))
                    os.utime(target, (stamp, stamp))
                except (OverflowError, ValueError, OSError):
                    continue


def unique_names(subs: list[Submission]) -> None:
    """Make display names unique (case-insensitively, since they name log and JUnit files)."""
    taken: set[str] = set()
    for sub in subs:
        base = sub.name = safe_name(sub.name)
        n = 1
        while sub.name.casefold() in taken:
            n += 1
            sub.name = f"{base}-{n}"
        taken.add(sub.name.casefold())
