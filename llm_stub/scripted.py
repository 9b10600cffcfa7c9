"""Scripted multi-step turns: which step of a reply rule's ``steps`` answers this request.

A tool loop sends one request per model step, each with the turn so far: the user's message, then one
assistant message per earlier step (its tool calls answered by tool messages). So step *k* (from 0) is
the one whose request holds *k* assistant messages after the last user message; the stub stays stateless
and a replayed request gets the same step. Past the last step the last one repeats: a script that ends
with calls is a model that keeps asking for tools.

What a step may do depends on the request, as it does for a real model: no calls without tools on offer
or under ``tool_choice: "none"``; under a named ``tool_choice`` only calls of that function; under
``"required"`` no plain reply; ``parallel_tool_calls: false`` keeps the first call. A step the request
does not allow gives way to the stub's own decision (``generate.draft``).
"""

from __future__ import annotations

from .replies import Step
from .request import ChatRequest
from .tools import function_tools


def current_step(steps: tuple[Step, ...], messages: list[dict]) -> Step:
    """The step that answers a request with these messages (the last step once the script is used up)."""
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    done = sum(1 for m in messages[last_user + 1 :] if m.get("role") == "assistant")
    return steps[min(done, len(steps) - 1)]


def _named(req: ChatRequest) -> str | None:
    choice = req.tool_choice
    if isinstance(choice, dict):
        return (choice.get("function") or {}).get("name") or choice.get("name")
    return None


def allowed_calls(step: Step, req: ChatRequest) -> list[tuple[str, str]] | None:
    """The step's calls this request allows (``[]``: an empty list the step sends as such), or None when
    the step has no calls or the request allows none of them."""
    if step.tool_calls is None:
        return None
    if not step.tool_calls:
        return []  # an empty list is a provider's shape, not a call: any request can get it
    if not function_tools(req) or req.tool_choice == "none":
        return None
    named = _named(req)
    calls = [c for c in step.tool_calls if named is None or c[0] == named]
    if not calls:
        return None
    return calls if req.parallel_tool_calls else calls[:1]


def must_call(req: ChatRequest) -> bool:
    """Whether the request forces a tool call (``"required"`` or a named function) when tools are offered."""
    return bool(function_tools(req)) and (req.tool_choice == "required" or _named(req) is not None)
