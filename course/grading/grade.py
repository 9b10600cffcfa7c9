"""Grade submissions: each in its own private workspace and process, several at once."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from . import isolation, manifest, reports, workspace
from .layout import Lab, discover_labs
from .results import RunResult, TestResult
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
    mode: str = "none",
    index: int = 0,
    uid_base: int = isolation.BASE_UID,
    site: Path | None = None,
    scrub: reports.Scrubber | None = None,
) -> RunResult:
    started = time.monotonic()
    ws = Path(tempfile.mkdtemp(prefix="ws-", dir=private))
    state = Path(tempfile.mkdtemp(prefix="state-", dir=private))
    worker_root = Path(tempfile.mkdtemp(prefix="worker-", dir=private))
    uid = uid_base + index % isolation.UID_SLOT if isolation.own_uid(mode) else None
    notes: list[str] = list(sub.notes)
    try:
        if sub.root is None:
            notes.append(sub.problem)
            outcome = RunOutcome()
        else:
            # the tests' workspace holds the course's files only; the submission's labs go to the worker
            copied = workspace.build(course_root, ws, sub, copy_labs=False)
            worker = isolation.prepare(worker_root, sub.lab_files(), mode, uid, site)
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
                    env=child_env(ws),
                    worker=worker,
                )
            )
            notes += outcome.notes
            if outcome.incidents:
                seen = list(dict.fromkeys(outcome.incidents))
                notes += seen[:5] + (
                    [f"and {len(seen) - 5} more refused or stopped"] if len(seen) > 5 else []
                )
            if outcome.violations:
                what = list(dict.fromkeys(v.split(" (in ", 1)[0] for v in outcome.violations))
                shown = "; ".join(what[:5]) + (f" and {len(what) - 5} more" if len(what) > 5 else "")
                notes.append(f"blocked by the grading sandbox: tried to {shown}")
            if (state / "output.log").exists():
                data = (state / "output.log").read_bytes()
                (logs / f"{sub.name}.log").write_bytes(scrub.log(data) if scrub is not None else data)
        lab_results = collate(labs, catalog, outcome)
        notes += outcome.anomalies
        result = RunResult(
            sub.name,
            lab_results,
            notes=notes,
            edited=workspace.edited_files(course_root, sub),
            source=sub.source,
            isolation=isolation.describe(mode) if sub.root is not None else "",
        )
        if sub.root is None:
            for test in result.tests:
                test.status, test.message = "missing", sub.problem
    finally:
        if uid is not None:
            isolation.kill_uid(uid)  # anything the submission left running
        for folder in (ws, state, worker_root):
            shutil.rmtree(folder, ignore_errors=True)
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
    uid_base: int | None = None,
) -> list[RunResult]:
    """Grade every submission into ``out``; ``uid_base`` (tests) fixes the uid fallback's first user id."""
    from .reports import write_all

    check_grader_is_not_graded(paths, course_root)
    labs = discover_labs(course_root)
    if not labs:
        raise RuntimeError(f"no lab tests in {course_root / 'tests/labs'}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="course-grade-"))
    os.chmod(scratch, 0o711)  # a worker with a uid of its own may pass through to its folder, not list
    zips = scratch / "zips"
    zips.mkdir(mode=0o700)
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
        site = isolation.copy_course_packages(scratch / "site")  # what a lab may import from the course
        subs = [open_submission(Path(p), zips) for p in paths]
        unique_names(subs)
        jobs = jobs or os.cpu_count() or 1
        mode = isolation.detect()
        first_uid = uid_base if uid_base is not None else isolation.run_uid_base()
        exposed = [
            str(p) for p in [course_root, *paths] if mode != "bwrap" and isolation.others_can_read(Path(p))
        ]
        settings = {
            "test_timeout": test_timeout,
            "submission_timeout": submission_timeout,
            "course_tests_changed": course_changes or [],
            "isolation": isolation.describe(mode),
        }
        if exposed:
            settings["warning"] = (
                f"without bwrap, a submission's code can read what any user may read: {len(exposed)} of the "
                "course and submission folders are readable by other users (keep them in a folder only you can "
                "enter, or install bubblewrap)"
            )
            if not quiet:
                print("warning: " + settings["warning"], file=sys.stderr)
        scrub = reports.Scrubber([scratch, course_root, out, Path.cwd(), Path.home(), *map(Path, paths)])
        done: dict[int, RunResult] = {}
        lock = threading.Lock()

        def one(index: int, sub: Submission) -> RunResult:
            try:
                result = grade_one(
                    sub,
                    course_root,
                    labs,
                    catalog,
                    private,
                    out / "logs",
                    test_timeout,
                    submission_timeout,
                    mode,
                    index,
                    first_uid,
                    site,
                    scrub,
                )
            except Exception as exc:  # noqa: BLE001 - one bad submission never stops the batch
                result = failed_result(sub, labs, catalog, f"{type(exc).__name__}: {exc}")
            scrub.result(result)
            if not quiet:
                print(
                    f"  {sub.name}: {result.score:g} / {result.max_score:g}  ({result.duration:.1f} s)"
                    + (f"  [{'; '.join(result.notes)[:160]}]" if result.notes else ""),
                    flush=True,
                )
            with lock:  # partial reports, as each submission finishes
                done[index] = result
                partial = [done[i] for i in sorted(done)]
                try:
                    write_all(out, partial, labs, dict(settings, partial=len(partial) < len(subs)), False)
                except OSError as exc:  # pragma: no cover - the reports folder went away
                    print(f"warning: could not write partial reports: {exc}", file=sys.stderr)
            return result

        if not quiet:
            print(
                f"grading {len(subs)} submission(s), {jobs} at a time, {len(catalog)} tests in {len(labs)} lab(s);"
                f" isolation: {isolation.describe(mode)}"
            )
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(one, i, sub) for i, sub in enumerate(subs)]
            for future in as_completed(futures):
                future.result()
        results = [done[i] for i in range(len(subs))]
        write_all(out, results, labs, dict(settings, partial=False), classroom50)
        return results
    finally:
        os.chmod(private, 0o700)
        shutil.rmtree(scratch, ignore_errors=True)


def failed_result(
    sub: Submission, labs: list[Lab], catalog: dict[str, dict[str, Any]], why: str
) -> RunResult:
    """The result of a submission the grader itself failed on: every test 0, and why."""
    result = RunResult(sub.name, collate(labs, catalog, RunOutcome()), source=sub.source)
    for test in result.tests:
        test.status, test.message = "error", "the grader could not grade this submission"
    result.notes.append(f"the grader could not grade this submission ({why[:300]})")
    return result


def check_grader_is_not_graded(paths: list[Path], course_root: Path) -> None:
    """Refuse to grade with a copy of the grader that lives inside a submission (the Classroom recipe)."""
    here = Path(__file__).resolve()
    for path in paths:
        try:
            root = Path(path).resolve()
        except OSError:
            continue
        if root == Path(course_root).resolve():
            continue  # the instructor grading the course's own checkout
        if root.is_dir() and root in here.parents:
            raise RuntimeError(
                f"the grader's own code ({here.parent}) is inside the submission {path}: install and run the "
                "course's pristine copy (docs/instructors.md, section 5), e.g. `python -I -m course grade` from a "
                "virtual environment built from the instructor's checkout"
            )


__all__ = ["TestResult", "grade", "grade_one"]
