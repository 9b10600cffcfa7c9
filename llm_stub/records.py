"""Records a structured reply takes from a sentence's structure: who is who, whose role is what, what the event is.

``filling.Filler`` fills a field from the entity that fits it; that needs a name to be written as a name
(capitalised, or a given name it knows). Learners write "mara lind from quillworks, no email" or "lena (pm),
omar from qa and priya our designer" and a small real model still knows who is the person, which word is the
company and whose role is whose. These readers use the sentence's structure, not capitalisation:

* **A person and their organisation** (``contact``): "X from/at/of/@ Y", "X (Y)", "Y's X", "X ..., he's with
  Y" / "she works at Y". The person is the run of words before the cue, the organisation the run after it.
* **People and their roles** (``people``): a list split at commas and "and"; each item is a name with the
  words next to it: "lena (pm)", "omar from qa", "priya our designer", "Lena as PM", "Tariq - backend"; an item
  that is only "our tech lead" is the role of the person just before it ("Mei, our tech lead"). A role never
  moves to a neighbour: a person with no words of their own has no role.
* **An event and its venue** (``event``): "pub quiz at the red lion next thursday": the event is the words
  before "at" (or before the date), the venue the words after "at", up to the date; never the venue's word as
  the name. A clock time ("at 7pm") is no venue.

Each reader returns None when the structure is not there; ``fill`` gives the fields of one object whose names
ask for these values (``name``/``company``/``email``/``phone``, ``attendees: [{name, role}]``,
``name``/``date``/``venue``), and leaves every other field to the filler. Nothing keys on a prompt: only on the
cue words of the structure and on the schema's field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .understanding import _DATE_WORDS, _VERBS, STOP, given_names

# Words that open a request or a clause and are no part of a name ("new contact:", "please add", "met ben").
_LEAD = frozenset(
    "new contact contacts add save create store put log record met meet meeting saw spoke talked please pls "
    "just also hey hi hello ok okay so i i've ive we've we my our me us a an the this that his her their its "
    "colleague coworker co-worker friend client customer guy person someone somebody named called name is was "
    "here there reach ring ping email e-mail phone call text message dm".split()
)
# Words that end a name or an organisation: what the sentence goes on with.
_BREAK = (
    STOP
    | _DATE_WORDS
    | _VERBS
    | frozenset(
        "no not none without email mail phone number tel mobile cell he she they he's she's they're who which "
        "works work working worked is was are yesterday today tomorrow tonight last next this please pls thanks "
        "thank btw ok everything everyone everybody something someone somebody anything anyone nothing nobody "
        "it".split()
    )
)
_AFFILIATION = frozenset("from at of @ with".split())
_PRONOUN_AFFILIATION = re.compile(
    r"(?i)\b(?:(?:he|she|they)(?:'s|’s|\s+is|\s+are|'re)?\s+(?:\w+\s+)?(?:works?\s+|working\s+|employed\s+)?"
    r"(?:at|for|with|from)|(?:works?|working|employed)\s+(?:at|for|with))\s+"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*|@|\(|\)|[,;:.!?\n]|\d[\d\s().+-]*")
_PHONE = re.compile(r"(?<![\w.])(\+?\d[\d\s().-]{5,}\d)(?![\w@])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(_EMAIL.sub(" , ", text))


def _is_word(token: str) -> bool:
    return token[:1].isalpha()


def _nameable(token: str) -> bool:
    """Can this word be part of a name (a person's or an organisation's)?"""
    low = token.lower().strip("'’.")
    return _is_word(token) and low not in _BREAK and low not in _LEAD and len(low) > 1


def _cased(words: list[str], title: bool = True) -> str:
    """The words as a name: as written when the writer capitalised any, else each word capitalised."""
    words = [w.strip("'’.") if w.endswith(("'", "’", ".")) else w for w in words]
    if any(w[:1].isupper() for w in words):
        return " ".join(words)
    if not title:
        return " ".join(words)
    small = ("and", "of", "the", "on", "in", "at", "&")  # "The Fox and Hound", "Bank of Leeds"
    return " ".join(w if i and w in small else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _run_back(tokens: list[str], end: int, most: int = 3) -> list[str]:
    """The name-like words just before ``end`` (up to ``most``)."""
    out: list[str] = []
    i = end - 1
    while i >= 0 and len(out) < most and _nameable(tokens[i]):
        out.insert(0, tokens[i])
        i -= 1
    if i >= 0 and _is_word(tokens[i]) and tokens[i].lower() not in _LEAD | STOP | _VERBS and len(out) == most:
        return []  # a longer run of words: a phrase, not a name
    return out


def _run_on(tokens: list[str], start: int, most: int = 3) -> list[str]:
    out: list[str] = []
    i = start
    while i < len(tokens) and len(out) < most and _nameable(tokens[i]):
        out.append(tokens[i])
        i += 1
    return out


@dataclass(frozen=True)
class Contact:
    person: str | None  # None: the words name an organisation ("order status from acme") but no person
    org: str | None


def contact(text: str) -> Contact | None:
    """The person and their organisation, from the sentence's structure (see the module's doc)."""
    tokens = _tokens(text)
    lowered = [t.lower() for t in tokens]
    for i, token in enumerate(lowered):
        # "Y's X" / "Y' X": the organisation owns the person ("quillworks' mara lind")
        if _is_word(tokens[i]) and token.endswith(("'s", "’s", "'", "’")) and i + 1 < len(tokens):
            org_word = re.sub(r"(?:'s|’s|'|’)$", "", tokens[i])
            org = _run_back(tokens[:i] + [org_word], i + 1, 2)
            person = _run_on(tokens, i + 1, 3)
            if org and person and (i - len(org) + 1 == 0 or not _nameable(tokens[i - len(org)])):
                return Contact(_cased(person), _cased(org))
    org_only: list[str] = []
    for i, token in enumerate(lowered):
        if token in _AFFILIATION or token == "(":
            person = _capitalised_part(_run_back(tokens, i - 1 if i and tokens[i - 1] == "," else i))
            org = _run_on(tokens, i + 1, 3)
            if token == "(" and (i + len(org) + 1 >= len(tokens) or tokens[i + len(org) + 1] != ")"):
                continue
            if token == "with" and (not person or len(person) < 2):
                continue  # "dinner with sam": no affiliation
            start = i - len(person) - (1 if i and tokens[i - 1] == "," else 0)
            if _determined(tokens, start):
                person = []  # "the sales team from acme": a thing of the organisation, not a person
            if (
                len(person) == 1 and start >= 2 and tokens[start - 1] == ","
            ):  # "yusuf okoro, cto at brightpath"
                earlier = _run_back(tokens, start - 1)
                person = earlier if _personal(earlier) else person
            if _personal(person, i - len(person) - (1 if i and tokens[i - 1] == "," else 0) <= 0) and org:
                return Contact(_cased(person), _cased(org))
            if org and token != "with" and not org_only:
                org_only = org
    person = _first_name_run(tokens)
    if person is None:
        return Contact(None, _cased(org_only)) if org_only else None
    said = _PRONOUN_AFFILIATION.search(text)  # "tomas reyes, he works at brightloop"
    org = _run_on(_tokens(text[said.end() :]), 0, 3) if said else []
    return Contact(person, _cased(org) if org else None)


def _personal(run: list[str], first: bool = True) -> bool:
    """Can these words be a person's name? Two or three words, or one given name, or one word capitalised
    after the sentence's start (``first``: the run opens the sentence); "order status from acme" names no one."""
    if not run or len(run) > 3:
        return False
    capitalised = run[0][:1].isupper() and not first
    return len(run) >= 2 or run[0].capitalize() in given_names() or capitalised


