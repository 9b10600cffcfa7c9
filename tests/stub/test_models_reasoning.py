"""Reasoning tokens: reported, deterministic, billed inside completion_tokens, and capped with the answer.

Inputs vary per run (seeded; the seed is in every assertion message). Bodies are validated against the OpenAPI
description's CreateChatCompletionResponse.
"""

from __future__ import annotations

import random

import httpx

from llm_stub import tokenizer
from llm_stub.catalog import DEFAULT_MODELS

from .openapi import errors

REASONING = [m.id for m in DEFAULT_MODELS if m.is_reasoning]
CHAT = [m.id for m in DEFAULT_MODELS if not m.is_reasoning]
SEED = random.randrange(2**32)
QUESTIONS = ["What is a token?", "Name a river.", "Explain prompt caching in two sentences.", "hello", "2+2?"]


def ask(client, model, question, **kwargs):
    return client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": question}], **kwargs
    )


def test_reasoning_tokens_are_reported_and_counted_as_completion(client):
    rng = random.Random(SEED)
    model, question = rng.choice(REASONING), rng.choice(QUESTIONS)
    r = ask(client, model, question)
    reasoning = r.usage.completion_tokens_details.reasoning_tokens
    visible = tokenizer.count(r.choices[0].message.content)
    assert reasoning > 0, f"seed={SEED} model={model}"
    assert r.usage.completion_tokens == reasoning + visible, f"seed={SEED} model={model}"
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_the_count_is_deterministic_for_a_prompt(client):
    rng = random.Random(SEED)
    model, question = rng.choice(REASONING), rng.choice(QUESTIONS)
    counts = {ask(client, model, question).usage.completion_tokens_details.reasoning_tokens for _ in range(3)}
    assert len(counts) == 1, f"seed={SEED} model={model}"


def test_the_count_grows_with_reasoning_effort(client):
    rng = random.Random(SEED)
    model, question = rng.choice(REASONING), rng.choice(QUESTIONS)
    efforts = next(m for m in DEFAULT_MODELS if m.id == model).efforts
    counts = [
        ask(client, model, question, reasoning_effort=e).usage.completion_tokens_details.reasoning_tokens
        for e in efforts
    ]
    assert counts == sorted(counts) and counts[0] < counts[-1], f"seed={SEED} model={model} {counts}"
    if "minimal" in efforts:
        assert counts[0] == 0
    default = ask(client, model, question).usage.completion_tokens_details.reasoning_tokens
    assert default == counts[efforts.index("medium")], "medium is the default"


def test_the_count_depends_on_the_prompt(client):
    rng = random.Random(SEED)
    model = rng.choice(REASONING)
    counts = {ask(client, model, q).usage.completion_tokens_details.reasoning_tokens for q in QUESTIONS}
    assert len(counts) > 1, f"seed={SEED} model={model}"


def test_chat_models_spend_no_reasoning_tokens(client):
    rng = random.Random(SEED)
    model = rng.choice(CHAT)
    r = ask(client, model, rng.choice(QUESTIONS))
    assert r.usage.completion_tokens_details.reasoning_tokens == 0, f"seed={SEED} model={model}"


def test_a_budget_reasoning_uses_up_returns_an_empty_answer(client, stub):
    rng = random.Random(SEED)
    model, question = rng.choice(REASONING), rng.choice(QUESTIONS)
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
    model = rng.choice(REASONING)
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
    model, question = rng.choice(REASONING), rng.choice(QUESTIONS)
    full = ask(client, model, question)
    r = ask(client, model, question, max_completion_tokens=full.usage.completion_tokens + rng.randint(0, 50))
    assert (
        r.choices[0].finish_reason == "stop"
        and r.choices[0].message.content == full.choices[0].message.content
    )


def test_streaming_reports_the_same_usage(client):
    rng = random.Random(SEED)
    model, question = rng.choice(REASONING), rng.choice(QUESTIONS)
    plain = ask(client, model, question)
    chunks = list(ask(client, model, question, stream=True, stream_options={"include_usage": True}))
    usage = chunks[-1].usage
    assert (
        usage.completion_tokens_details.reasoning_tokens
        == plain.usage.completion_tokens_details.reasoning_tokens
    )
    assert usage.completion_tokens == plain.usage.completion_tokens, f"seed={SEED} model={model}"
