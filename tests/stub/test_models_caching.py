"""Prompt caching (llm_stub/caching.py): a repeated prefix of 1,024+ tokens is reported in 128-token steps.

Inputs vary per run (seeded; the seed is in every assertion message).
"""

from __future__ import annotations

import random

import openai
import pytest

from llm_stub import caching, tokenizer

SEED = random.randrange(2**32)
WORDS = "alpha beta gamma delta river token budget prompt cache model Lisbon Paris 42 7.5".split()


def long_text(rng: random.Random, tokens: int) -> str:
    """Random words until ``tokens`` tokens are reached (o200k_base)."""
    words: list[str] = []
    while tokenizer.count(" ".join(words)) < tokens:
        words.extend(rng.choice(WORDS) for _ in range(32))
    return " ".join(words)


def ask(client, system: str, question: str, model: str = "gpt-4o-mini", **kwargs):
    return client.chat.completions.create(
        model=model,
        messages=[{"role": "system", "content": system}, {"role": "user", "content": question}],
        **kwargs,
    )


def test_a_repeated_long_prefix_is_cached_in_128_token_steps(client):
    rng = random.Random(SEED)
    system = long_text(rng, rng.randint(1100, 3000))
    first = ask(client, system, "What is a token?")
    assert first.usage.prompt_tokens_details.cached_tokens == 0, f"seed={SEED}"
    second = ask(client, system, rng.choice(["Name a river.", "hello", "What is prompt caching?"]))
    cached = second.usage.prompt_tokens_details.cached_tokens
    assert cached >= 1024 and cached % 128 == 0, f"seed={SEED} cached={cached}"
    assert cached <= second.usage.prompt_tokens
    shared = tokenizer.count(system)
    assert shared - 128 <= cached <= shared + 8, f"seed={SEED}: the cached part is the shared system prompt"


def test_the_same_request_twice_caches_all_whole_blocks(client):
    rng = random.Random(SEED)
    system = long_text(rng, rng.randint(1100, 2500))
    ask(client, system, "What is a token?")
    again = ask(client, system, "What is a token?")
    cached = again.usage.prompt_tokens_details.cached_tokens
    assert again.usage.prompt_tokens - cached < caching.BLOCK + 8, f"seed={SEED}"


def test_prompts_under_1024_tokens_are_never_cached(client):
    rng = random.Random(SEED)
    system = long_text(rng, rng.randint(200, 900))
    ask(client, system, "What is a token?")
    again = ask(client, system, "What is a token?")
    assert again.usage.prompt_tokens < 1024
    assert again.usage.prompt_tokens_details.cached_tokens == 0, f"seed={SEED}"


def test_a_different_prefix_is_not_cached(client):
    rng = random.Random(SEED)
    ask(client, long_text(rng, 1500), "What is a token?")
    other = ask(client, "Different start. " + long_text(rng, 1500), "What is a token?")
    assert other.usage.prompt_tokens_details.cached_tokens == 0, f"seed={SEED}"


def test_caches_are_per_api_key_and_per_prompt_cache_key(client, stub):
    rng = random.Random(SEED)
    stub.configure(api_keys=[stub.api_key, "sk-other-key"])
    system = long_text(rng, 1500)
    ask(client, system, "What is a token?")
    other = openai.OpenAI(base_url=stub.base_url, api_key="sk-other-key", max_retries=0)
    assert ask(other, system, "What is a token?").usage.prompt_tokens_details.cached_tokens == 0
    keyed = ask(client, system, "What is a token?", prompt_cache_key="user-1")
    assert keyed.usage.prompt_tokens_details.cached_tokens == 0, "a new prompt_cache_key starts a new cache"
    assert (
        ask(client, system, "hello", prompt_cache_key="user-1").usage.prompt_tokens_details.cached_tokens > 0
    )


def test_caches_are_per_model(client):
    rng = random.Random(SEED)
    system = long_text(rng, 1500)
    ask(client, system, "What is a token?", model="gpt-4o-mini")
    assert (
        ask(
            client, system, "What is a token?", model="gpt-4.1-nano"
        ).usage.prompt_tokens_details.cached_tokens
        == 0
    )
    # an alias and its snapshot are the same model
    assert (
        ask(client, system, "hello", model="gpt-4o-mini-2024-07-18").usage.prompt_tokens_details.cached_tokens
        > 0
    )


def test_a_cached_prefix_expires_after_a_few_minutes(client, stub):
    rng = random.Random(SEED)
    now = [1000.0]
    stub.state.cache.clock = lambda: now[0]
    system = long_text(rng, 1500)
    ask(client, system, "What is a token?")
    now[0] += caching.TTL - 1
    assert ask(client, system, "hello").usage.prompt_tokens_details.cached_tokens > 0, "used again: kept"
    now[0] += caching.TTL + 1
    assert ask(client, system, "Name a river.").usage.prompt_tokens_details.cached_tokens == 0, f"seed={SEED}"


def test_reset_empties_the_cache(client, stub):
    rng = random.Random(SEED)
    system = long_text(rng, 1500)
    ask(client, system, "What is a token?")
    stub.reset()
    assert ask(client, system, "hello").usage.prompt_tokens_details.cached_tokens == 0


@pytest.mark.parametrize("model", ["gpt-5-mini", "o4-mini"])
def test_reasoning_models_cache_too(client, model):
    rng = random.Random(SEED)
    system = long_text(rng, 1300)
    ask(client, system, "What is a token?", model=model)
    assert ask(client, system, "hello", model=model).usage.prompt_tokens_details.cached_tokens >= 1024
