"""A held-out set of learner-style mutants: wrong lab solutions, written without reading the lab tests.

Each file under ``bench/learner_mutants/<lab module>/`` is one mistake a learner could make after reading the
lesson and the lab's docstrings: it imports the reference solution and redefines a function or two (the
format ``tests/meta/mutant_driver.py`` loads). Its docstring says, on the first line, the class of the mistake
and the mistake (``"loop control: run_agent counts the tool calls ..."``), and after ``Breaks:`` the clause of
the lab's docstring it breaks. This module reads that catalogue; ``python -m bench.learner_mutants`` runs it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# The classes of issue 26 (a mistake that still passed the lab tests), plus the lesson's own mistakes.
CLASSES: dict[str, str] = {
    "loop control": "loop control in agent loops (labs 04, 06, 07)",
    "state across steps": "state across steps and turns (labs 06, 07)",
    "streaming": "streaming details (lab 02)",
    "caller's data": "the caller's data changed or reused (labs 01, 04)",
    "shapes": "the shape of what is sent (labs 03, 04, 07)",
    "hard-coded": "answers right only for likely test inputs: constants, known names, copied texts",
    "lesson": "other mistakes the lesson warns about (off-by-one, a lost message, a wrong option, ...)",
}


@dataclass(frozen=True)
class Mutant:
    """One wrong solution of one lab."""

    lab: str  # the lab's module name, e.g. "lab04_tools"
    name: str  # the file's stem, e.g. "stops_on_finish_reason"
    path: Path
    kind: str  # a key of CLASSES
    mistake: str  # the docstring's first line, after the class
    breaks: str  # the contract clause it breaks

    @property
    def label(self) -> str:
        return f"{self.lab}/{self.name}"


def lab_modules() -> list[str]:
    """The labs that have mutants here, in order (``lab01_messages``, ...)."""
    return sorted(p.name for p in HERE.iterdir() if p.is_dir() and re.fullmatch(r"lab\d\d_\w+", p.name))


def resolve_lab(spec: str) -> str:
    """``"4"``, ``"04"``, ``"lab04"`` or ``"lab04_tools"`` -> ``"lab04_tools"``."""
    digits = re.fullmatch(r"(?:lab)?(\d{1,2})(?:_\w+)?", spec.strip())
    if digits:
        prefix = f"lab{int(digits.group(1)):02d}"
        for lab in lab_modules():
            if lab.startswith(prefix):
                return lab
    raise ValueError(f"no lab {spec!r}; the labs are: {', '.join(lab_modules())}")


def lab_test_file(lab: str) -> Path:
    """The lab's test file (``tests/labs/test_<lab module>.py``)."""
    return REPO / "tests" / "labs" / f"test_{lab}.py"


def read_mutant(path: Path) -> Mutant:
    """A mutant file's class, mistake and broken clause, from its docstring (the file is not run)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first, _, rest = doc.partition("\n")
    kind, sep, mistake = first.partition(": ")
    if not sep or kind not in CLASSES:
        raise ValueError(f"{path}: the docstring must start with one of {sorted(CLASSES)} and ': '")
    breaks = rest.split("Breaks:", 1)
    if len(breaks) != 2:
        raise ValueError(f"{path}: the docstring must say which clause it breaks ('Breaks: ...')")
    return Mutant(
        lab=path.parent.name,
        name=path.stem,
        path=path,
        kind=kind,
        mistake=mistake.strip(),
        breaks=" ".join(breaks[1].split()),
    )


def mutants(lab: str) -> list[Mutant]:
    """Every mutant of ``lab``, by file name."""
    return [read_mutant(p) for p in sorted((HERE / lab).glob("*.py"))]
