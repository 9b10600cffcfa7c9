"""The grader, on a synthetic course and a set of synthetic submissions with exact expected scores.

One grading run (module fixture) grades all submissions in parallel; the tests read its outputs.
"""

from __future__ import annotations

import csv
import json
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest

from course.grading import manifest, reports
from course.grading.grade import grade
from course.grading.layout import discover_labs, select_labs
from course.grading.results import LabResult, RunResult, TestResult
from course.grading.submission import open_submission
from course.grading.template import build_template
from tests.meta.synthetic import LAB_POINTS, MAX_SCORE, POINTS, make_course, make_submissions

# the hanging tests wait this long; shorter limits fired on working tests at a load of 8-14
TEST_TIMEOUT = 5.0


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("grading")
    course = make_course(base / "course")
    subs = make_submissions(base / "submissions")
    out = base / "out"
    summary = base / "step_summary.md"
    summary.write_text("earlier step\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GITHUB_STEP_SUMMARY", str(summary))
        mp.setenv("CLASSROOM", "demo-class")
        mp.setenv("ASSIGNMENT", "llm-api-basics")
        mp.setenv("COMMIT_URL", "https://example.invalid/commit/abc")
        empty = base / "submissions" / "empty"
        (empty / "notes").mkdir(parents=True)
        results = grade(
            [path for path, _ in subs.values()] + [empty],
            out,
            course_root=course,
            test_timeout=TEST_TIMEOUT,
            submission_timeout=120,
            jobs=2,
            classroom50=True,
            quiet=True,
        )
    by_name = {r.name: r for r in results}
    return {"course": course, "subs": subs, "out": out, "results": by_name, "summary": summary}


def _status(result: RunResult) -> dict[str, str]:
    return {t.name: t.status for t in result.tests}


@pytest.mark.parametrize("name", ["full", "untouched", "mutant", "hang", "exits", "edited", "snoop"])
def test_each_submission_gets_its_exact_score(graded, name):
    expected = graded["subs"][name][1]
    result = graded["results"][name]
    assert result.max_score == MAX_SCORE
    assert result.score == expected, (
        f"{name}: {result.score} != {expected}; {_status(result)}; {result.notes}"
    )
    assert {lab.module: lab.max_score for lab in result.labs} == LAB_POINTS


def test_a_submission_without_labs_gets_zero_and_a_reason(graded):
    r = graded["results"]["empty"]
    assert r.score == 0 and set(_status(r).values()) == {"missing"}
    assert r.notes == ["no labs/ folder with .py files in the submission"]


def test_full_solutions_pass_everything(graded):
    r = graded["results"]["full"]
    assert set(_status(r).values()) == {"passed"}
    assert r.notes == [] and r.edited == []


def test_untouched_labs_are_not_started(graded):
    r = graded["results"]["untouched"]
    assert set(_status(r).values()) == {"not started"}
    assert all(lab.not_started for lab in r.labs)
    add = next(t for t in r.tests if t.name == "test_add")
    assert add.message == "add() in labs/lab01_demo.py still raises NotImplementedError"


def test_mutant_zip_loses_only_the_caught_test_and_flooding_is_capped(graded):
    r = graded["results"]["mutant"]
    assert r.name == "mutant" and r.source.endswith("mutant.zip")
    assert _status(r)["test_greet_sends_the_name"] == "failed"
    greet = next(t for t in r.tests if t.name == "test_greet_sends_the_name")
    assert greet.message.startswith("the request did not mention Ada")
    assert any("printed" in note and "bytes of output" in note for note in r.notes)
    log = graded["out"] / "logs" / "mutant.log"
    assert log.stat().st_size < 1_100_000


def test_hanging_tests_time_out_and_the_rest_still_run(graded):
    r = graded["results"]["hang"]
    status = _status(r)
    assert status["test_double"] == "timeout"  # interrupted at the limit
    assert status["test_shout"] == "timeout"  # ignored the interruption: the watchdog ended the process
    assert status["test_greet_sends_the_name"] == "passed"
    assert r.duration < 60


def test_exiting_the_interpreter_costs_only_those_tests(graded):
    r = graded["results"]["exits"]
    status = _status(r)
    assert status["test_add"] == status["test_add_negative"] == "crashed"
    assert status["test_double"] == "error"
    assert status["test_shout"] == status["test_greet_sends_the_name"] == "passed"
    double = next(t for t in r.tests if t.name == "test_double")
    assert "sys.exit(1)" in double.message and "labs/lab02_more.py" in double.message
    assert any("exit code 3" in note for note in r.notes)


