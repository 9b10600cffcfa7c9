"""Open a submission (a folder holding labs/, a student's whole repository, or a zip of either)."""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
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
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "submission"


def _find_labs(folder: Path, depth: int = 3) -> Path | None:
    """The shallowest folder at or under ``folder`` that holds a labs/ folder with .py files."""
    level = [folder]
    for _ in range(depth + 1):
        for candidate in level:
            labs = candidate / "labs"
            if labs.is_dir() and not labs.is_symlink() and any(labs.glob("*.py")):
                return candidate
            if candidate.name == "labs" and any(candidate.glob("lab*.py")):
                return candidate.parent if candidate.parent != candidate else None
        level = sorted(
            child
            for parent in level
            if parent.is_dir()
            for child in parent.iterdir()
            if child.is_dir() and not child.is_symlink() and child.name not in _SKIP_DIRS
        )
    return None


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
            folder = scratch / f"unzipped-{label}"
            folder.mkdir(parents=True, exist_ok=True)
            _extract(path, folder)
        elif path.is_dir():
            folder = path
        else:
            raise SubmissionError("not a folder or a zip file")
    except (SubmissionError, zipfile.BadZipFile, OSError) as exc:
        return Submission(label, source, None, f"cannot open the submission: {exc}")
    root = _find_labs(folder)
    if root is None:
        return Submission(label, source, None, "no labs/ folder with .py files in the submission")
    return Submission(label, source, root)


def unique_names(subs: list[Submission]) -> None:
    seen: dict[str, int] = {}
    for sub in subs:
        count = seen.get(sub.name, 0)
        seen[sub.name] = count + 1
        if count:
            sub.name = f"{sub.name}-{count + 1}"
