"""Recall of surnames and of counts that changed, in everyday phrasing (issue 24, round 6).

Inputs (names, counts, phrasings) are drawn per run from the seeded ``rng``; every failure message carries the
seed (replay with ``RESPONSES_TEST_SEED``). One test per clause: a surname said in any usual way is spelled
letter by letter; a birth said as an arrival adds to the count; a birth is counted once; a count restated
without its noun replaces the count said last; someone else's children are not the user's.
"""

from __future__ import annotations

import re

from .talk import ask, sloppy, why

SURNAMES = ["Kowalska", "Nguyen", "Okafor", "Rossi", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Brennan"]
GIVEN = ["Anna", "Marco", "Priya", "Tomasz", "Ines", "Kofi", "Leila", "Sam"]
COUNT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
KIDS = ["kids", "children"]


def spelled(name: str) -> str:
    return "-".join(ch.upper() for ch in name if ch.isalpha())


def says(answer: str, n: int) -> bool:
    """The answer states ``n`` (in digits or in words) as the count."""
    said = f"{n}|{COUNT_WORDS[n]}" + ("|an?" if n == 1 else "")
    return bool(re.search(rf"(?i)\b(?:{said})\s+(?:kids|children|kid|child)\b", answer))


def test_a_surname_said_in_any_usual_way_is_spelled_letter_by_letter(rng):
    for _ in range(8):
        given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
        said = rng.choice([f"I'm {given} {surname}", f"my last name is {surname}", f"surname's {surname}",
                           f"Hi, {given} {surname} here", f"my family name is {surname}", f"surname: {surname}",
                           f"{given} {surname} speaking"])  # fmt: skip
        question = rng.choice(["how do you spell my surname?", "how do you spell my last name?",
                               "can you spell my family name", "how would you spell my last name"])  # fmt: skip
        answer = ask([said], sloppy(rng, question, btw=0))
        assert spelled(surname) in answer, why(f"{said!r} then {question!r} spells {surname}", answer)


def test_a_birth_said_as_an_arrival_adds_to_the_count(rng):
    for _ in range(6):
        n, kids = rng.randint(1, 4), rng.choice(KIDS)
        born, more = rng.choice([("twins arrived last month", 2), ("a baby girl arrived on monday", 1),
                                 ("our twins were born in may", 2), ("a baby boy was born last week", 1),
                                 ("our baby girl was born on friday", 1)])  # fmt: skip
        answer = ask([f"I have {n} {kids}", born], f"how many {kids} do I have?")
        assert says(answer, n + more), why(f"{n} {kids}, then {born!r}: {n + more}", answer)


def test_a_birth_is_counted_once(rng):
    for _ in range(6):
        n, kids = rng.randint(1, 4), rng.choice(KIDS)
        born = rng.choice(["we had another baby last week", "we just had another baby", "i had another baby girl",
                           "we had another boy in march"])  # fmt: skip
        answer = ask([f"I have {n} {kids}", born], f"how many {kids} do I have?")
        assert says(answer, n + 1), why(f"{n} {kids}, then {born!r}: {n + 1}, not {n + 2}", answer)


def test_a_count_restated_without_its_noun_replaces_the_count_said_last(rng):
    for _ in range(8):
        n, now, kids = rng.randint(1, 4), rng.randint(5, 9), rng.choice(KIDS)
        told = rng.choice([str(n), COUNT_WORDS[n]])
        new = rng.choice([str(now), COUNT_WORDS[now]])
        update = rng.choice([f"now we have {new}", f"make that {new}", f"actually it's {new}",
                             f"we're up to {new} now", f"oh and make it {new}"])  # fmt: skip
        answer = ask([f"I have {told} {kids}", sloppy(rng, update, btw=0)], f"how many {kids} do I have?")
        assert says(answer, now), why(f"{told} {kids}, then {update!r}: {now}", answer)


def test_a_restated_number_after_another_value_is_not_the_count(rng):
    n, kids = rng.randint(2, 4), rng.choice(KIDS)
    hour = rng.randint(1, 5)
    answer = ask([f"I have {n} {kids}", f"my dentist appointment is at {hour}pm", f"make that {hour + 1}"],
                 f"how many {kids} do I have?")  # fmt: skip
    assert says(answer, n), why(f"'make that {hour + 1}' follows a time, not the count of {n}", answer)


def test_someone_elses_children_are_not_the_users(rng):
    for _ in range(6):
        n, kids = rng.randint(1, 4), rng.choice(KIDS)
        who = rng.choice(["my sister's", "my brother's", "our neighbour's", "my cousin's"])
        other = rng.choice([f"{who} 2 kids moved in with us", f"{who} twins arrived last month",
                            f"{who} baby was born yesterday"])  # fmt: skip
        answer = ask([f"I have {n} {kids}", other], f"how many {kids} do I have?")
        assert says(answer, n), why(f"{n} {kids}; {other!r} are not the user's", answer)