_DETERMINERS = frozenset(
    "the a an this that these those your our my their its his her some any every".split()
)


def _determined(tokens: list[str], start: int) -> bool:
    """Does a determiner open the run at ``start`` ("the accounts team")? Then it is a thing, not a name."""
    return start > 0 and tokens[start - 1].lower() in _DETERMINERS


def _capitalised_part(run: list[str]) -> list[str]:
    """A run from its first capitalised word, when the writer capitalised some of it: "reach Dana Whitfield" is
    "Dana Whitfield" (a lower-case word before a capitalised name is a verb or a word of the sentence)."""
    for i, word in enumerate(run):
        if word[:1].isupper():
            return run[i:]
    return run


def _first_name_run(tokens: list[str]) -> str | None:
    """The first run of two or three name-like words, or one given name, at a clause's start."""
    start = 0
    for i, token in enumerate(tokens + [","]):
        if not _is_word(token) or not _nameable(token):
            run = _capitalised_part(tokens[start:i])
            start = i - len(run)
            named = 2 <= len(run) <= 3 or (len(run) == 1 and run[0].capitalize() in given_names())
            if named and not _determined(tokens, start):
                return _cased(run)
            start = i + 1
    return None


def phone(text: str) -> str | None:
    """A phone number as written ("07700 900123", "+49 30 1234567", "555-0142"): seven digits or more."""
    for m in _PHONE.finditer(text):
        raw = m.group(1).strip()
        digits = re.sub(r"\D", "", raw)
        if 7 <= len(digits) <= 15 and not re.fullmatch(r"\d{4}-\d\d-\d\d", raw):
            return raw
    return None


