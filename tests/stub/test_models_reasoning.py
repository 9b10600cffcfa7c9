"""Reasoning tokens: reported, deterministic, billed inside completion_tokens, capped with the answer, and
following the effort actually used (the request's, else the model's default; none spends none).

Models are drawn from the catalogue (tests/stub/models.py), the stub's clock pinned to a day each is served.
Inputs vary per run (seeded; the seed is in every assertion message). Bodies are validated against the OpenAPI
description's CreateChatCompletionResponse.
"""

from __future__ import annotations

import random

import httpx
import pytest

from llm_stub import tokenizer

from . import models
from .models import info
from .openapi import errors

# reasoning models that reason at their default effort (a model whose default is none thinks only when asked)
THINKING = models.ids(lambda m: m.is_reasoning and m.default_effort not in ("none", "minimal"))
CHAT = models.ids(lambda m: not m.is_reasoning)
SEED = random.randrange(2**32)
QUESTIONS = ["What is a token?", "Name a river.", "Explain prompt caching in two sentences.", "hello", "2+2?"]


_STUB = []


@pytest.fixture(autouse=True)
def _served(stub):
    """Each request below pins the stub's clock to a day its model is served (``ask``)."""
    _STUB[:] = [stub]


def ask(client, model, question, **kwargs):
    models.serve(_STUB[0], model)
    return client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": question}], **kwargs
    )


def test_reasoning_tokens_are_reported_and_counted_as_completion(client):
    rng = random.Random(SEED)
    model, question = rng.choice(THINKING), rng.choice(QUESTIONS)
    r = ask(client, model, question)
    reasoning = r.usage.completion_tokens_details.reasoning_tokens
    visible = tokenizer.count(r.choices[0].message.content)
    assert reasoning > 0, f"seed={SEED} model={model}"
    assert r.usage.completion_tokens == reasoning + visible, f"seed={SEED} model={model}"
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_the_count_is_deterministic_for_a_prompt(client):
    rng = random.Random(SEED)
    model, question = rng.choice(THINKING), rng.choice(QUESTIONS)
    counts = {ask(client, model, question).usage.completion_tokens_details.reasoning_tokens for _ in range(3)}
    assert len(counts) == 1, f"seed={SEED} model={model}"


def test_the_count_grows_with_reasoning_effort(client):
    """More effort, more reasoning; none (and minimal) spend none; an omitted effort is the model's default."""
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.is_reasoning))
    question = rng.choice(QUESTIONS)
    efforts = info(model).chat_efforts
    counts = [
        ask(client, model, question, reasoning_effort=e).usage.completion_tokens_details.reasoning_tokens
        for e in efforts
    ]
    assert counts == sorted(counts) and counts[0] < counts[-1], f"seed={SEED} model={model} {counts}"
    for e, n in zip(efforts, counts, strict=True):
        assert (n == 0) == (e in ("none", "minimal")), f"seed={SEED} model={model} effort={e}: {n}"
    default = ask(client, model, question).usage.completion_tokens_details.reasoning_tokens
    assert default == counts[efforts.index(info(model).default_effort)], f"seed={SEED}: the default effort"


def test_effort_none_spends_no_reasoning_on_either_endpoint(client):
    """Reasoning tokens follow the effort actually used: at none there are none (S8: none turns reasoning off;
    E2 measured 34 reasoning tokens going to 0)."""
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: "none" in m.efforts))
    question = rng.choice(QUESTIONS)
    chat = ask(client, model, question, reasoning_effort="none")
    assert chat.usage.completion_tokens_details.reasoning_tokens == 0, f"seed={SEED} model={model}"
    assert chat.usage.completion_tokens == tokenizer.count(chat.choices[0].message.content)
    models.serve(_STUB[0], model)
    r = client.responses.create(model=model, input=question, reasoning={"effort": "none"})
    assert r.usage.output_tokens_details.reasoning_tokens == 0 and [i.type for i in r.output] == ["message"]
    high = client.responses.create(model=model, input=question, reasoning={"effort": "high"})
    assert high.usage.output_tokens_details.reasoning_tokens > 0, f"seed={SEED} model={model}"


