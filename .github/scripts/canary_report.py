"""Turn the canary's JUnit XML into a Markdown job summary: which tests the newest openai SDK breaks.

    python .github/scripts/canary_report.py --junit canary-junit.xml --pinned 3.57.0 --newest 3.60.1 \
        --pip-check pip-check.txt --outcome failure >> "$GITHUB_STEP_SUMMARY"

Standard library only for the test report. With ``--models``, the summary also lists the ids of the newest SDK's
``ChatModel`` that the course's model catalogue (``llm_stub/data/models.toml``) does not know: a new model to add
(with its sources), or an id to record as retired or unserved. That part imports ``openai`` and ``llm_stub``, so
run the script with the course's interpreter (``.venv/bin/python``). A missing or unreadable report, or a failed
import, is itself reported, never a crash: the summary is how maintainers find out.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

MAX_LISTED = 50


def read_junit(path: Path) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """Counts (tests, failures, errors, skipped) and the broken tests as (name, kind, first line of message)."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    broken: list[tuple[str, str, str]] = []
    for suite in suites:
        for key in counts:
            counts[key] += int(suite.get(key, 0) or 0)
        for case in suite.iter("testcase"):
            for kind in ("failure", "error"):
                node = case.find(kind)
                if node is not None:
                    name = "::".join(x for x in (case.get("classname", ""), case.get("name", "")) if x)
                    message = (node.get("message") or node.text or "").strip().splitlines()
                    broken.append((name, kind, message[0][:200] if message else ""))
    return counts, broken


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(junit: Path, pinned: str, newest: str, pip_check: Path | None, outcome: str) -> str:
    lines = [f"## Canary: openai {newest or '?'} (pinned: {pinned or '?'})", ""]
    if pinned and newest and pinned == newest:
        lines += ["The newest openai release is the pinned one: nothing new to try.", ""]
    if pip_check is not None and pip_check.exists():
        conflicts = pip_check.read_text(encoding="utf-8", errors="replace").strip()
        if conflicts and "No broken requirements" not in conflicts:
            lines += ["**pip check** reports conflicts with the other pins:", "", "```", conflicts, "```", ""]
    try:
        counts, broken = read_junit(junit)
    except (OSError, ET.ParseError) as err:
        lines += [
            f"**No test report** ({type(err).__name__}): the install or the test collection failed before any "
            f"test ran (test step: {outcome or 'unknown'}). See the job log.",
        ]
        return "\n".join(lines) + "\n"
    passed = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    lines.append(
        f"{counts['tests']} tests: {passed} passed, {counts['failures']} failed, "
        f"{counts['errors']} errors, {counts['skipped']} skipped."
    )
    lines.append("")
    if not broken:
        lines.append(
            f"Nothing broke: the course works with openai {newest or 'latest'}. Consider bumping the pin."
        )
        return "\n".join(lines) + "\n"
    lines += ["What breaks with the newest SDK:", "", "| test | kind | first line |", "| --- | --- | --- |"]
    for name, kind, message in broken[:MAX_LISTED]:
        lines.append(f"| `{cell(name)}` | {kind} | {cell(message)} |")
    if len(broken) > MAX_LISTED:
        lines.append(f"| … and {len(broken) - MAX_LISTED} more | | |")
    return "\n".join(lines) + "\n"


def chat_model_ids() -> list[str]:
    """Every id of the installed SDK's ``ChatModel`` (``openai.types.shared.chat_model``)."""
    import typing

    from openai.types.shared.chat_model import ChatModel

    return sorted(typing.get_args(ChatModel))


def catalogue_gaps(sdk_ids: list[str], known: set[str]) -> list[str]:
    """The SDK's ids the catalogue says nothing about (served, retired or unserved)."""
    return [i for i in sdk_ids if i not in known]


def models_report() -> str:
    lines = ["", "### Models: the SDK's ChatModel against the course's catalogue", ""]
    try:
        from llm_stub import catalog

        gaps = catalogue_gaps(chat_model_ids(), catalog.CATALOGUE.known_ids())
    except Exception as err:  # any failure is a line of the summary, not a crash
        return "\n".join([*lines, f"Could not compare ({type(err).__name__}: {err})."]) + "\n"
    if not gaps:
        return "\n".join([*lines, "Every ChatModel id is in llm_stub/data/models.toml."]) + "\n"
    lines += [
        f"{len(gaps)} ChatModel id(s) the catalogue lacks: add each to llm_stub/data/models.toml as a served "
        "row (with its sources), or under [[retired]] or [[unserved]]:",
        "",
        *[f"- `{g}`" for g in gaps],
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--junit", type=Path, required=True)
    parser.add_argument("--pinned", default="")
    parser.add_argument("--newest", default="")
    parser.add_argument("--pip-check", type=Path)
    parser.add_argument("--outcome", default="")
    parser.add_argument("--models", action="store_true", help="also list ChatModel ids the catalogue lacks")
    args = parser.parse_args(argv)
    sys.stdout.write(report(args.junit, args.pinned, args.newest, args.pip_check, args.outcome))
    if args.models:
        sys.stdout.write(models_report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
