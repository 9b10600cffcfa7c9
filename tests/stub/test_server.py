"""Starting the stub three ways: the CLI, a background thread, and the pytest fixture."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from openai import OpenAI

from llm_stub import StubServer, start

from .models import PLAIN


def test_thread_handle_picks_a_free_port_and_stops():
    server = start()
    try:
        assert server.port > 0
        client = OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0)
        assert client.models.list().data
    finally:
        server.stop()
    client = OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=2)
    try:
        client.models.list()
        raise AssertionError("the server still answers after stop()")
    except Exception as err:
        assert type(err).__name__ == "APIConnectionError"


def test_two_servers_side_by_side():
    with StubServer() as a, StubServer() as b:
        assert a.port != b.port


def test_pytest_fixture(llm_stub):
    client = OpenAI(base_url=llm_stub.base_url, api_key=llm_stub.api_key, max_retries=0)
    client.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": "hello"}])
    assert len(llm_stub.requests()) == 1


def test_cli_prints_base_url_serves_and_stops_on_sigterm():
    proc = subprocess.Popen(
        [sys.executable, "-m", "llm_stub", "--port", "0", "--api-key", "sk-extra"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = proc.stdout.readline()
        assert "base URL http://127.0.0.1:" in line, line + proc.stderr.read()
        base_url = line.split("base URL ")[1].split()[0]
        client = OpenAI(base_url=base_url, api_key="sk-extra", max_retries=0)
        reply = client.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": "hello"}])
        assert reply.choices[0].message.content
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_cli_flags_become_the_config():
    from llm_stub.__main__ import config_from_args, parse_args

    config = config_from_args(
        parse_args(
            [
                "--api-key",
                "sk-b",
                "--rpm",
                "600",
                "--tpm",
                "9000",
                "--rate-limit-window",
                "1",
                "--quota-tokens",
                "50",
            ]
        )
    )
    assert config.api_keys == ["sk-stub", "sk-b"]
    assert (
        config.requests_per_minute,
        config.tokens_per_minute,
        config.rate_limit_window,
        config.quota_tokens,
    ) == (
        600,
        9000,
        1.0,
        50,
    )
