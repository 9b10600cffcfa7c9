"""``make check`` / ``python -m course check [lab]``: run the lab tests against your labs/ and explain.

From a notebook::

    from course.checking import check
    check(1)          # shows a table; the result also has .score, .max_score, .labs and .to_text()

Each lab shows the points earned, what passes, and for each failure the test's message and a hint.
Functions still raising ``NotImplementedError`` show as "not started" instead of as tracebacks.
"""

from __future__ import annotations

import html
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .grading import manifest
from .grading.layout import Lab, discover_labs, find_root, select_labs
from .grading.results import LabResult, TestResult
from .grading.runner import RunSpec, collate, run_tests

SYMBOLS = {"passed": "✓", "not started": "·", "skipped": "-"}
ASCII_SYMBOLS = {"passed": "+", "not started": ".", "skipped": "-"}


@dataclass
class CheckResult:
    """What ``check`` found: per lab, per test. ``str()`` is the text table; notebooks render HTML."""

    labs: list[LabResult]
    notes: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    duration: float = 0.0

    @property
    def score(self) -> float:
        return sum(lab.score for lab in self.labs)

    @property
    def max_score(self) -> float:
        return sum(lab.max_score for lab in self.labs)

    @property
    def passed(self) -> bool:
        """Every test of the checked labs passes."""
        return all(t.passed for lab in self.labs for t in lab.tests) and any(lab.tests for lab in self.labs)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<CheckResult {self.score:g}/{self.max_score:g} points in {len(self.labs)} lab(s)>"

    # ------------------------------------------------------------------ text

    def to_text(self, ascii_only: bool = False, width: int = 78) -> str:
        symbols = ASCII_SYMBOLS if ascii_only else SYMBOLS
        fail = "x" if ascii_only else "✗"
        lines: list[str] = []
        for lab in self.labs:
            lines.append(_row(lab.title, _lab_score(lab), width))
            if lab.not_started:
                functions = _functions(lab.tests)
                lines.append(
                    f"    not started: open labs/{lab.module}.py"
                    + (f" and write {', '.join(functions)}" if functions else "")
                )
                lines.append("")
                continue
            for t, repeats in _collapsed(lab.tests):
                mark = symbols.get(t.status, fail)
                lines.append(
                    _row(
                        f"  {mark} {t.name}",
                        f"{t.earned:g} / {t.points:g}" if t.passed else f"{t.status}  0 / {t.points:g}",
                        width,
                    )
                )
                if t.passed:
                    continue
                for text in _wrap(t.message, width - 6):
                    lines.append("      " + text)
                hint = _first_paragraph(t.hint)
                if hint and t.status != "not started":
                    for i, text in enumerate(_wrap(hint, width - 12)):
                        lines.append(("      hint: " if i == 0 else "            ") + text)
                if repeats:
                    lines.append(
                        _row(
                            f"  {mark} {_same_failure(repeats)}",
                            f"0 / {sum(r.points for r in repeats):g}",
                            width,
                        )
                    )
                    for text in _wrap(", ".join(r.name for r in repeats), width - 6):
                        lines.append("      " + text)
            lines.append("")
        total = f"{self.score:g} / {self.max_score:g} points"
        lines.append(_row("Total", total, width))
        for note in self.notes:
            lines.append(f"note: {note}")
        if self.edited:
            lines.append(
                "warning: these files differ from the course's copy, so your grade may differ from this "
                "check: " + ", ".join(self.edited) + " (restore them with: git checkout -- tests/)"
            )
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ HTML

    def _repr_html_(self) -> str:
        esc = html.escape
        colours = {"passed": "#1a7f37", "not started": "#6e7781", "skipped": "#6e7781"}
        parts = ['<div class="course-check" style="font-family: sans-serif">']
        for lab in self.labs:
            parts.append(f"<h4 style='margin:0.6em 0 0.2em'>{esc(lab.title)} — {esc(_lab_score(lab))}</h4>")
            if lab.not_started:
                functions = _functions(lab.tests)
                parts.append(
                    f"<p style='color:#6e7781'>Not started: open <code>labs/{esc(lab.module)}.py</code>"
                    + (f" and write {esc(', '.join(functions))}" if functions else "")
                    + ".</p>"
                )
                continue
            parts.append(
                "<table><thead><tr><th style='text-align:left'>test</th><th>status</th>"
                "<th>points</th><th style='text-align:left'>what to fix</th></tr></thead><tbody>"
            )
            for t, repeats in _collapsed(lab.tests):
                colour = colours.get(t.status, "#cf222e")
                detail = "" if t.passed else esc(t.message).replace("\n", "<br>")
                hint = _first_paragraph(t.hint)
                if hint and not t.passed and t.status != "not started":
                    detail += f"<br><i>hint: {esc(hint)}</i>"
                parts.append(
                    f"<tr><td><code>{esc(t.name)}</code></td>"
                    f"<td style='color:{colour}'>{esc(t.status)}</td>"
                    f"<td>{t.earned:g} / {t.points:g}</td><td style='text-align:left'>{detail}</td></tr>"
                )
                if repeats:
                    names = ", ".join(f"<code>{esc(r.name)}</code>" for r in repeats)
                    parts.append(
                        f"<tr><td colspan='2' style='color:{colour}'>{esc(_same_failure(repeats))}</td>"
                        f"<td>0 / {sum(r.points for r in repeats):g}</td>"
                        f"<td style='text-align:left'>{names}</td></tr>"
                    )
            parts.append("</tbody></table>")
        parts.append(f"<p><b>Total: {self.score:g} / {self.max_score:g} points</b></p>")
        for note in self.notes:
            parts.append(f"<p>note: {esc(note)}</p>")
        if self.edited:
            parts.append(
                f"<p style='color:#9a6700'>warning: these files differ from the course's copy: "
                f"{esc(', '.join(self.edited))}</p>"
            )
        parts.append("</div>")
        return "".join(parts)


