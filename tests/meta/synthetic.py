"""A tiny synthetic course (two labs) and a set of submissions, for testing the checker and the grader.

The course uses the real tests/conftest.py (the ``stub``, ``client`` and ``load_impl`` fixtures) and the
real pyproject.toml, so it is graded exactly as the real labs are. Points per test are in POINTS; the
expected scores below are computed from them.
"""

from __future__ import annotations

import shutil
import textwrap
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

LAB01_UNTOUCHED = '''
"""Lab 01: a demo."""
from openai import OpenAI


def add(a: int, b: int) -> int:
    """Return a + b."""
    raise NotImplementedError


def greet(client: OpenAI, model: str, name: str) -> str:
    """Ask the model to greet ``name``; return the reply's text."""
    raise NotImplementedError
'''

LAB01_SOLUTION = '''
"""Lab 01: a demo."""
from openai import OpenAI


def add(a: int, b: int) -> int:
    """Return a + b."""
    return a + b


def greet(client: OpenAI, model: str, name: str) -> str:
    """Ask the model to greet ``name``; return the reply's text."""
    response = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": f"Please greet {name}."}]
    )
    return response.choices[0].message.content
'''

LAB02_UNTOUCHED = '''
"""Lab 02: more."""


def double(x: int) -> int:
    """Return 2 * x."""
    raise NotImplementedError


def shout(text: str) -> str:
    """Upper-case ``text`` and add "!"."""
    raise NotImplementedError
'''

LAB02_SOLUTION = '''
"""Lab 02: more."""


def double(x: int) -> int:
    """Return 2 * x."""
    return 2 * x


def shout(text: str) -> str:
    """Upper-case ``text`` and add "!"."""
    return text.upper() + "!"
'''

TEST_LAB01 = '''
import pytest

from llm_stub.catalog import DEFAULT_MODEL


@pytest.mark.points(2)
def test_add(load_impl):
    """add() returns the sum of its two arguments."""
    assert load_impl("lab01_demo").add(2, 3) == 5, "add(2, 3) should be 5"


@pytest.mark.points(1)
def test_add_negative(load_impl):
    """Negative numbers add like any others."""
    got = load_impl("lab01_demo").add(-2, -3)
    assert got == -5, f"add(-2, -3) returned {got!r}; expected -5"


@pytest.mark.points(3)
def test_greet_sends_the_name(load_impl, client, stub):
    """Put the person's name in the user message you send."""
    load_impl("lab01_demo").greet(client, DEFAULT_MODEL, "Ada")
    assert len(stub.requests()) == 1, f"greet() should send one request; the stub saw {len(stub.requests())}"
    sent = stub.requests()[-1]["messages"]
    assert any("Ada" in str(m.get("content")) for m in sent), f"the request did not mention Ada: {sent}"
'''

TEST_LAB02 = '''
import pytest


@pytest.mark.points(4)
def test_double(load_impl):
    """double(x) is x + x."""
    assert load_impl("lab02_more").double(21) == 42, "double(21) should be 42"


@pytest.mark.points(5)
def test_shout(load_impl):
    """Upper-case first, then add one exclamation mark."""
    assert load_impl("lab02_more").shout("hi") == "HI!", "shout('hi') should be 'HI!'"
'''

# A third lab, in the course the attacks are graded with (``make_course(root, typed=True)``): its tests hand
# lab code a pydantic class of their own and a function it may call back.
LAB03_UNTOUCHED = '''
"""Lab 03: typed values."""


def parse_ticket(text: str, model: type) -> object:
    """Return ``text`` (JSON) as an instance of the pydantic class ``model``."""
    raise NotImplementedError


def apply_twice(fn, x):
    """Return fn(fn(x))."""
    raise NotImplementedError
'''

LAB03_SOLUTION = '''
"""Lab 03: typed values."""


def parse_ticket(text: str, model: type) -> object:
    """Return ``text`` (JSON) as an instance of the pydantic class ``model``."""
    return model.model_validate_json(text)


def apply_twice(fn, x):
    """Return fn(fn(x))."""
    return fn(fn(x))
'''

TEST_LAB03 = '''
import pytest
from pydantic import BaseModel, Field

from course.grading.capabilities import lab_may_call


class Ticket(BaseModel):
    subject: str
    priority: int = Field(ge=1, le=5)


@pytest.mark.points(2)
def test_parse_ticket(load_impl):
    """The ticket the JSON describes, as the class given."""
    got = load_impl("lab03_typed").parse_ticket(\'{"subject": "printer", "priority": 2}\', Ticket)
    assert got == Ticket(subject="printer", priority=2), f"got {got!r}"


@pytest.mark.points(1)
def test_apply_twice(load_impl):
    """Call the function twice, on its own result."""
    calls = []

    @lab_may_call
    def inc(x: int) -> int:
        calls.append(x)
        return x + 1

    assert load_impl("lab03_typed").apply_twice(inc, 3) == 5 and calls == [3, 4], f"calls: {calls}"
'''
TYPED_POINTS = {"test_parse_ticket": 2, "test_apply_twice": 1}

