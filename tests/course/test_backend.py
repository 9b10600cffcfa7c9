"""course.setup(): the embedded stub with no key, the configured provider with one, and never the key in output."""

from __future__ import annotations

import pytest

from course import backend as backend_module


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A clean slate: no current backend, no provider variables, an empty .env."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MODEL", "LLM_BACKEND"):
        monkeypatch.setenv(name, "")  # records the original value, so whatever .env loads is undone after
        monkeypatch.delenv(name)
    monkeypatch.setattr(backend_module, "_current", None)
    env = tmp_path / ".env"
    env.write_text("")
    yield env
    current = backend_module._current
    if current is not None and current.stub is not None:
        current.stub.stop()
    monkeypatch.setattr(backend_module, "_current", None)


def test_no_key_starts_the_stub_and_exports_the_variables(fresh, capsys, monkeypatch):
    import os

    from openai import OpenAI

    b = backend_module.setup(env_file=str(fresh))
    out = capsys.readouterr().out
    assert b.is_stub
    assert out.startswith("LLM backend: stub (embedded, no key needed) · base URL http://127.0.0.1:")
    assert os.environ["OPENAI_BASE_URL"] == b.base_url
    reply = OpenAI(max_retries=0).chat.completions.create(
        model=b.model, messages=[{"role": "user", "content": "hello"}]
    )
    assert reply.choices[0].message.content


def test_setup_twice_reuses_the_backend(fresh):
    first = backend_module.setup(env_file=str(fresh), quiet=True)
    assert backend_module.setup(env_file=str(fresh), quiet=True) is first


def test_a_key_in_env_file_selects_the_provider_and_is_never_printed(fresh, capsys):
    secret = "sk-proj-" + "A1b2C3d4" * 5
    fresh.write_text(
        f"OPENAI_API_KEY={secret}\nOPENAI_BASE_URL=https://api.groq.com/openai/v1\nMODEL=llama-3.3-70b-versatile\n"
    )
    b = backend_module.setup(env_file=str(fresh))
    out = capsys.readouterr().out
    assert not b.is_stub
    assert b.provider == "Groq" and b.model == "llama-3.3-70b-versatile"
    assert secret not in out and secret[-8:] not in out


def test_llm_backend_stub_wins_over_a_key(fresh):
    fresh.write_text("OPENAI_API_KEY=sk-real-looking-key-123456\nLLM_BACKEND=stub\n")
    assert backend_module.setup(env_file=str(fresh), quiet=True).is_stub


def test_remote_without_a_key_says_how_to_fix_it(fresh):
    fresh.write_text("LLM_BACKEND=remote\n")
    with pytest.raises(backend_module.ConfigurationError, match="OPENAI_API_KEY is not set"):
        backend_module.setup(env_file=str(fresh))


def test_bad_backend_value(fresh):
    fresh.write_text("LLM_BACKEND=cloud\n")
    with pytest.raises(backend_module.ConfigurationError, match="not one of auto, stub, remote"):
        backend_module.setup(env_file=str(fresh))


def test_mask_never_shows_the_middle():
    assert backend_module.mask("sk-proj-abcdefghijklmnop") == "sk-…mnop"
    assert backend_module.mask("short") == "*****"
    assert backend_module.mask(None) == "(not set)"
