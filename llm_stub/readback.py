"""Tool results read back as sentences that answer the question, as a model writes them.

A model given ``[{"airline": "ITA", "price_eur": 412}, {"airline": "Ryanair", "price_eur": 89}]`` for
"cheapest flight to rome?" says "The cheapest is Ryanair at €89.", not the JSON; for ``[]`` it says it
found none; for a game it says who won; for ``{"error": "city_not_found"}`` it says the city was not
found. This module does that from the result's shape and the question's words, for any tool:

* **Failures** in plain words (the error's text with its underscores and codes turned into words).
* **Lists**: none found; the superlative the question asks for (cheapest, best rated, fastest, nearest,
  earliest, ...) by the field that measures it; else a short list (at most five, "and 3 more").
* **Games**: two sides and their scores (home/away, team_a/team_b) give who won, or a draw.
* **Records**: the values that answer, with their units (°C, €, %), never the JSON or the labels of
  the call's own arguments; "12 + 7 = 19" for a calculation.

It also builds the clarifying question for a value the user has not given, by a small grammar ("Sure, I
can find trains. Where are you travelling from?"), never by pasting the tool's description.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from .knowledge import CURRENCY_SYMBOLS


class Result(Protocol):
    name: str

    @property
    def args(self) -> Any: ...

    @property
    def parsed(self) -> Any: ...

    @property
    def failed(self) -> bool: ...

    content: str


# --------------------------------------------------------------------------- words of a tool's name

_VERBS = frozenset("get fetch find search look lookup check list show query retrieve read load compute calculate "
                   "convert send create book set start make add update delete cancel track".split())  # fmt: skip


def _parts(name: str) -> list[str]:
    return [p.lower() for p in re.split(r"[_\-\s]+|(?<=[a-z])(?=[A-Z])", name) if p]


def action(name: str) -> str:
    """``get_weather`` -> "get the weather", ``search_recipes`` -> "search for recipes"."""
    parts = _parts(name)
    if len(parts) < 2:
        return f"use {name}"
    verb, rest = parts[0], [p for p in parts[1:] if p not in ("my", "the", "a")]
    if not rest:
        return verb
    thing = " ".join(rest)
    if verb in ("search", "look"):
        return f"{verb} for {thing}"
    return f"{verb} {thing}" if thing.endswith("s") and not thing.endswith("ss") else f"{verb} the {thing}"


def things(name: str) -> str:
    """What a tool returns a list of: ``search_recipes`` -> "recipes", ``get_flights`` -> "flights"."""
    rest = [p for p in _parts(name) if p not in _VERBS and p not in ("my", "the", "a", "by", "for")]
    if not rest:
        return "results"
    noun = rest[-1]
    return noun if noun.endswith("s") else f"{noun}s" if not noun.endswith(("y", "h")) else f"{noun} results"


def join(items: list[str], word: str = "and") -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


# --------------------------------------------------------------------------- values with their units

_CURRENCY_SUFFIX = re.compile(r"(?i)(?:^|_)(usd|eur|gbp|jpy|inr)$")


def _number(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))


def amount(key: str, value: Any, currency: str | None = None) -> str:
    """A value in words with its unit: ``temp_c`` 3 -> "3 °C", ``price_eur`` 412 -> "€412"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        low = key.lower()
        if re.fullmatch(r"temp(?:erature)?(?:_?(c|celsius))?", low):
            return f"{_number(value)} °C"
        if re.fullmatch(r"temp(?:erature)?_?(f|fahrenheit)", low):
            return f"{_number(value)} °F"
        code = _CURRENCY_SUFFIX.search(low)
        code = code.group(1).upper() if code else currency
        if code and re.search(r"(?i)price|cost|fare|amount|total|fee|eur|usd|gbp", low):
            symbol = CURRENCY_SYMBOLS.get(code)
            return f"{symbol}{_number(value)}" if symbol else f"{_number(value)} {code}"
        if re.search(r"(?i)percent|pct|humidity|chance|probability", low) and 0 <= value <= 100:
            return f"{_number(value)}%"
        if re.search(r"(?i)(?:^|_)(minutes?|mins?)$", low):
            return f"{_number(value)} min"
        if re.search(r"(?i)(?:^|_)(km|kilometres|kilometers)$", low):
            return f"{_number(value)} km"
        return _number(value)
    if isinstance(value, list):
        shown = [str(v) for v in value if isinstance(v, (str, int, float))][:5]
        return join(shown) if shown else f"{len(value)} items"
    if isinstance(value, dict):
        return join([f"{_words(k)} {amount(k, v)}" for k, v in list(value.items())[:3]])
    return str(value)


def _words(key: str) -> str:
    return " ".join(_parts(key))


