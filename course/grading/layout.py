"""Where things are in a copy of the course: its root, its labs and their test files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LAB_TESTS = "tests/labs"
_TEST_FILE = re.compile(r"^test_(lab(\d+)\w*)\.py$")


@dataclass(frozen=True)
class Lab:
    module: str  # lab01_messages
    number: int  # 1
    test_file: str  # tests/labs/test_lab01_messages.py (relative to the course root)

    @property
    def title(self) -> str:
        topic = self.module.split("_", 1)[1].replace("_", " ") if "_" in self.module else self.module
        return f"Lab {self.number:02d} · {topic}"

    @property
    def lab_file(self) -> str:
        return f"labs/{self.module}.py"


def find_root(start: Path | None = None) -> Path:
    """The course root: the nearest folder (from ``start``, default the current one, upwards) that has
    tests/labs; else the folder this package was installed from."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / LAB_TESTS).is_dir() and (folder / "labs").is_dir():
            return folder
    package_root = Path(__file__).resolve().parents[2]
    if (package_root / LAB_TESTS).is_dir():
        return package_root
    raise FileNotFoundError(f"no course here: could not find {LAB_TESTS}/ in {here} or above")


def discover_labs(root: Path) -> list[Lab]:
    """Every lab that has a test file, in lab order."""
    labs = []
    folder = root / LAB_TESTS
    for path in sorted(folder.glob("test_lab*.py")) if folder.is_dir() else []:
        match = _TEST_FILE.match(path.name)
        if match:
            labs.append(Lab(match.group(1), int(match.group(2)), f"{LAB_TESTS}/{path.name}"))
    return sorted(labs, key=lambda lab: (lab.number, lab.module))


def select_labs(labs: list[Lab], wanted: str | None) -> list[Lab]:
    """``None`` -> all; ``"1"``, ``"01"``, ``"lab01"``, ``"lab01_messages"`` or ``"messages"`` -> that lab."""
    if wanted is None or str(wanted).strip() in ("", "all"):
        return labs
    key = str(wanted).strip().lower().removesuffix(".py")
    if key.startswith("labs/"):
        key = key[5:]
    number = key[3:] if key.startswith("lab") else key
    chosen = [
        lab
        for lab in labs
        if key in (lab.module, lab.module.split("_", 1)[-1])
        or (number.isdigit() and int(number) == lab.number)
    ]
    if not chosen:
        names = ", ".join(f"{lab.number} ({lab.module})" for lab in labs) or "none yet"
        raise LookupError(f"no lab {wanted!r}; the labs are: {names}")
    return chosen
