"""What tool results say, for any tool: the record a question picks, a game's outcome, units, and which key
of a result answers a field of the caller's schema.

A model that reads ``[{"airline": "TAP", "price_eur": 180}, {"airline": "easyJet", "price_eur": 74}]`` for
"cheapest flight?" and must fill ``{"airline", "price"}`` writes easyJet and 74: it picks the record the
question asks for (the superlative, or the ones a filter such as "under €100" keeps) and matches ``price``
to ``price_eur`` by meaning. This module does that from the results' shape and the words alone:

* **Picking** (``pick``, ``within``): the superlative the question names (cheapest, warmest, best rated,
  earliest, ...) by the field that measures it; a limit ("under €100", "over 4 stars", "at least 3") kept
  by the records that meet it.
* **Games** (``game``): two sides and their goals give the winner, the loser, or a draw.
* **Units** (``unit_of``): a key's unit from its name (``temp_f``, ``price_eur``), a sibling ``unit`` key
  ("F", "fahrenheit") or the call's own ``unit`` argument; ``convert`` moves a temperature between °C
  and °F when the field asks for the other one.
* **Matching** (``match_key``): ``temp_c`` answers ``temperature``, ``price_eur`` answers ``price``,
  ``departs`` answers ``departure_time``; exact names first, then shared word stems, then known
  abbreviations, never a key of another meaning.
* **Reading** (``records``): the records the turn's results give, newest first, each with its unit
  context; a failed result gives its error in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol


class Result(Protocol):
    name: str
    content: str

    @property
    def args(self) -> Any: ...

    @property
    def parsed(self) -> Any: ...

    @property
    def failed(self) -> bool: ...


def parts(name: str) -> list[str]:
    """The words of a key or tool name: ``priceEur`` and ``price_eur`` -> ["price", "eur"]."""
    return [p.lower() for p in re.split(r"[_\-\s.]+|(?<=[a-z])(?=[A-Z])", name) if p]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --------------------------------------------------------------------------- picking a record

# (words in the question, the direction, the key words that measure it)
SUPERLATIVES: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
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
    (re.compile(r"(?i)\b(?:hottest|warmest)\b"), "max", ("temp", "temperature", "high")),
    (re.compile(r"(?i)\b(?:coldest|coolest)\b"), "min", ("temp", "temperature", "low")),
    (re.compile(r"(?i)\b(?:wettest|rainiest)\b"), "max", ("rain", "precipitation", "chance")),
    (re.compile(r"(?i)\b(?:driest)\b"), "min", ("rain", "precipitation", "chance")),
    # comparatives between the things asked about ("which is cheaper, the Kobo or the Kindle?"); "cheaper than
    # €80" is a limit (``limit``), not a choice
    (re.compile(r"(?i)\b(?:cheaper|less expensive)\b(?!\s+than)"), "min", ("price", "cost", "fare", "amount", "total")),
    (re.compile(r"(?i)\b(?:pricier|more expensive|dearer)\b(?!\s+than)"), "max", ("price", "cost", "fare", "amount")),
    (re.compile(r"(?i)\b(?:warmer|hotter)\b(?!\s+than)"), "max", ("temp", "temperature", "high")),
    (re.compile(r"(?i)\b(?:colder|cooler)\b(?!\s+than)"), "min", ("temp", "temperature", "low")),
    (re.compile(r"(?i)\b(?:closer|nearer)\b(?!\s+than)"), "min", ("distance", "km", "miles", "metres", "meters")),
    (re.compile(r"(?i)\b(?:faster|quicker)\b(?!\s+than)"), "min", ("duration", "minutes", "time", "hours")),
    (re.compile(r"(?i)\b(?:bigger|larger)\b(?!\s+than)"), "max", ("size", "area", "capacity", "population")),
]  # fmt: skip


@dataclass(frozen=True)
class Picked:
    record: dict
    word: str  # as the question says it: "cheapest", "best-rated"
    key: str  # the key that measured it


def pick(question: str, items: list[dict]) -> Picked | None:
    """The record the question's superlative asks for ("the cheapest": the least ``price_eur``)."""
    if not items:
        return None
    for pattern, direction, measures in SUPERLATIVES:
        said = pattern.search(question)
        if said is None:
            continue
        for measure in measures:
            key = next((k for k in items[0] if measure in k.lower() and isinstance(items[0][k], (int, float, str))
                        and not isinstance(items[0][k], bool)), None)  # fmt: skip
            if key is None:
                continue
            ranked = [i for i in items if isinstance(i.get(key), type(items[0][key]))]
            if not ranked:
                continue
            best = (min if direction == "min" else max)(ranked, key=lambda i: i[key])
            word = said.group(0).lower()
            if word.startswith(("best", "top", "highest", "lowest", "worst")):
                word = f"{word.split()[0]}-rated" if "rat" in key.lower() or "star" in key.lower() else word
            return Picked(best, word, key)
    return None


