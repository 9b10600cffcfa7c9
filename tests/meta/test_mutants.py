"""CI that tests the tests: every mutant in tests/mutants/<lab_module>/ (a solution with one mistake the
lesson warns about) names its mistake in its docstring and is caught by at least one test of its lab.

The mutants run through tests/meta/mutant_driver.py: one process per chunk of a lab's mutants, chunks in
parallel, once per module (a fixture); the tests read the results.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from course.grading.layout import discover_labs

REPO = Path(__file__).resolve().parents[2]
LABS = discover_labs(REPO)
MUTANTS = [
    (lab.module, path.relative_to(REPO).as_posix())
    for lab in LABS
    for path in sorted((REPO / "tests" / "mutants" / lab.module).glob("*.py"))
]
DRIVER = Path(__file__).with_name("mutant_driver.py")
CHUNK = 12  # mutants per driver process

pytestmark = pytest.mark.skipif(
    not (REPO / "solutions").is_dir(),
    reason="the student version of the course has no solutions/ (nor mutants)",
)


def _run_driver(lab: str, test_file: str, mutants: list[str], state: Path) -> dict[str, dict]:
    """Run the driver on ``mutants``; if it dies, count the mutant it was on as caught and go on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COURSE_"))}
    env.update(LLM_BACKEND="stub", COURSE_TEST_TIMEOUT="20", PYTHONDONTWRITEBYTECODE="1")
    results: dict[str, dict] = {}
    pending = list(mutants)
    records = state / f"{lab}-{abs(hash(tuple(mutants)))}.jsonl"
    while pending:
        with open(records.with_suffix(".log"), "ab") as log:
            proc = subprocess.run(
                [sys.executable, str(DRIVER), str(records), test_file, lab, *pending],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=900,
            )
        if records.exists():
            for line in records.read_text().splitlines():
                record = json.loads(line)
                results[record["mutant"]] = record
        left = [m for m in pending if m not in results]
        if left and left == pending or left and proc.returncode != 0:
            results[left[0]] = {
                "mutant": left[0],
                "caught": True,
                "exit": proc.returncode,
                "failed": ["(the test process died)"],
            }
            left = left[1:]
        pending = left
    return results


@pytest.fixture(scope="module")
def mutant_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    state = tmp_path_factory.mktemp("mutants")
    jobs = []
    for lab in LABS:
        mine = [path for module, path in MUTANTS if module == lab.module]
        jobs += [(lab.module, lab.test_file, mine[i : i + CHUNK], state) for i in range(0, len(mine), CHUNK)]
    results: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        for found in pool.map(lambda job: _run_driver(*job), jobs):
            results.update(found)
    return results


def _mistake(path: str) -> str:
    doc = ast.get_docstring(ast.parse((REPO / path).read_text())) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


@pytest.mark.parametrize(
    ("lab", "mutant"), MUTANTS, ids=[m.split("tests/mutants/", 1)[1] for _, m in MUTANTS]
)
def test_every_mutant_names_its_mistake_and_is_caught(mutant_results, lab, mutant):
    assert _mistake(mutant), f"{mutant} has no docstring naming the mistake it makes"
    result = mutant_results.get(mutant)
    assert result is not None, f"{mutant} was not run"
    assert result["caught"], (
        f"no test in tests/labs/test_{lab}.py fails for the mutant {mutant} "
        f"({_mistake(mutant)}): add a test that catches this mistake"
    )


def test_the_driver_rebinds_a_redefined_helper_for_the_solutions_own_callers(tmp_path):
    """A mutant that redefines only ``retry_delay`` must change what ``call_with_retries`` sleeps, as a
    learner's module would; and the real solution module must be untouched afterwards."""
    import importlib.util

    from tests.meta import mutant_driver

    mutant_file = tmp_path / "delay_always_seven.py"
    mutant_file.write_text(
        "from solutions.lab05_errors import *  # noqa: F403\n"
        "def retry_delay(attempt, *, retry_after=None, base=0.5, cap=8.0, rand=None):\n"
        "    return 7.0\n"
    )
    import solutions.lab05_errors as original

    solution, before = mutant_driver.fresh_solution("lab05_errors")
    try:
        spec = importlib.util.spec_from_file_location("labs._driver_probe", mutant_file)
        mutant = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mutant)
        assert "retry_delay" in mutant_driver.rebind(solution, mutant)
        attempts, slept = [], []

        def fn():
            attempts.append(1)
            if len(attempts) < 3:
                raise original.openai.APIConnectionError(request=None)  # type: ignore[arg-type]
            return "ok"

        assert mutant.call_with_retries(fn, sleep=slept.append) == "ok"
        assert slept == [7.0, 7.0], "the solution's call_with_retries did not call the mutant's retry_delay"
    finally:
        mutant_driver._restore("lab05_errors", before)
    import sys

    assert sys.modules["solutions.lab05_errors"] is original
    assert original.retry_delay(1, rand=lambda: 1.0) == 0.5, "the real solution module was changed"
