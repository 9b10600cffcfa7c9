"""What the assistant can do: the answer to "what can you do?" when the request offers tools.

A model sees the tools a request offers and, asked what it can do or which tools it has, says so in plain
words instead of calling one of them. Without that, the stub fell back to saying it is a stub. The answer is built
from the tools themselves: each tool's action (``asking.action``: ``get_weather`` "get the weather") with
its description, so a learner's own tools are described, never the course's.
"""

from __future__ import annotations

import re

from .asking import action
from .recall import _join
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
        f"With the tools I have here, I can {_join([_described(t) for t in tools])}. "
        "Tell me what you need and I'll use the right one."
    )