# --------------------------------------------------------------------------- people and their roles

_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*(?![^()]*\))", re.I)
_LIST_START = re.compile(r"(?i)^(?:.*?:\s+|.*?\b(?:with|attendees?|invite|inviting|including)\s+)")
_ROLE_AFTER = re.compile(
    r"(?i)^\s*(?:\((?P<paren>[^)]+)\)|,?\s*(?:from|of|in|on)\s+(?:the\s+)?(?P<dept>.+)|\s+as\s+(?:the\s+|our\s+|an?\s+)?"
    r"(?P<as>.+)|\s*[-–—:]\s*(?P<dash>.+)|,?\s+(?:our|my|the|their|your|an?)\s+(?P<appos>.+))$"
)
_APPOSITIVE = re.compile(r"(?i)^(?:our|my|the|their|your|an?)\s+(.+)$")


def heading(text: str) -> str | None:
    """The words before a list of people ("Quarterly review: Hugo - sales, ...", "sync with dev from ..."):
    the meeting's title, sentence-cased; None when there are none or too many."""
    m = _LIST_START.match(text.strip())
    if m is None:
        return None
    said = re.sub(
        r"(?i)\s*(?::|\bwith|\battendees?|\binvite|\binviting|\bincluding)\s*$", "", m.group(0).strip()
    )
    said = re.sub(
        r"(?i)^(?:please\s+)?(?:add|create|schedule|set up|book|plan)\s+(?:an?\s+|the\s+)?", "", said
    )
    words = said.split()
    if not 1 <= len(words) <= 6 or not words[0][:1].isalpha():
        return None
    return said[:1].upper() + said[1:]


