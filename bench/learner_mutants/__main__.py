"""Run the lab tests against the held-out learner mutants; print the share caught per lab and per class.

    python -m bench.learner_mutants [LAB ...] [--only TEXT] [--runs N] [--seed S ...] [--jobs N]
                                    [--json OUT] [--log DIR] [--list]

Run from the repository root with the repository's Python (``.venv/bin/python``). ``LAB`` is ``4``, ``04``
or ``lab04_tools``; none means every lab. For each lab, ``tests/meta/mutant_driver.py`` runs the lab's test
file once per mutant, in one subprocess (as its docstring says), and first against the unchanged solution:
if that control is "caught", the lab's tests or the harness are broken and the lab's figures mean nothing
(exit status 2). A mutant is caught in a run when at least one test fails against it.

The lab tests draw their inputs from a seed (``LAB_TEST_SEED``); every run here fixes one, printed so it can
be replayed. With several runs (``--runs 3``), a mutant counts as caught only when every run caught it; one
caught by some seeds only is listed apart: a grader runs one seed, so such a mistake earns points by luck.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.learner_mutants import CLASSES, REPO, Mutant, lab_modules, lab_test_file, mutants, resolve_lab

DRIVER = REPO / "tests" / "meta" / "mutant_driver.py"
CONTROL = "(unchanged solution)"


@dataclass
class Outcome:
    """What the lab's tests did against one mutant, in one run (one seed)."""

    caught: bool
    failed: list[str] = field(
        default_factory=list
    )  # the failing tests' node ids (the run stops at the first)
    seconds: float = 0.0
    note: str = ""  # set when the run itself died or hung on this mutant


@dataclass
class LabRun:
    """One lab's tests against the control and its mutants, with one seed."""

    lab: str
    seed: int
    control_ok: bool
    control_failed: list[str]
    outcomes: dict[str, Outcome]  # by mutant name
    seconds: float


def _control_file(lab: str, where: Path, role: str) -> Path:
    path = where / f"{lab}__{role}.py"
    path.write_text(
        f'"""The unchanged solution ({role})."""\n\nfrom solutions.{lab} import *  # noqa: F403\n'
    )
    return path