# "under €100", "below 50", "less than $80", "cheaper than 200", "over 4 stars", "at least 3", "max 2 hours"
_LIMIT = re.compile(
    r"(?i)\b(under|below|less than|cheaper than|lower than|up to|at most|max(?:imum)?|no more than|within|"
    r"over|above|more than|at least|min(?:imum)?|higher than|better than)\s+"
    r"([$€£¥₹])?\s?(\d[\d,]*(?:\.\d+)?)\s*(k\b)?\s*([a-z%]+)?"
)
_BELOW = ("under", "below", "less than", "cheaper than", "lower than", "up to", "at most", "max", "maximum",
          "no more than", "within")  # fmt: skip
_MONEY_KEYS = ("price", "cost", "fare", "amount", "total", "rate", "eur", "usd", "gbp", "fee")
_UNIT_KEYS = {"star": ("rating", "stars"), "km": ("distance", "km"), "mile": ("distance", "miles"),
              "min": ("duration", "minutes", "time"), "hour": ("duration", "hours", "time"), "%": ("percent", "chance"),
              "degree": ("temp", "temperature")}  # fmt: skip


@dataclass(frozen=True)
class Limit:
    phrase: str  # as written: "under €100"
    key: str
    bound: float
    below: bool

    def keeps(self, record: dict) -> bool:
        value = record.get(self.key)
        if not _number(value):
            return False
        return value <= self.bound if self.below else value >= self.bound


def limit(question: str, items: list[dict]) -> Limit | None:
    """The limit the question sets on a list of records ("under €100" on ``price_eur``), if any."""
    m = _LIMIT.search(question)
    if m is None or not items:
        return None
    word, symbol, amount, thousands, unit = m.groups()
    bound = float(amount.replace(",", "")) * (1000 if thousands else 1)
    unit = (unit or "").lower()
    if symbol or unit in ("eur", "euro", "euros", "usd", "dollars", "gbp", "pounds", "bucks", "quid"):
        measures: tuple[str, ...] = _MONEY_KEYS
    else:
        measures = next((keys for stem, keys in _UNIT_KEYS.items() if unit.startswith(stem)), _MONEY_KEYS)
    numeric = [k for k, v in items[0].items() if _number(v)]
    key = next((k for measure in measures for k in numeric if measure in k.lower()), None)
    if key is None and len(numeric) == 1 and not unit:
        key = numeric[0]
    if key is None:
        return None
    below = " ".join(word.lower().split()) in _BELOW  # "at most" is a ceiling, "at least" a floor
    return Limit(" ".join(m.group(0).split()), key, bound, below)


def within(question: str, items: list[dict]) -> tuple[list[dict], Limit] | None:
    """The records that meet the question's limit, and the limit (None when the question sets none)."""
    found = limit(question, items)
    if found is None:
        return None
    return [i for i in items if found.keeps(i)], found


# --------------------------------------------------------------------------- games

_SIDES = (("home", "away"), ("team_a", "team_b"), ("team1", "team2"), ("player1", "player2"))


