"""The journal: what the stub received, with keys masked, readable in-process and over HTTP."""

from __future__ import annotations

from llm_stub import StubControl

from .models import PLAIN


def test_journal_records_body_status_and_masks_the_key(stub, client):
    client.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": "hello"}], seed=3)
    (entry,) = stub.journal()
    assert entry["body"]["seed"] == 3
    assert entry["status"] == 200
    assert entry["headers"]["authorization"] != f"Bearer {stub.api_key}"
    assert stub.api_key not in str(entry)
    assert entry["request_id"].startswith("req_")
    assert entry["duration"] >= 0


def test_journal_over_http_and_reset(stub, client):
    control = StubControl(stub.base_url)
    client.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": "hello"}])
    try:
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hello"}])
    except Exception:
        pass
    entries = control.journal()
    assert [e["status"] for e in entries] == [200, 404]
    assert entries[1]["error_code"] == "model_not_found"
    assert control.requests()[0]["messages"][0]["content"] == "hello"
    control.reset()
    assert control.journal() == []
    control.close()


def test_config_over_http(stub):
    control = StubControl(stub.base_url)
    assert control.configure(time_per_token=0.0)["time_per_token"] == 0.0
    assert "api_keys" not in control.config()
    control.close()


def test_retries_are_recorded_as_attempts(stub):
    from openai import OpenAI

    client = OpenAI(base_url=stub.base_url, api_key="sk-bad", max_retries=2)
    try:
        client.models.list()
    except Exception:
        pass
    # 401 is not retried by the SDK: one attempt only
    assert [e["attempt"] for e in stub.state.journal.entries() if e["path"] == "/v1/models"] == [0]
