"""A chat box for the capstone's assistant: replies stream in, tool calls show, a meter and a ticket button.

It draws any object that has

* ``ask(text, on_token=callback) -> str``: one turn, calling ``on_token(piece)`` as text arrives;
* ``history``: the conversation as a list of message dicts (user, assistant, tool; no system message);

and, optionally, ``status() -> str`` (a one-line meter) and ``extract_ticket()`` (a pydantic model).
The capstone notebook's assistant and the lab 6 ``Assistant`` both fit::

    from course.assistant_widget import AssistantBox
    box = AssistantBox(assistant)
    box  # the last expression of a cell shows the widget

The widget's plain-text form (what GitHub and nbval see) is one stable line: turns and meter.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

from .widgets import STUB_LIMITS, on_the_stub, stub_note

ROLE_COLOURS = {"user": "#0b5", "assistant": "#06c", "tool": "#888"}


def describe_status(assistant: Any) -> str:
    """The assistant's meter as one line: its ``status()``, else its ``usage``/``cost``, else ""."""
    status = getattr(assistant, "status", None)
    if callable(status):
        return str(status())
    usage = getattr(assistant, "usage", None)
    if isinstance(usage, dict):
        line = f"{getattr(assistant, 'calls', '?')} calls · {usage.get('total_tokens', 0)} tokens"
        try:
            cost = assistant.cost
        except Exception:  # an unfinished lab: the meter is not the widget's business
            cost = None
        return line + (f" · ${cost:.6f}" if isinstance(cost, (int, float)) else "")
    return ""


def render_message(message: dict) -> str:
    """One history entry as HTML: text for user/assistant, a compact line for tool calls and results."""
    role = message.get("role", "?")
    colour = ROLE_COLOURS.get(role, "#333")
    if message.get("tool_calls"):
        calls = ", ".join(
            f"{c['function']['name']}({c['function']['arguments']})" for c in message["tool_calls"]
        )
        return f"<div style='color:#888'><small>🔧 calls {html.escape(calls)}</small></div>"
    if role == "tool":
        return f"<div style='color:#888'><small>↳ result: {html.escape(str(message.get('content')))}</small></div>"
    return f"<div><b style='color:{colour}'>{html.escape(role)}</b>: {html.escape(str(message.get('content') or ''))}</div>"


class AssistantBox:
    """The ipywidgets front of an assistant. Display it as the last expression of a cell."""

    def __init__(self, assistant: Any, status: Callable[[Any], str] = describe_status) -> None:
        import ipywidgets as w

        self.assistant = assistant
        self._status = status
        self.text = w.Text(
            placeholder="Ask the shop's assistant, then press Send", layout=w.Layout(width="60%")
        )
        self.send_button = w.Button(description="Send", button_style="primary")
        self.ticket_button = w.Button(
            description="Make ticket", disabled=not hasattr(assistant, "extract_ticket")
        )
        self.conversation = w.HTML()
        self.live = w.HTML()  # the reply being streamed
        self.error = w.HTML()
        self.meter = w.HTML()
        self.ticket = w.HTML()
        self.note = w.HTML(stub_note(getattr(assistant, "client", None)))
        self.send_button.on_click(lambda _: self.send())
        self.ticket_button.on_click(lambda _: self.make_ticket())
        self.widget = w.VBox(
            [
                self.conversation,
                self.live,
                w.HBox([self.text, self.send_button, self.ticket_button]),
                self.error,
                self.meter,
                self.ticket,
                self.note,
            ]
        )
        self.refresh()

    @property
    def turns(self) -> int:
        return sum(1 for m in self.assistant.history if m.get("role") == "user")

    def send(self, text: str | None = None) -> str | None:
        """Ask ``text`` (default: the text box), streaming the reply into the box; errors are shown, not raised."""
        text = (self.text.value if text is None else text).strip()
        if not text:
            self.error.value = "<span style='color:#b00'>Type a question first.</span>"
            return None
        pieces: list[str] = []

        def on_token(piece: str) -> None:
            pieces.append(piece)
            self.live.value = (
                f"<div><b style='color:#06c'>assistant</b>: {html.escape(''.join(pieces))}▌</div>"
            )

        self.live.value = f"<div><b style='color:#0b5'>user</b>: {html.escape(text)}</div>"
        try:
            reply = self.assistant.ask(text, on_token=on_token)
        except Exception as err:  # a chat box shows the error and keeps working
            self.error.value = (
                f"<span style='color:#b00'>{html.escape(type(err).__name__)}: {html.escape(str(err))}</span>"
            )
            self.live.value = ""
            self.refresh()
            return None
        self.text.value = ""
        self.error.value = ""
        self.live.value = ""
        self.refresh()
        return reply

    def make_ticket(self) -> Any | None:
        """Extract the support ticket from the conversation and show it as JSON (errors shown, not raised)."""
        try:
            ticket = self.assistant.extract_ticket()
        except Exception as err:
            self.error.value = (
                f"<span style='color:#b00'>{html.escape(type(err).__name__)}: {html.escape(str(err))}</span>"
            )
            return None
        data = ticket.model_dump(mode="json") if hasattr(ticket, "model_dump") else ticket
        pretty = json.dumps(data, indent=2, ensure_ascii=False)
        self.ticket.value = f"<b>Ticket</b><pre style='font-size:85%'>{html.escape(pretty)}</pre>"
        self.error.value = ""
        self.refresh()
        return ticket

    def refresh(self) -> None:
        rows = [render_message(m) for m in self.assistant.history]
        self.conversation.value = "".join(rows) or "<i>No messages yet. Ask about an order or a product.</i>"
        self.meter.value = f"<small>{html.escape(self._status(self.assistant))}</small>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        # The widget for live notebooks; a short, stable text for GitHub and for nbval's comparison.
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        if on_the_stub(getattr(self.assistant, "client", None)):
            bundle["text/plain"] += "\n" + STUB_LIMITS
        return bundle

    def __repr__(self) -> str:
        status = self._status(self.assistant)
        turns = f"{self.turns} turn" + ("" if self.turns == 1 else "s")
        return f"AssistantBox({turns})" + (f" · {status}" if status else "")