_NAME_KEYS = (
    "name",
    "title",
    "label",
    "airline",
    "hotel",
    "product",
    "team",
    "city",
    "id",
    "model",
    "recipe",
)


def _label_of(item: dict) -> str:
    for key in _NAME_KEYS:
        for k, v in item.items():
            if isinstance(v, str) and (
                k.lower() == key or k.lower().endswith(f"_{key}") or k.lower().startswith(key)
            ):
                return v
    return next((v for v in item.values() if isinstance(v, str)), "")


# --------------------------------------------------------------------------- superlatives

# (words in the question, the direction, the field words that measure it)
_SUPERLATIVES: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (re.compile(r"(?i)\bcheapest|least expensive|lowest (?:price|cost|fare)|best (?:price|deal)\b"), "min",
     ("price", "cost", "fare", "amount", "total", "eur", "usd", "gbp")),
    (re.compile(r"(?i)\bmost expensive|priciest|dearest\b"), "max", ("price", "cost", "fare", "amount", "total")),
    (re.compile(r"(?i)\b(?:best|top|highest)(?:[- ]rated)?\b"), "max", ("rating", "stars", "score", "rank")),
    (re.compile(r"(?i)\b(?:worst|lowest)(?:[- ]rated)?\b"), "min", ("rating", "stars", "score")),
    (re.compile(r"(?i)\bfastest|quickest|shortest\b"), "min", ("duration", "minutes", "time", "hours", "length")),
    (re.compile(r"(?i)\bslowest|longest\b"), "max", ("duration", "minutes", "time", "hours", "length")),
    (re.compile(r"(?i)\bnearest|closest\b"), "min", ("distance", "km", "miles", "metres", "meters")),
    (re.compile(r"(?i)\bfurthest|farthest\b"), "max", ("distance", "km", "miles")),
    (re.compile(r"(?i)\bearliest|first\b"), "min", ("departure", "depart", "time", "date", "start")),
    (re.compile(r"(?i)\blatest|last\b"), "max", ("departure", "depart", "time", "date", "start")),
    (re.compile(r"(?i)\b(?:biggest|largest)\b"), "max", ("size", "area", "capacity", "population")),
    (re.compile(r"(?i)\bsmallest\b"), "min", ("size", "area", "capacity", "population")),
    (re.compile(r"(?i)\b(?:hottest|warmest)\b"), "max", ("temp", "temperature")),
    (re.compile(r"(?i)\b(?:coldest|coolest)\b"), "min", ("temp", "temperature")),
]  # fmt: skip


def _superlative(question: str, items: list[dict]) -> str | None:
    for pattern, direction, measures in _SUPERLATIVES:
        said = pattern.search(question)
        if said is None:
            continue
        for measure in measures:
            key = next(
                (k for k in items[0] if measure in k.lower() and isinstance(items[0][k], (int, float, str))),
                None,
            )
            if key is None:
                continue
            ranked = [i for i in items if isinstance(i.get(key), type(items[0][key]))]
            if not ranked:
                continue
            best = (min if direction == "min" else max)(ranked, key=lambda i: i[key])
            word = said.group(0).lower()
            word = word if not word.startswith(("best", "top", "highest", "lowest", "worst")) else (
                f"{word.split()[0]}-rated" if "rat" in key.lower() or "star" in key.lower() else word)  # fmt: skip
            currency = best.get("currency") if isinstance(best.get("currency"), str) else None
            label = _label_of(best)
            return f"The {word} is {label} at {amount(key, best[key], currency)}." if label else (
                f"The {word} is {amount(key, best[key], currency)}.")  # fmt: skip
    return None


# --------------------------------------------------------------------------- games

_SIDES = (("home", "away"), ("team_a", "team_b"), ("team1", "team2"), ("player1", "player2"))


def _game(data: dict) -> str | None:
    """Who won, from two sides and their scores: ``{"home": "Arsenal", "away": "Spurs", "home_goals": 1, ...}``."""
    keys = {k.lower(): k for k in data}
    for a, b in _SIDES:
        name_a = next(
            (
                data[keys[k]]
                for k in (a, f"{a}_team", f"{a}_name")
                if k in keys and isinstance(data[keys[k]], str)
            ),
            None,
        )
        name_b = next(
            (
                data[keys[k]]
                for k in (b, f"{b}_team", f"{b}_name")
                if k in keys and isinstance(data[keys[k]], str)
            ),
            None,
        )
        score_a = next((data[keys[k]] for k in keys if k.startswith(a) and k != a and isinstance(data[keys[k]], int)
                        and not isinstance(data[keys[k]], bool)), None)  # fmt: skip
        score_b = next((data[keys[k]] for k in keys if k.startswith(b) and k != b and isinstance(data[keys[k]], int)
                        and not isinstance(data[keys[k]], bool)), None)  # fmt: skip
        if name_a and name_b and score_a is not None and score_b is not None:
            if score_a == score_b:
                return f"{name_a} and {name_b} drew {score_a}–{score_b}."
            winner, loser = (name_a, name_b) if score_a > score_b else (name_b, name_a)
            hi, lo = max(score_a, score_b), min(score_a, score_b)
            where = " away" if (a == "home" and winner == name_b) else ""
            return f"{winner} won {hi}–{lo}{where} against {loser}."
    return None


