"""``python -m course doctor|check|grade|template``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description="LLM API Basics: course tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "doctor", help="check Python, packages, .env, the key (masked), the base URL and the model"
    )
    check = sub.add_parser("check", help="run the lab tests against your labs/ and show what passes")
    check.add_argument("lab", nargs="?", help="a lab number or name, e.g. 1 or lab01 (default: all)")
    grade = sub.add_parser("grade", help="grade submissions with the course's pristine tests")
    grade.add_argument("submissions", nargs="+")
    grade.add_argument("--out", default="grades")
    grade.add_argument("--timeout", type=float, default=30.0, help="seconds per test")
    grade.add_argument("--jobs", type=int, default=0, help="submissions graded at once (default: CPU count)")
    grade.add_argument(
        "--classroom50", action="store_true", help="also write result.json for the Classroom 50 autograder"
    )
    grade.add_argument(
        "--submission-timeout", type=float, default=600.0, help="seconds per submission (default 600)"
    )
    grade.add_argument("--course", help="the course repository whose tests grade (default: this one)")
    template = sub.add_parser("template", help="write the student version of the repository (no solutions)")
    template.add_argument("out_dir")
    template.add_argument("--force", action="store_true", help="replace OUT_DIR if it is not empty")
    template.add_argument("--course", help="the course repository (default: this one)")
    args = parser.parse_args(argv)

    if args.command == "doctor":
        from .doctor import run

        return run()
    if args.command == "check":
        from .checking import run_check

        return run_check(args.lab)
    if args.command == "template":
        from .grading import run_template

        return run_template(args)
    from .grading import run_grade

    return run_grade(args)


if __name__ == "__main__":
    sys.exit(main())
