"""Clarifying questions: the model asks for the required values the request genuinely lacks, in plain words.

A small grammar, not pasted field names or descriptions: each missing field is a slot (where from, where to,
which date, what time, how many people, how much, which currency, who ...), said as a full question when it
comes first and as a fragment after it: "Where are you flying from, and on which date?". The verb comes
from the tool ("search_flights" flies, "book_ferry" sails, "find_trains" travels). At most three slots are
asked at once, in the tool's order.
"""

from __future__ import annotations

import re

from .filling import _name_parts, field_role
from .understanding import stem

# What a trip tool's name or description says about how the user travels
_TRAVEL_VERBS = [
    ("flying", frozenset("flight flights fly plane airline airport".split())),
    ("sailing", frozenset("ferry ferries boat crossing sail".split())),
    ("travelling", frozenset("train trains rail bus coach journey trip travel".split())),
    ("driving", frozenset("drive driving route directions car".split())),
]
_PEOPLE = frozenset("people party size guests guest passengers passenger persons person adults travellers "
                    "travelers diners seats covers attendees".split())  # fmt: skip
_COUNTED = frozenset(
    "count quantity qty number amount minutes seconds hours days nights tickets rooms".split()
)


def _travel_verb(tool: dict) -> str:
    function = tool.get("function") or {}
    said = {
        stem(w)
        for w in re.findall(
            r"[a-z]+",
            f"{function.get('name', '')} {function.get('description') or ''}".replace("_", " ").lower(),
        )
    }
    for verb, cues in _TRAVEL_VERBS:
        if said & {stem(c) for c in cues}:
            return verb
    return "starting"


def _slot(name: str, schema: dict, tool: dict) -> tuple[str, str]:
    """(the question when this slot comes first, the fragment when it follows another)."""
    parts = set(_name_parts(name))
    words = " ".join(p for p in _name_parts(name) if p not in ("id", "the"))
    kind = schema.get("type") if isinstance(schema.get("type"), str) else ""
    role = field_role(name, schema)
    if role == "origin" and not parts & {"currency", "unit", "units", "lang", "language"}:
        verb = _travel_verb(tool)
        return (
            (f"Where are you {verb} from", "where from")
            if verb != "starting"
            else ("Where from", "where from")
        )
    if role == "destination" and not parts & {"currency", "unit", "units", "lang", "language"}:
        verb = _travel_verb(tool)
        return (f"Where are you {verb} to", "where to") if verb != "starting" else ("Where to", "where to")
    verb = _name_parts((tool.get("function") or {}).get("name", "x"))[0]
    if parts & {"currency"}:
        if role == "origin":
            return ("Which currency is it in", "from which currency")
        if role == "destination":
            return ("Which currency should I convert it to", "into which currency")
        return ("Which currency", "in which currency")
    if parts & {"restaurant", "venue", "hotel", "salon", "clinic"}:
        what = next(p for p in _name_parts(name) if p in {"restaurant", "venue", "hotel", "salon", "clinic"})
        return (f"Which {what} would you like", f"which {what}")
    if parts & {"product", "item", "thing", "what", "goods"} and kind == "string":
        return (f"What should I {verb}", f"what to {verb}")
    if parts & {"date", "day", "when", "deadline", "datetime"}:
        return ("Which date would you like", "on which date")
    if parts & {"time", "alarm", "clock", "hour"} and kind == "string":
        return ("What time should I set", "at what time")
    if parts & _PEOPLE and kind in ("integer", "number"):
        return ("How many people is it for", "for how many people")
    if parts & {"amount", "price", "budget", "cost", "total"} and kind in ("integer", "number"):
        return (f"How much should I {verb}", "how much")
    if kind in ("integer", "number") and parts & _COUNTED:
        noun = next(
            (p for p in _name_parts(name) if p not in ("count", "number", "of", "num", "quantity", "qty")), ""
        )
        return (f"How many {noun}".strip(), f"how many {noun}".strip())
    if parts & {"city", "town", "location", "place", "where", "address", "country", "region"}:
        what = "city" if parts & {"city", "town"} else "country" if "country" in parts else "place"
        return (f"Which {what} do you mean", f"which {what}")
    if parts & {"recipient", "to", "who", "person", "contact", "assignee", "attendee"}:
        return ("Who should it go to", "who to")
    if parts & {"name", "title", "label"} and len(parts) == 1:
        return ("What should I call it", "what to call it")
    if parts & {"language", "lang", "locale"}:
        return ("Which language", "into which language")
    return (f"What {words} should I use", f"what {words}")