def test_edited_tests_and_settings_have_no_effect_and_are_reported(graded):
    r = graded["results"]["edited"]
    assert r.score == 0
    assert sorted(r.edited) == [
        "added: tests/labs/conftest.py",
        "changed: pyproject.toml",
        "changed: tests/labs/test_lab01_demo.py",
    ]
    assert _status(r)["test_double"] == "missing"
    assert "missing: labs/lab02_more.py" in r.notes


def test_reading_another_submission_is_blocked_and_reported(graded):
    r = graded["results"]["snoop"]
    status = _status(r)
    assert status["test_add"] == "error" and status["test_greet_sends_the_name"] == "passed"
    add = next(t for t in r.tests if t.name == "test_add")
    assert "PermissionError" in add.message and "grading sandbox" in add.message
    assert any(note.startswith("blocked by the grading sandbox: tried to read") for note in r.notes)
    double = next(t for t in r.tests if t.name == "test_double")
    assert "labs/lab02_more.py does not import: RuntimeError: boom at import" in double.message


def test_grades_json(graded):
    data = json.loads((graded["out"] / "grades.json").read_text())
    assert data["course"]["max_score"] == MAX_SCORE
    assert [lab["module"] for lab in data["course"]["labs"]] == ["lab01_demo", "lab02_more"]
    subs = {s["name"]: s for s in data["submissions"]}
    assert {name: s["score"] for name, s in subs.items()} == {
        **{n: e for n, (_, e) in graded["subs"].items()},
        "empty": 0,
    }
    test = subs["mutant"]["labs"]["lab01_demo"]["tests"][2]
    assert test["name"] == "test_greet_sends_the_name"
    assert (test["status"], test["points"], test["max_points"]) == ("failed", 0, 3)
    assert test["message"]


def test_grades_csv_has_a_row_per_submission_and_a_column_per_lab(graded):
    rows = list(csv.DictReader((graded["out"] / "grades.csv").open()))
    assert list(rows[0]) == ["submission", "score", "max_score", "lab01_demo", "lab02_more", "notes"]
    by_name = {row["submission"]: row for row in rows}
    assert by_name["hang"]["lab01_demo"] == "6" and by_name["hang"]["lab02_more"] == "0"
    assert by_name["exits"]["score"] == "8" and by_name["exits"]["max_score"] == str(MAX_SCORE)


def test_report_md_and_step_summary(graded):
    report = (graded["out"] / "report.md").read_text()
    assert "| submission | Lab 01 · demo (/6) | Lab 02 · more (/9) | total (/15) | notes |" in report
    assert "| untouched | not started | not started | **0** |" in report
    assert "| edited | not started | missing | **0** |" in report
    assert "## snoop: 3 / 15" in report
    summary = graded["summary"].read_text()
    assert summary.startswith("earlier step\n") and "| full | 6 | 9 | **15** |" in summary


def test_junit_xml_per_submission(graded):
    root = ET.parse(graded["out"] / "junit" / "exits.xml").getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == set(POINTS)
    assert cases["test_add"].find("error").get("type") == "crashed"
    assert cases["test_shout"].find("failure") is None and cases["test_shout"].find("error") is None
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert suites["lab02_more"].get("failures") == "1"


def test_classroom50_result_files(graded):
    result = json.loads((graded["out"] / "classroom50" / "hang" / "result.json").read_text())
    assert result["schema"] == "classroom50/result/v1"
    assert (result["classroom"], result["assignment"]) == ("demo-class", "llm-api-basics")
    assert result["review"] == result["commit"] == "https://example.invalid/commit/abc"
    assert (result["score"], result["max-score"]) == (6, MAX_SCORE)
    assert sum(t["score"] for t in result["tests"]) == 6
    assert set(result["tests"][0]) == {"test-name", "passed", "score", "max-score"}


