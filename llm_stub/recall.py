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
"""

from __future__ import annotations

import re

from .knowledge import fold
from .tokenizer import content_text
from .understanding import RELATIONS, STOP, facts


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
    """Questions about the conversation itself: the stub's own last reply, the user's earlier questions."""
    if _ASK_OWN_REPLY.search(question):
        replies = [t for t in _texts(messages, ("assistant",)) if t.strip()]
        if replies:
            return _restated(question, _short(replies[-1]))
        return _no_reply_yet(question)
    asked = _ASK_OWN_QUESTION.search(question)
    if asked:
        if not earlier:
            return "This is your first message in this conversation: I see no earlier question."
        which = earlier[0] if asked.group(1).lower() == "first" else earlier[-1]
        return f'You asked: "{_short(which)}"'
    return None


_ASKED: list[tuple[str, re.Pattern[str]]] = [
    ("name", re.compile(r"(?i)\b(?:what(?:'s| is) my (?:first |full )?name|who am i\b|do you (?:know|remember) (?:my name|who i am)"
                        r"|what am i called|what did i say my name (?:is|was)|what name did i (?:give|tell))")),
    ("home", re.compile(r"(?i)\b(?:where do i live|where am i (?:based|living|located)|where(?:'s| is) my home\b"
                        r"|which (?:city|town|country) do i live in|where i live)")),
    ("origin", re.compile(r"(?i)\b(?:where am i from|where do i come from|where was i born)")),
    ("job", re.compile(r"(?i)\b(?:what(?:'s| is) my (?:job|profession|occupation|line of work)|what do i do"
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


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def known_facts(messages: list[dict]) -> dict[str, object]:
    """What the conversation says about the user: the latest value of each fact; every like and dislike."""
    known: dict[str, object] = {}
    for text in reversed(_texts(messages, ("system", "developer"))):
        told = _INSTRUCTED_NAME.search(text)
        if told:
            known["name"] = told.group(1)
            break
    likes: list[str] = []
    dislikes: list[str] = []
    favourites: dict[str, str] = {}
    relations: dict[str, str] = {}
    ages: dict[str, str] = {}
    for text in _user_texts(messages):
        told = facts(text)
        if not told:  # "actually it's blue, not green": a value said before, replaced
            _correct(text, known, favourites, relations)
        for fact in told:
            if fact.kind == "likes":
                likes.append(fact.value)
            elif fact.kind == "dislikes":
                dislikes.append(fact.value)
            elif fact.kind == "favourite":
                favourites[fact.detail] = fact.value
            elif fact.kind == "relation":
                relations[fact.detail] = fact.value
            elif fact.kind == "relation_age":
                ages[fact.detail] = fact.value
            else:
                known[fact.kind] = fact.value
    if likes:
        known["likes"] = list(dict.fromkeys(likes))
    if dislikes:
        known["dislikes"] = list(dict.fromkeys(dislikes))
    known["favourite"] = favourites
    known["relation"] = relations
    known["relation_age"] = ages
    return known


# "it's blue, not green", "blue not green", "not green but blue", "not green, blue": the new value and the old one
_X_NOT_Y = re.compile(
    r"(?i)(?:\b(?:it's|its|it is|that's|thats)\s+)?\b([a-z][\w'-]*),?\s+not\s+([a-z][\w'-]*)\b"
)
_NOT_Y_X = re.compile(r"(?i)\bnot\s+([a-z][\w'-]*),?\s+(?:but\s+|it's\s+|its\s+)?([a-z][\w'-]*)\s*[.!]?\s*$")


def _correct(text: str, known: dict, *named: dict) -> None:
    """Replace, wherever the user said it before, the value a correction says was wrong: only a value that was
    said (so "not tonight" replaces nothing) and never with a filler word."""
    if not _CORRECTION.search(text) and not re.search(r"(?i)\bnot\b", text):
        return
    pairs = [(m.group(1), m.group(2)) for m in _X_NOT_Y.finditer(text)]
    pairs += [(m.group(2), m.group(1)) for m in _NOT_Y_X.finditer(text)]
    for new, old in pairs:
        if fold(new) in STOP or new.lower() in ("actually", "sorry", "no", "oops", "wait"):
            continue
        for table in (known, *named):
            for key, value in table.items():
                if isinstance(value, str) and value.lower() == old.lower():
                    table[key] = new[:1].upper() + new[1:] if value[:1].isupper() else new


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
    if kind not in known:
        return _UNKNOWN[kind], False
    value = known[kind]
    if isinstance(value, list):
        value = _join(value)
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
            value = _join(value) if isinstance(value, list) else value
            parts.append(phrase.format(_article(str(value)) if kind == "job" else value))
    parts += [f"your favourite {k} is {v}" for k, v in known["favourite"].items()]
    parts += [f"your {k}'s name is {v}" for k, v in known["relation"].items()]
    if not parts:
        return "You haven't told me anything about yourself yet."
    return f"From this conversation: {_join(parts)}."


# What every question above starts with ("what's my", "what did you", "where", "how old", "repeat"...): a
# message without any of these asks none of them, and one search spares a dozen on most requests ("What is
# a token?" included). tests/stub/test_recall.py checks this against strings drawn from every pattern.
_MAY_ASK = re.compile(
    r"(?i)\b(?:what(?:'s|\s+(?:is|are|was|were|am|do|did|don't|have|name))\s+(?:my|i|you|your|did)\b"
    r"|who\s+(?:am|do)\s+i\b|where\b|which\s+(?:city|town|country|company)\b|how\s+old\b"
    r"|do\s+you\s+(?:know|remember)\b|repeat\b|how\s+old\s+is\b|(?:which|what)\s+\w+\s+(?:did|have)\s+i\b)"
)
_PATTERNS = [p for _, p in _ASKED] + [_ASK_OWN_REPLY, _ASK_OWN_QUESTION]  # and _ASK_SAID, appended below


# How people type the questions above without apostrophes: "whats my name", "wheres my", "whos"
_UNSPELLED = re.compile(r"(?i)\b(what|where|who|how)s\b")


def _spelled_out(question: str) -> str:
    return _UNSPELLED.sub(lambda m: f"{m.group(1)}'s", question)


def answer_from_history(messages: list[dict]) -> str | None:
    """Answer questions about something said earlier in ``messages`` (several at once), if that is what was asked."""
    texts = _user_texts(messages)
    if not texts:
        return None
    question, earlier = _spelled_out(texts[-1]), texts[:-1]
    if not _MAY_ASK.search(question):
        return None
    about = _about_the_conversation(messages, question, earlier)
    if about is not None:
        return about
    asked: list[tuple[int, str, str]] = []
    for kind, pattern in _ASKED:
        for m in pattern.finditer(question):
            if not any(abs(m.start() - a) < 3 for a, _, _ in asked):
                asked.append((m.start(), kind, (m.group(1) if m.groups() else "").lower()))
    if not asked:
        return said_value(question, messages)
    known = known_facts(messages)
    answers: list[str] = []
    for _, kind, detail in sorted(asked):
        if kind == "all":
            answers.append(_everything(known))
            continue
        sentence, _found = _answer(kind, detail, known)
        if not sentence:
            continue  # "how old is Rome?": about no one the user named
        answers.append(sentence)
    if not answers:
        return said_value(question, messages)
    also = said_value(question, messages) if _ASK_SAID.search(question) else None
    if also is not None:  # "what's my name, and which date did i say?"
        answers.append(also)
    return " ".join(answers)


def greeting_reply(messages: list[dict]) -> str | None:
    """A friendly acknowledgement when the last message only tells the stub about the user."""
    texts = _user_texts(messages)
    if not texts:
        return None
    last = texts[-1]
    if len(last) > 200 or "?" in last:
        return None
    told = facts(last)
    names = [f.value for f in told if f.kind == "name"]
    others = [f for f in told if f.kind != "name"]
    if names and not others:
        return f"Nice to meet you, {names[-1]}! How can I help you today?"
    if not others:
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
    hello = f"Nice to meet you, {names[-1]}! " if names else ""
    return f"{hello}Noted: {_join(noted)}. How can I help you today?"


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
_PATTERNS.append(_ASK_SAID)
_KIND_OF = {"day": ("date",), "date": ("date",), "time": ("date",), "city": ("city",), "town": ("city",),
            "place": ("city", "country", "name"), "country": ("country",), "number": ("number", "quantity", "id"),
            "amount": ("money", "number", "quantity"), "price": ("money", "number"), "name": ("person", "name"),
            "order": ("id",)}  # fmt: skip


def said_value(question: str, messages: list[dict]) -> str | None:
    """ "which day did i say?": the latest value of that kind the user gave, a correction overriding the first."""
    from .understanding import entities

    asked = _ASK_SAID.search(question)
    if asked is None:
        return None
    word = asked.group(1).lower()
    kinds = _KIND_OF.get(word, ("quoted", "name"))
    history: list[tuple[str, bool]] = []
    for text in _user_texts(messages)[:-1]:
        found = [e for e in entities(text) if e.kind in kinds]
        if found:
            said = found[-1].text
            if text[: found[-1].start].lower().endswith("the ") and said[:1].isdigit():
                said = f"the {said}"  # "the 15th", as the user wrote it
            history.append((said, bool(_CORRECTION.search(text))))
    if not history:
        return f"You haven't told me {_article(word)} yet."
    latest, corrected = history[-1]
    if corrected and len(history) > 1 and history[-2][0] != latest:
        return f"You said {latest} (you changed it from {history[-2][0]})."
    return f"You said {latest}."