def game(data: dict) -> dict | None:
    """Two sides and their goals: the sides, the scores, the winner and loser (None in a draw), and ``draw``."""
    keys = {k.lower(): k for k in data}
    for a, b in _SIDES:
        sides = []
        for side in (a, b):
            named = (side, f"{side}_team", f"{side}_name", f"{side}team", f"{side}_side", f"{side}_club")
            name = next((data[keys[k]] for k in named if k in keys and isinstance(data[keys[k]], str)), None)
            score = next((data[keys[k]] for k in keys if k.startswith(side) and k not in named
                          and _number(data[keys[k]])), None)  # fmt: skip
            sides.append((name, score))
        (name_a, score_a), (name_b, score_b) = sides
        if name_a and name_b and (score_a is None or score_b is None):
            score_a, score_b = _side_scores(data, keys, a, b)
        if name_a and name_b and score_a is not None and score_b is not None:
            draw = score_a == score_b
            winner = None if draw else name_a if score_a > score_b else name_b
            loser = None if draw else name_b if winner == name_a else name_a
            return {"home_team": name_a, "away_team": name_b, "home_score": score_a, "away_score": score_b,
                    "winner": winner, "loser": loser, "draw": draw, "score": f"{score_a}-{score_b}",
                    "result": "draw" if draw else ("home_win" if winner == name_a else "away_win"),
                    "_home_side": a}  # fmt: skip
    if any(isinstance(v, list) for v in data.values()):
        listed = _listed_game(data)
        if listed is not None:
            return listed
    return _one_sided_game(data, keys) or _said_game(data, keys)


# One side's view of a game, as a learner's tool writes it: ``{"team": "Arsenal", "opponent": "Spurs",
# "goals_for": 0, "goals_against": 3}`` (also "scored"/"conceded", "our_score"/"their_score").
_US = re.compile(r"(?i)team|club|side|name|us")
_THEM = re.compile(r"(?i)opponents?|opposition|against_team|vs|versus|rival|them|other_team")
_FOR = re.compile(
    r"(?i)goals?_?for|scored|for|our_?(?:score|goals)|team_?(?:score|goals)|points_?for|score_?for"
)
_AGAINST = re.compile(r"(?i)goals?_?against|conceded|against|their_?(?:score|goals)|"
                      r"opponents?_?(?:score|goals)|points_?against|score_?against")  # fmt: skip


def _one_sided_game(data: dict, keys: dict[str, str]) -> dict | None:
    def find(pattern: re.Pattern[str], want: Any) -> Any:
        return next((data[keys[k]] for k in keys if pattern.fullmatch(k) and want(data[keys[k]])), None)

    us, them = find(_US, lambda v: isinstance(v, str)), find(_THEM, lambda v: isinstance(v, str))
    scored, conceded = find(_FOR, _number), find(_AGAINST, _number)
    if us and them and scored is not None and conceded is not None:
        outcome = game({"home": us, "away": them, "home_goals": scored, "away_goals": conceded})
        return {**outcome, "_home_side": "team"} if outcome else None  # one side's view says nothing of venue
    return None


# A game said in one string: "Chelsea 2-1 Liverpool", "Leeds 0 - 0 Hull" (a "result" or "score" key).
_SAID = re.compile(
    r"^\s*(?P<a>[^\d\W][\w .'&-]*?)\s+(?P<x>\d{1,3})\s*[-–:]\s*(?P<y>\d{1,3})\s+(?P<b>[^\d\W][\w .'&-]*?)\s*$"
)


def _said_game(data: dict, keys: dict[str, str]) -> dict | None:
    for k in ("result", "score", "final_score", "scoreline", "summary", "ft", "full_time", "match"):
        value = data.get(keys[k]) if k in keys else None
        m = _SAID.match(value) if isinstance(value, str) else None
        if m:
            return game(
                {"home": m["a"], "away": m["b"], "home_goals": int(m["x"]), "away_goals": int(m["y"])}
            )
    return None


