"""Phrases of a request that give a tool's arguments where no single entity does.

``understanding.py`` finds entities (a city, an amount, a date); a tool's arguments often come from how a
sentence is built around them instead, and a small real model reads that structure:

* **Arithmetic** (``operation``): "subtract 37 from 100" is 100 - 37, "100 take away 37" too, "15% of 240",
  "what's 12 times 30": the operation and its operands in the order the sentence means.
* **Conversions** (``conversion``): the amount and its unit or currency, and the one after "in/to/into"
  ("13.1 miles in km", "how many yen is 50 euros": yen is the target).
* **Works by someone** (``work_by``): "play Hey Jude by The Beatles" is a title and an artist.
* **Translations** (``translation``): "how do you say 'good night' in italian": the text and the language
  (language names from ``pycountry``).
* **The thing a request is about** (``object_phrase``): "add 3 cartons of almond milk to my basket" is
  almond milk, 3 of them; "a dozen eggs" is 12.
* **A label** (``label``): "alarm at 7 for the school run", "timer for the rice".
* **From/to places** (``from_to``): "ferry from dover to calais" names two places even when they are too
  small for the city table, by the sentence's structure (a capitalised name, or a town of GeoNames'
  5,000+ table written in lower case).

Every reader returns None when the words do not say it: never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import knowledge
from .knowledge import fold

# --------------------------------------------------------------------------- arithmetic

_NUM = r"(-?\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class Operation:
    op: str  # add subtract multiply divide power percent
    a: float | int
    b: float | int
    text: str


_OPERATIONS: list[tuple[re.Pattern[str], str, bool]] = [  # (pattern, operation, operands written b-first)
    (re.compile(rf"(?i)\bsubtract\s+{_NUM}\s+from\s+{_NUM}"), "subtract", True),
    (re.compile(rf"(?i)\btake\s+{_NUM}\s+(?:away\s+)?from\s+{_NUM}"), "subtract", True),
    (re.compile(rf"(?i)\bdeduct\s+{_NUM}\s+from\s+{_NUM}"), "subtract", True),
    (re.compile(rf"(?i)\badd\s+{_NUM}\s+(?:and|to|plus)\s+{_NUM}"), "add", False),
    (re.compile(rf"(?i)\bmultiply\s+{_NUM}\s+(?:by|and|times|with)\s+{_NUM}"), "multiply", False),
    (re.compile(rf"(?i)\bdivide\s+{_NUM}\s+by\s+{_NUM}"), "divide", False),
    (re.compile(rf"(?i)\b(?:the\s+)?(?:sum|total)\s+of\s+{_NUM}\s+and\s+{_NUM}"), "add", False),
    (re.compile(rf"(?i)\b(?:the\s+)?product\s+of\s+{_NUM}\s+and\s+{_NUM}"), "multiply", False),
    (re.compile(rf"(?i)\b(?:the\s+)?difference\s+between\s+{_NUM}\s+and\s+{_NUM}"), "subtract", False),
    (
        re.compile(rf"(?i)(?<![\w.:/-]){_NUM}\s*(?:%|percent|per cent)\s+of\s+{_NUM}(?![\w.:/]|-\d)"),
        "percent",
        False,
    ),
    (
        re.compile(rf"(?i)(?<![\w.:/-]){_NUM}\s*(?:\*\*|\^|to the power of)\s*{_NUM}(?![\w.:/]|-\d)"),
        "power",
        False,
    ),
    (re.compile(rf"(?i)(?<![\w.:/-]){_NUM}\s*(?:\+|plus|added to)\s*{_NUM}(?![\w.:/]|-\d)"), "add", False),
    (
        re.compile(rf"(?i)(?<![\w.:/-]){_NUM}\s*(?:-|−|minus|take away|less)\s*{_NUM}(?![\w.:/]|-\d)"),
        "subtract",
        False,
    ),
    (
        re.compile(rf"(?i)(?<![\w.:/-]){_NUM}\s*(?:\*|×|x|times|multiplied by)\s*{_NUM}(?![\w.:/]|-\d)"),
        "multiply",
        False,
    ),
    (
        re.compile(rf"(?i)(?<![\w.:/-]){_NUM}\s*(?:/|÷|divided by|over)\s*{_NUM}(?![\w.:/]|-\d)"),
        "divide",
        False,
    ),
]
# What tools call each operation: enum options and parameter values ("add", "+", "addition", "sum" ...)
OPERATION_WORDS = {
    "add": {"add", "addition", "plus", "sum", "+", "adding"},
    "subtract": {"subtract", "subtraction", "minus", "difference", "-", "sub", "substract"},
    "multiply": {"multiply", "multiplication", "times", "product", "*", "x", "×", "mul", "mult"},
    "divide": {"divide", "division", "quotient", "/", "÷", "div"},
    "power": {"power", "pow", "exponent", "exponentiation", "^", "**", "exp"},
    "percent": {"percent", "percentage", "%", "pct", "percent_of"},
}
_STEP = r"(?:[-+*/×÷^x]|\*\*|plus|minus|times|divided by|multiplied by|over|take away|less)"
_MORE = re.compile(rf"(?i)\s*\)?\s*{_STEP}\s*\(?\s*-?\d")
_MORE_BEFORE = re.compile(rf"(?i)\d\s*\)?\s*{_STEP}\s*\(?\s*$|\(\s*$")


def steps(text: str) -> int:
    """How many arithmetic operators join numbers in ``text`` ("3 plus 4 times 2" has two)."""
    return len(re.findall(rf"(?i)\d\s*\)?\s*{_STEP}\s*(?=\(?\s*-?\d)", _digits(text)))


SYMBOLS = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "power": "**"}


def _digits(text: str) -> str:
    """``text`` with numbers in words as digits ("twelve plus thirty" -> "12 plus 30")."""
    runs = knowledge.number_words(text) if re.search(r"(?i)[a-z]", text) else []
    for a, b, value in reversed(runs):
        text = f"{text[:a]}{value}{text[b:]}"
    return text


def _number(raw: str) -> float | int:
    value = float(raw)
    return int(value) if value.is_integer() and "." not in raw else value


@lru_cache(maxsize=512)
def operation(text: str) -> Operation | None:
    """The arithmetic a request asks for, its operands in the order the sentence means, or None."""
    if not re.search(
        r"\d|(?i:\b(?:plus|minus|times|divided|percent|subtract|multiply|add|take away)\b)", text
    ):
        return None
    said = _digits(text)
    for pattern, op, reverse in _OPERATIONS:
        m = pattern.search(said)
        if m:
            if _MORE.match(said[m.end() :]) or _MORE_BEFORE.search(said[: m.start()]):
                return None  # "3 plus 4 times 2": more than one step; two operands would be a wrong call
            a, b = _number(m.group(1)), _number(m.group(2))
            return Operation(op, *((b, a) if reverse else (a, b)), m.group(0))
    return None


# --------------------------------------------------------------------------- conversions

_TARGET = re.compile(r"(?i)^\s*(?:in|to|into|as)\s+(?:the\s+)?([a-z°$€£¥][\w°]*(?:\s+[a-z]+)?)")
_HOW_MANY = re.compile(
    r"(?i)\bhow\s+(?:many|much)\s+([a-z°][\w°]*(?:\s+[a-z]+)?)\s+(?:is|are|in|makes?|equals?|=|for)\s+$"
)
_TRAILING_TARGET = re.compile(r"(?i)\b(?:in|into|to)\s+([a-z°][\w°]*(?:\s+[a-z]+)?)\s*[?.!]*\s*$")
_NOT_TARGET = frozenset(
    "please pls thanks thx now today tonight tomorrow the a an my me it them that this instead then pls".split()
)


def _clean_target(raw: str) -> str | None:
    parts = [p for p in raw.split() if fold(p) not in _NOT_TARGET]
    return " ".join(parts[:2]) or None


@lru_cache(maxsize=1024)
def target_unit(text: str, after: int | None = None, before: int | None = None) -> str | None:
    """What ``text`` converts into: the words after "in/to/into" that follow the amount (at ``after``), or
    "how many X is" before it (at ``before``), or a trailing "in yen?" (a follow-up)."""
    if after is not None:
        m = _TARGET.match(text[after:])
        if m:
            return _clean_target(m.group(1))
    if before is not None:
        m = _HOW_MANY.search(text[:before])
        if m:
            return _clean_target(m.group(1))
    if after is None and before is None:
        m = _TRAILING_TARGET.search(text)
        if m:
            return _clean_target(m.group(1))
    return None


# Adjectives that say which dollar, franc or krone
_CURRENCY_ADJECTIVES = {
    "canadian": "CAD", "australian": "AUD", "aussie": "AUD", "new zealand": "NZD", "singapore": "SGD",
    "hong kong": "HKD", "swiss": "CHF", "mexican": "MXN", "indian": "INR", "japanese": "JPY", "chinese": "CNY",
    "swedish": "SEK", "norwegian": "NOK", "danish": "DKK", "south african": "ZAR", "brazilian": "BRL",
    "turkish": "TRY", "polish": "PLN", "american": "USD", "us": "USD", "british": "GBP", "korean": "KRW",
    "thai": "THB", "russian": "RUB", "czech": "CZK", "hungarian": "HUF",
}  # fmt: skip


def currency_code(words_: str) -> str | None:
    """The ISO 4217 code of a currency named in words ("swiss francs", "yen", "EUR", "quid"), or None."""
    said = " ".join(fold(words_).split())
    if not said:
        return None
    for adjective, code in _CURRENCY_ADJECTIVES.items():
        if said.startswith(adjective + " ") and said.split()[-1].rstrip("s") in (
            "dollar", "franc", "krone", "kronor", "krona", "rand", "rupee", "yen", "yuan", "peso", "real", "won",
            "zloty", "lira", "baht", "rouble", "ruble", "koruna", "forint", "pound",
        ):  # fmt: skip
            return code
    last = said.split()[-1]
    if last in knowledge.CURRENCY_WORDS:
        return knowledge.CURRENCY_WORDS[last]
    if len(last) == 3 and last.upper() in knowledge.currencies():
        return last.upper()
    return None


# --------------------------------------------------------------------------- works, translations, labels

_WORK_BY = re.compile(
    r"(?i)\b(?:play|put on|queue(?: up)?|find|look up|search for|read|recommend|add|stream|listen to|watch)\s+(?:me\s+)?"
    r"(?:the\s+(?=(?:song|track|tune|album|book|novel|film|movie|record|single|podcast)\b))?"
    r"(?:(?:song|track|tune|album|book|novel|film|movie|record|single|podcast)\s+)?"
    r"[\"'“]?(.+?)[\"'”]?\s+by\s+(.+?)\s*(?:[.!?]|$|\s+(?:on|in|from|please|pls|for)\b)"
)


def work_by(text: str) -> tuple[str, str] | None:
    """(title, creator) of "play X by Y", "find the book X by Y"."""
    m = _WORK_BY.search(text)
    if not m or len(m.group(1).split()) > 8 or len(m.group(2).split()) > 5:
        return None
    return m.group(1).strip(), m.group(2).strip()


@lru_cache(maxsize=1)
def languages() -> dict[str, tuple[str, str]]:
    """folded language name -> (its English name, ISO 639-1 code), from pycountry."""
    import pycountry

    out: dict[str, tuple[str, str]] = {}
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None)
        if not code:
            continue
        name = re.sub(r"\s*\(.*\)$", "", lang.name.split(";")[0]).strip()
        if name.startswith("Modern "):
            name = name[len("Modern ") :]
        out[fold(name)] = (name, code)
    out.setdefault("mandarin", ("Chinese", "zh"))
    out.setdefault("farsi", ("Persian", "fa"))
    return out


_LANG = r"([A-Za-z]+(?:\s+[A-Z][a-z]+)?)"
_TRANSLATE_GATE = re.compile(r"(?i)\b(?:say|translat\w*|in|into|to)\s")
_TRANSLATIONS = [
    re.compile(rf"(?i)\bhow\s+(?:do|would|can|should)\s+(?:you|i|we|one)\s+say\s+(.+?)\s+in\s+{_LANG}\b"),
    re.compile(rf"(?i)\btranslate\s+(?:this|that|it|the following)?\s*(?:in)?to\s+{_LANG}\s*[:,-]\s*(.+)$"),
    re.compile(rf"(?i)\btranslate\s+(.+?)\s+(?:in)?to\s+{_LANG}\b"),
    re.compile(rf"(?i)\bwhat(?:'s|\s+is)\s+(.+?)\s+in\s+{_LANG}\b"),
    re.compile(rf"(?i)\bsay\s+(.+?)\s+in\s+{_LANG}\b"),
]


@lru_cache(maxsize=512)
def translation(text: str) -> tuple[str, str, str] | None:
    """(the text to translate, the language's English name, its ISO 639-1 code), or None."""
    if not _TRANSLATE_GATE.search(text):
        return None
    for i, pattern in enumerate(_TRANSLATIONS):
        m = pattern.search(text)
        if not m:
            continue
        phrase, lang = (m.group(2), m.group(1)) if i == 1 else (m.group(1), m.group(2))
        known = languages().get(fold(lang)) or languages().get(fold(lang.split()[0]))
        phrase = phrase.strip().strip("\"'“”‘’").strip()
        if known and phrase:
            return phrase, known[0], known[1]
    return None


_COUNT_WORDS = {"a dozen": 12, "half a dozen": 6, "a couple of": 2, "a couple": 2, "a pair of": 2, "a few": None,
                "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1}  # fmt: skip
_COUNT = (r"(\d+|a dozen|half a dozen|(?:\d+|two|three|four|five|six|ten)\s+dozen|a couple of|a couple|a pair of|one|two|"
          r"three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?|some|a few)")  # fmt: skip
_PACKS = (r"(?:(?:cartons?|bags?|packs?|packets?|bottles?|tins?|cans?|box(?:es)?|jars?|loaf|loaves|bunch(?:es)?|"
          r"tubs?|punnets?|kilos?|kg|grams?|g|litres?|liters?|l|pints?|slices?|pieces?|rolls?|sheets?|cups?)\s+of\s+)")  # fmt: skip
_OBJECT_VERB = re.compile(
    r"(?i)\b(?:add|put|buy|order|get|grab|pick up|book|schedule|create|make|log|note|need|want)\s+(?:me\s+|us\s+)?"
    rf"(?:{_COUNT}\s+)?{_PACKS}?(?:(?:the|my|some|more)\s+)?"
    r"([A-Za-z][\w'’-]*(?:\s+(?!(?:to|in|into|on|onto|at|for|from|by|with|tomorrow|today|tonight|next|this|please|"
    r"pls|and|or|then|every|each|before|after|until)\b)[A-Za-z][\w'’-]*){0,3})"
)
_NOT_OBJECTS = frozenset("a an the me it this that them some something anything one reminder note event timer alarm "
                         "item entry appointment booking".split())  # fmt: skip


def counted(said: str) -> int | None:
    said = " ".join(said.lower().split())
    m = re.fullmatch(r"(\d+|two|three|four|five|six|ten)\s+dozen", said)
    if m:
        n = m.group(1)
        return 12 * (int(n) if n.isdigit() else _COUNT_WORDS[n])
    if said.isdigit():
        return int(said)
    return _COUNT_WORDS.get(said)


# "six tickets for dune part two on saturday": a request that starts with the count, its verb left out
_STARTS_COUNTED = re.compile(
    rf"(?i)^\s*{_COUNT}\s+{_PACKS}?"
    r"([A-Za-z][\w'’-]*(?:\s+(?!(?:to|in|into|on|onto|at|for|from|by|with|tomorrow|today|tonight|next|this|please|"
    r"pls|and|or|then|every|each|before|after|until)\b)[A-Za-z][\w'’-]*){0,3})"
)
_COUNT_WORD_OR_DIGIT = re.compile(r"(?i)\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve")


def object_phrase(text: str) -> tuple[str, int | None] | None:
    """(the thing a request adds, buys, books or schedules, how many of it) ("add 3 cartons of almond milk to
    my basket" is ("almond milk", 3), "a dozen eggs" ("eggs", 12); "six tickets for ..." with the verb left
    out, ("tickets", 6)), or None."""
    first = _STARTS_COUNTED.match(text)
    if first is not None and _COUNT_WORD_OR_DIGIT.fullmatch(first.group(1)) and not _OBJECT_VERB.search(text):
        thing = first.group(2).strip()
        if fold(thing.split()[0]) not in _NOT_OBJECTS:
            return thing, counted(first.group(1))
    for m in _OBJECT_VERB.finditer(text):
        thing = m.group(2).strip()
        if fold(thing.split()[0]) in _NOT_OBJECTS or fold(thing) in _NOT_OBJECTS:
            continue
        return thing, counted(m.group(1)) if m.group(1) else None
    return None


_LABEL = re.compile(
    r"(?i)\b(?:for|called|named|labell?ed|titled)\s+(?:the\s+|my\s+|our\s+|a\s+)?"
    r"([A-Za-z][\w'’-]*(?:\s+(?!(?:at|on|in|to|tomorrow|today|tonight|please|pls|and|then|every)\b)[A-Za-z][\w'’-]*){0,3})"
    r"\s*(?=$|[,.!?;]|\s+(?:at|on|in|tomorrow|today|tonight|please|pls|and|then|every)\b)"
)
_NOT_LABELS = frozenset("me us you him her them it this that one two three four five six seven eight nine ten eleven "
                        "twelve twenty thirty forty fifty half quarter an hour minutes minute seconds hours people "
                        "tomorrow today tonight noon midday midnight morning evening".split())  # fmt: skip


def label(text: str, taken: tuple[tuple[int, int], ...] = ()) -> str | None:
    """What an alarm, timer or reminder is for: "for the school run", "called pasta" (the last such phrase
    that is no time, number or duration, and outside the ``taken`` spans)."""
    found = None
    for m in _LABEL.finditer(text):
        said = m.group(1)
        if any(a < m.end(1) and m.start(1) < b for a, b in taken):
            continue
        if set(fold(said).split()) & _NOT_LABELS or any(c.isdigit() for c in said):
            continue
        found = said
    return found


# --------------------------------------------------------------------------- from/to places

_PLACE = r"([A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|upon|on|de|la|le))*|[a-z][a-z'’-]+(?:\s+[a-z][a-z'’-]+)?)"
_FROM_TO = [
    (
        re.compile(rf"\b(?i:from)\s+(?:the\s+)?{_PLACE}\s+(?i:to|into|towards|for)\s+(?:the\s+)?{_PLACE}"),
        False,
    ),
    (re.compile(rf"\b(?i:to)\s+(?:the\s+)?{_PLACE}\s+(?i:from)\s+(?:the\s+)?{_PLACE}"), True),
]
_NOT_PLACES = frozenset("me us you him her them it here there home work now today tonight tomorrow the my our your "
                        "a an one two three four five six seven eight nine ten monday tuesday wednesday thursday "
                        "friday saturday sunday morning evening noon".split())  # fmt: skip


def _place_words(raw: str) -> str | None:
    words_ = raw.split()
    while words_ and (fold(words_[-1]) in _NOT_PLACES or fold(words_[-1]) in knowledge.PLACE_STOP):
        words_.pop()
    if not words_ or fold(words_[0]) in _NOT_PLACES:
        return None
    name = " ".join(words_)
    if name[:1].isupper():
        return name
    known = knowledge.town(name)
    return known


def from_to(text: str) -> tuple[str, str] | None:
    """(origin, destination) of "from X to Y" / "to Y from X" when both read as places: capitalised names, or
    towns written in lower case that GeoNames knows."""
    for pattern, reverse in _FROM_TO:
        m = pattern.search(text)
        if not m:
            continue
        a, b = _place_words(m.group(1)), _place_words(m.group(2))
        if a and not b:  # "from oban to mull": a town on one side makes a plain word on the other a place
            b = _unknown_place(m.group(2))
        elif b and not a:
            a = _unknown_place(m.group(1))
        if a and b:
            return (b, a) if reverse else (a, b)
    return None


def _unknown_place(raw: str) -> str | None:
    """One lower-case word that is no small word, verb, feeling or date: a place no table knows ("mull")."""
    from .understanding import _VERBS, STOP, lexicon

    word = raw.split()[0] if raw.split() else ""
    key = fold(word)
    if not word.isalpha() or len(word) < 3 or key in STOP | _VERBS | _NOT_PLACES | knowledge.PLACE_STOP:
        return None
    if key in lexicon() or key in knowledge.NUMBER_WORDS:
        return None
    return word[:1].upper() + word[1:]


_VENUE = re.compile(
    r"(?i)\b(?:at|in)\s+((?:the\s+)?[A-Za-z][\w'’&-]*(?:\s+(?!(?:for|on|at|in|to|tomorrow|today|tonight|next|this|"
    r"please|pls|and|with|from)\b)[A-Za-z][\w'’&-]*){0,2})"
)


def venue(text: str) -> str | None:
    """The place a booking is at: "a table at nando's for six" (no time, day or number)."""
    for m in _VENUE.finditer(text):
        said = m.group(1)
        if set(fold(said).split()) & (_NOT_LABELS | _NOT_PLACES - {"the"}) or knowledge.clock_times(said):
            continue
        return said
    return None


_TITLED = re.compile(
    r"(?i)\b(?:film|movie|book|novel|song|track|album|show|series|podcast|game|play)\s+(?:called\s+|named\s+|titled\s+)?"
    r"([A-Za-z0-9][\w'’:-]*(?:\s+(?!(?:from|by|in|released|made|with|for|on|and|please|pls)\b)[\w'’:-]+){0,5})"
    r"(?=\s+(?:from|by|in|released|made|with|for|on|please|pls)\b|\s*[(?.!,]|\s*$)"
)
_SMALL = frozenset("a an the of and or in on at to for from by with".split())


# "2 tickets for dune part two on saturday": the title of what the tickets are for (issue 24), to the first
# word that says when, how many or where, as a model reads it; "tikets" misspelt too.
_TICKETS_FOR = re.compile(
    r"(?i)\bti[ck]{1,2}e?ts?\s+(?:for|to)\s+(?:see\s+|watch\s+)?"
    r"([A-Za-z0-9][\w'’:-]*(?:\s+(?!(?:on|at|this|next|tomorrow|tonight|today|for|in|please|pls|thanks|and|at)\b)"
    r"[\w'’:-]+){0,6})"
)
_WHEN_WORD = re.compile(
    r"(?i)^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|tomorrow|next|this|the weekend|"
    r"weekend|january|february|march|april|may|june|july|august|september|october|november|december|\d)"
)
_COUNT_WORD = re.compile(r"(?i)^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an|some|tickets?)$")


def titled(text: str) -> str | None:
    """A work's title after the kind of work ("the film arrival from 2016") or after the tickets it is for
    ("2 tickets for dune part two"), in title case when written in lower case. "book 2 tickets": the verb
    book, not a book called "2 Tickets"."""
    m, at = None, 0
    while (found := _TITLED.search(text, at)) is not None:  # "book the film arrival": the film's, not book's
        first = found.group(1).split()[0]
        if not _COUNT_WORD.match(first) and fold(first) not in _NOT_OBJECTS:
            m = found
            break
        at = found.start() + 1
    if m is None:
        m = _TICKETS_FOR.search(text)
        first = m.group(1).split()[0] if m is not None else ""
        if (
            m is None
            or (fold(first) in _NOT_OBJECTS and fold(first) != "the")
            or _COUNT_WORD.match(first)
            or _WHEN_WORD.match(first)
        ):
            return None  # "3 tickets for saturday": the day, not a film called "Saturday"
    title = m.group(1)
    if title.islower():
        title = " ".join(
            w if i and w in _SMALL else w[:1].upper() + w[1:] for i, w in enumerate(title.split())
        )
    return title


_REMIND = re.compile(
    r"(?i)\b(?:remind\s+(?:me|us|him|her|them)|(?:task|to-?do|reminder|note))\s+(?:to|that|about|saying)\s+(.+)"
)


def reminded(text: str, spans: tuple[tuple[int, int], ...] = ()) -> str | None:
    """What a reminder is for: "remind me to take the bins out tomorrow at 6" is "take the bins out" (the
    day and time, at ``spans``, cut out)."""
    m = _REMIND.search(text)
    if not m:
        return None
    said = text[m.start(1) :]
    for a, b in sorted(spans, reverse=True):
        if a >= m.start(1):
            said = said[: a - m.start(1)] + " " + said[b - m.start(1) :]
    said = re.sub(
        r"(?i)(?:\s+(?:at|on|by|for|in|around|please|pls|thanks|tomorrow|today|tonight))+\s*[.!?]*\s*$",
        "",
        said,
    )
    said = " ".join(said.split()).strip(" ,.!?")
    return said or None
