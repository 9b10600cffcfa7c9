"""Prompt caching (llm_stub/caching.py): a repeated prefix of 1,024+ tokens is reported in 128-token steps; on
GPT-5.6 and later the part a request writes is reported too (cache_write_tokens), prompt_cache_options and
prompt_cache_retention follow the fact sheet (section 5), with their 400s.

Models are chosen from the catalogue by what they do (tests/stub/models.py). Inputs vary per run (seeded; the
seed is in every assertion message).
"""

from __future__ import annotations

import random

import openai
import pytest

from llm_stub import caching, tokenizer

from . import models
from .models import PLAIN, PLAIN_SNAPSHOT, info, serve

SEED = random.randrange(2**32)
WORDS = "alpha beta gamma delta river token budget prompt cache model Lisbon Paris 42 7.5".split()


def long_text(rng: random.Random, tokens: int) -> str:
    """Random words until ``tokens`` tokens are reached (o200k_base)."""
    words: list[str] = []
    while tokenizer.count(" ".join(words)) < tokens:
        words.extend(rng.choice(WORDS) for _ in range(32))
    return " ".join(words)


def ask(client, system: str, question: str, model: str = PLAIN, **kwargs):
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
    ask(client, system, "What is a token?", model=PLAIN)
    other = rng.choice([m for m in models.ids(current=True) if info(m).resolved != info(PLAIN).resolved])
    assert ask(client, system, "What is a token?", model=other).usage.prompt_tokens_details.cached_tokens == 0
    # an alias and its snapshot are the same model
    assert ask(client, system, "hello", model=PLAIN_SNAPSHOT).usage.prompt_tokens_details.cached_tokens > 0


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


def test_reasoning_models_cache_too(client, stub):
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(models.ids(lambda m: m.is_reasoning and m.default_effort != "none")))
    system = long_text(rng, 1300)
    ask(client, system, "What is a token?", model=model)
    assert ask(client, system, "hello", model=model).usage.prompt_tokens_details.cached_tokens >= 1024, model


# --- cache writes, GPT-5.6 and later (S16: billed at 1.25x input; E7: reported as cache_write_tokens) --------

WRITERS = models.ids(lambda m: m.cache_options)


def test_a_first_long_prompt_writes_what_it_did_not_read(client, stub):
    """E7: a first gpt-5.6-sol call reported cache_write_tokens 3207, the second cached_tokens 3207."""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(WRITERS))
    system = long_text(rng, rng.randint(1100, 3000))
    first = ask(client, system, "What is a token?", model=model)
    details = first.usage.prompt_tokens_details
    assert details.cached_tokens == 0 and details.cache_write_tokens == first.usage.prompt_tokens, (
        f"seed={SEED}"
    )
    second = ask(client, system, "Name a river.", model=model)
    d2 = second.usage.prompt_tokens_details
    assert d2.cached_tokens >= 1024, f"seed={SEED} model={model}"
    assert d2.cache_write_tokens == second.usage.prompt_tokens - d2.cached_tokens, f"seed={SEED}"


def test_short_prompts_write_nothing(client, stub):
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(WRITERS))
    r = ask(client, long_text(rng, rng.randint(50, 900)), "hello", model=model)
    assert r.usage.prompt_tokens_details.cache_write_tokens == 0, f"seed={SEED}"


def test_models_before_gpt_5_6_report_no_writes(client, stub):
    """S16: 'Cache writes: free before GPT-5.6'; the Chat Completions body keeps the keys of real older bodies."""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(models.ids(lambda m: not m.cache_options)))
    r = client.chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": long_text(rng, 1200)}]
    )
    assert "cache_write_tokens" not in r.http_response.json()["usage"]["prompt_tokens_details"], model


def test_the_responses_api_splits_writes_by_lifetime(client, stub):
    """S1 response_usage.py: input_tokens_details.cache_write_tokens_details {ttl_30m_tokens, ttl_12h_tokens};
    12-hour writes are Responses-only (fact sheet 5)."""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(WRITERS))
    ttl = rng.choice(["30m", "12h"])
    r = client.responses.create(
        model=model,
        input=long_text(rng, 1400),
        prompt_cache_options={"ttl": ttl},
    )
    d = r.usage.input_tokens_details
    assert d.cache_write_tokens == r.usage.input_tokens, f"seed={SEED}"
    split = d.cache_write_tokens_details
    assert (split.ttl_12h_tokens, split.ttl_30m_tokens) == (
        (d.cache_write_tokens, 0) if ttl == "12h" else (0, d.cache_write_tokens)
    ), f"seed={SEED} ttl={ttl}"


def test_writes_last_at_least_their_ttl(client, stub):
    """S1: prompt_cache_options.ttl is the minimum lifetime, 30m by default."""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(WRITERS))
    now = [5000.0]
    stub.state.cache.clock = lambda: now[0]
    system = long_text(rng, 1500)
    ask(client, system, "What is a token?", model=model)
    now[0] += 30 * 60 - 1
    assert ask(client, system, "hello", model=model).usage.prompt_tokens_details.cached_tokens > 0
    now[0] += 30 * 60 + 1
    assert ask(client, system, "Name a river.", model=model).usage.prompt_tokens_details.cached_tokens == 0