def _collapsed(tests: list[TestResult]) -> list[tuple[TestResult, list[TestResult]]]:
    """Each test in order, with the later tests that failed with exactly the same status and message.

    One bug in a function that ten tests call fails all ten the same way; the learner needs its message
    once, and a count of the tests it costs. Later repeats are left out of the list (they are in the
    first one's group); passing tests have no group."""
    groups: dict[tuple[str, str], list[TestResult]] = {}
    out: list[tuple[TestResult, list[TestResult]]] = []
    for t in tests:
        key = (t.status, t.message)
        if t.passed or not t.message:
            out.append((t, []))
        elif key in groups:
            groups[key].append(t)
        else:
            groups[key] = []
            out.append((t, groups[key]))
    return out


def _same_failure(repeats: list[TestResult]) -> str:
    n = len(repeats)
    return f"{n} more test{'s' if n > 1 else ''} failed with the same message:"


def _lab_score(lab: LabResult) -> str:
    if lab.not_started:
        return f"not started (0 / {lab.max_score:g})"
    counts = lab.counts
    return (
        f"{lab.score:g} / {lab.max_score:g} points ({counts.get('passed', 0)} of {len(lab.tests)} tests pass)"
    )


def _row(left: str, right: str, width: int) -> str:
    gap = max(2, width - len(left) - len(right))
    return f"{left}{' ' * gap}{right}"


def _wrap(text: str, width: int) -> list[str]:
    """Every line of ``text`` (a failure's whole message: what the code did, what was expected, where
    to look), wrapped to ``width``; long words (paths, reprs) are not broken."""
    out: list[str] = []
    for line in (text or "").splitlines() or [""]:
        indent = line[: len(line) - len(line.lstrip())]
        out += textwrap.wrap(
            line,
            max(20, width),
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return out


def _first_paragraph(text: str) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


def _functions(tests: list[TestResult]) -> list[str]:
    names = []
    for t in tests:
        if t.where and len(t.where) == 3 and f"{t.where[2]}()" not in names:
            names.append(f"{t.where[2]}()")
    return names


def check(
    lab: str | int | None = None,
    *,
    root: str | Path | None = None,
    timeout: float = 30.0,
    total_timeout: float = 900.0,
) -> CheckResult:
    """Run the tests of one lab (a number or name) or of all labs against ``labs/`` and return the result."""
    course_root = Path(root).resolve() if root else find_root()
    labs: list[Lab] = select_labs(discover_labs(course_root), None if lab is None else str(lab))
    if not labs:
        return CheckResult([], notes=["there are no lab tests yet (tests/labs/test_lab*.py)"])
    with tempfile.TemporaryDirectory(prefix="course-check-") as state:
        outcome = run_tests(
            RunSpec(
                course_root,
                [lab.test_file for lab in labs],
                Path(state),
                test_timeout=timeout,
                total_timeout=total_timeout,
            )
        )
        log = (Path(state) / "output.log").read_text(errors="replace") if not outcome.collected else ""
    notes = list(outcome.notes)
    if not outcome.collected:
        notes.append("the tests could not be collected; pytest said:\n" + log[-2000:])
    edited = manifest.verify(course_root) or []
    return CheckResult(
        collate(labs, outcome.collected, outcome), notes=notes, edited=edited, duration=outcome.duration
    )


def run_check(lab: str | None = None) -> int:
    """The command line: print the table. Exit status 0 when the check ran (whatever the score), 2 if not."""
    try:
        root = find_root()
        chosen = select_labs(discover_labs(root), lab)
        names = ", ".join(f"lab {c.number:02d}" for c in chosen) or "no labs"
        print(f"Checking labs/ ({names}) with the tests in tests/labs ...", flush=True)
        result = check(lab, root=root)
    except (LookupError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        "✓✗·".encode(encoding)
        ascii_only = False
    except (UnicodeEncodeError, LookupError):
        ascii_only = True
    print(result.to_text(ascii_only=ascii_only), end="")
    return 0
