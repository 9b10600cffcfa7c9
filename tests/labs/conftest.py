"""Per-run random inputs for the lab tests, so that no hard-coded answer passes them.

Every test that checks a value derived from a reply (or from prices, budgets, limits, prompts) draws
its inputs from ``rng``: a ``random.Random`` seeded from the run's seed and the test's name. The seed
is printed in pytest's header and added to a failing test's report, so a failure can be replayed::

    LAB_TEST_SEED=1234 make check LAB=1

``script`` makes the stub answer chosen prompts with chosen replies (a reply file written for this
test), so a test can vary the reply itself. Both live on the trusted side: only the values they make
(strings, dicts, SDK objects) reach the lab code.
"""

from __future__ import annotations

import os
import random
import string
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from course.backend import REPLIES_DIR

SEED_VARIABLE = "LAB_TEST_SEED"


def _run_seed() -> int:
    value = os.environ.get(SEED_VARIABLE, "").strip()
    if value:
        return int(value)
    return random.SystemRandom().randrange(1, 10**6)


RUN_SEED = _run_seed()


def pytest_report_header(config: pytest.Config) -> str:
    return f"lab tests: random inputs from seed {RUN_SEED} (replay with {SEED_VARIABLE}={RUN_SEED})"


def _with_note(text: str, note: str) -> str:
    """``text`` with ``note`` as a line of its own, before pytest's ``assert ...`` explanation if any."""
    head, sep, tail = text.partition("\nassert ")
    return f"{head}\n{note}{sep}{tail}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    exc = getattr(call.excinfo, "value", None)
    if exc is not None and "rng" in getattr(item, "fixturenames", ()):
        note = f"seed: {RUN_SEED} (the inputs were random; replay them with {SEED_VARIABLE}={RUN_SEED})"
        if isinstance(getattr(exc, "msg", None), str) and "seed: " not in exc.msg:  # pytest.fail(...)
            exc.msg = _with_note(exc.msg, note)
        elif exc.args and isinstance(exc.args[0], str) and "seed: " not in exc.args[0]:
            exc.args = (_with_note(exc.args[0], note), *exc.args[1:])
        item.user_properties.append(("seed", RUN_SEED))
    yield


class Rng(random.Random):
    """``random.Random`` with a few helpers for test inputs."""

    def word(self, low: int = 4, high: int = 9) -> str:
        return "".join(self.choice(string.ascii_lowercase) for _ in range(self.randint(low, high)))

    def words(self, n: int) -> str:
        return " ".join(self.word() for _ in range(n))

    def sentence(self, low: int = 3, high: int = 12) -> str:
        return self.words(self.randint(low, high)).capitalize() + "."

    def token(self) -> str:
        """A marker unlikely to appear anywhere by chance, e.g. ``zq7k2m``."""
        return "zq" + "".join(self.choice(string.ascii_lowercase + string.digits) for _ in range(8))


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> Rng:
    """A random source for this test, from the run's seed and the test's id (order-independent)."""
    return Rng(RUN_SEED * 1_000_003 + zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture
def script(stub, tmp_path: Path) -> Callable[..., None]:
    """``script({"prompt words": "the reply", ...})``: the stub answers a user message containing the
    prompt words with that reply (the course's replies still answer everything else). A value may also
    be a rule body, e.g. ``{"refusal": "..."}`` or ``{"json": {...}}``."""

    def install(rules: dict[str, object]) -> None:
        book = []
        for prompt, reply in rules.items():
            body = reply if isinstance(reply, dict) else {"reply": reply}
            book.append({"when": {"contains": prompt}, **body})
        path = tmp_path / f"script-{len(list(tmp_path.glob('script-*.yaml')))}.yaml"
        path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
        stub.configure(reply_files=[str(path), str(REPLIES_DIR)])

    return install