def test_the_count_depends_on_the_prompt(client):
    rng = random.Random(SEED)
    model = rng.choice(THINKING)
    counts = {ask(client, model, q).usage.completion_tokens_details.reasoning_tokens for q in QUESTIONS}
    assert len(counts) > 1, f"seed={SEED} model={model}"


def test_chat_models_spend_no_reasoning_tokens(client):
    rng = random.Random(SEED)
    model = rng.choice(CHAT)
    r = ask(client, model, rng.choice(QUESTIONS))
    assert r.usage.completion_tokens_details.reasoning_tokens == 0, f"seed={SEED} model={model}"


def test_a_budget_reasoning_uses_up_returns_an_empty_answer(client, stub):
    rng = random.Random(SEED)
    model, question = rng.choice(THINKING), rng.choice(QUESTIONS)
    needed = ask(client, model, question).usage.completion_tokens_details.reasoning_tokens
    budget = rng.randint(1, needed)
    r = ask(client, model, question, max_completion_tokens=budget)
    choice = r.choices[0]
    assert choice.message.content == "" and choice.finish_reason == "length", f"seed={SEED} budget={budget}"
    assert r.usage.completion_tokens == budget == r.usage.completion_tokens_details.reasoning_tokens
    raw = httpx.post(
        f"{stub.base_url}/chat/completions",
        headers={"Authorization": f"Bearer {stub.api_key}"},
        json={
            "model": model,
            "messages": [{"role": "user", "content": question}],
            "max_completion_tokens": budget,
        },
    ).json()
    assert errors("CreateChatCompletionResponse", raw) == [], raw


def test_a_budget_that_leaves_some_room_cuts_the_answer(client):
    rng = random.Random(SEED)
    model = rng.choice(THINKING)
    question = "Explain prompt caching in two sentences."
    full = ask(client, model, question)
    reasoning = full.usage.completion_tokens_details.reasoning_tokens
    visible = full.usage.completion_tokens - reasoning
    assert visible > 2, f"seed={SEED}: the reply is too short to cut"
    room = rng.randint(1, visible - 1)
    r = ask(client, model, question, max_completion_tokens=reasoning + room)
    assert r.choices[0].finish_reason == "length", f"seed={SEED} room={room}"
    assert r.usage.completion_tokens == reasoning + room
    assert tokenizer.count(r.choices[0].message.content) == room
    assert full.choices[0].message.content.startswith(r.choices[0].message.content)


def test_a_budget_big_enough_for_both_finishes_normally(client):
    rng = random.Random(SEED)
    model, question = rng.choice(THINKING), rng.choice(QUESTIONS)
    full = ask(client, model, question)
    r = ask(client, model, question, max_completion_tokens=full.usage.completion_tokens + rng.randint(0, 50))
    assert (
        r.choices[0].finish_reason == "stop"
        and r.choices[0].message.content == full.choices[0].message.content
    )


def test_streaming_reports_the_same_usage(client):
    rng = random.Random(SEED)
    model, question = rng.choice(THINKING), rng.choice(QUESTIONS)
    plain = ask(client, model, question)
    chunks = list(ask(client, model, question, stream=True, stream_options={"include_usage": True}))
    usage = chunks[-1].usage
    assert (
        usage.completion_tokens_details.reasoning_tokens
        == plain.usage.completion_tokens_details.reasoning_tokens
    )
    assert usage.completion_tokens == plain.usage.completion_tokens, f"seed={SEED} model={model}"


def test_every_responses_effort_spends_more_than_the_one_below(client):
    """The Responses API's efforts include max (fact sheet 1d, section 8): each step up spends more reasoning."""
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: "max" in m.efforts))
    question = rng.choice(QUESTIONS)
    models.serve(_STUB[0], model)
    counts = [
        client.responses.create(
            model=model, input=question, reasoning={"effort": e}
        ).usage.output_tokens_details
        for e in info(model).efforts
    ]
    spent = [c.reasoning_tokens for c in counts]
    nonzero = [n for n in spent if n]
    assert nonzero == sorted(set(nonzero)) and len(nonzero) >= 4, f"seed={SEED} model={model} {spent}"