def test_classroom50_single_result_shape():
    run = RunResult(
        "alice",
        [
            LabResult(
                "lab01_x",
                "Lab 01 · x",
                [
                    TestResult(
                        "tests/labs/test_lab01_x.py::test_a",
                        "lab01_x",
                        "test_a",
                        2,
                        status="passed",
                        earned=2,
                    ),
                    TestResult("tests/labs/test_lab01_x.py::test_b", "lab01_x", "test_b", 3, status="failed"),
                ],
            )
        ],
    )
    result = reports.classroom50_result(
        run, env={"SUBMISSION_TAG": "submit/1", "COMMIT_URL": "c", "REVIEW_URL": "r"}
    )
    assert set(result) == {
        "schema",
        "classroom",
        "assignment",
        "submission",
        "commit",
        "release",
        "review",
        "datetime",
        "score",
        "max-score",
        "tests",
    }
    assert (result["score"], result["max-score"], result["submission"], result["review"]) == (
        2,
        5,
        "submit/1",
        "r",
    )
    assert result["tests"][1] == {
        "test-name": "tests/labs/test_lab01_x.py::test_b",
        "passed": False,
        "score": 0,
        "max-score": 3,
    }


# ---------------------------------------------------------------------------- small parts, no grading run


def test_open_submission_finds_labs_in_folders_and_zips(tmp_path):
    (tmp_path / "a/repo/labs").mkdir(parents=True)
    (tmp_path / "a/repo/labs/lab01_x.py").write_text("x = 1\n")
    sub = open_submission(tmp_path / "a", tmp_path / "scratch")
    assert sub.root == tmp_path / "a/repo" and [p.name for p in sub.lab_files()] == ["lab01_x.py"]
    labs_only = open_submission(tmp_path / "a/repo/labs", tmp_path / "scratch")
    assert labs_only.root == tmp_path / "a/repo" and labs_only.name == "repo"

    archive = tmp_path / "bob.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("bob-main/labs/lab01_x.py", "x = 2\n")
        z.writestr("../escape.py", "bad")
        z.writestr("/abs.py", "bad")
    sub = open_submission(archive, tmp_path / "scratch")
    assert sub.name == "bob" and [p.read_text() for p in sub.lab_files()] == ["x = 2\n"]
    assert not (tmp_path / "escape.py").exists() and not (tmp_path / "scratch" / "escape.py").exists()

    empty = open_submission(tmp_path / "scratch", tmp_path / "other")
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    assert open_submission(nothing, tmp_path / "scratch").root is None
    assert empty.root is not None  # the unzipped bob-main


def test_select_labs_by_number_or_name(tmp_path):
    make_course(tmp_path)
    labs = discover_labs(tmp_path)
    assert [lab.module for lab in labs] == ["lab01_demo", "lab02_more"]
    for key in ("1", "01", "lab01", "lab01_demo", "demo", "labs/lab01_demo.py"):
        assert [lab.module for lab in select_labs(labs, key)] == ["lab01_demo"], key
    assert select_labs(labs, None) == labs
    with pytest.raises(LookupError, match="the labs are: 1 \\(lab01_demo\\), 2 \\(lab02_more\\)"):
        select_labs(labs, "7")


def test_template_leaves_out_solutions_and_mutants_and_writes_a_manifest(tmp_path):
    repo = make_course(tmp_path / "repo")
    (repo / "tests/mutants/lab01_demo").mkdir(parents=True)
    (repo / "tests/mutants/lab01_demo/wrong.py").write_text("x = 1\n")
    (repo / "untracked.txt").write_text("not in git\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "add", "labs", "solutions", "tests", "pyproject.toml"], check=True
    )
    out = tmp_path / "student"
    files = build_template(repo, out)
    assert "labs/lab01_demo.py" in files and manifest.MANIFEST in files
    assert not (out / "solutions").exists() and not (out / "tests/mutants").exists()
    assert not (out / "untracked.txt").exists()
    assert manifest.verify(out) == []
    sums = manifest.read(out)
    assert set(sums) == {
        "pyproject.toml",
        "tests/conftest.py",
        "tests/labs/test_lab01_demo.py",
        "tests/labs/test_lab02_more.py",
    }
    (out / "tests/labs/test_lab01_demo.py").write_text("def test_add():\n    pass\n")
    (out / "tests/labs/conftest.py").write_text("")
    assert manifest.verify(out) == ["changed: tests/labs/test_lab01_demo.py", "added: tests/labs/conftest.py"]
    with pytest.raises(FileExistsError):
        build_template(repo, out)


def test_template_command_line(tmp_path):
    from course.__main__ import main

    repo = make_course(tmp_path / "repo")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    assert main(["template", str(tmp_path / "out"), "--course", str(repo)]) == 0
    assert (tmp_path / "out" / manifest.MANIFEST).is_file() and not (tmp_path / "out" / "solutions").exists()
    assert main(["template", str(tmp_path / "out"), "--course", str(repo)]) == 2