def test_explicit_mode_without_breakpoints_does_not_cache(client, stub):
    """S1 PromptCacheOptions.mode: 'If there are no explicit breakpoints, the request does not use prompt caching.'"""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(WRITERS))
    system = long_text(rng, 1500)
    for question in ("What is a token?", "hello"):
        r = ask(client, system, question, model=model, prompt_cache_options={"mode": "explicit"})
        d = r.usage.prompt_tokens_details
        assert d.cached_tokens == 0 and d.cache_write_tokens == 0, f"seed={SEED}"


def test_explicit_breakpoints_cache_up_to_the_marked_message(client, stub):
    """S1: breakpoints go on content blocks with prompt_cache_breakpoint; in explicit mode only they are written."""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(WRITERS))
    system = long_text(rng, 1500)
    marked = {"role": "system", "content": [{"type": "text", "text": system, "prompt_cache_breakpoint": {}}]}
    options = {"prompt_cache_options": {"mode": "explicit"}}
    first = client.chat.completions.create(
        model=model, messages=[marked, {"role": "user", "content": "What is a token?"}], **options
    )
    written = first.usage.prompt_tokens_details.cache_write_tokens
    assert tokenizer.count(system) <= written < first.usage.prompt_tokens, (
        f"seed={SEED}: the system message only"
    )
    second = client.chat.completions.create(
        model=model, messages=[marked, {"role": "user", "content": "Name a river."}], **options
    )
    assert second.usage.prompt_tokens_details.cached_tokens >= 1024, f"seed={SEED}"


def bad(call, **kwargs) -> dict:
    with pytest.raises(openai.BadRequestError) as caught:
        call(**kwargs)
    return caught.value.response.json()["error"]


def test_an_unknown_prompt_cache_option_is_refused(client, stub):
    """E1: prompt_cache_options {bogus: 1} -> unknown_parameter naming prompt_cache_options.bogus (nested objects
    are strict)."""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(WRITERS))
    name = rng.choice(["bogus", "ttl_hours", "breakpoints"])
    e = bad(
        client.chat.completions.create,
        model=model,
        messages=[{"role": "user", "content": "hi"}],
        prompt_cache_options={name: 1},
    )
    assert e == {
        "message": f"Unknown parameter: 'prompt_cache_options.{name}'.",
        "type": "invalid_request_error",
        "param": f"prompt_cache_options.{name}",
        "code": "unknown_parameter",
    }, f"seed={SEED}"


def test_a_12_hour_ttl_is_for_the_responses_api_only(client, stub):
    """S1: Chat Completions' ttl is Literal['30m']; the Responses API's '30m' | '12h'."""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(WRITERS))
    e = bad(
        client.chat.completions.create,
        model=model,
        messages=[{"role": "user", "content": "hi"}],
        prompt_cache_options={"ttl": "12h"},
    )
    assert e["param"] == "prompt_cache_options.ttl" and e["code"] == "invalid_value", e
    r = client.responses.create(model=model, input="hi", prompt_cache_options={"ttl": "12h"})
    assert r.status == "completed"
    e = bad(client.responses.create, model=model, input="hi", prompt_cache_options={"ttl": "1h"})
    assert e == {
        "message": "Invalid value: '1h'. Supported values are: '30m' and '12h'.",
        "type": "invalid_request_error",
        "param": "prompt_cache_options.ttl",
        "code": "invalid_value",
    }


def test_in_memory_retention_on_a_24h_only_model(client, stub):
    """E1: prompt_cache_retention 'in_memory' -> 400, code null, 'This model is compatible only with 24h extended
    prompt caching'; '24h' -> 200 (S1: gpt-5.5 and later take only 24h)."""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(models.ids(lambda m: m.cache_retention == ("24h",))))
    for call, kwargs in (
        (client.chat.completions.create, {"messages": [{"role": "user", "content": "hi"}]}),
        (client.responses.create, {"input": "hi"}),
    ):
        e = bad(call, model=model, prompt_cache_retention="in_memory", **kwargs)
        assert e == {
            "message": "This model is compatible only with 24h extended prompt caching",
            "type": "invalid_request_error",
            "param": "prompt_cache_retention",
            "code": None,
        }, f"seed={SEED} model={model}"
        call(model=model, prompt_cache_retention="24h", **kwargs)


def test_older_models_take_both_retentions(client, stub):
    """S1: 'For older models that support both in_memory and 24h ...'."""
    rng = random.Random(SEED)
    model = serve(stub, rng.choice(models.ids(lambda m: "in_memory" in m.cache_retention)))
    for value in ("in_memory", "24h"):
        client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "hi"}], prompt_cache_retention=value
        )
