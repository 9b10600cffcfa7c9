"""``understanding.facts``: its quick check of cues never hides a fact that a pattern would find."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_stub import understanding as u

PATTERNS = [p for _, p in u._FACT_PATTERNS] + [u._FAVOURITE, u._FAVOURITE_AFTER, u._RELATION, u._RELATION_AGE]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:50])
def test_every_fact_pattern_passes_the_quick_cue_check(pattern):
    @settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(st.from_regex(pattern))
    def check(text: str) -> None:
        assert u._FACT_CUES.search(text), (
            f"{text!r} matches {pattern.pattern!r} but fails the quick cue check"
        )

    check()


@pytest.mark.parametrize(
    "text",
    [
        "Can I stream with tools?",
        "Give one example of streaming.",
        "How do I count tokens?",
        "Should I retry?",
    ],
)
def test_questions_with_i_that_state_nothing_skip_the_patterns(text):
    assert not u._FACT_CUES.search(text)
    assert u.facts(text) == ()


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("I'm Ada.", "name", "Ada"),
        ("i live in Lyon", "home", "Lyon"),
        ("I really like jazz", "likes", "jazz"),
        ("I do not like olives", "dislikes", "olives"),
        ("I turned 42 last week", "age", "42"),
        ("Jazz is my favourite music", "favourite", "Jazz"),
    ],
)
def test_facts_still_found(text, kind, value):
    assert any(f.kind == kind and f.value == value for f in u.facts(text)), u.facts(text)


# Names that are also words or places: after "my name is" or "call me" the user says it is their name.
WORD_NAMES = ["Ama", "Will", "Paris", "Rose", "Sunny", "Hope", "Florence", "Jordan", "Sydney", "Chelsea",
              "Amber", "Frank", "Georgia", "Victoria", "Dallas", "Mercy"]  # fmt: skip


@given(
    name=st.sampled_from(WORD_NAMES),
    cue=st.sampled_from(
        [
            "My name is {}.",
            "my name is {} btw",
            "Hi, my name's {}!",
            "Call me {}.",
            "hello, you can call me {}",
        ]
    ),  # fmt: skip
)
@settings(max_examples=60)
def test_a_name_that_is_also_a_word_or_a_place_is_read_after_a_name_cue(name, cue):
    text = cue.format(name)
    got = [f.value for f in u.facts(text) if f.kind == "name"]
    assert got == [name], f"{text!r}: the user's name is {name}; read {got}"


@given(word=st.sampled_from(["Happy", "Paris", "Tired", "France", "Working"]))
def test_a_word_after_i_am_is_not_read_as_a_name_without_a_name_cue(word):
    text = f"I'm {word}"
    assert not [f for f in u.facts(text) if f.kind == "name"], f"{text!r} gives no name"