def winner_only(data: dict) -> str | None:
    """The side a result names as the winner when it gives no score (``{"winner": "Rangers"}``), or "draw"."""
    keys = {k.lower(): k for k in data}
    value = next((data[keys[k]] for k in ("winner", "winning_team", "won_by", "victor") if k in keys), None)
    return value if isinstance(value, str) and value.strip() else None


def _side_scores(data: dict, keys: dict[str, str], a: str, b: str) -> tuple[Any, Any]:
    """The goals of two sides written another way: ``"score": "2-1"`` in the order the sides are named, or
    ``score_a``/``goals_b`` keys that end with the side's letter or number (``team_a`` and ``score_a``)."""
    tail_a, tail_b = a.rsplit("_", 1)[-1][-1:], b.rsplit("_", 1)[-1][-1:]
    if tail_a != tail_b:
        by_tail = [next((data[keys[k]] for k in keys if k != side and re.search(r"(?:score|goals?|points)", k)
                         and k.endswith(tail) and _number(data[keys[k]])), None)
                   for side, tail in ((a, tail_a), (b, tail_b))]  # fmt: skip
        if None not in by_tail:
            return by_tail[0], by_tail[1]
    said = next((data[keys[k]] for k in ("score", "result", "final_score", "ft", "full_time") if k in keys
                 and isinstance(data[keys[k]], str)), None)  # fmt: skip
    m = re.fullmatch(r"\s*(\d{1,3})\s*[-–:]\s*(\d{1,3})\s*", said or "")
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def _listed_game(data: dict) -> dict | None:
    """``{"teams": ["Leeds", "Hull"], "goals": [2, 1]}``: two sides and their goals as two lists."""
    lists = {k.lower(): v for k, v in data.items() if isinstance(v, list) and len(v) == 2}
    names = next((v for k, v in lists.items() if re.fullmatch(r"teams?|sides|players|names", k)
                  and all(isinstance(x, str) for x in v)), None)  # fmt: skip
    goals = next((v for k, v in lists.items() if re.fullmatch(r"goals|scores?|points", k)
                  and all(_number(x) for x in v)), None)  # fmt: skip
    if (
        names is not None and goals is None
    ):  # {"teams": ["Milan", "Inter"], "score": "0-2"}: in the teams' order
        keys = {k.lower(): k for k in data}
        goals = [g for g in _side_scores(data, keys, "a", "a") if g is not None] or None
    if names is None or goals is None or len(goals) != 2:
        return None
    return game({"home": names[0], "away": names[1], "home_goals": goals[0], "away_goals": goals[1]})


# --------------------------------------------------------------------------- units

_FAHRENHEIT = re.compile(r"(?i)^(?:f|°f|fahrenheit|imperial|us)$")
_CELSIUS = re.compile(r"(?i)^(?:c|°c|celsius|centigrade|metric)$")
_TEMPERATURE = re.compile(r"(?i)^(?:temp|temperature|feels|feelslike|high|low|max|min|heat|dewpoint)")


def unit_of(key: str, record: dict | None = None, args: Any = None) -> str | None:
    """The unit of a result value: "C"/"F" for temperatures, a currency code, or None when nothing says."""
    words = parts(key)
    if words and _TEMPERATURE.match(words[0]) or "temp" in words or "temperature" in words:
        if words[-1] in ("f", "fahrenheit"):
            return "F"
        if words[-1] in ("c", "celsius"):
            return "C"
        for source in (record or {}, args if isinstance(args, dict) else {}):
            for k, v in source.items():
                if re.fullmatch(r"(?i)units?|temp_?unit|temperature_?unit|scale", k) and isinstance(v, str):
                    if _FAHRENHEIT.match(v.strip()):
                        return "F"
                    if _CELSIUS.match(v.strip()):
                        return "C"
        return None
    code = next((w.upper() for w in reversed(words) if w in ("eur", "usd", "gbp", "jpy", "inr", "chf")), None)
    if code:
        return code
    currency = (record or {}).get("currency")
    return currency.upper() if isinstance(currency, str) and len(currency) == 3 else None