def _drive(lab: str, paths: list[Path], results: Path, log: Path, seed: int, timeout: float) -> None:
    """One driver subprocess over ``paths``, the tests' inputs drawn from ``seed``; pytest's output to ``log``."""
    command = [sys.executable, str(DRIVER), str(results), str(lab_test_file(lab)), lab, *map(str, paths)]
    env = {**os.environ, "LAB_TEST_SEED": str(seed)}
    with log.open("a", encoding="utf-8") as out:
        try:
            subprocess.run(
                command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            out.write(f"\n[bench] the driver ran out of time ({timeout:.0f} s)\n")


def _read(results: Path) -> dict[str, dict]:
    if not results.exists():
        return {}
    lines = results.read_text(encoding="utf-8").splitlines()
    return {row["mutant"]: row for row in map(json.loads, filter(None, lines))}


def run_lab(lab: str, chosen: list[Mutant], seed: int, where: Path, per_mutant_timeout: float) -> LabRun:
    """Run the lab's tests against the control, then each mutant; a mutant that kills or hangs the run is
    recorded (as caught: a grader's run would fail too) and the rest go on in a new subprocess."""
    started = time.monotonic()
    where = where / f"seed-{seed}"
    where.mkdir(parents=True, exist_ok=True)
    # The first run in a fresh process pays for loading the tokenizer and starting the stub; on a loaded machine
    # that can exceed a test's client timeout. A warm-up run of the solution (not counted) takes that cost.
    warm_up, control = _control_file(lab, where, "warm-up"), _control_file(lab, where, "control")
    results, log = where / f"{lab}.jsonl", where / f"{lab}.log"
    results.unlink(missing_ok=True)  # the driver appends: start clean
    log.unlink(missing_ok=True)
    pending = [warm_up, control, *(m.path for m in chosen)]
    broken: dict[str, str] = {}
    while pending:
        _drive(lab, pending, results, log, seed, per_mutant_timeout * len(pending))
        rows = _read(results)
        pending = [p for p in pending if str(p) not in rows and str(p) not in broken]
        if pending:  # the first one without a result stopped the driver
            broken[str(pending[0])] = "the test run died or hung on this mutant (see the log)"
            pending = pending[1:]
    rows = _read(results)
    control_row = rows.get(str(control), {"caught": True, "failed": [broken.get(str(control), "no result")]})
    outcomes = {}
    for mutant in chosen:
        row = rows.get(str(mutant.path))
        if row is None:
            outcomes[mutant.name] = Outcome(True, note=broken.get(str(mutant.path), "no result"))
        else:
            outcomes[mutant.name] = Outcome(
                bool(row["caught"]), row.get("failed", []), row.get("seconds", 0.0)
            )
    return LabRun(
        lab=lab,
        seed=seed,
        control_ok=not control_row["caught"],
        control_failed=control_row.get("failed", []),
        outcomes=outcomes,
        seconds=round(time.monotonic() - started, 1),
    )


def verdict(mutant: Mutant, runs: list[LabRun]) -> str:
    """ "caught" (by every run), "sometimes" (by some seeds only: a lottery, not a test) or "survived"."""
    caught = [run.outcomes[mutant.name].caught for run in runs if run.lab == mutant.lab]
    return "caught" if all(caught) else "sometimes" if any(caught) else "survived"


def _percent(caught: int, total: int) -> str:
    return f"{100 * caught / total:.0f}%" if total else "-"


def _line(title: str, group: list[Mutant], runs: list[LabRun]) -> str:
    verdicts = [verdict(m, runs) for m in group]
    caught, sometimes = verdicts.count("caught"), verdicts.count("sometimes")
    extra = f", {sometimes} more with some seeds only" if sometimes else ""
    return f"  {title:<18} caught {caught:>2}/{len(group):<2} ({_percent(caught, len(group))}){extra}"


def _missed(mutant: Mutant, runs: list[LabRun]) -> str:
    seeds = [str(run.seed) for run in runs if run.lab == mutant.lab and not run.outcomes[mutant.name].caught]
    return f"missed with seed {', '.join(seeds)}"


def report(labs: dict[str, list[Mutant]], runs: list[LabRun]) -> str:
    """The per-lab and per-class figures, as plain text. Caught means caught in every run."""
    seeds = sorted({run.seed for run in runs})
    lines = [f"seeds: {', '.join(map(str, seeds))} (replay: {' '.join(f'--seed {s}' for s in seeds)})"]
    lines.append("per lab (caught: by the tests in every run):")
    for lab, group in labs.items():
        lines.append(_line(lab, group, runs))
        for run in runs:
            if run.lab == lab and not run.control_ok:
                lines.append(
                    f"    CONTROL CAUGHT (seed {run.seed}): the unchanged solution fails {run.control_failed}; "
                    "this lab's figures mean nothing"
                )
        for m in group:
            v = verdict(m, runs)
            if v == "survived":
                lines.append(f"    survived: {m.name} [{m.kind}]")
            elif v == "sometimes":
                lines.append(f"    caught with some seeds only: {m.name} [{m.kind}] ({_missed(m, runs)})")
            notes = {run.outcomes[m.name].note for run in runs if run.lab == lab} - {""}
            for note in sorted(notes):
                lines.append(f"    {m.name}: {note}")
    everything = [m for group in labs.values() for m in group]
    lines.append(_line("all labs", everything, runs))
    lines.append("per class:")
    for kind in CLASSES:
        group = [m for m in everything if m.kind == kind]
        if not group:
            continue
        lines.append(_line(kind, group, runs))
        for m in group:
            v = verdict(m, runs)
            if v != "caught":
                lines.append(f"    {'survived' if v == 'survived' else 'some seeds only'}: {m.label}")
    return "\n".join(lines)


def as_json(labs: dict[str, list[Mutant]], runs: list[LabRun]) -> dict:
    out: dict = {"date": datetime.date.today().isoformat(), "commit": _commit(), "labs": {}}
    for lab, group in labs.items():
        lab_runs = [run for run in runs if run.lab == lab]
        verdicts = [verdict(m, runs) for m in group]
        out["labs"][lab] = {
            "caught": verdicts.count("caught"),
            "sometimes": verdicts.count("sometimes"),
            "total": len(group),
            "runs": [
                {
                    "seed": r.seed,
                    "control_ok": r.control_ok,
                    "control_failed": r.control_failed,
                    "seconds": r.seconds,
                }
                for r in lab_runs
            ],
            "mutants": [
                {
                    "name": m.name,
                    "class": m.kind,
                    "mistake": m.mistake,
                    "breaks": m.breaks,
                    "verdict": v,
                    "runs": [{"seed": r.seed, **vars(r.outcomes[m.name])} for r in lab_runs],
                }
                for m, v in zip(group, verdicts, strict=True)
            ],
        }
    return out


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.learner_mutants", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "labs", nargs="*", metavar="LAB", help="labs to run (4, 04, lab04_tools); default: all"
    )
    parser.add_argument("--only", default="", help="run only the mutants whose name contains this text")
    parser.add_argument("--runs", type=int, default=1, help="runs, each with its own seed (default 1)")
    parser.add_argument("--seed", type=int, action="append", default=[], help="a seed for a run (repeatable)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (default 1; the machine is shared)")
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    parser.add_argument("--log", metavar="DIR", help="keep the pytest output of each run in DIR")
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds a mutant's run may take at most"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants with their class; run nothing")
    args = parser.parse_args(argv)

    labs = {lab: [m for m in mutants(lab) if args.only in m.name] for lab in map(resolve_lab, args.labs)}
    labs = labs or {lab: [m for m in mutants(lab) if args.only in m.name] for lab in lab_modules()}
    if args.list:
        for group in labs.values():
            for m in group:
                print(f"{m.label:<58} [{m.kind}] {m.mistake}")
        return 0

    seeds = list(dict.fromkeys(args.seed))
    while len(seeds) < max(1, args.runs):
        seeds.append(random.randrange(1, 1_000_000))
    tasks = [(lab, seed) for seed in seeds for lab in labs]
    with tempfile.TemporaryDirectory(prefix="learner-mutants-") as tmp:
        where = Path(args.log) if args.log else Path(tmp)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            runs = list(
                pool.map(lambda task: run_lab(task[0], labs[task[0]], task[1], where, args.timeout), tasks)
            )
    print(report(labs, runs))
    if args.json:
        Path(args.json).write_text(json.dumps(as_json(labs, runs), indent=2) + "\n", encoding="utf-8")
    return 0 if all(run.control_ok for run in runs) else 2


if __name__ == "__main__":
    sys.exit(main())
