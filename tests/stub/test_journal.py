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


def test_received_at_and_duration_span_the_request_even_when_its_body_comes_late(stub):
    """``received_at`` is when the request arrived and ``received_at + duration`` when the stub answered, so
    overlapping entries are requests the stub held at once (lab 05's concurrency test reads them so). A body
    that arrives after its head must not shift the start and leave the end where it was."""
    import json
    import random
    import socket
    import time
    from urllib.parse import urlsplit

    delay = random.Random().choice([0.15, 0.2, 0.25, 0.3])
    url = urlsplit(stub.base_url)
    body = json.dumps({"model": PLAIN, "messages": [{"role": "user", "content": "hello"}]}).encode()
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: {url.hostname}\r\nAuthorization: Bearer {stub.api_key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sent_head = time.time()
        sock.sendall(head)
        time.sleep(delay)  # the body comes late, as a slow client's would
        sock.sendall(body)
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += sock.recv(65536)
        answered = time.time()
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    (entry,) = stub.journal()
    start, end = entry["received_at"], entry["received_at"] + entry["duration"]
    assert start < sent_head + delay, (
        f"received_at is {start - sent_head:.3f} s after the head ({delay} s wait)"
    )
    assert sent_head + delay <= end <= answered + 0.01, (
        f"received_at + duration ends {end - sent_head:.3f} s after the head; the body came at {delay} s "
        f"and the answer at {answered - sent_head:.3f} s"
    )
