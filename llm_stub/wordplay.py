"""Questions about the letters and words of a text, which a program answers exactly.

Learners try these on every model ("how many r's are in strawberry?" is the best known), and a small real
model answers them directly: the count of one letter, of the letters, vowels or words of a word or a quoted
text, and a word spelled backwards or letter by letter. The stub counts; it never guesses. The text counted
is the word after "in" / "of" (or the quoted text); a question about anything else returns None.
"""

from __future__ import annotations

import re

_TAIL = re.compile(r"(?i)[\s,]*(?:please|pls|thanks|for me)?\s*[?.!]*\s*$")
_LEAD = re.compile(
    r"(?i)^\s*(?:(?:hey|hi|ok|okay|so|quick question|and|also)[,:]?\s+)*(?:(?:can|could) you\s+)?(?:tell me\s+)?"
)
# the text: a quoted one, or "the word X" / X (one word, letters and hyphens only)
_TEXT = (
    r"(?:the (?:word|name|text|sentence|phrase)\s+)?(?:\"([^\"]+)\"|“([^”]+)”|'([^']+)'|([a-zA-Z][a-zA-Z-]*))"
)
_ONE_LETTER = re.compile(
    rf"(?i)^(?:how many|count the(?: number of)?|what(?:'s| is) the number of)\s+(?:times (?:does |is )?(?:the letter )?)?"
    rf"(?:the letter\s+)?[\"']?([a-z])[\"']?(?:'s|s|’s)?\s+(?:are |is |appear |occur )?(?:there )?in\s+{_TEXT}$"
)
_HOW_MANY_TIMES = re.compile(
    rf"(?i)^how many times (?:does |is )?(?:the letter )?[\"']?([a-z])[\"']? (?:appear|occur|show up|come up) in\s+"
    rf"{_TEXT}$"
)
_KIND = re.compile(
    rf"(?i)^(?:how many|count the(?: number of)?|what(?:'s| is) the number of)\s+(letters|characters|chars|vowels|"
    rf"consonants|words|syllables)\s+(?:are |is )?(?:there )?(?:in|does)\s+{_TEXT}(?:\s+have)?$"
)
_BACKWARDS = re.compile(
    rf"(?i)^(?:spell|write|say)\s+{_TEXT}\s+(?:backwards?|in reverse)$|^reverse\s+{_TEXT}$|"
    rf"^what(?:'s| is)\s+{_TEXT}\s+(?:spelled |spelt |written )?backwards?$"
)
_SPELL = re.compile(rf"(?i)^(?:how do you spell|spell|spell out)\s+{_TEXT}(?:\s+letter by letter)?$")
_VOWELS = frozenset("aeiou")


def _text(m: re.Match[str], first: int) -> str:
    """The counted text of a match: the first of its four alternatives (from group ``first``) that matched."""
    return next(g for g in m.groups()[first - 1 : first + 3] if g is not None)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def letter_count(question: str) -> tuple[str, str] | None:
    """ "how many r's are in strawberry?": the count of one letter, with where it falls."""
    m = _ONE_LETTER.match(question) or _HOW_MANY_TIMES.match(question)
    if m is None:
        return None
    letter, text = m.group(1).lower(), _text(m, 2)
    places = [i + 1 for i, c in enumerate(text.lower()) if c == letter]
    n = len(places)
    if n == 0:
        return f'There is no "{letter}" in "{text}".', "0"
    where = (
        f" (letter {places[0]})"
        if n == 1
        else f" (letters {', '.join(map(str, places[:-1]))} and {places[-1]})"
    )
    return (
        f'There {"is" if n == 1 else "are"} {n} "{letter}"{"" if n == 1 else "s"} in "{text}"{where}.',
        str(n),
    )


def kind_count(question: str) -> tuple[str, str] | None:
    """ "how many letters are in onomatopoeia?", "how many words in 'the quick brown fox'?"."""
    m = _KIND.match(question)
    if m is None:
        return None
    kind, text = m.group(1).lower(), _text(m, 2)
    if kind == "syllables":
        return None  # no exact rule: a model's guess, not a count
    letters = [c for c in text.lower() if c.isalpha()]
    if kind == "words":
        n, noun = len(text.split()), "word"
    elif kind in ("characters", "chars"):
        n, noun = len(text), "character"
    elif kind == "vowels":
        n, noun = sum(c in _VOWELS for c in letters), "vowel"
    elif kind == "consonants":
        n, noun = sum(c not in _VOWELS for c in letters), "consonant"
    else:
        n, noun = len(letters), "letter"
    spaces = " (spaces included)" if noun == "character" and " " in text else ""
    return f'"{text}" has {_plural(n, noun)}{spaces}.', str(n)


def backwards(question: str) -> tuple[str, str] | None:
    """ "spell banana backwards", "reverse the word 'stressed'"."""
    m = _BACKWARDS.match(question)
    if m is None:
        return None
    text = next(g for g in m.groups() if g is not None)
    reversed_ = text[::-1]
    return f'"{text}" backwards is "{reversed_}".', reversed_


def spelled(question: str) -> tuple[str, str] | None:
    """ "how do you spell necessary?": the word letter by letter (the word as the user wrote it)."""
    m = _SPELL.match(question)
    if m is None:
        return None
    text = _text(m, 1)
    if " " in text.strip():
        return None
    letters = "-".join(c.upper() for c in text if c.isalpha())
    return f"{text}: {letters}.", letters


def answer(question: str) -> tuple[str, str] | None:
    """(the sentence, the bare value) for a question about the letters or words of a text, or None."""
    body = _TAIL.sub("", _LEAD.sub("", question.strip(), count=1))
    for ask in (letter_count, kind_count, backwards, spelled):
        found = ask(body)
        if found:
            return found
    return None
