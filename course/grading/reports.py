"""Write the grades: grades.json, grades.csv, report.md, JUnit XML per submission, the GitHub step summary
and the Classroom 50 result.json."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from .layout import Lab
from .results import RunResult
from .sanitize import (
    MESSAGE_LIMIT,
    NOTE_LIMIT,
    clean_log,
    clean_notes,
    clean_status,
    clean_text,
    clean_type_name,
    clean_where,
)

CLASSROOM50_SCHEMA = "classroom50/result/v1"


class Scrubber:
    """Makes what the reports say about a submission safe to show: the grading machine's absolute paths and the
    grader's environment values replaced, escape sequences and control characters removed, lengths capped
    (:mod:`course.grading.sanitize`)."""

    MIN_SECRET = 8  # environment values at least this long are replaced wherever they appear

    def __init__(self, places: list[Path], environ: dict[str, str] | None = None) -> None:
        names = {}
        extra = [Path(tempfile.gettempdir()), Path(sys.prefix), Path(sys.base_prefix)]
        for place in [*places, *extra]:
            for variant in {str(place), os.path.abspath(place), os.path.realpath(place)}:
                if len(variant) > 1:
                    names[variant] = place
        self.places = sorted(names.items(), key=lambda kv: -len(kv[0]))
        # a place is replaced where a path starts with it, not inside another path ("/tmp" in ".../scratch/tmp")
        self.place_patterns = [
            (
                re.compile(r"(?<![\w.~/-])" + re.escape(prefix) + r"(?![\w.-])"),
                f"<{Path(place).name or 'folder'}>",
            )
            for prefix, place in self.places
        ]
        self.cwd = os.path.realpath(os.getcwd())
        self.home = os.path.expanduser("~")
        env = dict(os.environ if environ is None else environ)
        self.secrets = sorted(
            {(v, k) for k, v in env.items() if len(v) >= self.MIN_SECRET and not v.isspace()},
            key=lambda vk: -len(vk[0]),
        )
        self.sandbox_paths = re.compile(r"(?<![\w.])/(?:submission|grader)(?:/[^\s'\"`),:;]*)?")

    def text(self, text: str, limit: int = MESSAGE_LIMIT) -> str:
        if not text:
            return ""
        text = clean_text(text, limit * 2)
        for value, name in self.secrets:
            if value in text:
                text = text.replace(value, f"<${name}>")
        text = self._places(text)
        if self.home and len(self.home) > 1:
            text = text.replace(self.home, "~")
        text = self.sandbox_paths.sub("<sandbox>", text)
        return clean_text(text, limit)

    def source(self, source: str) -> str:
        """A submission's path as the instructor gave it: relative to the current folder, else its name."""
        path = os.path.realpath(
            os.path.abspath(source.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape"))
        )
        if path == self.cwd or path.startswith(self.cwd + os.sep):
            rel = os.path.relpath(path, self.cwd)
        else:
            rel = os.path.basename(path.rstrip(os.sep)) or "submission"
        return clean_text(rel.encode("utf-8", "backslashreplace").decode("utf-8"), NOTE_LIMIT)

    def result(self, r: RunResult) -> None:
        r.source = self.source(r.source) if r.source else ""
        r.notes = clean_notes([self.text(n, NOTE_LIMIT) for n in r.notes])
        r.edited = [self.text(e, NOTE_LIMIT) for e in r.edited[:100]]
        for t in r.tests:
            t.status = clean_status(t.status)
            t.message = self.text(t.message)
            t.exc_type = clean_type_name(t.exc_type)
            t.where = clean_where(t.where)

    def log(self, data: bytes) -> bytes:
        """A test run's output, cleaned the same way (its size is capped where it is captured)."""
        text = clean_log(data).decode("utf-8")
        for value, name in self.secrets:
            text = text.replace(value, f"<${name}>")
        return self.sandbox_paths.sub("<sandbox>", self._places(text)).encode("utf-8")

    def _places(self, text: str) -> str:
        for (prefix, _), (pattern, name) in zip(self.places, self.place_patterns, strict=True):
            if prefix in text:
                text = pattern.sub(name, text)
        return text


def _fmt(value: float) -> str:
    return f"{value:g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def grades_json(results: list[RunResult], labs: list[Lab], settings: dict) -> dict:
    max_per_lab = {}
    for result in results:
        for lab in result.labs:
            max_per_lab[lab.module] = lab.max_score
    return {
        "course": {
            "labs": [
                {"module": lab.module, "title": lab.title, "max_score": max_per_lab.get(lab.module, 0)}
                for lab in labs
            ],
            "max_score": sum(max_per_lab.values()),
        },
        "settings": settings,
        "submissions": [r.to_dict() for r in results],
    }


def write_json(path: Path, results: list[RunResult], labs: list[Lab], settings: dict) -> None:
    path.write_text(json.dumps(grades_json(results, labs, settings), indent=2, ensure_ascii=False) + "\n")


def write_csv(path: Path, results: list[RunResult], labs: list[Lab]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "score", "max_score", *(lab.module for lab in labs), "notes"])
        for r in results:
            per_lab = {lab.module: lab.score for lab in r.labs}
            writer.writerow(
                [
                    r.name,
                    _fmt(r.score),
                    _fmt(r.max_score),
                    *(_fmt(per_lab.get(lab.module, 0)) for lab in labs),
                    "; ".join(_notes(r)),
                ]
            )


def _notes(r: RunResult) -> list[str]:
    notes = list(r.notes)
    if r.edited:
        notes.append(f"edited test/config files ignored ({len(r.edited)})")
    return notes


