"""The chat box's logic: a turn updates the history, the messages it sends, and the token and cost meter."""

from __future__ import annotations

import pytest

from course import models, pricing
from course.widgets import ChatBox, ChatSession
from llm_stub import catalog, tokenizer
from llm_stub.catalog import DEFAULT_MODEL

MODEL = DEFAULT_MODEL


def test_a_turn_updates_history_and_meter(client, stub):
    session = ChatSession(client, MODEL, system="Be brief.")
    answer = session.send("Hi! My name is Sam.")
    assert answer == "Nice to meet you, Sam! How can I help you today?"
    assert session.messages == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi! My name is Sam."},
        {"role": "assistant", "content": answer},
    ]
    prompt = tokenizer.count_messages(session.messages[:2])
    assert (session.meter.calls, session.meter.prompt_tokens) == (1, prompt)
    # the default model reasons: its hidden reasoning tokens are part of the completion, and of the bill
    assert session.meter.completion_tokens == tokenizer.count(answer) + session.meter.reasoning_tokens
    assert session.meter.dollars == pytest.approx(pricing.cost(session.last_usage, MODEL))


def test_the_whole_history_is_sent_and_the_meter_adds_up(client, stub):
    session = ChatSession(client, MODEL)
    session.send("Hi! My name is Sam.")
    second = session.send("What's my name?")
    assert second == "Your name is Sam."
    bodies = stub.requests()
    assert [len(b["messages"]) for b in bodies] == [2, 4]
    assert bodies[1]["messages"] == session.messages[:-1]
    prompts = [tokenizer.count_messages(b["messages"]) for b in bodies]
    assert session.meter.prompt_tokens == sum(prompts)
    assert session.last_usage.prompt_tokens == prompts[-1]
    assert session.turns == 2
    assert "2 calls" in session.status() and f"last prompt {prompts[-1]} tokens" in session.status()


def test_options_are_sent(client, stub):
    # temperature only at effort none on today's models: course.models says what to send with it
    ChatSession(client, MODEL, **models.sampling_params(MODEL, temperature=0.7), seed=3).send("hello")
    body = stub.requests()[0]
    assert (body["temperature"], body["seed"]) == (0.7, 3)


def test_a_failed_call_leaves_the_history_alone(client, stub):
    session = ChatSession(client, "no-such-model")
    with pytest.raises(Exception, match="does not exist"):
        session.send("hello")
    assert len(session.messages) == 1 and session.meter.calls == 0


def test_no_system_prompt_and_reset(client, stub):
    session = ChatSession(client, MODEL, system=None)
    session.send("hello")
    assert stub.requests()[0]["messages"] == [{"role": "user", "content": "hello"}]
    session.reset()
    assert session.messages == [] and session.meter.calls == 1  # the money spent stays on the meter


def test_empty_message_is_refused_without_a_call(client, stub):
    with pytest.raises(ValueError):
        ChatSession(client, MODEL).send("   ")
    assert stub.requests() == []


def test_unknown_model_price_is_said_not_guessed(client, stub):
    meter = pricing.Meter("some-local-model")
    meter.add({"prompt_tokens": 10, "completion_tokens": 5})
    assert meter.dollars is None and "price unknown" in str(meter)


def test_chat_box_send_button_and_views(client, stub):
    box = ChatBox(client, MODEL, system="Be brief.")
    box.text.value = "Hi! My name is Sam."
    box.send_button.click()
    assert box.text.value == ""
    assert "Nice to meet you, Sam!" in box.conversation.value
    assert "&quot;role&quot;: &quot;assistant&quot;" in box.sent.value
    assert "1 call " in box.meter.value
    box.send("What's my name?")
    assert "Your name is Sam." in box.conversation.value
    text = box._repr_mimebundle_()["text/plain"]
    assert text.startswith(f"ChatBox({MODEL}, 2 turns)")


def test_chat_box_shows_errors_instead_of_raising(client, stub):
    box = ChatBox(client, "no-such-model")
    box.text.value = "hello"
    assert box.send() is None
    assert "NotFoundError" in box.error.value
    assert box.text.value == "hello"  # kept, so the learner can fix the model and resend


def test_pricing_helpers():
    snapshot = next(m for m in catalog.DEFAULT_MODELS if m.snapshot and m.is_row and not m.shutdown_date)
    assert pricing.price_of(snapshot.snapshot) == pricing.PRICES_PER_MILLION[snapshot.id]
    assert pricing.price_of(f"openai/{MODEL}") == pricing.PRICES_PER_MILLION[MODEL]
    assert pricing.price_of("llama3") is None
    i, o = pricing.PRICES_PER_MILLION[MODEL]
    # a tenth of a million each way (below the 272K-token long-context threshold)
    assert pricing.cost({"prompt_tokens": 100_000, "completion_tokens": 100_000}, MODEL) == pytest.approx(
        (i + o) / 10
    )
    assert pricing.estimate_tokens("") == 0 and pricing.estimate_tokens("Hello!") == 2
    assert (
        pricing.usd(0.000123) == "$0.000123" and pricing.usd(1.5) == "$1.5000" and pricing.usd(None) == "$?"
    )
