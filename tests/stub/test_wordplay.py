"""``wordplay``: questions about the letters and words of a text are answered by counting, never guessed.

Property-based: the words, letters and phrasings are drawn by Hypothesis, so no fixed answer passes; each
clause of the contract has its own test. The last test goes through the HTTP stub on both APIs."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from llm_stub import answers, wordplay

from .models import PLAIN

WORD = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=14)
LETTER = st.sampled_from(string.ascii_lowercase)


@given(word=WORD, letter=LETTER, frame=st.sampled_from([
    "how many {l}'s are in {w}?", "how many {l}s in {w}", "How many times does the letter {l} appear in {w}?",
    "count the {l}'s in the word {w}", "how many {l}'s are there in \"{w}\"", "quick question, how many {l}s in {w}?",
]))  # fmt: skip
def test_the_count_of_one_letter_is_the_count_in_the_word(word, letter, frame):
    question = frame.format(l=letter, w=word)
    found = wordplay.answer(question)
    assert found is not None, f"{question!r} is a letter count the stub can make"
    assert found[1] == str(word.count(letter)), (
        f"{question!r}: {word!r} has {word.count(letter)}; said {found}"
    )


@given(word=WORD, letter=LETTER)
def test_each_place_of_the_letter_is_named(word, letter):
    sentence, _ = wordplay.answer(f"how many {letter}'s in {word}?")
    places = [str(i + 1) for i, c in enumerate(word) if c == letter]
    for place in places:
        assert place in sentence, f"{word!r}: {letter!r} is letter {place}; said {sentence!r}"


@given(
    words=st.lists(WORD, min_size=1, max_size=7),
    kind=st.sampled_from(["letters", "vowels", "consonants", "words"]),
)
def test_letters_vowels_consonants_and_words_are_counted(words, kind):
    text = " ".join(words)
    question = (
        f'how many {kind} are in "{text}"?'
        if len(words) > 1 or kind == "words"
        else f"how many {kind} in {text}"
    )
    found = wordplay.answer(question)
    letters = [c for c in text if c.isalpha()]
    want = {"letters": len(letters), "vowels": sum(c in "aeiou" for c in letters),
            "consonants": sum(c not in "aeiou" for c in letters), "words": len(words)}[kind]  # fmt: skip
    assert found is not None and found[1] == str(want), f"{question!r}: want {want}; said {found}"


@given(word=WORD, frame=st.sampled_from(["spell {w} backwards", "reverse the word {w}", "what's {w} backwards?",
                                         "can you write '{w}' in reverse"]))  # fmt: skip
def test_a_word_backwards_is_its_letters_reversed(word, frame):
    question = frame.format(w=word)
    found = wordplay.answer(question)
    assert found is not None and found[1] == word[::-1], f"{question!r}: want {word[::-1]!r}; said {found}"


@given(word=WORD)
def test_a_word_spelled_out_is_its_letters_in_order(word):
    found = wordplay.answer(f"how do you spell {word}?")
    assert found is not None and found[1].replace("-", "") == word.upper(), f"{word!r}: said {found}"


@settings(max_examples=30)
@given(question=st.sampled_from(["how many kids do i have?", "how many syllables in banana?", "spell my name",
                                 "how many days until christmas?", "how many r's are in my name?"]))  # fmt: skip
def test_a_question_about_no_given_text_is_not_counted(question):
    assert wordplay.answer(question) is None, f"{question!r} names no text to count"


def test_the_stub_counts_over_http_on_both_apis(client, rng):
    word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 11)))
    letter = rng.choice(word)
    question = f"how many {letter}'s are in {word}?"
    chat = client.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": question}])
    response = client.responses.create(model=PLAIN, input=question)
    want = str(word.count(letter))
    for said in (chat.choices[0].message.content, response.output_text):
        assert said and (f"are {want} " in said or f"is {want} " in said), (
            f"{question!r}: want {want}; said {said!r}"
        )
    assert answers.direct(question) == chat.choices[0].message.content
