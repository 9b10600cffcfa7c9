"""What a test run produced: per test, per lab, per submission; read back from the plugin's records."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PASSED = "passed"
# Statuses, in the words the reports use: passed, failed, not started (NotImplementedError), error (another
# exception), timeout, missing (the lab file is not there), crashed (the process ended during the test),
# not run (the submission's time ran out first), skipped.


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class

    nodeid: str
    lab: str
    name: str
    points: float
    status: str = "not run"
    earned: float = 0
    message: str = ""
    hint: str = ""
    exc_type: str | None = None
    where: list | None = None
    duration: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == PASSED


@dataclass
class LabResult:
    module: str
    title: str
    tests: list[TestResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return _num(sum(t.earned for t in self.tests))

    @property
    def max_score(self) -> float:
        return _num(sum(t.points for t in self.tests))

    @property
    def not_started(self) -> bool:
        """Nothing passes and every failure is the untouched ``raise NotImplementedError``."""
        return bool(self.tests) and all(t.status == "not started" for t in self.tests)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.tests:
            out[t.status] = out.get(t.status, 0) + 1
        return out


@dataclass
class RunResult:
    """One run of the lab tests: a submission being graded, or a learner's check."""

    name: str
    labs: list[LabResult]
    notes: list[str] = field(
        default_factory=list
    )  # why points may be missing: a crash, a time-out, a violation
    edited: list[str] = field(default_factory=list)  # test/config files that differ from the course's
    duration: float = 0.0
    source: str = ""
    isolation: str = ""  # how the submission's code was isolated (grading only)

    @property
    def tests(self) -> list[TestResult]:
        return [t for lab in self.labs for t in lab.tests]

    @property
    def score(self) -> float:
        return _num(sum(lab.score for lab in self.labs))

    @property
    def max_score(self) -> float:
        return _num(sum(lab.max_score for lab in self.labs))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "score": self.score,
            "max_score": self.max_score,
            "labs": {
                lab.module: {
                    "title": lab.title,
                    "score": lab.score,
                    "max_score": lab.max_score,
                    "tests": [_test_dict(t) for t in lab.tests],
                }
                for lab in self.labs
            },
            "notes": self.notes,
            "isolation": self.isolation,
            "edited_files_ignored": self.edited,
            "duration_s": round(self.duration, 2),
        }


def _test_dict(t: TestResult) -> dict[str, Any]:
    data = asdict(t)
    data["max_points"] = data.pop("points")
    data["points"] = data.pop("earned")
    data.pop("hint")
    return data


def _num(value: float) -> float:
    return int(value) if float(value).is_integer() else round(value, 3)


def read_records(path: Path) -> list[dict[str, Any]]:
    """The plugin's JSON lines; a line cut short by a crash is ignored."""
    records = []
    if not path.exists():
        return records
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records
