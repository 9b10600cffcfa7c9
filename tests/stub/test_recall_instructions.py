"""Recall of what the instructions say about the person the assistant serves: "You are helping Tom, a nurse
from Leeds." and a labelled profile ("name=Kofi; city=Accra; pet=cat named Zuri"). Drawn per run."""

from __future__ import annotations

import os
import random

from llm_stub import recall

SEED = int(os.environ.get("LLM_STUB_TEST_SEED") or random.randrange(2**32))
NAMES = ["Tom", "Ama", "Kofi", "Ines", "Ravi", "Mei", "Oskar", "Lena"]
JOBS = ["nurse", "teacher", "data engineer", "chef", "architect", "pilot"]
CITIES = ["Leeds", "Accra", "Braga", "Ghent", "Quito", "Perth"]
PETS = [("cat", "Zuri"), ("dog", "Biscuit"), ("rabbit", "Pip"), ("parrot", "Kiwi")]


def _ask(system: str, question: str) -> str | None:
    return recall.answer_from_history(
        [{"role": "system", "content": system}, {"role": "user", "content": question}]
    )


def test_the_person_served_is_the_user() -> None:
    rng = random.Random(f"{SEED}:served")
    name, job, city = rng.choice(NAMES), rng.choice(JOBS), rng.choice(CITIES)
    verb = rng.choice(["helping", "assisting", "chatting with", "talking to"])
    system = f"You are {verb} {name}, a {job} from {city}. Be friendly."
    for question, want in [("what's my name?", name), ("whats my job?", job), ("where do i live?", city)]:
        got = _ask(system, question)
        assert got and want in got, f"{system!r} / {question!r}: want {want!r}, got {got!r} (seed {SEED})"


def test_a_labelled_profile_is_read() -> None:
    rng = random.Random(f"{SEED}:profile")
    name, city, (pet, pet_name) = rng.choice(NAMES), rng.choice(CITIES), rng.choice(PETS)
    sep = rng.choice(["=", ": "])
    system = f"User profile: name{sep}{name}; city{sep}{city}; pet{sep}{pet} named {pet_name}"
    for question, want in [
        ("what's my name?", name),
        ("where do i live?", city),
        (f"what's my {pet} called?", pet_name),
    ]:
        got = _ask(system, question)
        assert got and want in got, f"{system!r} / {question!r}: want {want!r}, got {got!r} (seed {SEED})"


def test_instructions_that_name_no_user_give_no_facts() -> None:
    rng = random.Random(f"{SEED}:none")
    system = rng.choice(
        ["You are a helpful assistant.", "You are helping with Python questions.", "Answer briefly."]
    )
    got = _ask(system, "what's my name?")
    assert got and "haven't told" in got, f"{system!r} names nobody: got {got!r} (seed {SEED})"
