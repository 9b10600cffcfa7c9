"""The instructor's grader: ``python -m course grade SUBMISSION... --out DIR`` (see docs/instructors.md).

Modules, one job each: ``layout`` (find the labs), ``submission`` (open a folder or zip), ``workspace``
(the private folder a submission is graded in), ``plugin`` and ``sandbox`` (inside the test process),
``runner`` (run pytest with time limits and resume after crashes), ``isolation`` and ``worker`` (the process
that runs a submission's labs, and its sandbox), ``rpc`` (the channel to it), ``capabilities`` (the only
requests the worker may make of the tests' process), ``remote`` (the tests' proxies of the lab's objects),
``labside`` (the worker's end: what the tests hand a lab, rebuilt there), ``results`` (the data),
``sanitize`` (submission text made safe to show), ``reports`` (JSON, CSV, Markdown, JUnit, Classroom 50),
``manifest`` (checksums of the tests), ``template`` (the student version of the repository), ``grade``
(putting it together).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run_grade(args: argparse.Namespace) -> int:
    from .grade import grade
    from .layout import find_root

    course = getattr(args, "course", None)
    root = Path(course).resolve() if course else find_root()
    submission_timeout = getattr(args, "submission_timeout", None) or 600.0
    try:
        results = grade(
            [Path(p) for p in args.submissions],
            Path(args.out),
            course_root=root,
            test_timeout=args.timeout,
            submission_timeout=submission_timeout,
            jobs=args.jobs,
            classroom50=args.classroom50,
        )
    except (RuntimeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}/grades.json, grades.csv, report.md and junit/ ({len(results)} submission(s))")
    return 0


def run_template(args: argparse.Namespace) -> int:
    from .layout import find_root
    from .template import build_template

    course = getattr(args, "course", None)
    root = Path(course).resolve() if course else find_root()
    try:
        files = build_template(root, Path(args.out_dir), force=args.force)
    except (RuntimeError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the student version to {args.out_dir} ({len(files)} files, with tests/SHA256SUMS)")
    return 0
