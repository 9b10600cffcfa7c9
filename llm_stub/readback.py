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

import datetime as _dt
import re
from typing import Any, Protocol

from . import results as _results
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


def amount(key: str, value: Any, currency: str | None = None, unit: str | None = None) -> str:
    """A value in words with its unit: ``temp_c`` 3 -> "3 °C", ``price_eur`` 412 -> "€412"; ``unit`` is a
    temperature's unit when the result says it elsewhere (a ``unit: "F"`` key, the call's own argument)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        low = key.lower()
        if re.fullmatch(r"temp(?:erature)?(?:_?(c|celsius|f|fahrenheit))?|feels_?like(?:_?[cf])?", low):
            said = (
                _results.unit_of(key) or unit or "C"
            )  # a bare "temp" of a weather tool: °C, as models read it
            return f"{_number(value)} °{said}"
        code = _CURRENCY_SUFFIX.search(low)
        code = code.group(1).upper() if code else currency
        if code and re.search(r"(?i)price|cost|fare|amount|total|fee|eur|usd|gbp", low):
            symbol = CURRENCY_SYMBOLS.get(code)
            said = f"{value:,.2f}" if isinstance(value, float) and not value.is_integer() else _number(value)
            return f"{symbol}{said}" if symbol else f"{said} {code}"  # £31.50, never £31.5
        if (
            re.search(r"(?i)chance|probability|(?:^|_)pop$", low)
            and isinstance(value, float)
            and 0 <= value <= 1
        ):
            return f"{_number(value * 100)}%"  # a chance of 0.7 is 70 %, as verdict reads it (never "0.7%")
        if re.search(r"(?i)percent|pct|humidity|chance|probability|(?:^|_)pop$", low) and 0 <= value <= 100:
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


# --------------------------------------------------------------------------- superlatives and limits


def _superlative(question: str, items: list[dict]) -> str | None:
    chosen = _results.pick(question, items)
    if chosen is None:
        return None
    best, key = chosen.record, chosen.key
    currency = best.get("currency") if isinstance(best.get("currency"), str) else None
    label = _label_of(best)
    shown = amount(key, best[key], currency, _results.unit_of(key, best))
    if chosen.word.endswith("er") and label:  # a comparative: "The Kobo is cheaper, at $99."
        return f"{label} is {chosen.word}, at {shown}."
    return f"The {chosen.word} is {label} at {shown}." if label else f"The {chosen.word} is {shown}."


def _across(question: str, results: list[Result]) -> str | None:
    """The winner of a superlative over one call per thing ("which is warmest?" after a weather call per city),
    then the others in a short list: "The warmest is Lima at 24 °C (Oslo 3 °C, Quito 15 °C)."."""
    records = _results.together(results)
    if records is None:
        return None
    chosen = _results.across(question, results)
    if chosen is None:
        return None
    best = _superlative(question, records)
    if best is None:
        return None
    others = [r for r in records if r is not chosen.record]
    rest = [f"{_label_of(r)} {amount(chosen.key, r[chosen.key], None, _results.unit_of(chosen.key, r))}"
            for r in others if _label_of(r)]  # fmt: skip
    return f"{best[:-1]} ({join(rest)})." if rest else best


# --------------------------------------------------------------------------- games


def _game(data: dict) -> str | None:
    """Who won, from two sides and their scores: ``{"home": "Arsenal", "away": "Spurs", "home_goals": 1, ...}``."""
    outcome = _results.game(data)
    if outcome is None:
        return None
    a, b = outcome["home_team"], outcome["away_team"]
    score_a, score_b = outcome["home_score"], outcome["away_score"]
    if outcome["draw"]:
        return f"{a} and {b} drew {_number(score_a)}–{_number(score_b)}."
    hi, lo = max(score_a, score_b), min(score_a, score_b)
    where = " away" if outcome["_home_side"] == "home" and outcome["winner"] == b else ""
    return f"{outcome['winner']} won {_number(hi)}–{_number(lo)}{where} against {outcome['loser']}."


def _winner(data: dict) -> str | None:
    """A result that names the winner without a score: "Rangers won.", or "It was a draw."."""
    side = _results.winner_only(data)
    if side is None:
        return None
    if re.fullmatch(r"(?i)\s*(?:draw|drawn|tie|tied|none|nobody|no one)\s*", side):
        return "It was a draw."
    return f"{side} won."


# "did chelsea win?", "did Everton lose last night", "did the Saints draw?": whether one side won, from a game
_DID = re.compile(r"(?i)\bdid\s+(?:the\s+)?(.+?)\s+(win|won|lose|lost|draw|drew|tie|beat)\b")


def _game_verdict(question: str, data: dict) -> str | None:
    """Yes or No to "did X win?" from a game's outcome (a draw is no win and no loss), or None when the
    question does not ask it of a side the result names."""
    asked = _DID.search(question)
    if asked is None:
        return None
    side, verb = asked.group(1).lower(), asked.group(2).lower()
    outcome = _results.game(data)
    if outcome is not None:
        names = [outcome["home_team"], outcome["away_team"]]
        winner, draw = outcome["winner"], outcome["draw"]
    else:
        winner = _results.winner_only(data)
        if winner is None:
            return None
        draw = _winner(data) == "It was a draw."
        names = [winner]
    ours = next((n for n in names if n and (n.lower() in side or side in n.lower())), None)
    if ours is None and not (draw or outcome is None):
        return None  # "did Porto win?" of a game Porto did not play in
    if verb in ("draw", "drew", "tie"):
        return "Yes." if draw else "No."
    if draw:
        return "No, it was a draw."
    won = ours is not None and ours == winner
    return "Yes." if won == (verb in ("win", "won", "beat")) else "No."


# --------------------------------------------------------------------------- one result

_WORDY = ("conditions", "condition", "weather", "summary", "description", "forecast")
_OPERATORS = {"add": "+", "plus": "+", "sum": "+", "subtract": "−", "minus": "−", "multiply": "×", "times": "×",
              "divide": "÷", "div": "÷", "mul": "×", "sub": "−"}  # fmt: skip


_TEMPERATURE_WORDS = frozenset("temp temperature c f celsius fahrenheit degrees".split())
# Arguments that say how to answer, not what about: "Paris" is the subject of a call, "celsius" is not.
_HOW_ARGS = re.compile(r"(?i)units?|temp_?unit|temperature_?unit|scale|format|lang(?:uage)?|locale|sort(?:_?by)?|"
                       r"order(?:_?by)?|limit|page|currency|mode|style|tone|verbose")  # fmt: skip


_ORIGIN = re.compile(r"(?i)(?:from|origin|source|departure|depart(?:ure)?_?(?:city|airport)?|start|from_\w+)")
_DESTINATION = re.compile(r"(?i)(?:to|destination|dest|arrival|arrive_?(?:city|airport)?|end|to_\w+)")


def _spoken_date(value: str) -> str | None:
    """An ISO date as people say it: "2026-12-11" -> "on Friday 11 December"."""
    try:
        day = _dt.date.fromisoformat(value)
    except ValueError:
        return None
    return f"on {day:%A} {day.day} {day:%B}"


def subject(result: Result) -> str:
    """What a call was about, in words: its string arguments ("Oslo", "order A1001", "Porto on Friday 11
    December"), without those that only say how to answer (a unit, a language)."""
    args = result.args
    if not isinstance(args, dict):
        return str(args) if args else ""
    origin = next((v for k, v in args.items() if isinstance(v, str) and _ORIGIN.fullmatch(k)), None)
    destination = next((v for k, v in args.items() if isinstance(v, str) and _DESTINATION.fullmatch(k)), None)
    parts = [f"from {origin} to {destination}"] if origin and destination else []
    for key, value in args.items():
        if isinstance(value, str) and (
            _HOW_ARGS.fullmatch(key) or (parts and value in (origin, destination))
        ):
            continue
        spoken = (
            _spoken_date(value)
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
            else None
        )
        if spoken and parts:
            parts[-1] = f"{parts[-1]} {spoken}"
        elif spoken:
            parts.append(spoken[3:])
        elif isinstance(value, str) and value:
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


_VALUE_KEYS = frozenset("result converted converted_amount value amount total answer output".split())


def _conversion(result: Result) -> str | None:
    """ "80 GBP is 93.60 EUR." for a conversion: an amount, a from and a to argument, a number back."""
    args = result.args if isinstance(result.args, dict) else {}
    source = next(
        (
            v
            for k, v in args.items()
            if isinstance(v, str) and re.fullmatch(r"(?i)(?:from|source|base)(?:_?\w+)?", k)
        ),
        None,
    )
    target = next(
        (
            v
            for k, v in args.items()
            if isinstance(v, str) and re.fullmatch(r"(?i)(?:to|target|quote)(?:_?\w+)?", k)
        ),
        None,
    )
    given = next((v for v in args.values() if isinstance(v, (int, float)) and not isinstance(v, bool)), None)
    data = result.parsed
    if isinstance(data, dict):
        data = next((v for k, v in data.items() if k.lower() in _VALUE_KEYS and isinstance(v, (int, float))
                     and not isinstance(v, bool)), None)  # fmt: skip
    if None in (source, target, given) or not isinstance(data, (int, float)) or isinstance(data, bool):
        return None
    money = all(re.fullmatch(r"[A-Z]{3}", str(c)) for c in (source, target))

    def said(value: float, code: str) -> str:
        if money:
            symbol = CURRENCY_SYMBOLS.get(code)
            shown = f"{value:,.2f}" if isinstance(value, float) and not value.is_integer() else _number(value)
            return f"{symbol}{shown}" if symbol else f"{shown} {code}"
        return f"{_number(value)} {code}"

    return f"{said(given, str(source))} is {said(data, str(target))}."


def reason(result: Result) -> str:
    """What went wrong in a failed result, in words ("city not found")."""
    return _reason(result.parsed, result.content)


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


# A result that only says the action worked: {"ok": true}, {"status": "added"}, {"success": true, "message": ...}.
# A model says what was done ("Done: I've added 2 rice to your shopping list."), never "Rice: ok."
_DONE_KEYS = frozenset("ok success succeeded status result message done".split())
_DONE_WORDS = frozenset("ok okay success successful done added created set saved scheduled booked confirmed "
                        "completed updated removed deleted sent started stopped cancelled canceled true".split())  # fmt: skip
_IRREGULAR = {"set": "set", "put": "put", "send": "sent", "make": "made", "buy": "bought", "get": "got",
              "find": "found", "run": "ran", "take": "took", "cut": "cut", "pay": "paid", "keep": "kept"}  # fmt: skip
_PREPOSITIONS = frozenset("to on in into onto for from".split())


def _past(verb: str) -> str:
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    if len(verb) <= 4 and re.fullmatch(r"[a-z]*[^aeiou][aeiou][bdglmnprt]", verb):
        return verb + verb[-1] + "ed"  # stop, log, plan
    return verb + "ed"


def _only_done(data: dict) -> bool:
    if not data or not set(data) <= _DONE_KEYS:
        return False
    flags = [v for k, v in data.items() if k != "message"]
    return bool(flags) and all(
        v is True or (isinstance(v, str) and v.strip().lower() in _DONE_WORDS) for v in flags
    )


def _done(result: Result, data: dict) -> str:
    """ "Done: I've added 2 rice to your shopping list." for a result that only says it worked."""
    parts = _parts(result.name)
    verb = parts[0] if parts else "do"
    rest = [p for p in parts[1:] if p not in ("my", "the", "a", "an")]
    args = result.args if isinstance(result.args, dict) else {}
    count = next((v for k, v in args.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
                  and set(_parts(k)) & {"quantity", "qty", "count", "number", "amount"}), None)  # fmt: skip
    what = subject(result)
    if rest and rest[0] in _PREPOSITIONS:
        where = f" {rest[0]} your {' '.join(rest[1:])}" if len(rest) > 1 else ""
        what = f"{_number(count)} {what}" if count is not None and what else what
        said = f"Done: I've {_past(verb)} {what or 'that'}{where}."
    else:
        thing = " ".join(rest)
        said = f"Done: I've {_past(verb)} the {thing}" if thing else f"Done: I've {_past(verb)} it"
        said += f" ({what})." if what else "."
    message = data.get("message")
    if isinstance(message, str) and message.strip():
        said += f" {message.strip().rstrip('.')}."
    return said


def describe(result: Result, question: str = "") -> str:
    """One sentence that answers from a tool result (or says plainly what went wrong)."""
    about = subject(result)
    data = result.parsed
    if result.failed:
        where = f" for {about}" if about else ""
        return f"I couldn't {action(result.name)}{where}: {_reason(data, result.content)}."
    calculated = _calculation(result) or _conversion(result)
    if calculated:
        return calculated
    if isinstance(data, dict) and _results.the_list(data) is not None:
        data = _results.the_list(
            data
        )  # {"results": [...]}, {"count": 0, "events": []}: the list is the answer
    if isinstance(data, list):
        return _list(result, data, question, about)
    if isinstance(data, dict):
        game = _game(data) or _winner(data)
        if game:
            return game
        if _only_done(data):
            return _done(result, data)
        return _record(result, data, about)
    content = " ".join(result.content.split())
    if not content:
        return f"The tool returned nothing for {about}." if about else "The tool returned nothing."
    if about:
        return f"{about}: {content}" + ("" if content.endswith(".") else ".")
    return content if len(content) > 60 else f"The result is {content}."


def _list(result: Result, items: list, question: str, about: str) -> str:
    noun = things(result.name)
    where = f" {about}" if about.startswith(("from ", "on ")) else f" for {about}" if about else ""
    if not items:
        return f"I found no {noun}{where}."
    records = [i for i in items if isinstance(i, dict)]
    games = [_game(r) or _winner(r) for r in records]
    if records and len(records) == len(items) and all(games):  # one call for two teams: a sentence per game
        return " ".join(games)
    if len(records) == len(items):
        if len(records) > 1 and all(set(r) == set(records[0]) for r in records):
            best = _superlative(question, records)
            if best:
                return best
        kept = _results.within(question, records)
        if kept is not None:  # "hotels under €100": the ones that meet the limit, not every result
            chosen, limit = kept
            if not chosen:
                return f"None of the {len(records)} {noun}{where} is {limit.phrase}."
            count = f"{len(chosen)} of the {len(records)} {noun}" if len(chosen) > 1 else f"Only {_one(noun)}"
            return f"{count}{where} {'are' if len(chosen) > 1 else 'is'} {limit.phrase}: {_shown(chosen)}."
        more = f" and {len(records) - 5} more" if len(records) > 5 else ""
        count = f"{len(records)} {noun if len(records) > 1 else _one(noun)}"
        return f"I found {count}{where}: {_shown(records)}{more}."
    shown = [str(i) for i in items[:5]]
    more = f" and {len(items) - 5} more" if len(items) > 5 else ""
    return f"I found {len(items)} {noun}{where}: {join(shown)}{more}."


def _one(noun: str) -> str:
    return noun[:-8] if noun.endswith(" results") else noun[:-1] if noun.endswith("s") else noun


def _shown(records: list[dict]) -> str:
    """The first five records, each as its label and first measure: "Ribeira Inn (€85)"."""
    shown = []
    for record in records[:5]:
        label = _label_of(record)
        measures = [
            (k, v) for k, v in record.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
        currency = record.get("currency") if isinstance(record.get("currency"), str) else None
        extra = (
            amount(measures[0][0], measures[0][1], currency, _results.unit_of(measures[0][0], record))
            if measures
            else ""
        )
        shown.append(f"{label} ({extra})" if label and extra else label or extra)
    return join(shown)


def _record(result: Result, data: dict, about: str) -> str:
    args = result.args if isinstance(result.args, dict) else {}
    shown = {k: v for k, v in data.items() if v not in args.values() and k != "ok" and v is not None}
    shown = shown or {k: v for k, v in data.items() if v is not None}
    currency = shown.pop("currency", None) if isinstance(shown.get("currency"), str) else None
    units = [_results.unit_of(k, data, args) for k in data]
    temperature_unit = next((u for u in units if u in ("C", "F")), None)
    for key in [k for k in shown if re.fullmatch(r"(?i)units?|temp_?unit|temperature_?unit|scale", k)]:
        if temperature_unit is not None:
            shown.pop(key)  # said with the temperature: "41 °F", not "unit F"
    status = shown.pop("status", None)
    wordy = [shown.pop(k) for k in list(shown) if k.lower() in _WORDY and isinstance(shown[k], str)]
    body = []
    for key, value in list(shown.items())[:6]:
        if isinstance(value, bool):
            body.append(_words(key) if value else f"not {_words(key)}")
        elif key.lower() in ("in_stock", "stock", "quantity_in_stock") and isinstance(value, int):
            body.append(f"{value} in stock")
        elif isinstance(value, (int, float)) and _results.unit_of(key, data, args) in ("C", "F"):
            # "temp_c" 18 -> "18 °C", "high_c" 21 -> "high 21 °C", "feels_like" 16 -> "feels like 16 °C"
            label = " ".join(p for p in _parts(key) if p not in _TEMPERATURE_WORDS)
            said = f"{_number(value)} °{_results.unit_of(key, data, args)}"
            body.append(f"{label} {said}" if label else said)
        else:
            said = amount(key, value, currency)
            # "price_gbp" 24.99 -> "price £24.99": the code is said by the symbol, not again in the label
            label = " ".join(
                p for p in _parts(key) if not (p.upper() in CURRENCY_SYMBOLS and not said[:1].isalnum())
            )
            body.append(f"{label or _words(key)} {said}")
    text = ", ".join(body)
    if wordy:  # "18 °C and sunny", "17 °C and clear", "-7 °C with heavy snow"
        joint = "and" if re.fullmatch(r"(?i)(?:[a-z]+ )?(?:[a-z]+y|clear|fair|fine|dry|mild|calm|bright|overcast|"
                                      r"cool|cold|warm|hot|humid|wet|grey|gray)(?: and [a-z]+)?", wordy[0]) else "with"  # fmt: skip
        text = f"{text} {joint} {wordy[0]}" if text else str(wordy[0])
    if not about:  # a tool without arguments: "get_my_location" gives "Your location"
        about = " ".join("your" if p == "my" else p for p in _parts(result.name)[1:])
    about = about[:1].upper() + about[1:]
    if status is not None:
        head = f"{about} is {status}" if about else f"The status is {status}"
        return f"{head} ({text})." if text else f"{head}."
    return f"{about}: {text}." if about else f"{text[:1].upper()}{text[1:]}."


# --------------------------------------------------------------------------- several results, one answer


_YES_NO = re.compile(
    r"(?i)\s*(?:so\s+|and\s+|but\s+)?(is|are|do|does|did|can|will|would|should|has|have|was|were|"
    r"am|any (?:chance|risk|sign|rain|snow|showers?|storms?|sun))\b"
)
# What to wear against the cold: "should I take a coat?", "do I need a jacket?" is asked of the temperature
# (and of rain or snow), as a model weighs it; under 15 °C (59 °F) a coat is worth taking.
_COLD_WEAR = re.compile(r"(?i)\b(?:coat|jacket|jumper|sweater|hoodie|fleece|layers?|scarf|gloves)\b")
# Weather a yes/no question asks about ("will it rain?"), and the words a forecast says it with.
_WEATHER_ASKED = {"rain": ("rain", "shower", "drizzle", "storm", "thunder", "wet"), "snow": ("snow", "sleet", "blizzard"),
                  "sun": ("sun", "clear", "bright"), "wind": ("wind", "gale", "gust", "breez"),
                  "storm": ("storm", "thunder"), "cloud": ("cloud", "overcast", "grey", "gray"), "fog": ("fog", "mist", "haze")}  # fmt: skip
_CHANCE_KEY = re.compile(r"(?i)chance|probability|precip|\bpop\b|rain_?pct|rain_?percent")


def verdict(question: str, results: list[Result]) -> str | None:
    """Yes or No for a yes/no question, from the last result (the one a chain of calls ends with): a flag
    named in the question, or the weather it asks about in a forecast's words or chance."""
    from .understanding import words

    done = [r for r in results if not r.failed and isinstance(r.parsed, dict)]
    if not _YES_NO.match(question) or not done or len(done) != len(results):
        return None
    if len(results) > 1 and not _chained(results, question):
        return None  # two answers to two questions: each sentence says its own
    data = done[-1].parsed
    if _results.the_list(data) is not None:
        return None  # a list answers "which", not "whether"
    if _results.game(data) is not None or _results.winner_only(data) is not None:
        return _game_verdict(question, data)  # a game's outcome says whether a side won, nothing else does
    asked = words(question)
    for key, value in data.items():
        if _CHANCE_KEY.search(key):
            continue  # a chance of rain is a number to weigh, not a flag: 10 % is no
        if isinstance(value, (bool, int, float)) and words(key, synonyms=False) & asked:
            return "Yes." if value else "No."  # "is it in stock?": in_stock 12 is a yes
    low = _RAIN_TALK.sub("rain", question.lower())  # "will it pour?", "do I need my umbrella?" ask about rain
    if _COLD_WEAR.search(question) and not re.search(r"\b(?:rain|snow|umbrella)", low):
        return _wear(data)
    for topic, said in _WEATHER_ASKED.items():
        # "do i need an umbrella?" asks about rain without the word (understanding's synonyms)
        if not re.search(rf"\b{topic}", low) and not (
            topic == "rain" and "rain" in asked and "weather" in asked
        ):
            continue
        chance_key = next((k for k, v in data.items() if _CHANCE_KEY.search(k) and isinstance(v, (int, float))
                           and not isinstance(v, bool)), None)  # fmt: skip
        text = " ".join(str(v).lower() for k, v in data.items() if k.lower() in _WORDY and isinstance(v, str))
        named = {t for t in ("rain", "snow", "storm", "thunder") if t in (chance_key or "").lower()}
        if chance_key is not None and topic in ("rain", "snow", "storm") and (not named or topic in named):
            # a chance of rain says nothing about snow or sun: those are read from the conditions' words
            chance = data[chance_key]
            percent = (
                chance * 100 if isinstance(chance, float) and chance <= 1 else chance
            )  # 0.8 is 80 %, 1 is 1 %
            # the reason with the verdict, as a model gives it: "Yes, probably: 80% chance of rain."
            why = f"{_number(percent)}% chance of {topic if named or topic != 'rain' else 'rain'}"
            if not named and topic != "rain":
                why = f"{_number(percent)}% chance of precipitation"
            showing = next((w for w in said if w in text), None)
            why += f" ({text})" if showing and len(text) <= 30 else ""
            return (f"Yes, probably: {why}." if percent >= 60 else f"Maybe: {why}." if percent >= 30
                    else f"Probably not: only {why}.")  # fmt: skip
        if text:
            return "Yes." if any(w in text for w in said) else "No."  # the reading that follows says why
    for value in data.values():
        if isinstance(value, str) and words(value, synonyms=False) & asked - words(subject(done[-1])):
            return "Yes."
    return None


_RAIN_TALK = re.compile(r"\b(?:pour(?:ing)?|wet|umbrella|brolly|showers?|drizzl\w*)\b")


def _wear(data: dict) -> str | None:
    """Yes or no to a coat, from a forecast's temperature and its rain or snow, with the reason."""
    temps = [(k, v) for k, v in data.items() if _results.unit_of(k, data) in ("C", "F")
             and isinstance(v, (int, float)) and not isinstance(v, bool)]  # fmt: skip
    text = " ".join(str(v).lower() for k, v in data.items() if k.lower() in _WORDY and isinstance(v, str))
    wet = next((w for w in ("snow", "sleet", "rain", "shower", "drizzle", "storm") if w in text), None)
    if not temps:
        return None if not text else (f"Yes: {text} is forecast." if wet else None)
    key, value = temps[0]
    unit = _results.unit_of(key, data)
    celsius = _results.convert(value, unit, "C")
    said = f"{_number(value)} °{unit}" + (f" with {text}" if text else "")
    if celsius < 15 or wet:
        return f"Yes, I'd take one: it's {said}."
    return f"Probably not: it's {said}."


def _chained(results: list[Result], question: str = "") -> bool:
    """Did each call use what the one before it returned (the location, then the weather there)? A value the
    question itself names ("the leeds score and will it rain in leeds") was not passed along."""
    said = question.lower()
    for before, after in zip(results, results[1:], strict=False):
        given = before.parsed if isinstance(before.parsed, dict) else {}
        used = after.args if isinstance(after.args, dict) else {}
        if not any(
            isinstance(v, str) and v in used.values() and v.lower() not in said for v in given.values()
        ):
            return False
    return True


def answer(question: str, results: list[Result]) -> str:
    """The final answer from the results of this turn: a verdict first, then a sentence per result (a result
    that only fed the next call, such as a location, goes without saying)."""
    shown = results
    if len(results) > 1 and _chained(results, question) and not any(r.failed for r in results):
        shown = results[-1:]
    said = verdict(question, results)
    compared = _across(question, shown) if said is None else None
    if compared is not None:
        sentences = [compared]
    elif said is None and len(shown) > 1:
        # two requests, two results ("the leeds score, and will it rain there"): each yes/no question is
        # answered by the result that settles it, before that result's sentence
        from .understanding import clauses

        open_questions = [c for c in clauses(question) if _YES_NO.match(c)]
        sentences = []
        for result in shown:
            parsed = result.parsed if isinstance(result.parsed, dict) else {}
            if (
                _results.game(parsed) is not None
            ):  # "did Ajax and Porto win?": each game says it in its sentence
                sentences.append(describe(result, question))
                continue
            settled = next((c for c in open_questions if verdict(c, [result])), None)
            if settled is not None:
                open_questions.remove(settled)
                sentences.append(f"{verdict(settled, [result])} {describe(result, question)}")
            else:
                sentences.append(describe(result, question))
    else:
        sentences = [describe(r, question) for r in shown]
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
