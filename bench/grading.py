"""Grading wall time: 20 submissions of the real course (solutions, untouched labs, a mix), ``--jobs 2``.

``python -m bench.grading [--course DIR] [--n 20] [--jobs 2]`` prints the wall time, the time per submission
and the isolation each submission got. Run it once on the grader before a change and once after, in the same
conditions (the capability channel of issue 29 had a budget of 1.1 x).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def make_submissions(course: Path, where: Path, n: int) -> list[Path]:
    """``n`` submissions: every third the solutions, every third untouched, the rest half of each."""
    labs = sorted(p.name for p in (course / "labs").glob("lab*.py"))
    subs = []
    for i in range(n):
        folder = where / f"student{i:02d}" / "labs"
        folder.mkdir(parents=True)
        for j, name in enumerate(labs):
            kind = i % 3
            use_solution = kind == 0 or (kind == 2 and j % 2 == 0)
            src = course / ("solutions" if use_solution else "labs") / name
            shutil.copyfile(src, folder / name)
        subs.append(folder.parent)
    return subs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--course", default=str(REPO))
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    course = Path(args.course).resolve()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        subs = make_submissions(course, Path(tmp) / "subs", args.n)
        out = Path(tmp) / "out"
        started = time.monotonic()
        subprocess.run(
            [
                args.python,
                "-m",
                "course",
                "grade",
                *map(str, subs),
                "--out",
                str(out),
                "--jobs",
                str(args.jobs),
            ],
            cwd=course,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall = time.monotonic() - started
        data = json.loads((out / "grades.json").read_text())
        scores = [s["score"] for s in data["submissions"]]
        isolation = sorted({s.get("isolation", "in-process (audit hook)") for s in data["submissions"]})
    print(f"graded {args.n} submissions with --jobs {args.jobs} in {wall:.1f} s ({wall / args.n:.2f} s each)")
    print(f"scores: {scores}")
    print(f"isolation: {', '.join(isolation)}")


if __name__ == "__main__":
    main()