# --------------------------------------------------------------------------- one result

_WORDY = ("conditions", "condition", "weather", "summary", "description", "forecast")
_OPERATORS = {"add": "+", "plus": "+", "sum": "+", "subtract": "−", "minus": "−", "multiply": "×", "times": "×",
              "divide": "÷", "div": "÷", "mul": "×", "sub": "−"}  # fmt: skip


def subject(result: Result) -> str:
    """What a call was about, in words: its string arguments ("Oslo", "order A1001")."""
    args = result.args
    if not isinstance(args, dict):
        return str(args) if args else ""
    parts = []
    for key, value in args.items():
        if isinstance(value, str) and value:
            label = " ".join(w for w in _parts(key) if w not in ("id", "name", "number", "code"))
            parts.append(f"{label} {value}" if label in ("order", "ticket", "invoice", "booking") else value)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            parts.append(join(value[:5]))
    return ", ".join(parts[:3])


def _calculation(result: Result) -> str | None:
    args = result.args
    if not isinstance(args, dict):
        return None
    numbers = [v for v in args.values() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    op = next(
        (_OPERATORS[v.lower()] for v in args.values() if isinstance(v, str) and v.lower() in _OPERATORS), None
    )
    expression = next(
        (v for v in args.values() if isinstance(v, str) and re.search(r"\d\s*[-+*/^×÷]\s*\d", v)), None
    )
    value = result.parsed
    if isinstance(value, dict):
        value = next(
            (v for k, v in value.items() if k.lower() in ("result", "value", "answer", "total")), None
        )
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if expression:
        return f"{expression} = {_number(value)}."
    if op and len(numbers) == 2:
        return f"{_number(numbers[0])} {op} {_number(numbers[1])} = {_number(value)}."
    return None


def _reason(data: Any, content: str) -> str:
    reason: Any = data.get("error") if isinstance(data, dict) and "error" in data else content
    if isinstance(reason, dict):
        reason = reason.get("message") or reason.get("code") or reason.get("type") or ""
    reason = " ".join(str(reason).split())
    reason = re.sub(r"(?i)^(?:error|exception)\s*:?\s*", "", reason)
    reason = re.sub(r"[_]+", " ", reason).strip(" .")
    reason = re.sub(
        r"\b([A-Z]{2,})\b", lambda m: m.group(1) if len(m.group(1)) <= 4 else m.group(1).lower(), reason
    )
    return reason[:1].lower() + reason[1:] if reason else "it returned an error"


def describe(result: Result, question: str = "") -> str:
    """One sentence that answers from a tool result (or says plainly what went wrong)."""
    about = subject(result)
    data = result.parsed
    if result.failed:
        where = f" for {about}" if about else ""
        return f"I couldn't {action(result.name)}{where}: {_reason(data, result.content)}."
    calculated = _calculation(result)
    if calculated:
        return calculated
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))  # {"results": [...]}: the list is the answer
    if isinstance(data, list):
        return _list(result, data, question, about)
    if isinstance(data, dict):
        game = _game(data)
        if game:
            return game
        return _record(result, data, about)
    content = " ".join(result.content.split())
    if not content:
        return f"The tool returned nothing for {about}." if about else "The tool returned nothing."
    if about:
        return f"{about}: {content}" + ("" if content.endswith(".") else ".")
    return content if len(content) > 60 else f"The result is {content}."


def _list(result: Result, items: list, question: str, about: str) -> str:
    noun = things(result.name)
    where = f" for {about}" if about else ""
    if not items:
        return f"I found no {noun}{where}."
    records = [i for i in items if isinstance(i, dict)]
    if len(records) == len(items):
        if len(records) > 1 and all(set(r) == set(records[0]) for r in records):
            best = _superlative(question, records)
            if best:
                return best
        shown = []
        for record in records[:5]:
            label = _label_of(record)
            measures = [
                (k, v) for k, v in record.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
            ]
            currency = record.get("currency") if isinstance(record.get("currency"), str) else None
            extra = amount(measures[0][0], measures[0][1], currency) if measures else ""
            shown.append(f"{label} ({extra})" if label and extra else label or extra)
        more = f" and {len(records) - 5} more" if len(records) > 5 else ""
        count = f"{len(records)} {noun if len(records) > 1 else noun.rstrip('s')}"
        return f"I found {count}{where}: {join(shown)}{more}."
    shown = [str(i) for i in items[:5]]
    more = f" and {len(items) - 5} more" if len(items) > 5 else ""
    return f"I found {len(items)} {noun}{where}: {join(shown)}{more}."


