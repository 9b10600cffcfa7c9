"""CI that tests the tests, for every lab there is (discovered from tests/labs/test_lab*.py and labs/*.py).

* each lab module and its solution have the same public names and signatures;
* graded by the real grader, the reference solutions get full marks and the untouched labs get zero, every
  test failing with NotImplementedError (status "not started"), not with some other error;
* every lab test carries points.

Mutants are in test_mutants.py. (That every solution passes every test under plain pytest is the main run:
``pytest --impl=solutions``.) The grading runs happen once per module (a fixture), in parallel.
"""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
from pathlib import Path

import pytest

from course.grading.grade import grade
from course.grading.layout import discover_labs

REPO = Path(__file__).resolve().parents[2]
LABS = discover_labs(REPO)
MODULES = sorted({p.stem for folder in ("labs", "solutions") for p in (REPO / folder).glob("lab*.py")})

pytestmark = pytest.mark.skipif(
    not (REPO / "solutions").is_dir(),
    reason="the student version of the course has no solutions/ to check against",
)


# ---------------------------------------------------------------------------- names and signatures


def _signature(obj) -> str:
    try:
        return re.sub(r" at 0x[0-9a-f]+", "", str(inspect.signature(obj)))
    except (TypeError, ValueError):
        return "(no signature)"


def _is_placeholder(cls) -> bool:
    """A lab class whose fields are the exercise: its own ``__init__`` just raises NotImplementedError."""
    init = vars(cls).get("__init__") if inspect.isclass(cls) else None
    try:
        return init is not None and "NotImplementedError" in inspect.getsource(init)
    except (OSError, TypeError):
        return False


def public_api(module) -> dict[str, str]:
    """Public functions and classes defined in ``module`` (with their signatures, and public methods), and
    public UPPER_CASE constants."""
    api: dict[str, str] = {}
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(
            obj, "__module__", None
        ) == module.__name__:
            api[name] = "placeholder" if _is_placeholder(obj) else _signature(obj)
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    function = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
                    if inspect.isfunction(function):
                        api[f"{name}.{attr}"] = _signature(function)
                    elif isinstance(member, property):
                        api[f"{name}.{attr}"] = "property"
        elif name.isupper() and not inspect.ismodule(obj):
            api[name] = "constant"
    return api


@pytest.mark.parametrize("module", MODULES)
def test_lab_and_solution_have_the_same_public_names_and_signatures(module):
    assert (REPO / "labs" / f"{module}.py").is_file(), f"solutions/{module}.py has no labs/{module}.py"
    assert (REPO / "solutions" / f"{module}.py").is_file(), f"labs/{module}.py has no solutions/{module}.py"
    lab = public_api(importlib.import_module(f"labs.{module}"))
    solution = public_api(importlib.import_module(f"solutions.{module}"))
    # Annotations name the module's own classes by their home: labs.x.Category vs solutions.x.Category.
    lab = {k: v.replace(f"labs.{module}.", "") for k, v in lab.items()}
    solution = {k: v.replace(f"solutions.{module}.", "") for k, v in solution.items()}
    # A constant the lab hands the learner must be in the solution; the solution may have helpers of its own.
    solution = {k: v for k, v in solution.items() if v != "constant" or k in lab}
    # A class whose fields the learner declares: only its name must match.
    solution.update({k: "placeholder" for k, v in lab.items() if v == "placeholder" and k in solution})
    assert lab.keys() == solution.keys(), (
        f"only in labs/{module}.py: {sorted(lab.keys() - solution.keys())}; "
        f"only in solutions/{module}.py: {sorted(solution.keys() - lab.keys())}"
    )
    differ = {name: (lab[name], solution[name]) for name in lab if lab[name] != solution[name]}
    assert not differ, f"signatures differ (lab, solution): {differ}"


def test_every_lab_has_tests_and_a_solution():
    assert LABS, "no tests/labs/test_lab*.py"
    for lab in LABS:
        assert (REPO / lab.lab_file).is_file(), f"{lab.test_file} has no {lab.lab_file}"
        assert (REPO / "solutions" / f"{lab.module}.py").is_file(), f"{lab.lab_file} has no solution"


# ---------------------------------------------------------------------------- the grader on the real labs


@pytest.fixture(scope="module")
def real_grades(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("real-grades")
    for name, source in (("reference", "solutions"), ("untouched", "labs")):
        (base / name / "labs").mkdir(parents=True)
        for path in (REPO / source).glob("lab*.py"):
            shutil.copyfile(path, base / name / "labs" / path.name)
    results = grade(
        [base / "reference", base / "untouched"],
        base / "out",
        course_root=REPO,
        test_timeout=60,
        submission_timeout=900,
        jobs=2,
        quiet=True,
    )
    return {r.name: r for r in results}


def test_the_reference_solutions_get_full_marks(real_grades):
    r = real_grades["reference"]
    wrong = {t.nodeid: f"{t.status}: {t.message}" for t in r.tests if not t.passed}
    assert not wrong, f"graded like a submission, the solutions lose points: {wrong}; notes: {r.notes}"
    assert r.score == r.max_score > 0


def test_every_untouched_lab_function_fails_with_not_implemented_error(real_grades):
    r = real_grades["untouched"]
    wrong = {t.nodeid: f"{t.status}: {t.message}" for t in r.tests if t.status != "not started"}
    assert not wrong, (
        "with the untouched labs, these tests do not fail with the lab's NotImplementedError "
        f"(a test that crashes in its own code first, or passes for free): {wrong}"
    )
    assert r.score == 0


def test_every_lab_test_carries_points(real_grades):
    r = real_grades["reference"]
    assert {lab.module for lab in r.labs} == {lab.module for lab in LABS}
    no_points = [t.nodeid for t in r.tests if not t.points or t.points <= 0]
    assert not no_points, f"tests without @pytest.mark.points(n): {no_points}"
    for lab in r.labs:
        assert lab.tests, f"{lab.module} has no tests"
