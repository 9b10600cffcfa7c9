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
import re
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


# Word lists for inputs that read like real text ("Mara packs the quiet lantern near a harbour."), not random
# letters. Plain, everyday words: none of them is an order number, a name the tests ask about, a JSON word or
# a phrase of the course's scripted replies, so a sentence never triggers a rule by chance.
NAMES = (
    "Ada Amara Anton Bea Bruno Carmen Chidi Dara Elif Emil Farah Felix Greta Hana Hugo Ines Ivo Jonas Kai Kenji "
    "Lena Leon Lina Luca Maia Mara Marek Mateo Mina Nadia Nico Noor Olga Omar Oscar Priya Rafa Rosa Ruben Sami "
    "Sara Silas Sofia Tariq Tessa Theo Uma Vera Viktor Wen Yara Yusuf Zane Zoe"
).split()
NOUNS = (
    "apple badge basket beacon bench bicycle blanket boat bottle bridge bucket button cabin candle canvas "
    "castle chair chimney cliff clock cloud compass cottage curtain desk door drum feather fence fern field "
    "garden gate glove harbour hat hill island jacket jar kettle key ladder lake lamp lantern leaf letter "
    "library map market meadow mirror mountain notebook orchard paddle painting path pebble pencil piano "
    "pillow pocket pond river road rope saddle scarf shelf shore signal station stone street suitcase "
    "table teapot tent thread tower train tree trumpet tunnel umbrella valley village violin wagon wall "
    "window workshop"
).split()
ADJECTIVES = (
    "amber ancient blue bright busy calm careful cheerful clever cold copper crooked dusty early empty "
    "faded gentle golden green heavy hidden hollow little lively lonely loud narrow new old pale patient "
    "polished quiet rainy rapid rusty shiny silent silver slow small smooth steady sturdy sunny tall tidy "
    "tiny warm wooden yellow young"
).split()
VERBS = (
    "builds carries cleans closes collects draws fixes folds follows finds holds lifts mends moves opens "
    "packs paints passes pulls pushes reads repairs shares sketches sorts spots stacks visits washes watches "
    "wraps"
).split()
PLACES = "near behind beside under above across past inside".split()


class Rng(random.Random):
    """``random.Random`` with a few helpers for test inputs that read like real text."""

    def word(self, low: int = 4, high: int = 9) -> str:
        """One lower-case word (of ``low`` to ``high`` letters when the lists have one that long)."""
        fitting = [w for w in NOUNS + ADJECTIVES if low <= len(w) <= high]
        return self.choice(fitting or NOUNS)

    def distinct_words(self, n: int) -> list[str]:
        """``n`` different words (a dict keyed by them keeps ``n`` keys)."""
        return self.sample(sorted(set(NOUNS + ADJECTIVES)), n)

    def words(self, n: int) -> str:
        """``n`` words that read like a phrase: "mara packs the quiet lantern near a harbour"."""
        pattern = [
            lambda: self.choice(NAMES),
            lambda: self.choice(VERBS),
            lambda: self.choice(["the", "a", "her", "his", "our"]),
            lambda: self.choice(ADJECTIVES),
            lambda: self.choice(NOUNS),
            lambda: self.choice(PLACES),
            lambda: self.choice(["the", "a"]),
            lambda: self.choice(NOUNS),
            lambda: self.choice(["and", "then", "while"]),
        ]
        text = " ".join(pattern[i % len(pattern)]() for i in range(n))
        return re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", text)  # "an early hill", not "a early hill"

    def sentence(self, low: int = 3, high: int = 12) -> str:
        """A sentence of ``low`` to ``high`` words, capitalised, ending with a noun and a full stop."""
        # words() ends on a verb or a noun after 2, 5, 8, 11, ... words: pick one of those lengths.
        whole = [n for n in range(low, high + 1) if n % 9 in (2, 5, 8)]
        text = self.words(self.choice(whole) if whole else self.randint(low, high))
        return text[0].upper() + text[1:] + "."

    def token(self) -> str:
        """A marker unlikely to appear anywhere by chance, e.g. ``zq7k2m``: scripts a reply for one test."""
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
