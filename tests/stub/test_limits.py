"""Rate limits and quotas: buckets that refill, the x-ratelimit-* headers, the two kinds of 429.

Time is a fake clock injected into the limiter, so nothing here waits.
"""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI

from llm_stub.config import StubConfig
from llm_stub.errors import StubError
from llm_stub.limits import RateLimiter, format_duration

from .models import PLAIN

MSG = [{"role": "user", "content": "hi"}]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(stub) -> FakeClock:
    fake = FakeClock()
    stub.state.limits.clock = fake
    return fake


def raw(client: OpenAI, **kw):
    return client.chat.completions.with_raw_response.create(model=PLAIN, messages=MSG, **kw)


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0.12, "120ms"),
        (0.0004, "1ms"),
        (1, "1s"),
        (17.28, "17.28s"),
        (360, "6m0s"),
        (90.5, "1m30.5s"),
        (3725, "1h2m5s"),
    ],
)
def test_durations_are_formatted_like_the_api(seconds, text):
    assert format_duration(seconds) == text


def test_limits_are_off_by_default(client):
    response = raw(client)
    assert not [h for h in response.headers if h.startswith("x-ratelimit")]


def test_rpm_bucket_headers_429_and_refill(stub, client, clock):
    stub.configure(requests_per_minute=3)
    remaining = [raw(client).headers["x-ratelimit-remaining-requests"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    with pytest.raises(openai.RateLimitError) as info:
        raw(client)
    err = info.value
    assert err.code == "rate_limit_exceeded"
    assert err.body["type"] == "requests"
    assert err.body["message"] == (
        f"Rate limit reached for {PLAIN} in organization org-stub on requests per min (RPM): Limit 3, Used 3, "
        "Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more."
    )
    h = err.response.headers
    assert (h["retry-after"], h["retry-after-ms"]) == ("20", "20000")
    assert (
        h["x-ratelimit-limit-requests"],
        h["x-ratelimit-remaining-requests"],
        h["x-ratelimit-reset-requests"],
    ) == ("3", "0", "1m0s")
    clock.advance(19.9)
    with pytest.raises(openai.RateLimitError) as info:
        raw(client)
    assert info.value.response.headers["retry-after-ms"] == "100"
    clock.advance(0.1)
    assert raw(client).headers["x-ratelimit-remaining-requests"] == "0"  # refilled exactly one request


def test_tpm_bucket_counts_prompt_plus_max_tokens(stub, client, clock):
    stub.configure(tokens_per_minute=1000)
    first = raw(client, max_completion_tokens=400)
    used = 1000 - int(first.headers["x-ratelimit-remaining-tokens"])
    prompt = first.parse().usage.prompt_tokens
    assert used == prompt + 400
    raw(client, max_completion_tokens=400)
    with pytest.raises(openai.RateLimitError) as info:
        raw(client, max_completion_tokens=400)
    assert info.value.body["type"] == "tokens"
    assert "on tokens per min (TPM): Limit 1000" in info.value.body["message"]
    assert info.value.response.headers["x-ratelimit-limit-tokens"] == "1000"


def test_request_bigger_than_the_tpm_limit_is_not_retryable(stub, client, clock):
    stub.configure(tokens_per_minute=100)
    with pytest.raises(openai.RateLimitError) as info:
        raw(client, max_completion_tokens=500)
    assert info.value.body["message"].startswith(f"Request too large for {PLAIN}")
    assert info.value.response.headers["x-should-retry"] == "false"


def test_limits_are_per_key(stub, clock):
    stub.configure(api_keys=["sk-one", "sk-two"], requests_per_minute=1)
    one = OpenAI(base_url=stub.base_url, api_key="sk-one", max_retries=0)
    two = OpenAI(base_url=stub.base_url, api_key="sk-two", max_retries=0)
    raw(one)
    with pytest.raises(openai.RateLimitError):
        raw(one)
    assert raw(two).headers["x-ratelimit-remaining-requests"] == "0"


def test_errors_carry_the_rate_limit_headers_too(stub, client, clock):
    stub.configure(requests_per_minute=60)
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="no-such-model", messages=MSG)
    assert info.value.response.headers["x-ratelimit-limit-requests"] == "60"


def test_insufficient_quota_is_not_retried_by_the_sdk(stub, clock):
    stub.configure(quota_tokens=1)
    retrying = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=3)
    retrying.chat.completions.create(model=PLAIN, messages=MSG)  # spends the budget
    with pytest.raises(openai.RateLimitError) as info:
        retrying.chat.completions.create(model=PLAIN, messages=MSG)
    err = info.value
    assert (err.code, err.type) == ("insufficient_quota", "insufficient_quota")
    assert err.body["message"].startswith(
        "You exceeded your current quota, please check your plan and billing details."
    )
    assert err.response.headers["x-should-retry"] == "false"
    assert len(stub.journal()) == 2, "the SDK must not retry insufficient_quota"


def test_sdk_retries_honour_retry_after_ms(stub, clock, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("openai._base_client.time.sleep", slept.append)
    stub.configure(requests_per_minute=60, rate_limit_window=1)  # a burst of 1, then one per second
    retrying = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=2)
    retrying.chat.completions.create(model=PLAIN, messages=MSG)
    clock.advance(0.75)
    # The SDK's sleep is recorded, not slept, so advance the fake clock from inside it.
    monkeypatch.setattr("openai._base_client.time.sleep", lambda s: (slept.append(s), clock.advance(s)))
    retrying.chat.completions.create(model=PLAIN, messages=MSG)
    assert slept == [0.25]
    attempts = [e["attempt"] for e in stub.journal()]
    assert attempts == [0, 0, 1]


def test_configure_through_the_control_endpoint(stub, client, clock):
    stub.control.configure(requests_per_minute=600, tokens_per_minute=150000)
    h = raw(client).headers
    assert h["x-ratelimit-limit-requests"] == "600"
    assert h["x-ratelimit-limit-tokens"] == "150000"
    assert h["x-ratelimit-reset-requests"] == "100ms"


def test_quantized_window_allows_a_short_burst():
    clock = FakeClock()
    limiter = RateLimiter(StubConfig(requests_per_minute=600, rate_limit_window=1), clock=clock)
    for _ in range(10):
        limiter.admit("k", 1)
    with pytest.raises(StubError) as info:
        limiter.admit("k", 1)
    assert info.value.headers["retry-after-ms"] == "100"
    clock.advance(0.1)
    assert limiter.admit("k", 1)["x-ratelimit-limit-requests"] == "600"


def test_refused_requests_consume_nothing():
    clock = FakeClock()
    limiter = RateLimiter(StubConfig(requests_per_minute=2), clock=clock)
    limiter.admit("k", 1)
    limiter.admit("k", 1)
    for _ in range(5):
        with pytest.raises(StubError):
            limiter.admit("k", 1)
    clock.advance(30)
    limiter.admit("k", 1)
