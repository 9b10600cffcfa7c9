"""Classifying one answer: sensible, honest or wrong, with checks that accept any reasonable real-model answer.

A check is a named predicate on one value (an argument, a field, a reply's text). Checks compare
case-insensitively, ignore accents and punctuation around words, and accept the equivalent forms a real model
writes: "06:45", "6:45" and "6:45 am"; "UK", "GB" and "United Kingdom"; 12, 12.0 and "12"; "2026-12-15",
"15 December" and "Dec 15th". The verdict helpers at the bottom turn a reply into one of three buckets:

* sensible: what a small real model would do (the right call with the right arguments, the schema filled
  with the values the text gives, a reply that answers or uses the history);
* honest: declines, or asks for a value, or says plainly that it cannot do this, without inventing a value;
* wrong: a confident wrong value, a wrong or repeated call, raw JSON as the answer, or a reply that neither
  answers nor says that it cannot.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

SENSIBLE, HONEST, WRONG, ERROR = "sensible", "honest", "wrong", "error"
BUCKETS = (SENSIBLE, HONEST, WRONG, ERROR)


@dataclass(frozen=True)
class Verdict:
    bucket: str
    why: str = ""


def sensible(why: str = "") -> Verdict:
    return Verdict(SENSIBLE, why)


def honest(why: str) -> Verdict:
    return Verdict(HONEST, why)


def wrong(why: str) -> Verdict:
    return Verdict(WRONG, why)


# --- text normalisation -------------------------------------------------------------------------------------


def norm(value: Any) -> str:
    """Lowercase, accents removed, curly quotes straightened, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text.lower()).strip()