def people(text: str) -> list[tuple[str, str | None]] | None:
    """The people a list names with the role next to each ("lena (pm), omar from qa and priya our designer");
    None when the words are no list of names."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        body = _LIST_START.sub("", sentence, count=1).strip(" .!?")
        items = [p for p in _SPLIT.split(body) if p and p.strip()]
        found: list[tuple[str, str | None]] = []
        for item in items:
            item = item.strip()
            appos = _APPOSITIVE.match(item)
            if appos and found and found[-1][1] is None:  # "Mei, our tech lead": the role of the one before
                found[-1] = (found[-1][0], appos.group(1).strip())
                continue
            m = re.match(r"([A-Za-z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)(.*)$", item)
            if m is None or not _nameable(m.group(1).split()[0]):
                found = []
                break
            rest = m.group(2)
            if not rest.strip():
                found.append((_cased(m.group(1).split()), None))
                continue
            role = _ROLE_AFTER.match(rest)
            if role is None:
                found = []
                break
            said = next(v for v in role.groupdict().values() if v)
            found.append((_cased(m.group(1).split()), said.strip(" .")))
        if len(found) >= 2 and any(r for _, r in found):
            return found
    return None


# --------------------------------------------------------------------------- an event and its venue

_EVENT_LEAD = re.compile(
    r"(?i)^\s*(?:(?:please\s+)?(?:(?:add|create|schedule)\s+(?:an?\s+|the\s+|our\s+|my\s+)?|(?:put|log|save|book|plan|"
    r"set up|organi[sz]e)\s+(?:an?|the|our|my)\s+)(?:event\s*(?:for|:)?\s*)?|(?:there(?:'s| is)|we(?:'re| are)? having|we have)\s+(?:an?\s+|the\s+)?|"
    r"(?:new\s+)?event\s*:\s*)"
)
_EVENT_END = frozenset(
    "at @ on in is are was will be this next for from with by tomorrow tonight today".split()
)
_VENUE_END = _EVENT_END - {"in"} | frozenset("and but to".split())
_ASKING = frozenset(
    "what what's whats when where who how which is are can could do does remind tell show".split()
)
_NOT_VENUES = frozenset(
    "mine yours his hers ours theirs home work noon midnight night lunch lunchtime dinner breakfast dawn dusk".split()
)


@dataclass(frozen=True)
class Event:
    name: str
    venue: str | None


def event(text: str) -> Event | None:
    """The event and its venue (see the module's doc), or None."""
    first = re.split(r"(?<=[.!?;])\s+|\n+", text.strip())[0]
    body = _EVENT_LEAD.sub("", first, count=1)
    tokens = re.findall(r"[A-Za-z][\w'’&-]*|\d[\w:.-]*|[,@]", body)
    name: list[str] = []
    for token in tokens:
        low = token.lower()
        if low in _EVENT_END or low in _DATE_WORDS or not token[:1].isalpha():
            break
        name.append(token)
    if len(tokens) > 1 and tokens[0].lower() in _VERBS | _ASKING and tokens[1].lower() in STOP | _LEAD:
        return None  # "remind me about ...", "what's on ...": a request, not an event's name
    if tokens and tokens[0].lower() in _ASKING:
        return None
    while name and name[0].lower() in ("the", "a", "an", "our", "my", "their"):
        name.pop(0)
    if not 1 <= len(name) <= 5:
        return None
    venue = _venue(tokens)
    said = " ".join(name)
    label = said if any(w[:1].isupper() for w in name[1:]) else said[:1].upper() + said[1:]
    return Event(label, _cased(venue) if venue else None)


def _venue(tokens: list[str], cues: tuple[str, ...] = ("at", "@")) -> list[str]:
    """The place named after a cue ("at the red lion", "into Hotel Sol"), up to the date or the clause's end;
    [] for a clock time, a pronoun ("at mine") or nothing."""
    lowered = [t.lower() for t in tokens]
    for i, low in enumerate(lowered):
        if low not in cues:
            continue
        run: list[str] = []
        rest = tokens[i + 1 :] + [","]
        for j, token in enumerate(rest[:-1]):
            low, after = token.lower(), rest[j + 1].lower()
            if (
                low in ("and", "&")
                and run
                and _nameable(rest[j + 1])
                and not _nameable(rest[j + 2] if j + 2 < len(rest) else ",")
            ):
                run.append(token)  # "the crown and anchor": one name
                continue
            if re.fullmatch(r"\d{1,3}", token) and run and after not in ("am", "pm"):
                run.append(token)  # "Studio 9"
                continue
            if low in _VENUE_END or low in _DATE_WORDS or not token[:1].isalpha():
                break
            run.append(token)
        if run and run[-1].lower() not in ("the",) and not (len(run) == 1 and run[0].lower() in _NOT_VENUES):
            return run
    return []


def stay(text: str) -> str | None:
    """The place one stays at or goes into ("a room at the grand hotel", "book arturo into Hotel Sol")."""
    tokens = re.findall(r"[A-Za-z][\w'’&-]*|\d[\w:.-]*|[,@]", text)
    run = _venue(tokens, ("at", "@", "into"))
    return _cased(run) if run else None


# --------------------------------------------------------------------------- the person a sentence is about

_SUBJECT_VERB = re.compile(
    r"(?i)^(?:is|was|will|wants?|needs?|has|had|heads?|flies|flying|travels?|travelling|traveling|goes|going|"
    r"leaves?|leaving|arrives?|arriving|'s|’s|checks?|checking|books?|booked)$"
)
_KIN = frozenset(
    "my our colleague coworker co-worker friend boss manager wife husband partner son daughter mum mom dad "
    "brother sister client guest cousin uncle aunt niece nephew grandma grandpa".split()
)


_FOR_WHOM = re.compile(
    r"(?i)\bfor\s+([a-z][\w'’-]*(?:\s+(?!(?:pls|please|thanks|thx|btw)\b)[a-z][\w'’-]*)?)\s*"
    r"(?=[,.!?]|$|\b(?:pls|please|thanks|thx|btw)\b)"
)


# "for three nights", "for two adults": an amount, not a person
_NOT_WHOM = frozenset(
    "one two three four five six seven eight nine ten eleven twelve couple few several both all nights night days "
    "day weeks week hours hour minutes people persons guests adults kids children rooms tickets seats".split()
)


def subject(text: str) -> str | None:
    """The person a sentence is about, named as its subject: "Oskar is flying to Tokyo", "my colleague ravi
    heads to nairobi". None when the subject is no name (a place, a thing, a request)."""
    from . import knowledge

    for m in _FOR_WHOM.finditer(text):  # "book three nights in lyon for sofia": whom the booking is for
        run = m.group(1).split()
        if all(_nameable(w) and w.lower() not in _NOT_WHOM for w in run):
            said = " ".join(run)
            placed = re.search(r"(?i)\b(?:in|to)\s+\w", text[: m.start()])  # "in munich for sofia": a person
            unplaced = knowledge.city(said) is None and knowledge.country_code(said) is None
            if (unplaced or placed) and _personal(run, False):
                return _cased(run)
    for sentence in re.split(r"(?<=[.!?;])\s+|\n+", text.strip()):
        tokens = re.findall(r"[A-Za-z][\w'’-]*", sentence)
        i = 0
        kin = False
        while i < len(tokens) and tokens[i].lower() in _KIN:
            kin, i = True, i + 1
        run = []
        while (
            i < len(tokens) and len(run) < 2 and _nameable(tokens[i]) and not _SUBJECT_VERB.match(tokens[i])
        ):
            run.append(tokens[i])
            i += 1
        if (
            tokens and tokens[0].lower() in _VERBS and len(tokens) > 2
        ):  # "book arturo into Hotel Sol": the object
            run = _run_on(tokens, 1, 2)
            placed = len(run) + 1 < len(tokens) and tokens[len(run) + 1].lower() in ("into", "in", "at", "on")
            if run and placed and (run[0][:1].isupper() or run[0].capitalize() in given_names()):
                said = " ".join(run)
                if knowledge.city(said) is None and knowledge.country_code(said) is None:
                    return _cased(run)
            continue
        if not run or i >= len(tokens) or not _SUBJECT_VERB.match(tokens[i]):
            continue
        said = " ".join(run)
        if knowledge.city(said) is not None or knowledge.country_code(said) is not None:
            continue
        if (
            kin
            or run[0].capitalize() in given_names()
            or (run[0][:1].isupper() and said.lower() not in _BREAK)
        ):
            return _cased(run)
    return None


# --------------------------------------------------------------------------- the fields of one object

_PERSON_FIELDS = frozenset("name full_name fullname contact contact_name person person_name who".split())
_ORG_FIELDS = frozenset("company organisation organization employer firm org business workplace".split())
_PHONE_FIELDS = frozenset("phone telephone tel mobile cell phone_number phonenumber".split())
_EMAIL_FIELDS = frozenset("email mail email_address".split())
_VENUE_FIELDS = frozenset("venue location place where address spot".split())
_EVENT_FIELDS = frozenset("name title event event_name what activity".split())
_WHEN_FIELDS = frozenset("date when day time datetime start start_time starts_at".split())
_SUBJECT_FIELDS = frozenset(
    "traveller traveler passenger guest customer patient student owner member employee who person".split()
)
_STAY_FIELDS = frozenset("hotel accommodation lodging property hostel inn resort".split())
_TITLE_FIELDS = frozenset("title name subject topic meeting event summary".split())
_ROLE_FIELDS = frozenset("role position job title team department function responsibility".split())


def _parts(key: str) -> set[str]:
    low = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key).lower()
    return {low, *low.split("_")}


