"""Mutation testing of the lab tests: how many small changes to ``solutions/`` do the lab tests catch?

    python -m bench.mutation [LAB ...] [--max-children 1] [--keep DIR] [--source REPO]

Not part of CI (a lab takes about a minute on one core). For each lab (``01``, ``02``, ..., default all),
mutmut (pinned in requirements-dev.txt: ``mutmut==3.8.1``) mutates ``solutions/labNN_*.py`` operator by
operator, constant by constant, and runs ``tests/labs/test_labNN_*.py --impl=solutions`` against each
mutant in a scratch copy of the repository (nothing here is written inside the repository).
Printed per lab: killed / survived / other, the score, and every survivor with its diff and either the
reason it is *equivalent* (behaves exactly like the solution, so no test can kill it; see EQUIVALENT
below) or ``UNEXPLAINED`` (a gap in the tests: add the test that kills it). Exit status 1 when a lab
scores under the target (90 %) or a survivor is unexplained.

The survivors are matched by the function they change and the text of the mutated line, not by
mutmut's numbering (which shifts when a solution changes).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = 0.90

# (lab module, function as mutmut names it, a regular expression the mutated "+" line matches, why it is
# equivalent). Keep each reason specific: what the mutant changes and why no caller can tell.
EQUIVALENT: list[tuple[str, str, str, str]] = [
    # lab 01
    (
        "lab01_messages",
        "x_trim_history",
        r"messages\[:2\]",
        "looks for the system message in the first two messages instead of the first one: the same result "
        "for every input the contract allows (at most one system message, and it comes first)",
    ),
    (
        "lab01_messages",
        "x_trim_history",
        r"^\+\s*None,?$",
        "the ValueError's text becomes None: the contract asks for a ValueError, not for its wording",
    ),
    (
        "lab01_messages",
        "x_estimate_cost",
        r"XX, XX",
        "changes the separator in the error's list of known models; the message still names the model, "
        "which is all the contract asks",
    ),
    # lab 02
    (
        "lab02_streaming",
        "x_stream_reply",
        r"^\+\s*break$",
        "stops at the first chunk with no choices instead of skipping it: the same, because the only such "
        "chunk is the usage chunk, which is last (stream_reply takes a client, and no provider the course "
        "targets sends an empty-choices chunk before the text)",
    ),
    (
        "lab02_streaming",
        "x_measure_stream",
        r"if \(chunk\.choices\) or True|if chunk\.choices or True",
        "indexes choices[0] on every chunk: measure_stream does not ask for usage, so no chunk has an "
        "empty choices list",
    ),
    # wording: mutmut's string mutants ("XX...XX", UPPER CASE, None) of human-readable messages and
    # reasons. The contracts fix the kinds, values and types, not the wording of a sentence.
    *[
        (
            lab,
            func,
            r'"XX.*XX"|^\+.*"[^a-z"\n]*[A-Z]{4}[^a-z"\n]*"',
            "changes only the wording (case) of a message",
        )
        for lab, func in [
            ("lab03_structured", "x_parse_reply"),
            ("lab05_errors", "x_classify"),
            ("lab06_assistant", "xǁAssistantǁextract_ticket"),
        ]
    ],
    (
        "lab03_structured",
        "xǁStructuredOutputErrorǁ__init__",
        r"ValueError\(None\)",
        "the given class's ValueError for an unknown kind loses its text: wording only",
    ),
    (
        "lab05_errors",
        "x_retry_delay",
        r"ValueError\(None\)",
        "the ValueError for attempt < 1 loses its text: the contract asks for a ValueError, not its wording",
    ),
    (
        "lab05_errors",
        "x_classify",
        r"type\(None\)\.__name__",
        "the reason names NoneType instead of the exception's type: still a non-empty sentence (wording)",
    ),
    (
        "lab03_structured",
        "x__strict",
        r'out\.get\("properties", (None)?\)',
        "only differs for an object node without 'properties', which pydantic never writes for a model (only "
        "for a free-form dict, which strict mode refuses anyway)",
    ),
    (
        "lab05_errors",
        "x_retry_after_seconds",
        r'"RETRY-AFTER(-MS)?"',
        "HTTP header names are case-insensitive (httpx Headers): the same header",
    ),
    (
        "lab05_errors",
        "x_classify",
        r"status == 430",
        "429 is in RETRYABLE_STATUSES too, so a rate-limit 429 is still retried; only the reason's wording "
        "changes (the insufficient_quota 429 is decided before)",
    ),
    (
        "lab05_errors",
        "x_classify",
        r"status > 500|status >= 501",
        "500 is in RETRYABLE_STATUSES, so the 5xx test starting at 501 decides the same for every status",
    ),
    (
        "lab05_errors",
        "x_retry_delay",
        r"min\(attempt - 1, 65\)",
        "the exponent's overflow guard moves from 64 to 65: only differs when cap > base * 2**64 (~9e18 s), "
        "which no caller passes",
    ),
    (
        "lab05_errors",
        "x_call_with_retries",
        r"max_attempts \+ 2|ValueError\(None\)",
        "only differs for max_attempts < 1, outside the contract (at most max_attempts calls, the first try "
        "counts: max_attempts >= 1)",
    ),
    (
        "lab06_assistant",
        "xǁAssistantǁ__init__",
        r"timeout: float = 31\.0|max_retries=0, timeout=None\)|max_retries=0, \)",
        "given code (the lab provides __init__ verbatim): the per-request timeout only matters for a server "
        "slower than 30 s; no learner's method can change it",
    ),
    (
        "lab06_assistant",
        "xǁAssistantǁrecord_usage",
        r"getattr\(usage, name",
        "the default of getattr is only used when the usage lacks a field, and the SDK's CompletionUsage "
        "always has prompt_tokens, completion_tokens and total_tokens",
    ),
    *[
        (
            lab,
            func,
            r"(Value|Type)Error\(None\)|\"XX.*XX\"|^\+.*\"[^a-z\"\n]*[A-Z]{4}[^a-z\"\n]*\"",
            "wording of an error message",
        )
        for lab, func in [
            ("lab06_assistant", "xǁAssistantǁextract_ticket"),
            ("lab04_tools", "x__run_one"),
            ("lab04_tools", "x__schema_for"),
            ("lab04_tools", "x_function_to_tool"),
        ]
    ],
    (
        "lab04_tools",
        "xǁStepLimitExceededǁ__init__",
        r"__init__\(None\)",
        "the given exception's text becomes None; its max_steps and history (what callers use) are kept",
    ),
    (
        "lab04_tools",
        "x__run_one",
        r'"the arguments must be a json object"',
        "lower-cases a word of an error message (wording)",
    ),
    (
        "lab04_tools",
        "x__run_one",
        r'"XX\{\}XX"',
        'only differs when the model sends arguments "" (the API always sends a JSON object, "{}" for none)',
    ),
    (
        "lab04_tools",
        "x__schema_for",
        r"args\[1\]",
        "the enum's JSON type is read from its second value instead of its first: the same for a Literal "
        "whose values share one type, the only kind the contract maps",
    ),
    (
        "lab04_tools",
        "x__schema_for",
        r"if \(args\) or True",
        "only differs for a bare `list` hint without an item type, which the contract does not map",
    ),
    (
        "lab04_tools",
        "x__docstring_parts",
        r"arguments:|ARGUMENTS:|parameters:|PARAMETERS:",
        "the contract documents parameters under 'Args:' only; 'Arguments:'/'Parameters:' are extra leniency",
    ),
    (
        "lab04_tools",
        "x__run_one",
        r"XX, XX",
        "changes the separator in the error's list of tools; the message still names the unknown tool and "
        "the tools there are",
    ),
    (
        "lab04_tools",
        "x__docstring_parts",
        r"name\.split\(None\)",
        "splits 'city (str)' at whitespace instead of at '(': the same name for the Google style the "
        "contract uses ('name (type): text', with a space)",
    ),
    (
        "lab04_tools",
        "x__docstring_parts",
        r"in_args = None",
        "None and False are both falsy here",
    ),
    # lab 07
    (
        "lab07_responses",
        "x_collect_response_stream",
        r"finished = None",
        "None and False are both falsy here",
    ),
    (
        "lab07_responses",
        "x_collect_response_stream",
        r"no reason given|NO REASON GIVEN|if \(error\) or True",
        "only differs when a response.failed event has no error; the real API's failed response carries one "
        "(the SDK types it ResponseError, and the lab's tests send the stub's, which always has one): the "
        "message of a failure with an error is tested",
    ),
    (
        "lab07_responses",
        "x_collect_response_stream",
        r"ResponseFailed\(None\)|stream ended before the response was complete|STREAM ENDED",
        "the ResponseFailed of a stream without a terminal event loses or changes its text: the contract asks "
        "for the exception, not its wording",
    ),
    (
        "lab07_responses",
        "xǁStepLimitExceededǁ__init__",
        r"super\(\)\.__init__\(None\)",
        "the given exception's text: wording only (max_steps, which the contract names, is still set)",
    ),
    (
        "lab07_responses",
        "x_run_tool_loop",
        r"range\(1, max_steps \+ 2\)",
        "one more turn of a loop that returns or raises by step max_steps (it raises at step == max_steps): "
        "the extra turn is never reached",
    ),
    (
        "lab07_responses",
        "x_run_tool_loop",
        r"raise StepLimitExceeded\(None\)",
        "the raise after the loop, reached only when max_steps < 1 (no step at all), an input the lab's "
        "docstring does not cover",
    ),
]

MUTMUT_STATUS = re.compile(r"^\s*(\S+): (\S.*)$")


def lab_modules() -> list[str]:
    return sorted(p.stem for p in (REPO / "solutions").glob("lab[0-9][0-9]_*.py"))


def prepare(workdir: Path, source: Path, module: str) -> None:
    """A scratch project holding the solution, the lab's tests and a mutmut configuration."""
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "tests" / "labs").mkdir(parents=True)
    shutil.copytree(source / "solutions", workdir / "solutions")
    shutil.copy(source / "tests" / "conftest.py", workdir / "tests" / "conftest.py")
    for helper in (source / "tests" / "labs").glob("*.py"):
        if not helper.name.startswith("test_") or helper.name == f"test_{module}.py":
            shutil.copy(helper, workdir / "tests" / "labs" / helper.name)
    pyproject = (source / "pyproject.toml").read_text(encoding="utf-8")
    pyproject += f"""

[tool.mutmut]
source_paths = ["solutions"]
only_mutate = ["solutions/{module}.py"]
pytest_add_cli_args = ["--impl=solutions", "-p", "no:cacheprovider", "-p", "no:randomly"]
pytest_add_cli_args_test_selection = ["tests/labs/test_{module}.py"]
use_git_change_detection = false
"""
    (workdir / "pyproject.toml").write_text(pyproject, encoding="utf-8")


