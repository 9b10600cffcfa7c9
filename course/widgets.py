"""A chat box for notebooks: a text box, a send button, the conversation, the messages it sends, a meter.

The logic lives in ``ChatSession`` (no UI, tested on its own); ``ChatBox`` draws it
with ipywidgets. Both take an ``OpenAI`` client and a model, so they work on the
stub and on any real provider:

    from course.widgets import ChatBox
    box = ChatBox(client, MODEL, system="You are a helpful assistant.")
    box  # the last expression of a cell shows the widget
"""

from __future__ import annotations

import html
import json
from typing import Any

from llm_stub import LIMITS_SENTENCE

from .pricing import Meter

DEFAULT_SYSTEM = "You are a helpful assistant. Keep answers short."

# What the course's stub can and cannot do, in one sentence (llm_stub's own wording): every chat widget shows it
# when it talks to the stub, and lesson 00 prints it.
STUB_LIMITS = LIMITS_SENTENCE


def on_the_stub(client: Any) -> bool:
    """Whether ``client`` talks to the stub that ``course.setup()`` started (then ``STUB_LIMITS`` applies)."""
    from . import backend

    current = getattr(backend, "_current", None)
    if client is None or current is None or not current.is_stub:
        return False
    return str(getattr(client, "base_url", "")).rstrip("/") == current.base_url.rstrip("/")


def stub_note(client: Any) -> str:
    """The stub's limits as a line of HTML for a widget ('' when the client talks to a real provider)."""
    return f"<small style='color:#777'>ⓘ {html.escape(STUB_LIMITS)}</small>" if on_the_stub(client) else ""


class ChatSession:
    """One conversation: the messages so far (system first), and a running token and cost meter.

    ``send(text)`` appends the user message, sends the whole list, appends the
    assistant's reply and adds the response's usage to the meter. If the call
    fails, the history is left as it was, so the next send does not carry a
    question that was never answered.
    """

    def __init__(self, client: Any, model: str, system: str | None = DEFAULT_SYSTEM, **options: Any) -> None:
        self.client = client
        self.model = model
        self.system = system
        self.options = options
        self.messages: list[dict] = []
        self.meter = Meter(model)
        self.last_usage: Any = None
        self.reset()

    def reset(self) -> None:
        """Start a new conversation (the meter keeps counting: the money is spent)."""
        self.messages = [{"role": "system", "content": self.system}] if self.system else []

    @property
    def turns(self) -> int:
        return sum(1 for m in self.messages if m["role"] == "user")

    def send(self, text: str) -> str:
        text = text.strip()
        if not text:
            raise ValueError("type a message first")
        outgoing = [*self.messages, {"role": "user", "content": text}]
        response = self.client.chat.completions.create(model=self.model, messages=outgoing, **self.options)
        reply = response.choices[0].message.content or ""
        self.messages = [*outgoing, {"role": "assistant", "content": reply}]
        self.last_usage = response.usage
        if response.usage is not None:
            self.meter.add(response.usage)
        return reply

    def status(self) -> str:
        """The meter as one line: calls, tokens, dollars, and the last call's prompt size."""
        line = str(self.meter)
        if self.last_usage is not None:
            line += f" · last prompt {self.last_usage.prompt_tokens} tokens"
        return line

    def transcript(self) -> str:
        """The conversation as plain text."""
        return "\n".join(f"{m['role']:>9}: {m['content']}" for m in self.messages)


class ChatBox:
    """The ipywidgets front of a ``ChatSession``. Display it as the last expression of a cell."""

    def __init__(self, client: Any, model: str, system: str | None = DEFAULT_SYSTEM, **options: Any) -> None:
        import ipywidgets as w

        self.session = ChatSession(client, model, system, **options)
        self.text = w.Text(placeholder="Type a message, then press Send", layout=w.Layout(width="70%"))
        self.send_button = w.Button(description="Send", button_style="primary")
        self.reset_button = w.Button(description="New conversation")
        self.conversation = w.HTML()
        self.sent = w.HTML()
        self.meter = w.HTML()
        self.error = w.HTML()
        self.note = w.HTML(stub_note(client))
        self.send_button.on_click(lambda _: self.send())
        self.reset_button.on_click(lambda _: self.reset())
        shown = w.Accordion(children=[self.sent], titles=("The messages list sent with the last request",))
        self.widget = w.VBox(
            [
                self.conversation,
                w.HBox([self.text, self.send_button, self.reset_button]),
                self.error,
                self.meter,
                shown,
                self.note,
            ]
        )
        self.refresh()

    def send(self, text: str | None = None) -> str | None:
        """Send ``text`` (default: what is in the text box); errors are shown in the box, not raised."""
        text = self.text.value if text is None else text
        try:
            reply = self.session.send(text)
        except Exception as err:  # a chat box shows the error and keeps working
            self.error.value = (
                f"<span style='color:#b00'>{html.escape(type(err).__name__)}: {html.escape(str(err))}</span>"
            )
            return None
        self.text.value = ""
        self.error.value = ""
        self.refresh()
        return reply

    def reset(self) -> None:
        self.session.reset()
        self.refresh()

    def refresh(self) -> None:
        rows = []
        for m in self.session.messages:
            colour = {"system": "#666", "user": "#0b5", "assistant": "#06c"}.get(m["role"], "#333")
            rows.append(
                f"<div><b style='color:{colour}'>{html.escape(m['role'])}</b>: {html.escape(str(m['content']))}</div>"
            )
        self.conversation.value = "".join(rows) or "<i>No messages yet.</i>"
        sent = json.dumps(self.session.messages, indent=2, ensure_ascii=False)
        self.sent.value = f"<pre style='font-size:85%'>{html.escape(sent)}</pre>"
        self.meter.value = f"<small>{html.escape(self.session.status())}</small>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        # The widget for live notebooks; a short, stable text for GitHub and for nbval's comparison.
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (
            f"ChatBox({self.session.model}, {self.session.turns} turns) · {self.session.status()}"
        )
        if on_the_stub(self.session.client):
            bundle["text/plain"] += "\n" + STUB_LIMITS
        return bundle

    def __repr__(self) -> str:
        return f"ChatBox({self.session.model}, {self.session.turns} turns)"
