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
