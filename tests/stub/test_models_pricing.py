"""course.pricing on today's usage, priced from the catalogue: cached input at the discount, cache writes at
1.25x input on GPT-5.6 and later (S16), reasoning as output, long prompts at the long-context rates (S3-S6,
S10, S11), both usage shapes (Chat Completions and Responses).

Models are drawn from the catalogue (tests/stub/models.py); inputs vary per run (seeded; the seed is in every
assertion message).
"""

from __future__ import annotations

import random

import pytest

from course import models as course_models
from course import pricing
from llm_stub import catalog, tokenizer

from . import models
from .models import PLAIN, REASONER, info, serve

SEED = random.randrange(2**32)


def test_every_catalogue_model_has_a_price():
    for m in catalog.DEFAULT_MODELS:
        assert pricing.price_of(m.id) == (m.prices.input, m.prices.output), m.id
        cached = pricing.cached_price_of(m.id)
        assert cached is None or cached < m.prices.input, m.id
    assert pricing.price_of(f"openai/{PLAIN}") == pricing.price_of(PLAIN), "a provider prefix finds its row"
    assert pricing.price_of("llama3.2") is None and pricing.cost({"prompt_tokens": 5}, "llama3.2") is None


def test_cost_bills_cached_and_written_tokens_at_their_prices():
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.prices.cache_write is not None))
    p = info(model).prices
    prompt, cached, completion = rng.randint(2000, 9000), rng.randint(1, 15) * 128, rng.randint(1, 900)
    written = rng.randint(0, prompt - cached)
    usage = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "prompt_tokens_details": {"cached_tokens": cached, "cache_write_tokens": written},
    }
    expected = (
        (prompt - cached - written) * p.input
        + cached * p.cached_input
        + written * p.cache_write
        + completion * p.output
    ) / 1_000_000
    assert pricing.cost(usage, model) == pytest.approx(expected), f"seed={SEED} model={model}"


def test_models_without_a_cached_price_bill_cached_tokens_as_input():
    model = models.ids(lambda m: m.prices.cached_input is None)[0]
    p = info(model).prices
    usage = {"prompt_tokens": 3000, "completion_tokens": 10, "prompt_tokens_details": {"cached_tokens": 2048}}
    assert pricing.cost(usage, model) == pytest.approx((3000 * p.input + 10 * p.output) / 1e6)


def test_long_prompts_cost_the_long_context_rates():
    """S3-S6: above 272K input tokens the whole request is billed at 2x input and 1.5x output."""
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.prices.long_context_above > 0))
    p = info(model).prices
    prompt = p.long_context_above + rng.randint(1, 50_000)
    completion = rng.randint(1, 5000)
    usage = {"prompt_tokens": prompt, "completion_tokens": completion}
    expected = (2.0 * prompt * p.input + 1.5 * completion * p.output) / 1e6
    assert pricing.cost(usage, model) == pytest.approx(expected), f"seed={SEED} model={model}"
    at_limit = {"prompt_tokens": p.long_context_above, "completion_tokens": completion}
    assert pricing.cost(at_limit, model) == pytest.approx(
        (p.long_context_above * p.input + completion * p.output) / 1e6
    )


def test_reasoning_tokens_are_billed_as_output(client, stub):
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(models.ids(lambda m: m.is_reasoning and m.default_effort != "none")))
    r = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "What is a token?"}]
    )
    reasoning = pricing.reasoning_tokens(r.usage)
    assert reasoning == r.usage.completion_tokens_details.reasoning_tokens > 0
    i, o = pricing.price_of(model)
    written = pricing.cache_write_tokens(r.usage)
    assert written == 0, "a short prompt writes nothing"
    assert pricing.cost(r.usage, model) == pytest.approx(
        (r.usage.prompt_tokens * i + r.usage.completion_tokens * o) / 1_000_000
    ), f"seed={SEED} model={model}"
    visible_only = (r.usage.prompt_tokens * i + (r.usage.completion_tokens - reasoning) * o) / 1_000_000
    assert pricing.cost(r.usage, model) > visible_only


def test_a_responses_usage_is_priced_the_same_way(client):
    rng = random.Random(SEED)
    words = "policy refund shipping order customer parcel days return store".split()
    text = " ".join(rng.choice(words) for _ in range(1500))
    r = client.responses.create(model=REASONER, input=text)
    u = r.usage
    assert pricing.prompt_tokens(u) == u.input_tokens and pricing.completion_tokens(u) == u.output_tokens
    assert pricing.cache_write_tokens(u) == u.input_tokens_details.cache_write_tokens
    p = info(REASONER).prices
    written = u.input_tokens_details.cache_write_tokens
    expected = (
        (u.input_tokens - written) * p.input
        + written * (p.cache_write or p.input)
        + u.output_tokens * p.output
    )
    assert pricing.cost(u, REASONER) == pytest.approx(expected / 1e6), f"seed={SEED}"


def test_a_cached_long_system_prompt_makes_the_second_call_cheaper(client):
    rng = random.Random(SEED)
    words = "policy refund shipping order customer parcel days return store".split()
    system = " ".join(rng.choice(words) for _ in range(1500))
    assert tokenizer.count(system) > 1024
    model = rng.choice([PLAIN, REASONER])
    meter = pricing.Meter(model)
    costs = []
    for question in ("What is a token?", "hello"):
        r = client.chat.completions.create(
            model=model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": question}],
            **models.at_effort_none(model),
        )
        meter.add(r.usage)
        costs.append(pricing.cost(r.usage, model))
    assert meter.cached_tokens >= 1024 and "cached" in str(meter), f"seed={SEED}"
    assert costs[1] < costs[0], f"seed={SEED} model={model}"
    assert meter.dollars == pytest.approx(sum(costs))


def test_the_pricing_table_lists_todays_models():
    table = pricing.pricing_table()
    assert "cached $/1M" in table and "write $/1M" in table
    for model in course_models.current():
        assert model in table
    for m in models.ROWS:
        if m.shutdown_date is not None:
            assert f"\n{m.id} " not in table, f"{m.id} is deprecated: not offered by default"
