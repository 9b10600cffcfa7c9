"""The recorder fails closed (course/grading/plugin.py): a test is a pass only when its setup, call and teardown
were seen to pass; an interrupt or an exception in pytest's report step is a failure with its reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course.grading.runner import GRADING_PLUGINS

CASES = {
    "test_passes": ("def test_passes():\n    assert True\n", "passed"),
    "test_fails": ("def test_fails():\n    assert 1 == 2, 'one is not two'\n", "failed"),
    "test_breaks_the_report": ("def test_breaks_the_report():\n    assert True\n", "error"),
    "test_interrupted": ("def test_interrupted():\n    raise KeyboardInterrupt\n", "error"),
}

CONFTEST = """
import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if item.name == "test_breaks_the_report" and call.when == "call":
        raise RuntimeError("the report step broke")
    return report
"""


def _run(tmp_path: Path, names: list[str]) -> dict[str, dict]:
    for name in names:
        (tmp_path / f"{name}.py").write_text(CASES[name][0])
    (tmp_path / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    records = tmp_path / "records.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COURSE_"))}
    env["COURSE_RESULTS"] = str(records)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *[f"{n}.py" for n in names],
            *GRADING_PLUGINS,
            "-q",
            "--rootdir",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=300,
    )
    results = {}
    for line in records.read_text().splitlines():
        record = json.loads(line)
        if record.get("event") == "result":
            results[record["nodeid"].rsplit("::", 1)[-1]] = record
    return results


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Two sessions: an interrupt and a broken report step each end theirs (the interrupt runs last)."""
    first = _run(tmp_path_factory.mktemp("plugin"), ["test_passes", "test_fails", "test_interrupted"])
    return first | _run(tmp_path_factory.mktemp("plugin"), ["test_breaks_the_report"])


@pytest.mark.parametrize("name", list(CASES))
def test_each_test_is_recorded_with_what_this_process_saw(recorded, name):
    got = recorded[name]
    assert got["status"] == CASES[name][1], got
    assert got["status"] == "passed" or got["earned"] == 0


def test_an_interrupt_is_recorded_as_a_failure_with_its_reason(recorded):
    got = recorded["test_interrupted"]
    assert got["status"] == "error" and "interrupted" in got["message"], got


def test_a_broken_report_step_is_never_a_pass_and_says_why(recorded):
    got = recorded["test_breaks_the_report"]
    assert got["status"] == "error" and "report step" in got["message"], got