def summary_table(results: list[RunResult], labs: list[Lab]) -> str:
    """The Markdown score table: one row per submission, a column per lab."""
    maxima = {}
    for r in results:
        for lab in r.labs:
            maxima[lab.module] = lab.max_score
    head = [
        "submission",
        *(f"{lab.title} (/{_fmt(maxima.get(lab.module, 0))})" for lab in labs),
        f"total (/{_fmt(sum(maxima.values()))})",
        "notes",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        per_lab = {lab.module: lab for lab in r.labs}
        cells = [_cell(r.name)]
        for lab in labs:
            result = per_lab.get(lab.module)
            if result is not None and result.tests and all(t.status == "missing" for t in result.tests):
                cells.append("missing")
            elif result is not None and result.not_started and result.max_score:
                cells.append("not started")
            else:
                cells.append(_fmt(result.score if result else 0))
        cells.append(f"**{_fmt(r.score)}**")
        cells.append(_cell("; ".join(_notes(r))))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def markdown_report(results: list[RunResult], labs: list[Lab], settings: dict) -> str:
    out = [
        "# Grades",
        "",
        f"{len(results)} submission(s); time limit {settings['test_timeout']:g} s per test, "
        f"{settings['submission_timeout']:g} s per submission.",
        *(
            [f"Isolation of the submissions' code: {settings['isolation']}."]
            if settings.get("isolation")
            else []
        ),
        *([f"**Warning**: {settings['warning']}."] if settings.get("warning") else []),
        *(
            ["**Partial**: grading is still running; this report grows as submissions finish."]
            if settings.get("partial")
            else []
        ),
        "",
        summary_table(results, labs),
    ]
    for r in results:
        out += ["", f"## {r.name}: {_fmt(r.score)} / {_fmt(r.max_score)}", ""]
        if r.source:
            out.append(f"Source: `{r.source}`  ")
        if r.isolation:
            out.append(f"Isolation: {r.isolation}  ")
        for note in r.notes:
            out.append(f"- {note}")
        if r.edited:
            out.append(
                "- graded with the course's own tests; these edits were ignored: " + ", ".join(r.edited)
            )
        for lab in r.labs:
            if lab.not_started:
                out.append(f"- **{lab.title}**: not started (0 / {_fmt(lab.max_score)})")
                continue
            out.append(f"- **{lab.title}**: {_fmt(lab.score)} / {_fmt(lab.max_score)}")
            for t in lab.tests:
                if not t.passed:
                    out.append(f"  - {t.status}: `{t.name}` (0 / {_fmt(t.points)}): {_cell(t.message)}")
    return "\n".join(out) + "\n"


def junit_xml(r: RunResult) -> bytes:
    suites = ET.Element(
        "testsuites",
        name=r.name,
        tests=str(len(r.tests)),
        failures=str(sum(1 for t in r.tests if not t.passed and t.status != "skipped")),
    )
    for lab in r.labs:
        bad = [t for t in lab.tests if not t.passed and t.status != "skipped"]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=lab.module,
            tests=str(len(lab.tests)),
            failures=str(len(bad)),
            skipped=str(sum(t.status == "skipped" for t in lab.tests)),
            time=f"{sum(t.duration for t in lab.tests):.3f}",
        )
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="score", value=_fmt(lab.score))
        ET.SubElement(props, "property", name="max_score", value=_fmt(lab.max_score))
        for t in lab.tests:
            path, _, name = t.nodeid.rpartition("::")
            case = ET.SubElement(
                suite,
                "testcase",
                classname=path.replace("/", ".").removesuffix(".py"),
                name=name,
                time=f"{t.duration:.3f}",
            )
            ET.SubElement(
                ET.SubElement(case, "properties"),
                "property",
                name="points",
                value=f"{_fmt(t.earned)}/{_fmt(t.points)}",
            )
            if t.status == "skipped":
                ET.SubElement(case, "skipped", message=t.message)
            elif not t.passed:
                kind = "failure" if t.status in ("failed", "not started") else "error"
                element = ET.SubElement(case, kind, message=t.message, type=t.status)
                element.text = t.message
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)


def classroom50_result(r: RunResult, env: dict[str, str] | None = None) -> dict:
    """The ``classroom50/result/v1`` document the Classroom 50 runner collects (it stamps owner and
    assignment type itself); the context comes from the variables the runner exports."""
    env = dict(os.environ if env is None else env)
    commit = env.get("COMMIT_URL", "")
    tests = [
        {"test-name": t.nodeid, "passed": t.passed, "score": t.earned, "max-score": t.points} for t in r.tests
    ]
    return {
        "schema": CLASSROOM50_SCHEMA,
        "classroom": env.get("CLASSROOM", ""),
        "assignment": env.get("ASSIGNMENT", ""),
        "submission": env.get("SUBMISSION_TAG", r.name),
        "commit": commit,
        "release": env.get("RELEASE_URL", ""),
        "review": env.get("REVIEW_URL") or commit,
        "datetime": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "score": r.score,
        "max-score": r.max_score,
        "tests": tests,
    }


def write_all(
    out: Path, results: list[RunResult], labs: list[Lab], settings: dict, classroom50: bool
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "grades.json", results, labs, settings)
    write_csv(out / "grades.csv", results, labs)
    (out / "report.md").write_text(markdown_report(results, labs, settings), encoding="utf-8")
    junit = out / "junit"
    junit.mkdir(exist_ok=True)
    for r in results:
        (junit / f"{r.name}.xml").write_bytes(junit_xml(r))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as f:
            f.write("## Grades\n\n" + summary_table(results, labs) + "\n")
    if classroom50:
        if len(results) == 1:
            (out / "result.json").write_text(json.dumps(classroom50_result(results[0]), indent=2) + "\n")
        else:
            for r in results:
                folder = out / "classroom50" / r.name
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "result.json").write_text(json.dumps(classroom50_result(r), indent=2) + "\n")
