"""Fault plans through the real SDK: scripted errors keyed to the attempt, slow answers, broken streams."""

from __future__ import annotations

import httpx2
import openai
import pytest
from openai import OpenAI

from llm_stub.faults import FaultBook, PlanError, parse_step

from .models import PLAIN, ids

MSG = [{"role": "user", "content": "hi"}]
LONG = [{"role": "user", "content": "Tell me a long story about a lighthouse keeper and the sea."}]


def ask(client: OpenAI, plan_id: str | None = None, **kw):
    headers = {"x-stub-fault-id": plan_id} if plan_id else None
    return client.chat.completions.create(model=PLAIN, messages=MSG, extra_headers=headers, **kw)


@pytest.fixture
def no_sleep(monkeypatch) -> list[float]:
    """Record the SDK's retry sleeps instead of sleeping."""
    slept: list[float] = []
    monkeypatch.setattr("openai._base_client.time.sleep", slept.append)
    return slept


def test_twice_429_then_success_with_the_sdk_retries(stub, no_sleep):
    stub.add_fault(["429", "429", "ok"], plan_id="t1")
    retrying = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=3)
    reply = ask(retrying, "t1")
    assert reply.choices[0].message.content
    journal = stub.journal()
    assert [(e["attempt"], e["status"]) for e in journal] == [(0, 429), (1, 429), (2, 200)]
    assert [e["extra"].get("fault") for e in journal] == ["429", "429", None]
    assert journal[0]["received_at"] <= journal[1]["received_at"] <= journal[2]["received_at"]
    assert no_sleep == [0.5, 0.5], "the SDK waits what retry-after-ms says"


def test_sdk_honours_retry_after_ms_from_an_object_step(stub, no_sleep):
    stub.add_fault([{"status": 429, "retry_after_ms": 20}, {"status": 503, "retry_after": 2}], plan_id="t2")
    retrying = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=2)
    ask(retrying, "t2")
    assert no_sleep == [0.02, 2.0]


def test_header_plan_follows_the_sdk_retry_count(stub, no_sleep):
    retrying = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=2)
    retrying.chat.completions.create(model=PLAIN, messages=MSG, extra_headers={"x-stub-fault": "500,502,ok"})
    assert [(e["attempt"], e["status"]) for e in stub.journal()] == [(0, 500), (1, 502), (2, 200)]


def test_header_plan_with_an_id_keeps_a_cursor_for_hand_written_loops(stub, client):
    headers = {"x-stub-fault": "503,429,ok", "x-stub-fault-id": "loop"}
    statuses = []
    for _ in range(4):
        try:
            client.chat.completions.create(model=PLAIN, messages=MSG, extra_headers=headers)
            statuses.append(200)
        except openai.APIStatusError as err:
            statuses.append(err.status_code)
    assert statuses == [503, 429, 200, 200]


@pytest.mark.parametrize(
    "step, exc, status",
    [
        ("400", openai.BadRequestError, 400),
        ("401", openai.AuthenticationError, 401),
        ("403", openai.PermissionDeniedError, 403),
        ("404", openai.NotFoundError, 404),
        ("408", openai.APIStatusError, 408),
        ("429", openai.RateLimitError, 429),
        ("quota", openai.RateLimitError, 429),
        ("500", openai.InternalServerError, 500),
        ("502", openai.InternalServerError, 502),
        ("503", openai.InternalServerError, 503),
    ],
)
def test_each_status_reaches_the_sdk_as_its_exception(stub, client, step, exc, status):
    stub.add_fault([step], plan_id=step)
    with pytest.raises(exc) as info:
        ask(client, step)
    assert info.value.status_code == status
    assert set(info.value.body) == {"message", "type", "param", "code"}
    ask(client, step)  # the plan is used up: the next attempt succeeds


def test_sdk_retries_what_it_should_and_nothing_else(stub, no_sleep):
    retrying = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=1)
    for step, retried in [
        ("408", True),
        ("500", True),
        ("429", True),
        ("400", False),
        ("401", False),
        ("403", False),
        ("quota", False),
    ]:
        stub.reset()
        stub.add_fault([step, step], plan_id="p")
        with pytest.raises(openai.APIStatusError):
            ask(retrying, "p")
        assert len(stub.journal()) == (2 if retried else 1), step


def test_quota_step_says_do_not_retry(stub, client):
    stub.add_fault(["quota"], plan_id="q")
    with pytest.raises(openai.RateLimitError) as info:
        ask(client, "q")
    assert info.value.code == "insufficient_quota"
    assert info.value.response.headers["x-should-retry"] == "false"


def test_slow_step_beats_a_client_timeout(stub, client):
    stub.add_fault(["slow:0.5"], plan_id="slow")
    with pytest.raises(openai.APITimeoutError):
        ask(client.with_options(timeout=0.1), "slow")