POINTS = {
    "test_add": 2,
    "test_add_negative": 1,
    "test_greet_sends_the_name": 3,
    "test_double": 4,
    "test_shout": 5,
}
LAB_POINTS = {"lab01_demo": 6, "lab02_more": 9}
MAX_SCORE = sum(POINTS.values())


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def make_course(root: Path, typed: bool = False) -> Path:
    """The synthetic course at ``root``: labs/, solutions/, tests/ (real conftest), pyproject.toml; with
    ``typed``, also lab 03 (``TYPED_POINTS`` more)."""
    _write(root / "labs/__init__.py", '"""Your code."""\n')
    _write(root / "solutions/__init__.py", '"""Reference."""\n')
    _write(root / "labs/lab01_demo.py", LAB01_UNTOUCHED)
    _write(root / "labs/lab02_more.py", LAB02_UNTOUCHED)
    _write(root / "solutions/lab01_demo.py", LAB01_SOLUTION)
    _write(root / "solutions/lab02_more.py", LAB02_SOLUTION)
    (root / "tests/labs").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "tests/conftest.py", root / "tests/conftest.py")
    _write(root / "tests/labs/test_lab01_demo.py", TEST_LAB01)
    _write(root / "tests/labs/test_lab02_more.py", TEST_LAB02)
    shutil.copyfile(REPO / "pyproject.toml", root / "pyproject.toml")
    if typed:
        _write(root / "labs/lab03_typed.py", LAB03_UNTOUCHED)
        _write(root / "solutions/lab03_typed.py", LAB03_SOLUTION)
        _write(root / "tests/labs/test_lab03_typed.py", TEST_LAB03)
    return root


def _labs(folder: Path, lab01: str, lab02: str) -> Path:
    _write(folder / "labs/lab01_demo.py", lab01)
    _write(folder / "labs/lab02_more.py", lab02)
    return folder


def make_submissions(where: Path) -> dict[str, tuple[Path, int]]:
    """Submissions and the exact score each must get: name -> (path, expected score)."""
    subs: dict[str, tuple[Path, int]] = {}
    full = _labs(where / "full", LAB01_SOLUTION, LAB02_SOLUTION)
    subs["full"] = (full, MAX_SCORE)
    subs["untouched"] = (_labs(where / "untouched", LAB01_UNTOUCHED, LAB02_UNTOUCHED), 0)

    # A mutant, handed in as a zip of a repository folder: greet() forgets the name (-3); lab02 is right
    # but prints 5 MB (the log is capped, the points stay).
    flood02 = LAB02_SOLUTION.replace("return 2 * x", "print('x' * 5_000_000)\n    return 2 * x")
    mutant = _labs(
        where / "mutant-src" / "mutant-repo",
        LAB01_SOLUTION.replace('f"Please greet {name}."', '"Please greet me."'),
        flood02,
    )
    archive = where / "mutant.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(mutant.rglob("*.py")):
            z.write(path, path.relative_to(mutant.parent).as_posix())
    subs["mutant"] = (archive, MAX_SCORE - POINTS["test_greet_sends_the_name"])

    # Hangs: double() loops forever (interrupted at the time limit); shout() swallows the interruption
    # (the watchdog ends the process and the grader resumes). -4 -5
    hang02 = LAB02_SOLUTION.replace("return 2 * x", "while True:\n        pass").replace(
        'return text.upper() + "!"',
        "import time\n    while True:\n        try:\n            time.sleep(60)\n        except BaseException:\n"
        "            pass",
    )
    subs["hang"] = (
        _labs(where / "hang", LAB01_SOLUTION, hang02),
        MAX_SCORE - POINTS["test_double"] - POINTS["test_shout"],
    )

    # Exits the interpreter: add() calls os._exit (both add tests crash), double() calls sys.exit. -2 -1 -4
    exit01 = LAB01_SOLUTION.replace("return a + b", "import os\n    os._exit(3)")
    exit02 = LAB02_SOLUTION.replace("return 2 * x", "import sys\n    sys.exit(1)")
    subs["exits"] = (
        _labs(where / "exits", exit01, exit02),
        MAX_SCORE - POINTS["test_add"] - POINTS["test_add_negative"] - POINTS["test_double"],
    )

    # A whole repository whose tests, conftest and pytest settings were edited to pass everything: no effect.
    # Its lab01 is untouched and its lab02 file is missing: 0.
    edited = where / "edited"
    make_course(edited)
    (edited / "labs/lab02_more.py").unlink()
    shutil.rmtree(edited / "solutions")
    _write(edited / "tests/labs/test_lab01_demo.py", "def test_add():\n    assert True\n")
    _write(
        edited / "tests/labs/conftest.py",
        "import pytest\n\n@pytest.fixture(autouse=True)\ndef cheat():\n    pass\n",
    )
    with open(edited / "pyproject.toml", "a") as f:
        f.write("\n# cheat\n")
    subs["edited"] = (edited, 0)

    # Tries to read another submission's lab (blocked: both add tests error, -2 -1) and its lab02 crashes on
    # import (-4 -5).
    other = (full / "labs/lab01_demo.py").resolve()
    snoop01 = LAB01_SOLUTION.replace("return a + b", f"open({str(other)!r}).read()\n    return a + b")
    subs["snoop"] = (
        _labs(where / "snoop", snoop01, "raise RuntimeError('boom at import')\n" + LAB02_SOLUTION),
        POINTS["test_greet_sends_the_name"],
    )
    return subs
