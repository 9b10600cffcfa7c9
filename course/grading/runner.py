"""Run lab tests in a child pytest process with time limits, capped output and resumption after a crash.

One ``run_tests`` call may start pytest more than once: when the process dies in the middle of a test
(``os._exit`` in a lab, a segfault, a test that ignored its time limit), that test is recorded as
crashed and pytest starts again with the tests that already have a result left out.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .layout import Lab
from .results import LabResult, TestResult, read_records
from .sanitize import clean_status, clean_text, clean_type_name, clean_where

OUTPUT_CAP = 1_000_000  # bytes of a run's output kept in its log
MAX_RESTARTS = 20


@dataclass
class RunSpec:
    workdir: Path  # the pytest root: tests/, labs/ and the pytest configuration
    test_files: list[str]  # relative to workdir
    state_dir: Path  # records, skip list and the output log (for grading: outside the workspace)
    test_timeout: float = 30.0
    total_timeout: float = 600.0
    sandbox: bool = False
    env: dict[str, str] | None = None  # the child's whole environment (None: inherit)
    output_cap: int = OUTPUT_CAP
    collect_only: bool = False
    worker: dict[str, Any] | None = None  # the grader's worker configuration (course.grading.isolation)


@dataclass
class RunOutcome:
    collected: dict[str, dict[str, Any]] = field(default_factory=dict)  # nodeid -> collected record
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # nodeid -> result record
    notes: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    output_bytes: int = 0
    returncodes: list[int] = field(default_factory=list)
    duration: float = 0.0
    anomalies: list[str] = field(default_factory=list)  # records the trusted side should never produce
    incidents: list[str] = field(default_factory=list)  # what the grader refused or stopped (worker requests)


# One lab-grading pytest run: the grader's plugin, and none of the plugins that would share
# state between runs (cache), fork workers (xdist) or collect notebooks (nbval).
GRADING_PLUGINS = (
    "-p",
    "course.grading.plugin",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:xdist",
    "-p",
    "no:nbval",
)


def pytest_command(spec: RunSpec, skip_file: Path) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *spec.test_files,
        *GRADING_PLUGINS,
        "--rootdir",
        str(spec.workdir),
        "--impl=labs",
        "-q",
        "--no-header",
        "-rN",
        "--color=no",
        "-s",
        "--tb=native",
        "-W",
        "ignore::pytest.PytestUnknownMarkWarning",
    ]
    if spec.collect_only:
        cmd.append("--collect-only")
    return cmd


class _CappedLog(threading.Thread):
    """Copies a pipe into a file, keeping the first ``cap`` bytes and counting the rest."""

    def __init__(self, pipe: Any, path: Path, cap: int) -> None:
        super().__init__(daemon=True)
        self.pipe, self.path, self.cap, self.total = pipe, path, cap, 0

    def run(self) -> None:
        with open(self.path, "ab") as out:
            while chunk := self.pipe.read(65536):
                room = self.cap - self.total
                if room > 0:
                    out.write(chunk[:room])
                self.total += len(chunk)
            if self.total > self.cap:
                out.write(
                    f"\n[output cut: {self.total:,} bytes printed, the first {self.cap:,} kept]\n".encode()
                )


def _kill(proc: subprocess.Popen) -> None:
    """Kill the process and, on POSIX, everything it started (its own session)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
    proc.wait()


