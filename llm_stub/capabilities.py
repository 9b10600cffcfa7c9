"""What the assistant can do with the tools offered, and when a message is no task for them.

* "what can you do?" is answered from the tools the request offers.
* "what is a timer?" asks what a word means: no tool is called and no argument asked for.

A model sees the tools a request offers and, asked what it can do or which tools it has, says so in plain
words instead of calling one of them. Without that, the stub fell back to saying it is a stub. The answer is built
from the tools themselves: each tool's action (``asking.action``: ``get_weather`` "get the weather") with
its description, so a learner's own tools are described, never the course's.
"""

from __future__ import annotations

import re

from .asking import action
from .readback import join
from .request import ChatRequest

# Questions about the assistant itself, not requests for a tool's work: "what can you do?", "what tools do
# you have?", "how can you help me?", "what are your capabilities?"
_ABOUT_YOU = re.compile(
    r"\bwhat\s+(?:else\s+)?(?:can|could)\s+(?:you|u)\s+(?:do|help(?:\s+(?:me|us))?\s+with)\b"
    r"|\bwhat\s+are\s+(?:you|u)\s+(?:able|capable)\b"
    r"|\bwhat\s+(?:are\s+)?(?:your|ur)\s+(?:capabilities|abilities|skills|tools|functions)\b"
    r"|\b(?:what|which)\s+(?:tools|functions|abilities|capabilities)\s+(?:do|can|have)\s+(?:you|u)\b"
    r"|\bwhat\s+(?:tools|functions)\s+(?:are\s+)?(?:available|there)\b"
    r"|\bhow\s+(?:can|could)\s+(?:you|u)\s+help(?:\s+(?:me|us))?\s*\??\s*$"
)


# "what is a timer?", "do you know what an exchange rate is?", "what does forecast mean?": a question about a
# word, not a request for the tool's work; answering it needs a model's knowledge, never a call or a question
# about the tool's arguments. "what is the weather in oslo?" (the, a place) is a request and is not this.
_WHAT_A_THING_IS = re.compile(
    r"^\W*(?:so|ok|hey|hi)?[\s,]*(?:(?:what(?:'s|s|\s+is)|whats)\s+an?\s+(?:\w+\s+){0,1}\w+"
    r"|what\s+are\s+(?:\w+\s+){0,1}\w+s|(?:do|did)\s+(?:you|u)\s+know\s+what\s+(?:an?\s+)?(?:\w+\s+){0,2}(?:is|are|means?)"
    r"|(?:can\s+you\s+)?(?:explain|define)\s+(?:what\s+)?(?:an?\s+)?(?:\w+\s+){0,2}\w+"
    r"|what\s+does\s+(?:\w+\s+){0,2}\w+\s+mean)\s*\??\s*$"
)
_DIGIT = re.compile(r"\d")
_NOT_A_THING = frozenset(
    "the my your our this that it time weather date day today tomorrow temperature".split()
)


def asks_what_a_thing_is(req: ChatRequest) -> bool:
    """Whether the last user message only asks what a thing is or means ("what is a timer?"), naming nothing the
    user wants done: no place, number or time ("what's the weather" and "what is 5 plus 3" are requests)."""
    if not req.tools:
        return False  # nothing to call: the question is the model's to answer either way
    last = req.messages[-1] if req.messages else {}
    text = req.last_user_text.lower()
    if last.get("role") != "user" or len(text) > 80 or _DIGIT.search(text):
        return False
    if not _WHAT_A_THING_IS.match(text):
        return False
    return _NOT_A_THING.isdisjoint(re.findall(r"[a-z']+", text))


def _described(tool: dict) -> str:
    function = tool.get("function") or {}
    does = action(str(function.get("name", "")))
    about = " ".join(str(function.get("description") or "").split()).rstrip(".")
    if not about or about.lower() == does:
        return does
    return f"{does} ({about[0].lower() + about[1:] if about[1:2].islower() else about})"


def reply(req: ChatRequest, tools: list[dict]) -> str | None:
    """What the assistant can do with ``tools`` (the request's function tools), when that is what was asked."""
    last = req.messages[-1] if req.messages else {}
    if not tools or last.get("role") != "user" or not _ABOUT_YOU.search(req.last_user_text.lower()):
        return None
    return (
        f"With the tools I have here, I can {join([_described(t) for t in tools])}. "
        "Tell me what you need and I'll use the right one."
    )
