"""Text a submission chose, made safe for the reports and the terminal (course/grading/sanitize.py and
reports.Scrubber): each clause on its own, with random text around what must go."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from course.grading import sanitize
from course.grading.reports import Scrubber

SEED = random.randrange(10**6)
ESCAPES = [
    "\x1b[2J",
    "\x1b[H",
    "\x1b[31;1m",
    "\x1b]0;title\x07",
    "\x1b]8;;http://evil/\x1b\\",
    "\x1bP+q\x1b\\",
    "\x1bc",
    "\x9b31m",
    "\x07",
    "\x00",
    "\x08",
    "\u202e",
    "\u2066",
    "\u2028",
]


def _words(rng: random.Random, n: int) -> list[str]:
    return [
        "".join(rng.choice(string.ascii_letters + "é 0/.") for _ in range(rng.randint(1, 12)))
        for _ in range(n)
    ]


@pytest.mark.parametrize("case", range(20))
def test_escapes_and_control_characters_are_removed_and_the_words_kept(case):
    rng = random.Random(SEED * 100 + case)
    words = _words(rng, rng.randint(1, 8))
    text = "".join(w + rng.choice(ESCAPES) for w in words)
    got = sanitize.clean_text(text, limit=10_000)
    assert not any(c in got for e in ESCAPES for c in e if c not in string.printable or c == "\x1b"), (
        f"seed {SEED}: {got!r}"
    )
    assert got.replace(" ", "") == "".join(words).replace(" ", "").strip(), f"seed {SEED}: {got!r}"


def test_newlines_and_tabs_stay_a_carriage_return_becomes_a_newline():
    assert sanitize.clean_text("a\tb\r\nc\rd\ne") == "a\tb\nc\nd\ne"
    assert sanitize.clean_text("a\nb", keep_newlines=False) == "a b"


@pytest.mark.parametrize("limit", [1, 10, 2000])
def test_text_is_capped(limit):
    rng = random.Random(SEED + limit)
    got = sanitize.clean_text("x" * rng.randint(limit + 1, limit * 50 + 2), limit)
    assert len(got) == limit and (limit == 1 or got.endswith("…"))


@pytest.mark.parametrize(
    "where",
    [
        ["/etc/passwd", 1, "f"],
        ["labs/../../x.py", 1, "f"],
        ["labs/x.py", -1, "f"],
        ["labs/x.py", "1", "f"],
        ["labs/x.py", 1, "\x1b[2J"],
        ["labs/x.py", 1],
        "labs/x.py:1",
        None,
    ],
)
def test_a_location_that_is_not_one_in_labs_is_dropped(where):
    assert sanitize.clean_where(where) is None


def test_a_location_in_labs_is_kept():
    assert sanitize.clean_where(["labs/lab01_messages.py", 12, "Conversation.ask"]) == [
        "labs/lab01_messages.py",
        12,
        "Conversation.ask",
    ]


def test_notes_are_cleaned_deduplicated_and_counted():
    notes = [f"note {i % 30}\x1b[2J" for i in range(100)]
    got = sanitize.clean_notes(notes)
    assert len(got) == sanitize.NOTES_SHOWN and got[-1] == "and 11 more notes"
    assert all("\x1b" not in n for n in got)


def test_paths_of_the_machine_and_the_sandbox_and_environment_values_are_replaced(tmp_path):
    secret = "sk-" + "".join(random.Random(SEED).choice(string.ascii_letters) for _ in range(20))
    scrub = Scrubber(
        [tmp_path / "course-grade-x", Path("/srv/course")], environ={"OPENAI_API_KEY": secret, "X": "ab"}
    )
    text = (
        f"key {secret} at {tmp_path}/course-grade-x/private/w/scratch and /srv/course/solutions/lab01.py, "
        "/submission/labs/lab01.py and /grader/rpc.py; ab stays, /srv/coursework stays"
    )
    got = scrub.text(text)
    assert secret not in got and "<$OPENAI_API_KEY>" in got
    assert str(tmp_path) not in got and "/srv/course/" not in got and "/submission/" not in got
    assert "/grader/" not in got and "ab stays" in got and "/srv/coursework" in got


def test_a_log_is_cleaned_the_same_way(tmp_path):
    scrub = Scrubber([tmp_path], environ={})
    got = scrub.log(f"\x1b[2Jline one\r\nline two in {tmp_path}/x\n".encode())
    assert got == f"line one\nline two in <{tmp_path.name}>/x\n".encode()
