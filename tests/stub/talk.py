"""Conversations as the recall tests write them: messages, a history asked a question, a learner's typing, and a
failure message that carries the run's seed (``RESPONSES_TEST_SEED`` replays it)."""

from __future__ import annotations

import random

from llm_stub import recall

from .test_responses import SEED


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict:
    return {"role": "assistant", "content": text}


def ask(history: list[str], question: str, head: list[dict] | None = None) -> str:
    """The stub's answer to ``question`` after ``head`` (system or developer messages, say) and ``history``
    (user messages, each acknowledged)."""
    messages = list(head or [])
    for said in history:
        messages += [user(said), assistant("Noted.")]
    return recall.answer_from_history([*messages, user(question)]) or ""


def why(what: str, got: object) -> str:
    return f"{what}; got {got!r} (seed {SEED}; replay with RESPONSES_TEST_SEED={SEED})"


def sloppy(rng: random.Random, text: str, btw: float = 0.3) -> str:
    """A learner's typing: sometimes lower case, sometimes without apostrophes, sometimes with "btw"."""
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.3:
        text = text.replace("'", "")
    if rng.random() < btw:
        text += " btw"
    return text
