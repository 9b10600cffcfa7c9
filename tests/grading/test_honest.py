"""An honest student's code gets the same score from ``course check`` and from ``course grade``.

Two submissions of labs 01 and 03 of the real course, graded with that course's own tests: the reference
solutions, and the solutions written the way honest learners also write them: lesson 01's ``from course
import pricing`` kept at the top, counts that are numbers of another type than ``int`` (numpy's, or any
class of the ``numbers`` protocol), the SDK's own ``parse()`` helper, a temporary file. Each is checked as
its learner would (``course check``, in the learner's copy of the course) and graded (bwrap, and the
fallback), and every test must come out the same.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from course.checking import check
from course.grading import isolation
from course.grading.grade import grade

REPO = Path(__file__).resolve().parents[2]
LABS = ("lab01_messages", "lab03_structured")
MODES = ["bwrap", "fallback"]

pytestmark = pytest.mark.skipif(
    not (REPO / "solutions").is_dir(), reason="the student version of the course has no solutions/"
)

NUMBERS = '''

import numbers as _numbers


class TokenCount(_numbers.Integral):
    """A count that is not an ``int`` but follows the numbers protocol (as numpy's integers do)."""

    def __init__(self, value):
        self.value = int(value)

    def __index__(self):
        return self.value

    __int__ = __index__

    def __eq__(self, other):
        return self.value == other

    def __hash__(self):
        return hash(self.value)

    def __repr__(self):
        return f"TokenCount({self.value})"

    def __le__(self, other):
        return self.value <= other

    def __lt__(self, other):
        return self.value < other

    def __ge__(self, other):
        return self.value >= other

    def __gt__(self, other):
        return self.value > other

    def __add__(self, other):
        return TokenCount(self.value + int(other))

    __radd__ = __add__

    def __sub__(self, other):
        return TokenCount(self.value - int(other))

    def __rsub__(self, other):
        return TokenCount(int(other) - self.value)

    def __abs__(self): return TokenCount(abs(self.value))
    def __and__(self, o): return self.value & o
    def __ceil__(self): return self.value
    def __floor__(self): return self.value
    def __floordiv__(self, o): return self.value // o
    def __invert__(self): return ~self.value
    def __lshift__(self, o): return self.value << o
    def __mod__(self, o): return self.value % o
    def __mul__(self, o): return self.value * o
    def __neg__(self): return -self.value
    def __or__(self, o): return self.value | o
    def __pos__(self): return self.value
    def __pow__(self, o, m=None): return pow(self.value, o, m)
    def __rand__(self, o): return o & self.value
    def __rfloordiv__(self, o): return o // self.value
    def __rlshift__(self, o): return o << self.value
    def __rmod__(self, o): return o % self.value
    def __rmul__(self, o): return o * self.value
    def __ror__(self, o): return o | self.value
    def __round__(self, n=None): return self.value
    def __rpow__(self, o): return o ** self.value
    def __rrshift__(self, o): return o >> self.value
    def __rshift__(self, o): return self.value >> o
    def __rtruediv__(self, o): return o / self.value
    def __rxor__(self, o): return o ^ self.value
    def __truediv__(self, o): return self.value / o
    def __trunc__(self): return self.value
    def __xor__(self, o): return self.value ^ o


_estimate_tokens = estimate_tokens


def estimate_tokens(messages):
    total = _estimate_tokens(messages)
    try:
        import numpy
    except ImportError:  # numpy is not a course dependency: the numbers protocol stands in for it
        return TokenCount(total)
    return numpy.int64(total) if len(messages) % 2 else TokenCount(total)
'''

PRICING = '''
from course import pricing  # as lesson 01 does


def describe_cost(usage, model):
    """Not graded: the lesson's pricing helpers, kept beside the lab's own table."""
    return pricing.usd(pricing.cost(usage, model))
'''

SCRATCH = '''

import tempfile as _tempfile

_parse_reply = parse_reply


def parse_reply(completion, model):
    with _tempfile.TemporaryFile("w+") as log:  # a learner's own debugging log
        log.write(str(completion.choices[0].message.content))
    return _parse_reply(completion, model)


def classify_review(client, model, review):
    """With the SDK's own helper: parse() sends the class as a strict schema and validates the reply."""
    completion = client.chat.completions.parse(
        model=model,
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Review: {review}"},
        ],
        response_format=ReviewClassification,
    )
    message = completion.choices[0].message
    if message.refusal:
        raise StructuredOutputError("refused", f"the model refused: {message.refusal}")
    return ReviewClassification.model_validate(message.parsed.model_dump())
