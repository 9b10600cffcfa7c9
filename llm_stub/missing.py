"""What a chat request leaves out, said back the way a model says it, with no tools on offer.

Two kinds of request cannot be answered from their own words, and a small real model says so in one line
instead of guessing:

* **The thing to work on is not there**: "translate this", "summarise this for me", "fix my code", "proofread
  my email" sent with nothing else (the first message of a chat). The model asks for it: paste the text, the
  code, the email; for a translation, also into which language when none is named.
* **Live data** the model has no way to see without a tool: today's weather, a price or a rate now, the news,
  a score. A model knows nothing after its training cut-off and reaches live data only through a tool ("LLMs
  in Production", Manning, on tools: "a clock, or a weather service"; Langdock's web-search docs: models "can't
  learn new information after training"), so it says it has no real-time access and where to look. With a
  tool on offer, ``tools.py`` calls it instead and this module is never reached.

Everything else returns None.
"""

from __future__ import annotations

import re

_LEAD = re.compile(
    r"(?i)^\s*(?:(?:hey|hi|hello|ok|okay|so|please|pls)[,!]?\s+)*(?:(?:can|could|would|will) you\s+(?:please\s+)?)?"
)
_TAIL = re.compile(r"(?i)[\s,]*(?:for me|please|pls|thanks|thank you|real quick|quickly)?\s*[?.!]*\s*$")
_VERBS = {
    "translate": "translate", "summarise": "summarise", "summarize": "summarize", "proofread": "proofread",
    "fix": "fix", "debug": "debug", "review": "review", "rewrite": "rewrite", "reword": "reword",
    "shorten": "shorten", "improve": "improve", "correct": "correct", "paraphrase": "paraphrase", "edit": "edit",
    "explain": "explain", "check": "check", "tldr": "summarise",
}  # fmt: skip
# "translate this", "fix my code", "summarise the following", "proofread my cover letter into french"
_WORK_ON = re.compile(
    r"(?i)^("
    + "|".join(_VERBS)
    + r")\s+(this|that|it|the following|(?:my|our|the|this)\s+((?:[a-z]+\s+){0,2}?"
    r"(?:code|script|function|program|essay|email|e-mail|message|text|letter|cover letter|cv|resume|paragraph|"
    r"article|document|doc|post|bug|error|sentence|story|report|poem|notes?|answer|sql|query)))"
    r"(?:\s+(?:in|into|to)\s+([a-z]+))?$"
)
_CODE_WORDS = frozenset("code script function program bug error sql query".split())

# "what's the weather like today?", "what's the price of bitcoin right now", "latest news", "who won last night"
_LIVE = re.compile(
    r"(?i)^(?:what(?:'s| is|s)|how(?:'s| is)|is it|will it|tell me|give me|any)\s+(?:the\s+)?"
    r"(?:(weather|forecast|temperature)(?:\s+(?:like|going to be|forecast))?(?:\s+(?:in|for|at)\s+[\w .'-]+?)?"
    r"(?:\s+(?:today|tomorrow|now|right now|outside|this week|this weekend|tonight))?"
    r"|(?:current |latest |today'?s )?(?:price|value|exchange rate|rate|stock price|share price)\s+(?:of|for)\s+.+?"
    r"(?:\s+(?:today|now|right now|at the moment))?"
    r"|(?:latest |today'?s |current )(?:news|headlines|score|scores)(?:\s+.+)?"
    r"|(?:raining|snowing|sunny|cold|hot)(?:\s+(?:today|now|outside|tomorrow))?)$"
)


def _noun(verb: str, named: str | None) -> str:
    """What to paste: the thing named ("my cover letter"), else code for a fix and text for the rest."""
    if named:
        return named.strip()
    return "code" if verb in ("fix", "debug") else "text"


def ask_for_content(question: str) -> str | None:
    """ "translate this", "fix my code": the one question a model asks back when the thing is not given."""
    m = _WORK_ON.match(_TAIL.sub("", _LEAD.sub("", question.strip(), count=1)))
    if m is None:
        return None
    verb, named, language = m.group(1).lower(), m.group(3), m.group(4)
    noun = _noun(verb, named.lower() if named else None)
    if verb == "translate":
        if language:
            return f"Sure. Paste the {noun} you'd like translated into {language.capitalize()}."
        return (
            f"Sure. Paste the {noun} you'd like translated, and tell me which language to translate it into."
        )
    error = (
        ", with the error message you see,"
        if noun.split()[-1] in _CODE_WORDS and verb in ("fix", "debug")
        else ""
    )
    return (
        f"Happy to {_VERBS[verb]} it. I don't see the {noun} yet: paste it here{error} and I'll take a look."
    )


def live_data(question: str) -> str | None:
    """ "what's the weather like today?" with no tool: a model has no live data, and says so in one line."""
    m = _LIVE.match(_TAIL.sub("", _LEAD.sub("", question.strip(), count=1)))
    if m is None:
        return None
    if m.group(1) or re.search(r"(?i)\b(?:raining|snowing|sunny|cold|hot)\b", m.group(0)):
        return (
            "I can't check live weather: I have no internet access or weather tool here. A weather service or app "
            "for the place will have the current conditions and forecast."
        )
    return (
        "I don't have real-time data, so I can't tell you what it is right now. A live source (a news site, a "
        "market data page or the official site) will have the current figure."
    )


def answer(question: str, alone: bool = True) -> str | None:
    """The line a model answers with when the request leaves out what only the user (or live data) can give.
    ``alone``: this is the chat's only user message (after others, "this" may be something said before)."""
    return (ask_for_content(question) if alone else None) or live_data(question)
