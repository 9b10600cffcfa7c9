"""Build the private folder a submission is graded in: the course's pristine tests and pytest
configuration, the course's labs/__init__.py, and nothing from the submission but its labs/*.py."""

from __future__ import annotations

import shutil
from pathlib import Path

from .manifest import CONFIG_FILES, compute, differences, guarded_files
from .submission import Submission

TEST_DIRS = (
    "labs",
)  # sub-folders of tests/ that lab tests need; top-level files of tests/ are always copied
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
NO_SOLUTIONS = (
    '"""Not available while grading: a submission is graded on its own labs/ only."""\n'
    'raise ImportError("the reference solutions are not available while grading")\n'
)


def copy_course_tests(course_root: Path, workspace: Path) -> None:
    """tests/ (its top-level files and tests/labs/) and the pytest configuration of the course."""
    tests = workspace / "tests"
    tests.mkdir(parents=True, exist_ok=True)
    for path in (course_root / "tests").iterdir():
        if path.is_file() and path.suffix != ".pyc":
            shutil.copy2(path, tests / path.name)
    for sub in TEST_DIRS:
        if (course_root / "tests" / sub).is_dir():
            shutil.copytree(course_root / "tests" / sub, tests / sub, ignore=_IGNORE, dirs_exist_ok=True)
    for name in CONFIG_FILES:
        if (course_root / name).is_file():
            shutil.copy2(course_root / name, workspace / name)


def build(course_root: Path, workspace: Path, submission: Submission, copy_labs: bool = True) -> list[str]:
    """Fill ``workspace``; returns the names of the submission's lab files (copied unless ``copy_labs`` is
    false: when grading, they go to the worker's folder only, never next to the tests)."""
    copy_course_tests(course_root, workspace)
    labs = workspace / "labs"
    labs.mkdir(exist_ok=True)
    init = course_root / "labs" / "__init__.py"
    (labs / "__init__.py").write_bytes(init.read_bytes() if init.is_file() else b"")
    copied = []
    for path in submission.lab_files():
        if copy_labs:
            shutil.copyfile(path, labs / path.name)
        copied.append(path.name)
    (workspace / "solutions").mkdir(exist_ok=True)
    (workspace / "solutions" / "__init__.py").write_text(NO_SOLUTIONS)
    for sub in ("home", "tmp"):
        (workspace / sub).mkdir(exist_ok=True)
    return copied


def edited_files(course_root: Path, submission: Submission) -> list[str]:
    """Test and configuration files the submission changed or added (they are ignored when grading)."""
    if submission.root is None or submission.root.resolve() == course_root.resolve():
        return []
    wanted = [
        rel
        for rel in guarded_files(course_root)
        if rel.startswith("tests/labs/") or "/" not in rel or rel.count("/") == 1
    ]
    expected = compute(course_root, wanted)
    present = {rel: digest for rel, digest in expected.items() if (submission.root / rel).is_file()}
    found = [
        d
        for d in differences(submission.root, present)
        if not d.startswith("added: ")
        or d.split(": ", 1)[1].startswith("tests/labs/")
        or d.split(": ", 1)[1].count("/") == 1
    ]
    extra_config = [
        f"added: {name}"
        for name in CONFIG_FILES
        if (submission.root / name).is_file() and name not in expected
    ]
    return found + extra_config