def _stream(client: OpenAI, plan_id: str) -> list[str]:
    out = []
    for chunk in client.chat.completions.create(
        model=PLAIN, messages=LONG, stream=True, extra_headers={"x-stub-fault-id": plan_id}
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            out.append(chunk.choices[0].delta.content)
    return out


def test_stream_error_midway_raises_api_error(stub, client):
    stub.add_fault(["stream_error:3"], plan_id="s")
    seen = []
    with pytest.raises(openai.APIError) as info:
        for chunk in client.chat.completions.create(
            model=PLAIN, messages=LONG, stream=True, extra_headers={"x-stub-fault-id": "s"}
        ):
            seen.append(chunk)
    assert len(seen) == 3
    assert "server had an error" in info.value.message


def test_stream_cut_ends_without_done(stub, client):
    full = _stream(client, "none")
    stub.add_fault(["stream_cut:3"], plan_id="cut")
    cut = _stream(client, "cut")
    assert 0 < len(cut) < len(full)


def test_stream_drop_is_a_connection_error(stub, client):
    stub.add_fault(["stream_drop:2"], plan_id="drop")
    with pytest.raises(openai.APIConnectionError):
        _stream(client, "drop")


def test_stream_steps_do_not_affect_plain_requests(stub, client):
    stub.add_fault(["stream_error:1"], plan_id="s")
    assert ask(client, "s").choices[0].message.content


def test_scopes_keep_plans_apart(stub):
    stub.configure(api_keys=["sk-one", "sk-two"])
    one = OpenAI(base_url=stub.base_url, api_key="sk-one", max_retries=0)
    two = OpenAI(base_url=stub.base_url, api_key="sk-two", max_retries=0)
    stub.add_fault(["503"], key="sk-one")
    other = next(m for m in ids(current=True) if m != PLAIN)
    stub.add_fault(["500"], model=other)
    stub.add_fault(["502"], plan_id="mine")
    ask(two)  # no plan matches key two, this model, no id
    with pytest.raises(openai.InternalServerError) as info:
        ask(one)
    assert info.value.status_code == 503
    with pytest.raises(openai.InternalServerError) as info:
        two.chat.completions.create(model=other, messages=MSG)
    assert info.value.status_code == 500
    with pytest.raises(openai.InternalServerError) as info:
        ask(two, "mine")
    assert info.value.status_code == 502
    assert all(p["done"] for p in stub.faults())
    assert "sk-one" not in str(stub.faults()), "plans list masked keys"


def test_repeat_cycles(stub, client):
    stub.add_fault(["500", "ok"], plan_id="r", repeat=True)
    statuses = []
    for _ in range(4):
        try:
            ask(client, "r")
            statuses.append(200)
        except openai.APIStatusError as err:
            statuses.append(err.status_code)
    assert statuses == [500, 200, 500, 200]


def test_control_endpoint_round_trip(stub, client):
    created = stub.control.add_fault(["429", {"status": 503, "delay": 0}], plan_id="c")
    assert created["steps"] == ["429", {"status": 503, "delay": 0}]
    with pytest.raises(openai.RateLimitError):
        ask(client, "c")
    plans = stub.control.faults()
    assert plans[0]["taken"] == 1 and plans[0]["log"] == ["429"]
    stub.control.clear_faults()
    assert stub.control.faults() == []


@pytest.mark.parametrize(
    "body",
    [
        {"steps": []},
        {"steps": ["teapot"]},
        {"steps": ["200"]},
        {"steps": ["slow"]},
        {"steps": ["429"], "scope": {"org": "x"}},
        {"steps": ["429"], "extra": 1},
        {"steps": [{"status": "x"}]},
        {"steps": ["stream_melt:2"]},
    ],
)
def test_bad_plans_get_a_400(stub, body):
    response = httpx2.post(stub.base_url.replace("/v1", "/_stub/faults"), json=body)
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_bad_fault_header_gets_a_400(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=PLAIN, messages=MSG, extra_headers={"x-stub-fault": "wat"})
    assert "x-stub-fault" in info.value.message


def test_reset_clears_plans(stub, client):
    stub.add_fault(["500"])
    stub.reset()
    ask(client)


def test_parse_step_forms():
    assert parse_step("ok") is None
    assert parse_step("slow:2.5").delay == 2.5
    assert parse_step("429:3").error.headers == {"retry-after": "3", "retry-after-ms": "3000"}
    assert parse_step({"status": 429, "type": "tokens"}).error.type == "tokens"
    assert parse_step("stream_cut:4").stream.after_chunks == 4
    with pytest.raises(PlanError):
        parse_step({"status": 429, "type": "dollars"})
    book = FaultBook()
    book.add(["500"], {"model": "m"})
    assert book.take(key="k", model="other", headers={}) is None
    assert book.take(key="k", model="m", headers={}).error.status == 500
    assert book.take(key="k", model="m", headers={}) is None


def test_a_dropped_stream_is_a_connection_error_and_logs_no_traceback(stub, client, caplog):
    import logging

    stub.add_fault(["stream_drop:3"])
    with caplog.at_level(logging.ERROR, logger="uvicorn.error"):
        with pytest.raises(openai.APIConnectionError):
            for _ in client.chat.completions.create(
                model=PLAIN, messages=[{"role": "user", "content": "hello"}], stream=True
            ):
                pass
    assert not [r for r in caplog.records if r.exc_info], "the injected drop was logged as a server error"
