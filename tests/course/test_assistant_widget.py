"""The capstone's chat box: it streams a reply into the box, shows tool calls, the meter, errors and the ticket."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from course.assistant_widget import AssistantBox, describe_status, render_message
from course.pricing import Meter
from llm_stub.catalog import DEFAULT_MODEL

MODEL = DEFAULT_MODEL


class Ticket(BaseModel):
    summary: str


class TinyAssistant:
    """Just enough of an assistant for the box: a streamed ask, a history, a status and a ticket."""

    def __init__(self, client, model: str = MODEL) -> None:
        self.client, self.model = client, model
        self.history: list[dict] = []
        self.meter = Meter(model)
        self.seen: list[str] = []

    def ask(self, text: str, on_token=None) -> str:
        messages = [*self.history, {"role": "user", "content": text}]
        stream = self.client.chat.completions.create(
            model=self.model, messages=messages, stream=True, stream_options={"include_usage": True}
        )
        parts = []
        for chunk in stream:
            if chunk.usage is not None:
                self.meter.add(chunk.usage)
            if chunk.choices and chunk.choices[0].delta.content:
                parts.append(chunk.choices[0].delta.content)
                if on_token:
                    on_token(chunk.choices[0].delta.content)
        reply = "".join(parts)
        self.history = [*messages, {"role": "assistant", "content": reply}]
        return reply

    def status(self) -> str:
        return str(self.meter)

    def extract_ticket(self) -> Ticket:
        if not self.history:
            raise ValueError("no conversation yet")
        return Ticket(summary=self.history[0]["content"])


def test_send_streams_into_the_box_and_updates_the_meter(client, stub):
    bot = TinyAssistant(client)
    box = AssistantBox(bot)
    frames: list[str] = []
    box.live.observe(lambda change: frames.append(change["new"]), names="value")
    box.text.value = "Hi! My name is Sam."
    box.send_button.click()
    assert box.text.value == "" and box.live.value == ""
    assert "Nice to meet you, Sam!" in box.conversation.value
    streamed = [f for f in frames if "▌" in f]
    assert len(streamed) > 1, "the reply should appear piece by piece while it streams"
    assert "1 call " in box.meter.value
    assert repr(box).startswith("AssistantBox(1 turn) · 1 call ")
    assert box._repr_mimebundle_()["text/plain"] == repr(box)


def test_errors_are_shown_and_the_box_keeps_working(client, stub):
    box = AssistantBox(TinyAssistant(client, "no-such-model"))
    assert box.send("hello") is None
    assert "NotFoundError" in box.error.value
    assert box.send("   ") is None and "Type a question" in box.error.value
    assert box.make_ticket() is None and "ValueError" in box.error.value


def test_ticket_button_shows_the_ticket_as_json(client, stub):
    bot = TinyAssistant(client)
    box = AssistantBox(bot)
    box.send("hello")
    box.ticket_button.click()
    assert "&quot;summary&quot;: &quot;hello&quot;" in box.ticket.value


def test_tool_calls_and_results_are_rendered_compactly():
    call = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "check_stock", "arguments": '{"product": "Chemex"}'},
            }
        ],
    }
    assert "check_stock({&quot;product&quot;: &quot;Chemex&quot;})" in render_message(call)
    assert "result" in render_message(
        {"role": "tool", "tool_call_id": "call_1", "content": '{"in_stock": 0}'}
    )


class LabLike:
    """The lab 6 Assistant's meter: usage dict, calls and a cost property (which may not be written yet)."""

    history: list = []
    calls = 2
    usage = {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}

    @property
    def cost(self):
        raise NotImplementedError


def test_status_of_an_assistant_without_status_method():
    assert describe_status(LabLike()) == "2 calls · 120 tokens"
    assert describe_status(object()) == ""
    assert repr(AssistantBox(LabLike())) == "AssistantBox(0 turns) · 2 calls · 120 tokens"


@pytest.mark.parametrize("role", ["user", "assistant"])
def test_text_is_escaped(role):
    assert "&lt;b&gt;" in render_message({"role": role, "content": "<b>"})