def convert(value: float, unit: str | None, wanted: str | None) -> float:
    """A temperature in the unit a field asks for ("C" or "F"); other values as they are."""
    if unit == wanted or unit not in ("C", "F") or wanted not in ("C", "F"):
        return value
    converted = value * 9 / 5 + 32 if wanted == "F" else (value - 32) * 5 / 9
    return round(converted, 1)


def wanted_unit(field_name: str, description: str = "") -> str | None:
    """The temperature unit a field asks for: ``temp_c`` "C", ``temperature_f`` "F", "in Celsius" "C"."""
    words = parts(field_name)
    if words and words[-1] in ("c", "celsius"):
        return "C"
    if words and words[-1] in ("f", "fahrenheit"):
        return "F"
    if re.search(r"(?i)\b(?:celsius|°c)", description):
        return "C"
    if re.search(r"(?i)\b(?:fahrenheit|°f)", description):
        return "F"
    return None


# --------------------------------------------------------------------------- matching keys to fields

# Words that name the same thing in a field and a key (the first is the canonical one).
_SAME = [
    ("temperature", "temp", "temperatures", "degrees"),
    ("conditions", "condition", "summary", "description", "desc", "weather", "forecast", "sky", "outlook"),
    ("departure", "departs", "depart", "departing", "dep", "leaves", "leaving", "outbound"),
    ("arrival", "arrives", "arrive", "arriving", "arr", "lands"),
    ("price", "cost", "fare", "amount", "total"),
    ("quantity", "qty", "count", "units"),
    ("name", "title", "label"),
    ("airline", "carrier", "operator"),
    ("humidity", "humid"),
    ("wind", "windspeed", "wind_speed"),
    ("precipitation", "rain", "precip", "chance", "pop"),
    ("rating", "stars"),
    ("location", "city", "place", "town"),
]  # fmt: skip
_CANON = {w: group[0] for group in _SAME for w in group}
# Unit and currency words a key carries besides its meaning: "temp_c", "price_eur", "distance_km".
_UNIT_WORDS = frozenset("c f celsius fahrenheit eur usd gbp jpy inr chf km mi miles m kg lb pct percent mins min "
                        "minutes secs sec seconds hrs hours h in at utc local iso value".split())  # fmt: skip


def _meaning(name: str) -> frozenset[str]:
    words = [w for w in parts(name) if w not in _UNIT_WORDS] or parts(name)
    return frozenset(_CANON.get(w, w.rstrip("s") if len(w) > 3 else w) for w in words)


def match_key(field_name: str, record: dict) -> str | None:
    """The key of ``record`` that answers ``field_name``: the same name, then the same meaning."""
    if field_name in record:
        return field_name
    lowered = {k.lower(): k for k in record}
    if field_name.lower() in lowered:
        return lowered[field_name.lower()]
    wanted = _meaning(field_name)
    if not wanted:
        return None
    best, score = None, 0.0
    for key in record:
        if key.startswith("_"):
            continue
        have = _meaning(key)
        shared = wanted & have
        if not shared:
            continue
        value = len(shared) / max(len(wanted), len(have))
        if value > score:
            best, score = key, value
    return best if score >= 0.5 else None


# --------------------------------------------------------------------------- reading the results of a turn


@dataclass
class Record:
    data: dict
    source: str  # how it was found: "the get_weather result", "the cheapest of the search_flights results"
    args: Any = None


@dataclass
class Reading:
    """The records the results of a turn give, newest first, and the failures among them."""

    records: list[Record] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (tool name, the error in words)
    ambiguous: list[str] = field(
        default_factory=list
    )  # tools whose list of results the question picks none of


