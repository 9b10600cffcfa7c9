"""Grade submissions: each in its own private workspace and process, several at once."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import manifest, workspace
from .layout import Lab, discover_labs
from .results import RunResult
from .runner import RunOutcome, RunSpec, collate, run_tests
from .submission import Submission, open_submission, unique_names

CHILD_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT", "PYTHONIOENCODING")


def child_env(ws: Path) -> dict[str, str]:
    """A clean environment: no keys, no paths to other submissions, home and temp inside the workspace."""
    env = {k: os.environ[k] for k in CHILD_ENV_KEEP if k in os.environ}
    env.update(
        HOME=str(ws / "home"),
        TMPDIR=str(ws / "tmp"),
        LLM_BACKEND="stub",
        PYTHONHASHSEED="0",
        PYTHONNOUSERSITE="1",
    )
    return env


def collect_catalog(course_root: Path, labs: list[Lab], scratch: Path) -> dict[str, dict[str, Any]]:
    """Every lab test of the course with its points: collected once from the pristine tests."""
    ws = scratch / "catalog"
    workspace.build(course_root, ws, Submission("catalog", "", None))
    outcome = run_tests(
        RunSpec(
            ws,
            [lab.test_file for lab in labs],
            scratch / "catalog-state",
            collect_only=True,
            env=child_env(ws),
            total_timeout=300,
        )
    )
    if not outcome.collected:
        log = (scratch / "catalog-state" / "output.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"could not collect the course's lab tests:\n{log}")
    return outcome.collected


def grade_one(
    sub: Submission,
    course_root: Path,
    labs: list[Lab],
    catalog: dict[str, dict[str, Any]],
    private: Path,
    logs: Path,
    test_timeout: float,
    submission_timeout: float,
) -> RunResult:
    started = time.monotonic()
    ws = Path(tempfile.mkdtemp(prefix="ws-", dir=private))
    state = Path(tempfile.mkdtemp(prefix="state-", dir=private))
    notes: list[str] = []
    try:
        if sub.root is None:
            notes.append(sub.problem)
            outcome = RunOutcome()
        else:
            copied = workspace.build(course_root, ws, sub)
            missing = [lab.lab_file for lab in labs if f"{lab.module}.py" not in copied]
            if missing and len(missing) < len(labs):
                notes.append("missing: " + ", ".join(missing))
            outcome = run_tests(
                RunSpec(
                    ws,
                    [lab.test_file for lab in labs],
                    state,
                    test_timeout=test_timeout,
                    total_timeout=submission_timeout,
                    sandbox=True,
                    env=child_env(ws),
                )
            )
            notes += outcome.notes
            if outcome.violations:
                what = list(dict.fromkeys(v.split(" (in ", 1)[0] for v in outcome.violations))
                shown = "; ".join(what[:5]) + (f" and {len(what) - 5} more" if len(what) > 5 else "")
                notes.append(f"blocked by the grading sandbox: tried to {shown}")
            if (state / "output.log").exists():
                shutil.copyfile(state / "output.log", logs / f"{sub.name}.log")
        result = RunResult(
            sub.name,
            collate(labs, catalog, outcome),
            notes=notes,
            edited=workspace.edited_files(course_root, sub),
            source=sub.source,
        )
        if sub.root is None:
            for test in result.tests:
                test.status, test.message = "missing", sub.problem
    finally:
        shutil.rmtree(ws, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
    result.duration = time.monotonic() - started
    return result


def grade(
    paths: list[Path],
    out: Path,
    *,
    course_root: Path,
    test_timeout: float = 30.0,
    submission_timeout: float = 600.0,
    jobs: int = 0,
    classroom50: bool = False,
    quiet: bool = False,
) -> list[RunResult]:
    from .reports import write_all

    labs = discover_labs(course_root)
    if not labs:
        raise RuntimeError(f"no lab tests in {course_root / 'tests/labs'}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="course-grade-"))
    os.chmod(scratch, 0o700)
    private = scratch / "private"
    private.mkdir()
    os.chmod(private, 0o311)  # others' workspaces cannot be listed (for a non-root user)
    try:
        course_changes = manifest.verify(course_root)
        if course_changes and not quiet:
            print(
                "warning: the course's own tests differ from tests/SHA256SUMS: " + ", ".join(course_changes),
                file=sys.stderr,
            )
        catalog = collect_catalog(course_root, labs, scratch)
        subs = [open_submission(Path(p), scratch) for p in paths]
        unique_names(subs)
        jobs = jobs or os.cpu_count() or 1

        def one(sub: Submission) -> RunResult:
            result = grade_one(
                sub, course_root, labs, catalog, private, out / "logs", test_timeout, submission_timeout
            )
            if not quiet:
                print(
                    f"  {sub.name}: {result.score:g} / {result.max_score:g}  ({result.duration:.1f} s)"
                    + (f"  [{'; '.join(result.notes)[:160]}]" if result.notes else ""),
                    flush=True,
                )
            return result

        if not quiet:
            print(
                f"grading {len(subs)} submission(s), {jobs} at a time, {len(catalog)} tests in {len(labs)} lab(s)"
            )
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(one, subs))
        settings = {
            "test_timeout": test_timeout,
            "submission_timeout": submission_timeout,
            "course_tests_changed": course_changes or [],
        }
        write_all(out, results, labs, settings, classroom50)
        return results
    finally:
        os.chmod(private, 0o700)
        shutil.rmtree(scratch, ignore_errors=True)
