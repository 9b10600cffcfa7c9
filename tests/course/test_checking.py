"""The learner's check, on a synthetic course: lab01 with one mistake, lab02 untouched, one edited test."""

from __future__ import annotations

import shutil

import pytest

from course.checking import CheckResult, check, run_check
from course.grading import manifest
from tests.meta.synthetic import LAB01_SOLUTION, make_course


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory):
    root = make_course(tmp_path_factory.mktemp("check") / "course")
    (root / "labs/lab01_demo.py").write_text(LAB01_SOLUTION.replace('f"Please greet {name}."', '"Hello!"'))
    manifest.write(root)
    path = root / "tests/labs/test_lab02_more.py"
    path.write_text(path.read_text() + "\n# edited\n")
    return root


@pytest.fixture(scope="module")
def printed(course, tmp_path_factory):
    """What ``python -m course check`` prints (run from a sub-folder, as from notebooks/)."""
    sub = course / "notebooks"
    sub.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(sub)
        import io
        import sys

        out = io.StringIO()
        mp.setattr(sys, "stdout", out)
        code = run_check(None)
    return code, out.getvalue()


def test_check_prints_points_passes_failures_hints_and_not_started(printed):
    code, text = printed
    assert code == 0
    assert "Lab 01 · demo" in text and "3 / 6 points (2 of 3 tests pass)" in text
    assert "✓ test_add " in text and "✓ test_add_negative" in text
    assert "✗ test_greet_sends_the_name" in text
    assert "the request did not mention Ada" in text
    assert "hint: Put the person's name in the user message you send." in text
    assert "Lab 02 · more" in text and "not started (0 / 9)" in text
    assert "not started: open labs/lab02_more.py and write double(), shout()" in text
    assert "Traceback" not in text and "NotImplementedError" not in text
    assert "3 / 15 points" in text


def test_check_reports_edited_tests(printed):
    _, text = printed
    assert "warning: these files differ from the course's copy" in text
    assert "changed: tests/labs/test_lab02_more.py" in text


def test_check_one_lab_returns_a_result_with_html(course):
    result = check("1", root=course)
    assert isinstance(result, CheckResult)
    assert [lab.module for lab in result.labs] == ["lab01_demo"]
    assert (result.score, result.max_score, result.passed) == (3, 6, False)
    html = result._repr_html_()
    assert "<table>" in html and "test_greet_sends_the_name" in html and "hint:" in html
    assert str(result) == result.to_text()
    assert "3 / 6" in result.to_text(ascii_only=True) and "✓" not in result.to_text(ascii_only=True)


def test_check_unknown_lab_is_a_usage_error(course, monkeypatch, capsys):
    monkeypatch.chdir(course)
    assert run_check("9") == 2
    assert "no lab '9'; the labs are: 1 (lab01_demo), 2 (lab02_more)" in capsys.readouterr().err