def _is(key: str, names: frozenset[str]) -> bool:
    return bool(_parts(key) & names)


def fill(text: str, props: dict[str, dict], resolve: Any = lambda s: s) -> dict[str, Any]:
    """Values for the fields of one object that the sentence's structure gives: a contact's name, company and
    phone; an event's name and venue; a list of people with their roles. Other fields are not in the result."""
    props = {k: resolve(v) for k, v in props.items()}
    keys = list(props)
    out: dict[str, Any] = {}
    person_key = next((k for k in keys if _is(k, _PERSON_FIELDS) and _is_text(props[k])), None)
    org_key = next((k for k in keys if _is(k, _ORG_FIELDS) and _is_text(props[k])), None)
    contact_like = person_key is not None and (
        org_key is not None or any(_is(k, _PHONE_FIELDS | _EMAIL_FIELDS) for k in keys)
    )
    if contact_like:
        found = contact(text)
        if found is not None:
            if found.person is not None:
                out[person_key] = found.person
            if org_key is not None and found.org is not None:
                out[org_key] = found.org
        phone_key = next((k for k in keys if _is(k, _PHONE_FIELDS) and _is_text(props[k])), None)
        said = phone(text) if phone_key is not None else None
        if said is not None:
            out[phone_key] = said
        return out
    traveller_key = next((k for k in keys if _is(k, _SUBJECT_FIELDS) and _is_text(props[k])), None)
    if traveller_key is not None:
        said_subject = subject(text)
        if said_subject is not None:
            out[traveller_key] = said_subject
    stay_key = next((k for k in keys if _is(k, _STAY_FIELDS) and _is_text(props[k])), None)
    if stay_key is not None and traveller_key is not None:
        said_stay = stay(text)
        if said_stay is not None:
            out[stay_key] = said_stay
    venue_key = next((k for k in keys if _is(k, _VENUE_FIELDS) and _is_text(props[k])), None)
    when_key = next((k for k in keys if _is(k, _WHEN_FIELDS)), None)
    name_key = next((k for k in keys if _is(k, _EVENT_FIELDS) and _is_text(props[k])), None)
    if name_key is not None and (venue_key is not None or when_key is not None):
        found_event = event(text)
        if found_event is not None:
            out[name_key] = found_event.name
            if venue_key is not None and found_event.venue is not None:
                out[venue_key] = found_event.venue
    for key, sub in props.items():
        items = resolve(sub.get("items")) if isinstance(sub, dict) else None
        if not isinstance(items, dict) or not isinstance(items.get("properties"), dict):
            continue
        fields = {k: resolve(v) for k, v in items["properties"].items()}
        who = next((k for k in fields if _is(k, _PERSON_FIELDS)), None)
        role = next((k for k in fields if _is(k, _ROLE_FIELDS) and k != who), None)
        if who is None or role is None or set(fields) - {who, role} - _nullable(fields):
            continue
        listed = people(text)
        if listed is None or (any(r is None for _, r in listed) and role not in _nullable(fields)):
            continue
        out[key] = [{who: n, role: r, **{k: None for k in fields if k not in (who, role)}} for n, r in listed]
        title_key = next(
            (k for k in keys if _is(k, _TITLE_FIELDS) and _is_text(props[k]) and k not in out), None
        )
        said_title = heading(text) if title_key is not None else None
        if said_title is not None:  # the title is the words before the list, never one of the people
            out[title_key] = said_title
    return out


def _is_text(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    branches = schema.get("anyOf") or []
    kinds += [b.get("type") for b in branches if isinstance(b, dict)]
    return "string" in kinds and "enum" not in schema


def _nullable(fields: dict) -> set[str]:
    out = set()
    for k, s in fields.items():
        if not isinstance(s, dict):
            continue
        kind = s.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        kinds += [b.get("type") for b in s.get("anyOf") or [] if isinstance(b, dict)]
        if "null" in kinds:
            out.add(k)
    return out
