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

from .tokenizer import content_text

_FACTS: list[tuple[str, re.Pattern[str], re.Pattern[str], str]] = [
    (
        "name",
        re.compile(
            r"(?i)\b(?:my name is|my name's|call me|i am called|i'm called)\s+((?-i:[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?))"
        ),
        re.compile(r"(?i)\b(?:what(?:'s| is) my name|who am i|do you (?:know|remember) my name)\b"),
        "Your name is {}.",
    ),
    (
        "home",
        re.compile(r"(?i)\bi (?:live|am living|'m living) in\s+((?-i:[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?))"),
        re.compile(r"(?i)\bwhere do i live\b"),
        "You told me you live in {}.",
    ),
    (
        "favourite",
        re.compile(r"(?i)\bmy favou?rite (\w+) is\s+([\w' -]+?)(?:[.!,]|$)"),
        re.compile(r"(?i)\bwhat(?:'s| is) my favou?rite (\w+)"),
        "Your favourite {} is {}.",
    ),
]


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


def _about_the_conversation(messages: list[dict], question: str, earlier: list[str]) -> str | None:
    """Questions about the conversation itself: the stub's own last reply, the user's earlier questions."""
    if _ASK_OWN_REPLY.search(question):
        replies = [t for t in _texts(messages, ("assistant",)) if t.strip()]
        if replies:
            return f'I said: "{_short(replies[-1])}"'
        return (
            "I don't see any earlier reply of mine in this conversation, only your messages. "
            "If I answered before, that answer was not sent with this request."
        )
    asked = _ASK_OWN_QUESTION.search(question)
    if asked:
        if not earlier:
            return "This is your first message in this conversation: I see no earlier question."
        which = earlier[0] if asked.group(1).lower() == "first" else earlier[-1]
        return f'You asked: "{_short(which)}"'
    return None


def answer_from_history(messages: list[dict]) -> str | None:
    """Answer a question about something the user said earlier in ``messages``, if it is one."""
    texts = _user_texts(messages)
    if not texts:
        return None
    question, earlier = texts[-1], texts[:-1]
    about = _about_the_conversation(messages, question, earlier)
    if about is not None:
        return about
    for kind, tell, ask, template in _FACTS:
        asked = ask.search(question)
        if not asked:
            continue
        if kind == "name":
            for text in reversed(_texts(messages, ("system", "developer"))):
                told = _INSTRUCTED_NAME.search(text)
                if told:
                    return template.format(told.group(1))
        for text in reversed(earlier):
            if kind == "favourite":
                for told in tell.finditer(text):
                    if told.group(1).lower() == asked.group(1).lower():
                        return template.format(told.group(1).lower(), told.group(2).strip())
            else:
                told = tell.search(text)
                if told:
                    return template.format(told.group(1))
        if kind == "favourite":
            return f"I don't know your favourite {asked.group(1).lower()}: nothing in this conversation tells me. Each request only contains the messages you send with it."
        return {
            "name": "I don't know your name: you haven't told me in this conversation. I only see the messages sent with this request.",
            "home": "I don't know where you live: nothing in this conversation says so. I only see the messages sent with this request.",
        }[kind]
    return None


def greeting_reply(messages: list[dict]) -> str | None:
    """A friendly acknowledgement when the last message only introduces the user."""
    texts = _user_texts(messages)
    if not texts:
        return None
    told = _FACTS[0][1].search(texts[-1])
    if told and len(texts[-1]) < 80:
        return f"Nice to meet you, {told.group(1)}! How can I help you today?"
    return None


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
