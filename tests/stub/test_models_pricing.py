"""course.pricing on today's usage: cached input billed at the discount, reasoning billed as output."""

from __future__ import annotations

import random

import pytest

from course import pricing
from llm_stub import tokenizer
from llm_stub.catalog import DEFAULT_MODELS

SEED = random.randrange(2**32)


def test_every_catalogue_model_has_a_price():
    for m in DEFAULT_MODELS:
        assert pricing.price_of(m.id) is not None, m.id
        if not m.id.startswith("gpt-3.5"):
            cached = pricing.cached_price_of(m.id)
            assert cached is not None and cached < pricing.price_of(m.id)[0], m.id


def test_cost_bills_cached_tokens_at_the_cached_price():
    rng = random.Random(SEED)
    model = rng.choice(list(pricing.CACHED_INPUT_PER_MILLION))
    prompt, cached, completion = rng.randint(2000, 9000), rng.randint(1, 15) * 128, rng.randint(1, 900)
    usage = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }
    i, o = pricing.PRICES_PER_MILLION[model]
    c = pricing.CACHED_INPUT_PER_MILLION[model]
    expected = ((prompt - cached) * i + cached * c + completion * o) / 1_000_000
    assert pricing.cost(usage, model) == pytest.approx(expected), f"seed={SEED} model={model}"


def test_reasoning_tokens_are_billed_as_output(client):
    rng = random.Random(SEED)
    model = rng.choice(["gpt-5-mini", "gpt-5-nano", "o4-mini", "o3", "gpt-5"])
    r = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "What is a token?"}]
    )
    reasoning = pricing.reasoning_tokens(r.usage)
    assert reasoning == r.usage.completion_tokens_details.reasoning_tokens > 0
    i, o = pricing.price_of(model)
    assert pricing.cost(r.usage, model) == pytest.approx(
        (r.usage.prompt_tokens * i + r.usage.completion_tokens * o) / 1_000_000
    ), f"seed={SEED} model={model}"
    visible_only = (r.usage.prompt_tokens * i + (r.usage.completion_tokens - reasoning) * o) / 1_000_000
    assert pricing.cost(r.usage, model) > visible_only


def test_a_cached_long_system_prompt_makes_the_second_call_cheaper(client):
    rng = random.Random(SEED)
    words = "policy refund shipping order customer parcel days return store".split()
    system = " ".join(rng.choice(words) for _ in range(1500))
    assert tokenizer.count(system) > 1024
    meter = pricing.Meter("gpt-4o-mini")
    costs = []
    for question in ("What is a token?", "hello"):
        r = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "system", "content": system}, {"role": "user", "content": question}],
        )
        meter.add(r.usage)
        costs.append(pricing.cost(r.usage, "gpt-4o-mini"))
    assert meter.cached_tokens >= 1024 and "cached" in str(meter), f"seed={SEED}"
    assert costs[1] < costs[0]
    assert "cached $/1M" in pricing.pricing_table()