def _record(result: Result, data: dict, about: str) -> str:
    args = result.args if isinstance(result.args, dict) else {}
    shown = {k: v for k, v in data.items() if v not in args.values() and k != "ok" and v is not None}
    shown = shown or {k: v for k, v in data.items() if v is not None}
    currency = shown.pop("currency", None) if isinstance(shown.get("currency"), str) else None
    status = shown.pop("status", None)
    wordy = [shown.pop(k) for k in list(shown) if k.lower() in _WORDY and isinstance(shown[k], str)]
    body = []
    for key, value in list(shown.items())[:6]:
        if isinstance(value, bool):
            body.append(_words(key) if value else f"not {_words(key)}")
        elif key.lower() in ("in_stock", "stock", "quantity_in_stock") and isinstance(value, int):
            body.append(f"{value} in stock")
        elif re.fullmatch(r"(?i)temp(?:erature)?(?:_?[cf]|_?celsius|_?fahrenheit)?", key):
            body.append(amount(key, value, currency))
        else:
            body.append(f"{_words(key)} {amount(key, value, currency)}")
    text = ", ".join(body)
    if wordy:  # "18 °C and sunny", "-7 °C with heavy snow"
        joint = "and" if re.fullmatch(r"(?i)[a-z]+y", wordy[0]) else "with"
        text = f"{text} {joint} {wordy[0]}" if text else str(wordy[0])
    if not about:  # a tool without arguments: "get_my_location" gives "Your location"
        about = " ".join("your" if p == "my" else p for p in _parts(result.name)[1:])
    about = about[:1].upper() + about[1:]
    if status is not None:
        head = f"{about} is {status}" if about else f"The status is {status}"
        return f"{head} ({text})." if text else f"{head}."
    return f"{about}: {text}." if about else f"{text[:1].upper()}{text[1:]}."


# --------------------------------------------------------------------------- several results, one answer


def verdict(question: str, results: list[Result]) -> str | None:
    """Yes or No for a yes/no question, when a result clearly says which."""
    from .understanding import words

    if not re.match(r"(?i)\s*(is|are|do|does|did|can|will|should|has|have)\b", question) or len(results) != 1:
        return None
    result = results[0]
    data = result.parsed
    if result.failed or not isinstance(data, dict):
        return None
    asked = words(question)
    for key, value in data.items():
        if isinstance(value, (bool, int, float)) and words(key, synonyms=False) & asked:
            return "Yes." if value else "No."
    for value in data.values():
        if isinstance(value, str) and words(value, synonyms=False) & asked - words(subject(result)):
            return "Yes."
    return None


def answer(question: str, results: list[Result]) -> str:
    """The final answer from the results of this turn: a verdict first, then a sentence per result."""
    sentences = [describe(r, question) for r in results]
    said = verdict(question, results)
    if any(r.failed for r in results):
        sentences.append(
            "I can't answer that part without it; check the input or try again later."
            if len(results) == 1
            else "The rest is above; for the failed part, check the input or try again later."
        )
    return " ".join([said, *sentences] if said else sentences)


# --------------------------------------------------------------------------- asking for a missing value

_PLACE = frozenset(
    "city town place location where destination origin country region address station airport".split()
)
_WHEN = frozenset("date day time when datetime deadline start end alarm".split())


def ask(tool_name: str, missing: list[str], kinds: dict[str, str] | None = None) -> str:
    """A clarifying question for the values a call lacks, built from the tool's and the fields' names."""
    parts = [" ".join(_parts(m.replace("_id", "_number"))) for m in missing[:2]]
    first = set(_parts(missing[0])) if missing else set()
    if "origin" in first or "from" in first or "departure" in first:
        question = "Where are you starting from?" if len(missing) == 1 else "Where from, and where to?"
    elif "destination" in first or "to" in first:
        question = "Where are you going?"
    elif first & _WHEN:
        question = (
            "What time should I use?" if "time" in first or "alarm" in first else "Which date do you mean?"
        )
    elif first & _PLACE:
        question = f"Which {parts[0]} do you mean?"
    elif first & {"name", "person", "recipient", "to", "who"}:
        question = f"Who is the {parts[0]}?" if parts[0] != "name" else "What name should I use?"
    elif first & {"amount", "number", "count", "minutes", "seconds", "hours", "quantity", "days"}:
        question = f"How many {parts[0]}?" if parts[0].endswith("s") else f"What {parts[0]} should I use?"
    else:
        question = f"What {join(parts)} should I use?"
    need = join([f"the {p}" for p in parts])
    return f"Sure, I can {action(tool_name)}; I just need {need}. {question}"
