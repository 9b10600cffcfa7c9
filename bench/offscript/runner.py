"""``python -m bench.offscript [--json OUT] [--markdown OUT] [--only TEXT] [--show ID] [--course-replies]``

Starts the stub in-process the way README.md documents (``llm_stub.start()``), runs every experiment of the
frozen set with the unmodified ``openai`` SDK on ``MODEL``, else a current model that takes the requests as
written for a classic chat model (``llm_stub.catalog.plain_model()``), classifies each answer, and prints per group the shares of sensible,
honest and wrong answers, then every wrong answer with its reason. A request the server refuses (a 4xx/5xx,
e.g. a model that takes no tools) lands in a separate "error" bucket with the server's message.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import openai
from openai import OpenAI

from .experiments import EXPERIMENTS
from .harness import Experiment, Run, run_experiment
from .judge import BUCKETS, ERROR, HONEST, SENSIBLE, WRONG, Verdict, short, wrong

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Outcome:
    experiment: Experiment
    verdict: Verdict
    run: Run
    seconds: float


def course_model() -> str:
    """MODEL from the environment, else a current model that takes the frozen requests as they were written
    (for a classic chat model: tools and sampling at its defaults; the course's default, gpt-6-luna, reasons by
    default and would refuse tools on Chat Completions, which is not what these experiments measure)."""
    from llm_stub.catalog import plain_model

    return os.environ.get("MODEL", "").strip() or plain_model()


def classify(exp: Experiment, run: Run) -> Verdict:
    if run.error:
        return Verdict(ERROR, run.error)
    if run.exception:
        return wrong(f"[shape] the SDK could not read the reply: {run.exception}")
    try:
        return exp.judge(run)
    except Exception as err:  # a predicate that cannot read an odd answer must not stop the bench
        return Verdict(ERROR, f"the predicate failed on this answer: {type(err).__name__}: {err}")


def run_all(
    client: OpenAI, model: str, experiments: Iterable[Experiment], *, quiet: bool = False
) -> list[Outcome]:
    outcomes = []
    for exp in experiments:
        start = time.perf_counter()
        run = run_experiment(client, model, exp)
        outcomes.append(Outcome(exp, classify(exp, run), run, time.perf_counter() - start))
        if not quiet:
            print(".", end="", flush=True, file=sys.stderr)
    if not quiet:
        print(file=sys.stderr)
    return outcomes


# --- reporting ----------------------------------------------------------------------------------------------


def groups(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    by_group: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_group.setdefault(o.experiment.group, []).append(o)
    return by_group


def shares(outcomes: list[Outcome]) -> dict[str, int]:
    return {b: sum(o.verdict.bucket == b for o in outcomes) for b in BUCKETS}


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def table_rows(outcomes: list[Outcome]) -> list[list[str]]:
    """One row per group and a total: n, each bucket's count and share, and the sensible share among the
    experiments a small real model gets right."""
    rows = []
    for name, members in [*groups(outcomes).items(), ("all", outcomes)]:
        n = len(members)
        counts = shares(members)
        doable = [o for o in members if o.experiment.real_model]
        doable_sensible = sum(o.verdict.bucket == SENSIBLE for o in doable)
        rows.append(
            [
                name,
                str(n),
                *(f"{counts[b]} ({pct(counts[b], n)})" for b in BUCKETS),
                f"{doable_sensible}/{len(doable)} ({pct(doable_sensible, len(doable))})",
            ]
        )
    return rows


HEADER = ["group", "n", "sensible", "honest", "wrong", "error", "sensible where a small model succeeds"]


def wrong_kinds(outcomes: list[Outcome]) -> dict[str, int]:
    """How many wrong answers carry each tag ([value], [non-answer], [dump]...), most frequent first."""
    kinds: dict[str, int] = {}
    for o in outcomes:
        if o.verdict.bucket == WRONG:
            tag = re.search(r"\[[a-z-]+\]", o.verdict.why)
            key = tag.group(0) if tag else "[other]"
            kinds[key] = kinds.get(key, 0) + 1
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1]))


def text_report(outcomes: list[Outcome], meta: dict) -> str:
    lines = [
        f"bench.offscript: {meta['n']} experiments · model {meta['model']} · openai {meta['sdk']} · "
        f"commit {meta['commit']} · {meta['seconds']:.1f} s",
        "",
    ]
    rows = [HEADER, *table_rows(outcomes)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for i, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(w) if j == 0 else cell.rjust(w)
                for j, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0 or i == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    kinds = wrong_kinds(outcomes)
    if kinds:
        lines += ["", "wrong, by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.items())]
    for bucket, title in ((WRONG, "wrong"), (ERROR, "error")):
        listed = [o for o in outcomes if o.verdict.bucket == bucket]
        if listed:
            lines += ["", f"{title} ({len(listed)}):"]
            lines += [f"  {o.experiment.group}/{o.experiment.id}: {o.verdict.why}" for o in listed]
    return "\n".join(lines)


def markdown_report(outcomes: list[Outcome], meta: dict) -> str:
    lines = [
        "# bench/offscript: measured from outside",
        "",
        f"Run on {meta['date']} at commit `{meta['commit']}`, model `{meta['model']}`, openai {meta['sdk']}, "
        f"{meta['n']} experiments in {meta['seconds']:.1f} s, with `python -m bench.offscript"
        f"{' --course-replies' if meta['course_replies'] else ''}`. What the buckets mean: README.md.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(HEADER) - 1)) + "|",
    ]
    for row in table_rows(outcomes):
        cells = [f"**{c}**" if row[0] == "all" else c for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    kinds = wrong_kinds(outcomes)
    if kinds:
        lines += ["", "Wrong answers by kind: " + ", ".join(f"`{k}` {n}" for k, n in kinds.items()) + "."]
    for bucket, title in ((WRONG, "Wrong answers"), (ERROR, "Errors"), (HONEST, "Honest answers")):
        listed = [o for o in outcomes if o.verdict.bucket == bucket]
        lines += ["", f"## {title} ({len(listed)})", ""]
        lines += [
            f"* `{o.experiment.group}/{o.experiment.id}`: {o.verdict.why.replace('|', '/')}" for o in listed
        ]
        if not listed:
            lines.append("None.")
    return "\n".join(lines) + "\n"


def transcript(o: Outcome) -> dict:
    return {
        "id": o.experiment.id,
        "group": o.experiment.group,
        "api": o.experiment.api,
        "real_model": o.experiment.real_model,
        "expected": o.experiment.note,
        "bucket": o.verdict.bucket,
        "why": o.verdict.why,
        "turns": [
            [
                {
                    "text": r.text,
                    "calls": [str(c) for c in r.calls],
                    "refusal": r.refusal,
                    "finish": r.finish,
                    "data": r.data,
                }
                for r in turn
            ]
            for turn in o.run.turns
        ],
        "error": o.run.error,
        "exception": o.run.exception,
    }


def show(o: Outcome) -> str:
    """One experiment in full: what was sent (the turns), every reply, and the verdict."""
    exp = o.experiment
    lines = [
        f"{exp.group}/{exp.id} ({exp.api}) -> {o.verdict.bucket}: {o.verdict.why}",
        f"  a real model: {exp.note}",
    ]
    for entry in exp.history:
        lines.append(f"  history {short(entry, 150)}")
    for i, turn in enumerate(o.run.turns):
        if i < len(exp.turns):
            lines.append(f"  user> {exp.turns[i]}")
        for r in turn:
            for c in r.calls:
                lines.append(f"    call {c}")
            if r.text:
                lines.append(f"    text {short(r.text, 300)}")
            if r.refusal:
                lines.append(f"    refusal {r.refusal}")
    if o.run.error or o.run.exception:
        lines.append(f"  error {o.run.error or o.run.exception}")
    return "\n".join(lines)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def commit() -> str:
    """HEAD, and the last commit that changed the stub (what is measured), marked if llm_stub/ has edits."""
    try:
        head = _git("rev-parse", "--short", "HEAD")
        stub = _git("log", "-1", "--format=%h", "--", "llm_stub")
        dirty = _git("status", "--porcelain", "--", "llm_stub")
        return f"{head} (stub last changed in {stub}{', plus uncommitted changes' if dirty else ''})"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.offscript", description=__doc__.split("\n\n")[1])
    parser.add_argument("--json", metavar="OUT", help="write every answer and its verdict as JSON")
    parser.add_argument(
        "--markdown", metavar="OUT", help="write the report as Markdown (BASELINE.md's format)"
    )
    parser.add_argument("--only", metavar="TEXT", help="run only experiments whose group/id contains TEXT")
    parser.add_argument("--show", action="store_true", help="print every experiment's replies in full")
    parser.add_argument(
        "--course-replies",
        action="store_true",
        help="load the course's scripted replies too, as the notebooks' stub does",
    )
    args = parser.parse_args(argv)

    import llm_stub

    experiments = [e for e in EXPERIMENTS if not args.only or args.only in f"{e.group}/{e.id}"]
    model = course_model()
    config = None
    if args.course_replies:
        from course.backend import REPLIES_DIR

        config = llm_stub.StubConfig(reply_files=[str(REPLIES_DIR)])
    start = time.perf_counter()
    with llm_stub.start(config) if config else llm_stub.start() as stub:
        client = OpenAI(base_url=stub.base_url, api_key=stub.api_key)
        outcomes = run_all(client, model, experiments)
    meta = {
        "n": len(outcomes),
        "model": model,
        "sdk": openai.__version__,
        "commit": commit(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "seconds": time.perf_counter() - start,
        "course_replies": args.course_replies,
    }
    if args.show:
        print("\n\n".join(show(o) for o in outcomes), end="\n\n")
    print(text_report(outcomes, meta))
    if args.markdown:
        Path(args.markdown).write_text(markdown_report(outcomes, meta), encoding="utf-8")
    if args.json:
        summary = {row[0]: dict(zip(HEADER[1:], row[1:], strict=True)) for row in table_rows(outcomes)}
        Path(args.json).write_text(
            json.dumps(
                {"meta": meta, "summary": summary, "experiments": [transcript(o) for o in outcomes]},
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    return 0
