"""``python -m course doctor|check|grade``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description="LLM API Basics: course tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="check Python, packages, .env, the key (masked), the base URL and the model")
    check = sub.add_parser("check", help="run the lab tests against your labs/ and show what passes")
    check.add_argument("lab", nargs="?", help="a lab number or name, e.g. 1 or lab01 (default: all)")
    grade = sub.add_parser("grade", help="grade submissions with the course's pristine tests")
    grade.add_argument("submissions", nargs="+")
    grade.add_argument("--out", default="grades")
    grade.add_argument("--timeout", type=float, default=30.0, help="seconds per test")
    grade.add_argument("--jobs", type=int, default=0, help="submissions graded at once (default: CPU count)")
    grade.add_argument("--classroom50", action="store_true", help="also write result.json for the Classroom 50 autograder")
    args = parser.parse_args(argv)

    if args.command == "doctor":
        from .doctor import run

        return run()
    if args.command == "check":
        from .checking import run_check

        return run_check(args.lab)
    from .grading import run_grade

    return run_grade(args)


if __name__ == "__main__":
    sys.exit(main())
