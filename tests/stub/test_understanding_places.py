"""Places written in lower case (``understanding.entities``): a large city always, a smaller one when its
name is no common word and no given name.

The cities are drawn per run from GeoNames' own table (the seed is in every failure message)."""

from __future__ import annotations

import os
import random

from llm_stub import knowledge
from llm_stub import understanding as u

SEED = int(os.environ.get("LLM_STUB_TEST_SEED") or random.randrange(2**32))
FRAMES = ["weather in {}", "what's it like in {} today?", "is it raining in {}", "flights to {} on friday",
          "how far is it from {}", "any good cafes around {}?"]  # fmt: skip


def _smaller_cities() -> list[knowledge.City]:
    """Single-word ASCII cities of 15,000 to 100,000 people that are the best-known city of their name."""
    return sorted(
        (
            c
            for key, c in knowledge._cities().items()
            if 15_000 <= c.population < 100_000
            and key.isalpha()
            and key.isascii()
            and len(key) >= 5
            and key == c.name.lower()
        ),
        key=lambda c: c.name,
    )


def test_a_smaller_city_with_a_rare_name_is_read_in_lower_case() -> None:
    rng = random.Random(SEED)
    rare = [c for c in _smaller_cities() if u._rare_word(c.name.lower()) and c.name.lower() not in u.STOP]
    assert len(rare) > 100, "the table should hold many smaller cities with rare names"
    for city in rng.sample(rare, 8):
        text = rng.choice(FRAMES).format(city.name.lower())
        found = [e for e in u.entities(text) if e.kind == "city"]
        assert [e.value for e in found] == [city.name], f"{text!r}: {found} (seed {SEED})"


def test_a_name_that_is_one_token_or_a_given_name_is_no_rare_word() -> None:
    from llm_stub.tokenizer import token_ids

    rng = random.Random(SEED)
    one_token = [c.name.lower() for c in _smaller_cities() if len(token_ids(" " + c.name.lower())) == 1]
    assert one_token, "some smaller cities are named like common words ('deal', 'march')"
    for word in rng.sample(one_token, min(8, len(one_token))):
        assert not u._rare_word(word), f"{word!r} is one token: a common word first (seed {SEED})"
        assert not [e for e in u.entities(f"any news from {word}?") if e.kind == "city"], (
            f"{word!r} (seed {SEED})"
        )
    names = sorted(n for n in u.given_names() if len(token_ids(" " + n.lower())) > 1 and n.isalpha())
    for name in rng.sample(names, 8):
        assert not u._rare_word(name.lower()), f"{name!r} is a given name, not a place (seed {SEED})"


def test_a_large_city_is_read_in_lower_case_whatever_its_name() -> None:
    rng = random.Random(SEED)
    large = [c for k, c in knowledge._cities().items() if c.population >= 500_000 and k.isalpha() and k.isascii() and len(k) >= 4
             and k == c.name.lower() and k not in u.STOP and k not in knowledge.lexicon()]  # fmt: skip
    for city in rng.sample(large, 5):
        text = f"weather in {city.name.lower()}"
        assert city.name in [e.value for e in u.entities(text) if e.kind == "city"], f"{text!r} (seed {SEED})"


def test_two_large_cities_side_by_side_are_both_read_in_lower_case_even_when_one_is_a_word() -> None:
    rng = random.Random(f"{SEED}:pair")
    large = [c for k, c in knowledge._cities().items() if c.population >= 1_000_000 and k.isalpha() and len(k) >= 5
             and k.isascii() and k == c.name.lower() and k not in u.STOP]  # fmt: skip
    worded = [
        c for c in large if c.name.lower() in knowledge.lexicon()
    ]  # Warsaw, Paris, Rome: in a word list
    for _ in range(5):
        first, second = rng.choice(worded), rng.choice([c for c in large if c not in worded])
        frame = rng.choice(["which is warmer, {} or {}", "compare {} and {}", "{} vs {} for a weekend"])
        text = frame.format(first.name.lower(), second.name.lower())
        read = [e.value for e in u.entities(text) if e.kind == "city"]
        assert read == [first.name, second.name], f"{text!r}: read {read} (seed {SEED})"