def has_phrase(text: Any, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words (case- and accent-insensitive)."""
    if text is None:
        return False
    return re.search(r"(?<![a-z0-9])" + re.escape(norm(phrase)) + r"(?![a-z0-9])", norm(text)) is not None


def mentions(text: Any, *alternatives: str) -> bool:
    return any(has_phrase(text, a) for a in alternatives)


def short(value: Any, width: int = 90) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", " ⏎ ")
    return text if len(text) <= width else text[: width - 1] + "…"


# --- checks on one value ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A named predicate on one value; ``desc`` says what was wanted, for the one-line reasons."""

    desc: str
    fn: Callable[[Any], bool]

    def __call__(self, value: Any) -> bool:
        try:
            return bool(self.fn(value))
        except (TypeError, ValueError, AttributeError):
            return False

    def __or__(self, other: Check) -> Check:
        return Check(f"{self.desc} or {other.desc}", lambda v: self(v) or other(v))


def text_has(*alternatives: str) -> Check:
    """A string that contains one of the alternatives as whole words."""
    desc = "/".join(alternatives[:4]) + ("/…" if len(alternatives) > 4 else "")
    return Check(desc, lambda v: isinstance(v, str) and mentions(v, *alternatives))


place = text_has  # a place name: "Lyon", "lyon", "Lyon, France" all contain "lyon"


def equals(*alternatives: str) -> Check:
    wanted = {norm(a).strip(" .") for a in alternatives}
    return Check("=" + "/".join(alternatives), lambda v: isinstance(v, str) and norm(v).strip(" .") in wanted)


COUNTRIES = {
    "GB": ("uk", "u.k.", "gb", "gbr", "united kingdom", "great britain", "britain"),
    "FR": ("fr", "fra", "france"),
    "US": ("us", "usa", "u.s.", "u.s.a.", "united states", "united states of america", "america"),
    "NO": ("no", "nor", "norway"),
    "JP": ("jp", "jpn", "japan"),
    "NZ": ("nz", "nzl", "new zealand"),
    "PT": ("pt", "prt", "portugal"),
    "DE": ("de", "deu", "germany", "deutschland"),
    "IE": ("ie", "irl", "ireland", "republic of ireland"),
    "ES": ("es", "esp", "spain"),
    "IT": ("it", "ita", "italy"),
    "KE": ("ke", "ken", "kenya"),
    "IS": ("is", "isl", "iceland"),
    "CA": ("ca", "can", "canada"),
}


def country(code: str, *also: str) -> Check:
    """A country given as its name, ISO-2 or ISO-3 code (``also``: parts a real model may name, e.g. Wales)."""
    names = (*COUNTRIES[code], *also)
    return Check(
        f"country {code}", lambda v: isinstance(v, str) and norm(v).strip(" .") in {norm(n) for n in names}
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def num(expected: float, tol: float = 0.01) -> Check:
    """A number (or a numeric string) within ``tol`` of ``expected``."""
    return Check(f"{expected:g}", lambda v: (n := _number(v)) is not None and abs(n - expected) <= tol)


def boolean(expected: bool) -> Check:
    return Check(str(expected).lower(), lambda v: v is expected)


def is_null() -> Check:
    return Check("null", lambda v: v is None)


def absent() -> Check:
    """Null, an empty string or an empty list: nothing claimed (for values the text does not give)."""
    return Check("null/empty", lambda v: v is None or v == "" or v == [])


def anything() -> Check:
    return Check("any value", lambda v: True)


def nonempty() -> Check:
    return Check("a non-empty value", lambda v: v not in (None, "", [], {}))


TIME_RE = re.compile(r"(?<!\d)(\d{1,2})(?:[:.h](\d{2}))?(?::\d{2})?\s*(a\.?m\.?|p\.?m\.?)?(?![\d])", re.I)


def times_in(text: Any) -> list[tuple[int, int]]:
    """Every clock time in a text as (hour, minute), 24-hour: "6:45", "06:45:00", "6.45pm", "7pm", "19h30"."""
    if not isinstance(text, str):
        return []
    found = []
    for match in TIME_RE.finditer(text):
        hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
        if match.group(2) is None and not meridiem:
            continue  # a bare number is not a time
        if meridiem.startswith("p") and hour < 12:
            hour += 12
        if meridiem.startswith("a") and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            found.append((hour, minute))
    return found


def time_is(hhmm: str, *, twelve_hour_ok: bool = False) -> Check:
    """A clock time equal to ``hhmm`` in any notation; ``twelve_hour_ok``: "7:30" is accepted for 19:30."""
    hour, minute = (int(x) for x in hhmm.split(":"))

    def ok(value: Any) -> bool:
        for h, m in times_in(value if isinstance(value, str) else ""):
            if (h, m) == (hour, minute) or (twelve_hour_ok and (h + 12, m) == (hour, minute)):
                return True
        return False

    return Check(hhmm, ok)


MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def dates_in(text: Any) -> list[tuple[int | None, int, int]]:
    """Every calendar date in a text as (year or None, month, day): ISO, "15 December 2026", "Dec 15th"..."""
    if not isinstance(text, str):
        return []
    low = norm(text)
    found: list[tuple[int | None, int, int]] = []
    for y, m, d in re.findall(r"\b(\d{4})-(\d{1,2})-(\d{1,2})", low):
        found.append((int(y), int(m), int(d)))
    month_names = "|".join(sorted(MONTHS, key=len, reverse=True))
    for d, mon, y in re.findall(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?: of)? ({month_names})\.?,?(?: (\d{{4}}))?\b", low
    ):
        found.append((int(y) if y else None, MONTHS[mon], int(d)))
    for mon, d, y in re.findall(rf"\b({month_names})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b,?(?: (\d{{4}}))?", low):
        found.append((int(y) if y else None, MONTHS[mon], int(d)))
    for a, b, y in re.findall(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b", low):  # d/m/y or m/d/y: both readings
        year = int(y) + (2000 if len(y) == 2 else 0)
        found.extend([(year, int(b), int(a)), (year, int(a), int(b))])
    return found


def date_is(*wanted: date, words: Iterable[str] = (), year_optional: bool = True) -> Check:
    """A date equal to one of ``wanted`` (the year may be left out if ``year_optional``), or one of ``words``
    ("tomorrow", "friday") where a free-text parameter lets a real model pass the user's own word."""
    words = tuple(words)

    def ok(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if words and norm(value).strip(" .") in {norm(w) for w in words}:
            return True
        for year, month, day in dates_in(value):
            for w in wanted:
                if (month, day) == (w.month, w.day) and (year == w.year or (year is None and year_optional)):
                    return True
        return False

    return Check("/".join(w.isoformat() for w in wanted) + ("/" + "/".join(words) if words else ""), ok)


def items_match(*expected: str | tuple[str, ...], exact: bool = True) -> Check:
    """A list of strings: each expected item (a word, or a tuple of alternatives) is in one element; with
    ``exact`` every element is one of the expected items (no extra words taken as values)."""
    groups = [e if isinstance(e, tuple) else (e,) for e in expected]

    def ok(value: Any) -> bool:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return False
        if not all(any(mentions(v, *g) for v in value) for g in groups):
            return False
        return not exact or all(any(mentions(v, *g) for g in groups) for v in value)

    return Check("[" + ", ".join("/".join(g) for g in groups) + "]" + (" only" if exact else ""), ok)


def iana_zone(*zones: str) -> Check:
    return equals(*zones)


# --- reading a reply's text ---------------------------------------------------------------------------------

DECLINE_RE = re.compile(
    r"\b(can ?not|can't|cant|unable|not able|don't know|do not know|dont know|not sure|no idea|couldn't|could not|"
    r"don't have|do not have|no (?:access|way|information|record|data)|wasn't (?:told|given|mentioned)|"
    r"haven't (?:told|said|mentioned|given|shared)|didn't (?:tell|say|mention|give|share)|"
    r"not (?:been )?(?:told|given|provided|mentioned|specified|shared)|real (?:language )?model|stub|"
    r"need (?:a|the|your|more|to know)|please (?:provide|specify|tell|let me know|share|confirm|clarify)|"
    r"could you|can you (?:tell|give|share|specify|confirm|clarify|let)|would you (?:like|tell)|let me know|"
    r"which (?:one|city|day|time|date|airport|currency|country)|what (?:time|day|date|city|country|currency))\b",
    re.I,
)


GENERIC_OFFER_RE = re.compile(
    r"\b(how can i (help|assist)|what can i (do|help)|anything else|how may i)\b", re.I
)


def declines(text: Any) -> bool:
    """Says it cannot, does not know, or asks the user something (not a generic "how can I help?"): the words
    of an honest non-answer."""
    if not isinstance(text, str):
        return False
    if DECLINE_RE.search(norm(text)) is not None:
        return True
    return text.strip().endswith("?") and GENERIC_OFFER_RE.search(text) is None


def asks(text: Any) -> bool:
    return isinstance(text, str) and "?" in text


RAW_RE = re.compile(
    r"[\[{]\s*[\"']?[A-Za-z_]+[\"']?\s*:|\b[a-z_]+=[\[{\"']|\bargs:|\bThe result is \[|\[\s*\]|\[\s*\"|\{\s*\"",
    re.I,
)


def looks_raw(text: Any) -> bool:
    """Raw JSON, argument labels or a dumped list where a sentence was due."""
    if not isinstance(text, str):
        return False
    stripped = text.strip()
    return stripped.startswith(("{", "[")) or RAW_RE.search(text) is not None


def unechoed(text: Any, quoted: list[str]) -> str:
    """The reply without verbatim copies of what the user wrote: repeating the question is not answering it."""
    if not isinstance(text, str):
        return ""
    for said in sorted(quoted, key=len, reverse=True):
        if len(said.strip()) >= 8:
            text = re.sub(re.escape(said.strip()), " ", text, flags=re.I)
    return text


LIMITS_RE = re.compile(
    r"\b(stub|real (?:language )?model|no scripted answer|can ?not|can't|unable|not able)\b", re.I
)


def says_limits(text: Any) -> bool:
    """Says plainly that it cannot do this (or that it is the stub): honest, but not the answer itself."""
    return isinstance(text, str) and LIMITS_RE.search(norm(text)) is not None


def says_needs_real_model(text: Any) -> bool:
    """Points at its own limits (the stub, a real model, a script) rather than at what the user said."""
    return (
        isinstance(text, str)
        and re.search(r"\b(stub|real (?:language )?model|scripted)\b", norm(text)) is not None
    )


def says_superlative(subject: str, words: tuple[str, ...], others: tuple[str, ...]) -> Check:
    """A sentence names ``subject`` with a superlative ("the cheapest", "warmest"...), and no sentence gives the
    superlative to one of ``others`` instead: listing every option is not answering "which is ...?"."""

    def ok(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        sentences = re.split(r"(?<=[.!?;])\s+|\n+", value)
        with_word = [s for s in sentences if mentions(s, *words)]
        return any(mentions(s, subject) for s in with_word) and not any(
            mentions(s, *others) and not mentions(s, subject) for s in with_word
        )

    return Check(f"{subject} is the {words[0]}", ok)


def numbers_in(text: Any) -> list[float]:
    if not isinstance(text, str):
        return []
    words = {
        "zero": 0,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "fifteen": 15,
        "twenty": 20,
    }
    found = [float(n.replace(",", "")) for n in re.findall(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?", text)]
    found += [float(v) for w, v in words.items() if has_phrase(text, w)]
    return found


def has_number(text: Any, expected: float, tol: float = 0.01) -> bool:
    return any(abs(n - expected) <= tol for n in numbers_in(text))


_WIN = r"(?:won|wins|win|beat|beats|beating|defeated|defeats|edged|thrashed|overcame|saw off|got past|came out on top)"
_LOSS = r"(?:lost|loses|lose|were beaten|was beaten|got beaten|fell|went down|were defeated|was defeated|suffered)"


def _near(subject: str, verb: str) -> str:
    word = r"(?!(?:and|but|while|whereas|who|which)\b)[^\s.,;:!?]+"
    return rf"\b{re.escape(norm(subject))}\b(?:\s+{word}){{0,3}}?\s+{verb}\b"


def says_won(winner: str, loser: str) -> Check:
    """The text says ``winner`` won (or ``loser`` lost), and never that ``loser`` won: "Everton beat
    Brentford 2-0", "a 2-0 win for Everton", "Brentford lost 2-0 to Everton"."""

    def claims_win(text: str, team: str, other: str) -> bool:
        return (
            re.search(_near(team, _WIN), text) is not None
            or re.search(rf"\b(?:win|victory)\s+(?:for|to)\s+{re.escape(norm(team))}\b", text) is not None
            or re.search(_near(other, _LOSS), text) is not None
        )

    def ok(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        text = norm(value)
        return claims_win(text, winner, loser) and not claims_win(text, loser, winner)

    return Check(f"{winner} won", ok)