'''


def _course_copy(where: Path, labs: dict[str, str]) -> Path:
    """A learner's copy of the course with only LABS' tests, and these lab files."""
    (where / "tests" / "labs").mkdir(parents=True)
    shutil.copyfile(REPO / "tests" / "conftest.py", where / "tests" / "conftest.py")
    shutil.copyfile(REPO / "tests" / "labs" / "conftest.py", where / "tests" / "labs" / "conftest.py")
    for lab in LABS:
        shutil.copyfile(
            REPO / "tests" / "labs" / f"test_{lab}.py", where / "tests" / "labs" / f"test_{lab}.py"
        )
    shutil.copyfile(REPO / "pyproject.toml", where / "pyproject.toml")
    (where / "labs").mkdir()
    shutil.copyfile(REPO / "labs" / "__init__.py", where / "labs" / "__init__.py")
    for name, text in labs.items():
        (where / "labs" / f"{name}.py").write_text(text)
    return where


def _submissions() -> dict[str, dict[str, str]]:
    solutions = {lab: (REPO / "solutions" / f"{lab}.py").read_text() for lab in LABS}
    honest = dict(solutions)
    honest["lab01_messages"] = (
        solutions["lab01_messages"].replace(
            "from openai import OpenAI\n", "from openai import OpenAI\n" + PRICING, 1
        )
        + NUMBERS
    )
    honest["lab03_structured"] = solutions["lab03_structured"] + SCRATCH
    return {"solutions": solutions, "honest": honest}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each submission checked as its learner would, in their own copy of the course."""
    base = tmp_path_factory.mktemp("honest-check")
    results = {}
    for name, labs in _submissions().items():
        course = _course_copy(base / name, labs)
        results[name] = {t.nodeid: t for lab in check(root=course, timeout=60).labs for t in lab.tests}
        # On a machine busy enough, a test's own request to the stub can pass the client's 10 s timeout (in
        # the check as in the grader): such a lab is checked once more before check and grade are compared.
        slow = {
            t.lab for t in results[name].values() if "timed out" in t.message or "took longer" in t.message
        }
        for lab in slow:
            again = check(lab, root=course, timeout=60)
            results[name].update({t.nodeid: t for result in again.labs for t in result.tests})
    return results


@pytest.fixture(scope="module", params=MODES)
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    with pytest.MonkeyPatch.context() as mp:
        isolation._probe.clear()
        if request.param == "fallback":
            mp.setenv("COURSE_GRADING_NO_BWRAP", "1")
        else:
            mp.delenv("COURSE_GRADING_NO_BWRAP", raising=False)
        mode = isolation.detect()
        if request.param == "bwrap" and mode != "bwrap":
            pytest.skip("bubblewrap is not installed or cannot create namespaces here")
        if mode == "none":
            pytest.skip("neither bwrap nor root: no fallback sandbox to grade in")
        base = tmp_path_factory.mktemp(f"honest-{request.param}")
        os.chmod(base, 0o755)
        course = _course_copy(
            base / "course", {lab: (REPO / "labs" / f"{lab}.py").read_text() for lab in LABS}
        )
        subs = []
        for name, labs in _submissions().items():
            (base / "subs" / name / "labs").mkdir(parents=True)
            for lab, text in labs.items():
                (base / "subs" / name / "labs" / f"{lab}.py").write_text(text)
            subs.append(base / "subs" / name)
        results = grade(subs, base / "out", course_root=course, test_timeout=60, jobs=2, quiet=True)
        isolation._probe.clear()
    return {r.name: {t.nodeid: t for t in r.tests} for r in results} | {"mode": mode}


@pytest.mark.parametrize("name", ["solutions", "honest"])
def test_check_and_grade_give_the_same_score(checked, graded, name):
    local, graded_tests = checked[name], graded[name]
    assert set(local) == set(graded_tests)
    differ = {
        nodeid.rsplit("::", 1)[-1]: {
            "check": (local[nodeid].status, local[nodeid].message[:300]),
            "grade": (graded_tests[nodeid].status, graded_tests[nodeid].message[:300]),
        }
        for nodeid in local
        if local[nodeid].passed != graded_tests[nodeid].passed
    }
    assert not differ, f"{name} ({graded['mode']}): check vs grade differ: {differ}"
    score = sum(t.earned for t in graded_tests.values())
    assert score == sum(t.earned for t in local.values()) == sum(t.points for t in local.values()), (
        f"{name}: honest code loses points: {[n for n, t in local.items() if not t.passed]}"
    )