def _counted_thing(props: dict, missing: list[str], known: dict) -> str | None:
    """ "How many eggs?": the thing a call names (its item, product ...) when the one slot asked is its count."""
    if len(missing) != 1 or not isinstance(props.get(missing[0]), dict):
        return None
    schema = props[missing[0]]
    if schema.get("type") not in ("integer", "number") or not set(_name_parts(missing[0])) & _COUNTED - {"minutes",
            "seconds", "hours", "days", "nights"} or _slot(missing[0], schema, {})[0] != "How many":  # fmt: skip
        return None
    return next((v for k, v in known.items() if isinstance(v, str) and v.strip()
                 and set(_name_parts(k)) & {"item", "product", "thing", "what", "goods", "name", "ingredient"}), None)  # fmt: skip


def is_time_slot(name: str, schema: dict) -> bool:
    """True when the slot asks for a time of day ("What time should I set?")."""
    return _slot(name, schema, {})[0] == "What time should I set"


def question(tool: dict, missing: list[str], known: dict | None = None) -> str:
    """The question that asks for ``missing`` (required fields of ``tool``), in one sentence; ``known``: the
    arguments the words did give, for a question that names them ("How many eggs should I add?")."""
    params = (tool.get("function") or {}).get("parameters") or {}
    props = params.get("properties") if isinstance(params, dict) else {}
    props = props if isinstance(props, dict) else {}
    slots: list[tuple[str, str]] = []
    for name in missing:
        slot = _slot(name, props.get(name) if isinstance(props.get(name), dict) else {}, tool)
        if slot not in slots:
            slots.append(slot)
    if not slots:
        return "Could you tell me a bit more?"
    thing = _counted_thing(props, missing, known or {})
    if thing:
        verb = _name_parts((tool.get("function") or {}).get("name", "x"))[0]
        last = thing.split()[-1].lower()
        plural = last.endswith("s") and not last.endswith("ss")
        return (
            f"How {'many' if plural else 'much'} {thing} should I {verb}?"  # "how much milk", "how many eggs"
        )
    slots = slots[:3]
    if len(slots) >= 2 and slots[0][1] == "where from" and slots[1][1] == "where to":
        rest = [s[1] for s in slots[2:]]
        said = (
            f"{slots[0][0][: -len(' from')]} from and to"
            if slots[0][0] != "Where from"
            else "Where from and where to"
        )
        said += f", and {rest[0]}" if rest else ""
        return f"{said}?"
    first, rest = slots[0][0], [s[1] for s in slots[1:]]
    if not rest:
        return f"{first}?"
    if len(rest) == 1:
        return f"{first}, and {rest[0]}?"
    return f"{first}, {rest[0]} and {rest[1]}?"


_PREPOSITIONS = frozenset("to for into from on onto in".split())


def action(name: str) -> str:
    """What the tool does, as a verb phrase: ``get_weather`` "get the weather", ``add_to_basket`` "add that to
    your basket", ``search_flights`` "search for flights"."""
    parts = [p for p in _name_parts(name) if p not in ("my", "the", "a")]
    if len(parts) < 2:
        return f"use {name}"
    verb, rest = parts[0], parts[1:]
    if rest[0] in _PREPOSITIONS and len(rest) > 1:
        return f"{verb} that {rest[0]} your {' '.join(rest[1:])}"
    thing = " ".join(p for p in rest if p not in _PREPOSITIONS)
    if verb in ("search", "look"):
        return f"{verb} for {thing}"
    return f"{verb} {thing}" if thing.endswith("s") and not thing.endswith("ss") else f"{verb} the {thing}"


def ask(tool: dict, missing: list[str], known: dict | None = None) -> str:
    """The whole reply: what the model can do, then the question."""
    name = (tool.get("function") or {}).get("name", "")
    return f"Sure, I can {action(name)}. {question(tool, missing, known)}"