def mutmut(workdir: Path, *args: str, check: bool = True) -> str:
    exe = Path(sys.executable).with_name("mutmut")
    env = dict(os.environ, LLM_BACKEND="stub", PYTHONDONTWRITEBYTECODE="1")
    env.pop("OPENAI_API_KEY", None)
    proc = subprocess.run(
        [str(exe), *args], cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    if check and proc.returncode != 0:
        raise SystemExit(
            f"mutmut {' '.join(args)} failed in {workdir}:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    return proc.stdout


def explain(module: str, name: str, diff: str) -> str | None:
    function = name.split(".", 2)[-1].rsplit("__mutmut_", 1)[0]
    added = "\n".join(
        line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    )
    for lab, func, pattern, reason in EQUIVALENT:
        if lab == module and func == function and re.search(pattern, added, re.M):
            return reason
    return None


def run_lab(module: str, root: Path, source: Path, max_children: int, report_only: bool = False) -> dict:
    workdir = root / module
    log = ""
    if not report_only:
        prepare(workdir, source, module)
        log = mutmut(workdir, "run", "--max-children", str(max_children), check=False)
    statuses: dict[str, str] = {}
    for line in mutmut(workdir, "results", "--all", "true").splitlines():
        match = MUTMUT_STATUS.match(line)
        if match:
            statuses[match.group(1)] = match.group(2).strip()
    # a timeout is a mutant the tests stopped (an endless loop): caught; "no tests" is a mutant no test
    # runs: not caught
    killed = sum(s in ("killed", "timeout") for s in statuses.values())
    survivors = [n for n, s in statuses.items() if s in ("survived", "no tests")]
    others = {n: s for n, s in statuses.items() if s not in ("killed", "timeout", "survived", "no tests")}
    if statuses and all(s == "not checked" for s in statuses.values()):
        raise SystemExit(
            f"mutmut checked no mutant of {module} (the tests must pass on the solution first):\n{log[-3000:]}"
        )
    report = {"module": module, "total": len(statuses), "killed": killed, "survived": [], "other": others}
    for name in survivors:
        diff = mutmut(workdir, "show", name, check=False)
        report["survived"].append({"name": name, "diff": diff, "equivalent": explain(module, name, diff)})
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", help="lab numbers or module names (default: every lab)")
    parser.add_argument("--max-children", type=int, default=1, help="parallel test processes (default 1)")
    parser.add_argument("--keep", type=Path, help="scratch directory to keep (default: a temporary one)")
    parser.add_argument(
        "--source", type=Path, default=REPO, help="the repository to measure (default: this one)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not print the survivors' diffs")
    parser.add_argument(
        "--report-only", action="store_true", help="read the results of an earlier run kept with --keep"
    )
    args = parser.parse_args(argv)
    modules = lab_modules()
    if args.labs:
        wanted = {f"lab{int(a):02d}_" if a.isdigit() else a for a in args.labs}
        modules = [m for m in modules if m in wanted or m[:6] in wanted]
    root = args.keep or Path(tempfile.mkdtemp(prefix="mutation-"))
    failed = False
    summary = []
    for module in modules:
        report = run_lab(module, root, args.source.resolve(), args.max_children, args.report_only)
        survived = report["survived"]
        unexplained = [s for s in survived if not s["equivalent"]]
        considered = report["killed"] + len(survived)
        score = report["killed"] / considered if considered else 1.0
        failed |= score < TARGET or bool(unexplained)
        print(
            f"== {module}: {report['killed']} killed, {len(survived)} survived "
            f"({len(survived) - len(unexplained)} equivalent, {len(unexplained)} unexplained), "
            f"{len(report['other'])} other; score {score:.1%}"
        )
        for status in sorted(set(report["other"].values())):
            print(f"   other: {sum(s == status for s in report['other'].values())} {status}")
        for s in survived:
            print(f"-- {s['name']}: {'EQUIVALENT: ' + s['equivalent'] if s['equivalent'] else 'UNEXPLAINED'}")
            if not args.quiet:
                print(
                    "\n".join("   " + line for line in s["diff"].splitlines() if line.startswith(("+", "-")))
                )
        summary.append((module, report["killed"], len(survived), len(unexplained), score))
        sys.stdout.flush()
    print("\n| lab | killed | survived | unexplained | score |\n|---|---|---|---|---|")
    for module, killed, survived, unexplained, score in summary:
        print(f"| {module} | {killed} | {survived} | {unexplained} | {score:.1%} |")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