def records(question: str, results: list[Result], reason: Any = None) -> Reading:
    """The records a question can be answered from; ``reason(result)`` words a failure (``readback``)."""
    out = Reading()
    picked = across(question, results)
    if picked is not None:  # "which is warmest?" over one call per city: that city's record, with its name
        out.records.append(
            Record(_flat(picked.record), f"the {picked.word} of the {results[-1].name} results")
        )
    for result in reversed(results):
        data = result.parsed
        if result.failed:
            said = reason(result) if reason is not None else result.content
            out.failures.append((result.name, said))
            continue
        if isinstance(data, dict):
            listed = the_list(data)
            if listed is None:
                out.records.append(Record(_flat(data), f"the {result.name} result", result.args))
                continue
            data = listed
        if isinstance(data, list):
            items = [i for i in data if isinstance(i, dict)]
            if len(items) == 1:
                out.records.append(Record(_flat(items[0]), f"the {result.name} result", result.args))
                continue
            chosen = pick(question, items)
            if chosen is not None:
                out.records.append(Record(_flat(chosen.record), f"the {chosen.word} of the {result.name} results",
                                          result.args))  # fmt: skip
                continue
            kept = within(question, items)
            if kept is not None and len(kept[0]) == 1:
                out.records.append(Record(_flat(kept[0][0]), f"the only {result.name} result {kept[1].phrase}",
                                          result.args))  # fmt: skip
                continue
            if items:
                out.ambiguous.append(result.name)
        if isinstance(
            data, list
        ):  # how many were found ("count" 0 and "found" false for []), and what each is
            from .readback import _label_of

            labels = [_label_of(i) if isinstance(i, dict) else i for i in data]
            summary = {"count": len(data), "found": bool(data), "num_results": len(data),
                       "_labels": [x for x in labels if isinstance(x, str) and x], "_tool": result.name}  # fmt: skip
            out.records.append(Record(summary, f"the list of {result.name} results", result.args))
    for result in reversed(
        results
    ):  # what the calls were asked with ("convert 100 USD": the amount) comes last
        if isinstance(result.args, dict) and result.args:
            out.records.append(Record(dict(result.args), f"the {result.name} call's arguments", result.args))
    return out


def together(results: list[Result]) -> list[dict] | None:
    """One record per result when a question's calls each gave one record of the same tool ("weather in Oslo",
    "weather in Lima"): each result's values with the arguments that say what it is about (the city)."""
    done = [r for r in results if not r.failed and isinstance(r.parsed, dict) and the_list(r.parsed) is None]
    if len(done) < 2 or len(done) != len(results) or len({r.name for r in done}) != 1:
        return None
    out = []
    for result in done:
        args = result.args if isinstance(result.args, dict) else {}
        record = {k: v for k, v in args.items() if isinstance(v, str)}
        record.update(_flat(result.parsed))
        out.append(record)
    return out


def across(question: str, results: list[Result]) -> Picked | None:
    """The record the question's superlative or comparative names among several calls of one tool: "which is
    warmest?" over a get_weather call per city picks that city's result."""
    records = together(results)
    if records is None or not all(set(r) == set(records[0]) for r in records):
        return None
    return pick(question, records)


def the_list(data: dict) -> list | None:
    """``{"results": [...]}`` or ``{"count": 0, "events": []}``: the list that is the answer, if any."""
    lists = [v for v in data.values() if isinstance(v, list)]
    others = [k for k, v in data.items() if not isinstance(v, list)]
    if len(lists) == 1 and all(re.fullmatch(r"(?i)count|total|n|page|pages|next|cursor|ok|status|query|"
                                            r"total_count|num_results|results_count", k) for k in others):  # fmt: skip
        return lists[0]
    return None


def _flat(data: dict) -> dict:
    """A record with its nested records' keys added ("current": {"temp_c": 3} gives ``temp_c`` too) and, for a
    game, its outcome."""
    out = dict(data)
    for key, value in data.items():
        if isinstance(value, dict):
            for inner, v in value.items():
                out.setdefault(inner, v)
                out.setdefault(f"{key}_{inner}", v)
    outcome = game(out)
    if outcome is not None:
        if outcome["draw"]:  # a draw has no winner: a "winner" field says so ("draw"), never a side
            outcome = {**outcome, "winner": "draw"}
        for key, value in outcome.items():
            out.setdefault(key, value)
    return out