def test_check_with_no_manifest_reports_nothing(course, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(course, copy)
    (copy / manifest.MANIFEST).unlink()
    assert manifest.verify(copy) is None


# --------------------------------------------------------------------------- whole messages (issue 12)
MULTILINE_TESTS = """

@pytest.mark.points(1)
def test_multiline_fail(load_impl):
    pytest.fail(
        "what the code did: sent 3 requests\\n"
        "what was expected: 2 requests (a 429, then one retry)\\n"
        "where to look: the function you pass to call_with_retries\\n"
        "line four\\nline five\\nline six\\nline seven\\nline eight\\nline nine\\nline ten\\n"
        "line eleven\\nline twelve\\nline thirteen: the last one",
        pytrace=False,
    )


@pytest.mark.points(1)
def test_multiline_assert(load_impl):
    got = load_impl("lab01_demo").add(2, 2)
    assert got == 5, f"add(2, 2) returned {got}\\nexpected 5\\nlook at add() in labs/lab01_demo.py"


@pytest.mark.points(1)
def test_validation_error(load_impl):
    from pydantic import BaseModel

    class Point(BaseModel):
        x: int
        y: int

    Point.model_validate({"x": "not a number", "y": "nor this"})
"""


@pytest.fixture(scope="module")
def multiline_course(tmp_path_factory: pytest.TempPathFactory):
    root = make_course(tmp_path_factory.mktemp("check-multiline") / "course")
    (root / "labs/lab01_demo.py").write_text(LAB01_SOLUTION)
    test_file = root / "tests/labs/test_lab01_demo.py"
    text = test_file.read_text()
    if "import pytest" not in text:
        text = "import pytest\n" + text
    test_file.write_text(text + MULTILINE_TESTS)
    manifest.write(root)
    return root


def test_check_shows_a_failures_whole_message(multiline_course):
    result = check("1", root=multiline_course)
    text = result.to_text(width=200)
    # the multi-line assert message is kept whole by the grading plugin and shown whole here
    for line in ("add(2, 2) returned 4", "expected 5", "look at add() in labs/lab01_demo.py"):
        assert line in text, f"{line!r} is missing from the check's output:\n{text}"
    for line in (
        "what the code did: sent 3 requests",
        "what was expected: 2 requests (a 429, then one retry)",
        "where to look: the function you pass to call_with_retries",
        "line thirteen: the last one",
        "add(2, 2) returned 4",
        "look at add() in labs/lab01_demo.py",
    ):
        assert line in text, f"{line!r} is missing from the check's output:\n{text}"
    # a pydantic ValidationError names every field that failed, not only the first line
    assert "2 validation errors for Point" in text and "\n" in text
    assert text.count("Input should be a valid integer") == 2, text
    html = result._repr_html_()
    assert "line thirteen: the last one" in html and "<br>" in html


def test_check_wraps_long_lines_without_dropping_any():
    from course.checking import _wrap

    message = "\n".join(f"line {i}: " + "word " * 30 for i in range(20))
    wrapped = _wrap(message, 60)
    assert all(len(line) <= 60 for line in wrapped)
    assert " ".join(wrapped).split().count("word") == 20 * 30
    assert any(line.startswith("line 19:") for line in wrapped)


def _result(statuses_and_messages: list[tuple[str, str, str]]) -> CheckResult:
    from course.grading.results import LabResult, TestResult

    tests = [
        TestResult(
            f"tests/labs/test_lab05_demo.py::{name}",
            "lab05_demo",
            name,
            2.0,
            status,
            2.0 * (status == "passed"),
            message,
        )
        for name, status, message in statuses_and_messages
    ]
    return CheckResult([LabResult("lab05_demo", "Lab 05 · demo", tests)])


def test_check_collapses_tests_that_failed_the_same_way_into_one_line_with_a_count():
    same = "classify(RateLimitError) returned None:\nreturn a Decision(retry, reason)"
    result = _result(
        [
            ("test_a", "failed", same),
            ("test_b", "passed", ""),
            ("test_c", "failed", same),
            ("test_d", "failed", "a different message"),
            ("test_e", "failed", same),
        ]
    )
    text = result.to_text(width=100)
    assert text.count("classify(RateLimitError) returned None") == 1, text  # the first full message, once
    assert text.count("return a Decision(retry, reason)") == 1, text
    assert "✗ test_a" in text and "✗ test_d" in text and "a different message" in text
    assert "✗ test_c" not in text and "✗ test_e" not in text, text
    line = next(li for li in text.splitlines() if "more tests failed with the same message" in li)
    assert "2 more tests" in line and line.rstrip().endswith("0 / 4"), line
    assert "test_c, test_e" in text
    # the order of the report is kept: the count comes right after the first failure's message
    assert text.index("test_a") < text.index("2 more tests") < text.index("test_d")
    html = result._repr_html_()
    assert html.count("classify(RateLimitError) returned None") == 1 and "2 more tests" in html


def test_check_keeps_every_different_failure_and_a_single_repeat_reads_right():
    text = _result(
        [("test_a", "error", "boom"), ("test_b", "error", "boom"), ("test_c", "failed", "boom")]
    ).to_text()
    assert "1 more test failed with the same message" in text and "test_b" in text
    assert "✗ test_c" in text, "a failure of another status is not the same failure"