def _died_message(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the test process was killed by {name} during this test"
    return (
        f"the test process exited (code {code}) during this test: a lab that calls os._exit() or ends the "
        "interpreter another way"
    )


def run_tests(spec: RunSpec) -> RunOutcome:
    spec.state_dir.mkdir(parents=True, exist_ok=True)
    records_path = spec.state_dir / "records.jsonl"
    skip_path = spec.state_dir / "skip.json"
    log_path = spec.state_dir / "output.log"
    for path in (records_path, log_path):
        path.unlink(missing_ok=True)
    env = dict(os.environ if spec.env is None else spec.env)
    for key in [
        k for k in env if k.startswith("PYTEST_")
    ]:  # e.g. PYTEST_ADDOPTS=--junitxml=... of an outer run
        del env[key]
    env.update(
        COURSE_RESULTS=str(records_path),
        COURSE_TEST_TIMEOUT=str(spec.test_timeout),
        COURSE_SKIP=str(skip_path),
        PYTHONDONTWRITEBYTECODE="1",
        LAB_IMPL="labs",
    )
    env.pop("COURSE_WORKER", None)
    env.pop("COURSE_SANDBOX", None)
    if spec.worker is not None:
        env["COURSE_WORKER"] = json.dumps(spec.worker)
    elif spec.sandbox:
        env["COURSE_SANDBOX"] = str(spec.workdir)

    outcome = RunOutcome()
    started = time.monotonic()
    deadline = started + spec.total_timeout
    seen = 0  # records already read
    for _attempt in range(MAX_RESTARTS + 1):
        skip_path.write_text(json.dumps(sorted(outcome.results)))
        proc = subprocess.Popen(
            pytest_command(spec, skip_path),
            cwd=spec.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=hasattr(os, "killpg"),
        )
        log = _CappedLog(proc.stdout, log_path, max(0, spec.output_cap - outcome.output_bytes))
        log.start()
        out_of_time = False
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            out_of_time = True
            _kill(proc)
        else:
            _kill(proc)  # anything it left behind in its process group
        log.join(timeout=5)
        outcome.output_bytes += log.total
        outcome.returncodes.append(proc.returncode)

        records = read_records(records_path)
        new, seen = records[seen:], len(records)
        in_progress = None
        before = len(outcome.results)
        for record in new:
            kind = record.get("event")
            if kind == "collected":
                outcome.collected.setdefault(record["nodeid"], record)
            elif kind == "start":
                in_progress = record["nodeid"]
            elif kind == "result":
                if record["nodeid"] in outcome.results:
                    outcome.anomalies.append(f"a second result for {record['nodeid']} (ignored)")
                    continue
                outcome.results[record["nodeid"]] = record
                if record["nodeid"] == in_progress:
                    in_progress = None
            elif kind == "violation":
                where = f" (in {record['nodeid']})" if record.get("nodeid") else ""
                outcome.violations.append(f"{record.get('what')}{where}")
            elif kind == "incident":
                test = str(record.get("nodeid") or "").rsplit("::", 1)[-1]
                outcome.incidents.append(f"{record.get('what')}" + (f" (in {test})" if test else ""))

        if out_of_time:
            if in_progress:
                outcome.results[in_progress] = {
                    "nodeid": in_progress,
                    "status": "timeout",
                    "earned": 0,
                    "message": f"still running when the submission's time ({spec.total_timeout:g} s) ran out",
                }
            outcome.notes.append(
                f"the run was stopped after {spec.total_timeout:g} s (the time limit per "
                "submission); tests that had not run get no points"
            )
            break
        if in_progress:
            outcome.results[in_progress] = {
                "nodeid": in_progress,
                "status": "crashed",
                "earned": 0,
                "message": _died_message(proc.returncode),
            }
            code = proc.returncode
            how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
            outcome.notes.append(
                f"the test process ended during {in_progress.rsplit('::', 1)[-1]} ({how}); "
                "the tests after it were run in a new process"
            )
            continue
        remaining = set(outcome.collected) - set(outcome.results)
        if not remaining or len(outcome.results) == before or spec.collect_only:
            if proc.returncode not in (0, 1, 5) and not spec.collect_only and not outcome.collected:
                outcome.notes.append(
                    f"pytest could not run (exit code {proc.returncode}); see its output log"
                )
            break
    for nodeid, record in outcome.results.items():
        if record.get("status") == "crashed" and record.get("exc_type") == "WorkerCrashed":
            outcome.notes.append(
                f"{record.get('message', 'the lab process ended')} ({nodeid.rsplit('::', 1)[-1]}); "
                "the next test started a new one"
            )
    if outcome.output_bytes > spec.output_cap:
        outcome.notes.append(
            f"printed {outcome.output_bytes:,} bytes of output; the log keeps the first {spec.output_cap:,}"
        )
    outcome.duration = time.monotonic() - started
    return outcome


def collate(labs: list[Lab], catalog: dict[str, dict[str, Any]], outcome: RunOutcome) -> list[LabResult]:
    """Per lab, every catalogued test with its result (``not run`` when it has none)."""
    by_lab = {lab.module: LabResult(lab.module, lab.title) for lab in labs}
    for nodeid, info in catalog.items():
        lab = by_lab.get(info["lab"])
        if lab is None:
            continue
        test = TestResult(
            nodeid=nodeid,
            lab=info["lab"],
            name=info["name"],
            points=info.get("points", 0),
            hint=info.get("hint", ""),
        )
        record = outcome.results.get(nodeid)
        if record is not None:
            test.status = clean_status(record.get("status"))
            # points come from the course's own collection, never from a result record
            test.earned = test.points if test.status == "passed" else 0
            test.message = clean_text(record.get("message") or "")
            test.exc_type = clean_type_name(record.get("exc_type"))
            test.where = clean_where(record.get("where"))
            duration = record.get("duration")
            test.duration = float(duration) if type(duration) in (int, float) and duration >= 0 else 0.0
        else:
            test.message = "did not run"
        lab.tests.append(test)
    unknown = sorted(set(outcome.results) - set(catalog))
    if unknown:
        outcome.anomalies.append(f"{len(unknown)} result(s) for tests the course does not have (ignored)")
    for lab in by_lab.values():
        names = [t.nodeid for t in lab.tests]
        assert len(names) == len(set(names)), "a test listed twice"
        assert all(0 <= t.earned <= t.points for t in lab.tests), "points above a test's value"
    return [by_lab[lab.module] for lab in labs if lab.module in by_lab]
