"""The catalogue: aliases resolve to dated snapshots, snapshots are valid requests, /v1/models lists both.

Also the course side: with no key, MODEL must name a model the stub serves (a clear error otherwise), and
``Backend.is_reasoning`` tells the lessons which family they run on.
"""

from __future__ import annotations

import random

import openai
import pytest

from course import backend as backend_module
from llm_stub import tokenizer
from llm_stub.catalog import DEFAULT_MODELS, REASONING_MODELS

from .openapi import errors

SEED = random.randrange(2**32)
ALIASES = {m.id: m.snapshot for m in DEFAULT_MODELS if m.snapshot}


def test_every_alias_answers_with_its_dated_snapshot(client):
    for alias, snapshot in ALIASES.items():
        r = client.chat.completions.create(model=alias, messages=[{"role": "user", "content": "hello"}])
        assert r.model == snapshot, alias


def test_dated_snapshots_are_valid_requests_and_name_themselves(client):
    rng = random.Random(SEED)
    for snapshot in rng.sample(sorted(ALIASES.values()), 4):
        r = client.chat.completions.create(model=snapshot, messages=[{"role": "user", "content": "hello"}])
        assert r.model == snapshot, f"seed={SEED}"


def test_streamed_chunks_name_the_snapshot(client):
    rng = random.Random(SEED)
    alias = rng.choice(sorted(ALIASES))
    chunks = list(
        client.chat.completions.create(
            model=alias, messages=[{"role": "user", "content": "hello"}], stream=True
        )
    )
    assert {c.model for c in chunks} == {ALIASES[alias]}, f"seed={SEED}"


def test_models_lists_aliases_and_snapshots(client, stub):
    listed = {m.id for m in client.models.list()}
    assert set(ALIASES) | set(ALIASES.values()) <= listed
    for model_id in ("gpt-5-mini-2025-08-07", "gpt-4o-mini"):
        assert client.models.retrieve(model_id).id == model_id
    import httpx

    body = httpx.get(f"{stub.base_url}/models", headers={"Authorization": f"Bearer {stub.api_key}"}).json()
    assert errors("ListModelsResponse", body) == []


def test_an_unknown_dated_id_is_404(client):
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(
            model="gpt-4o-mini-2099-01-01", messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.response.json()["error"]["code"] == "model_not_found"


def test_limits_and_encodings():
    by_id = {m.id: m for m in DEFAULT_MODELS}
    assert by_id["gpt-5-mini"].context_window == 400_000 and by_id["gpt-5-mini"].max_output_tokens == 128_000
    assert by_id["o3"].context_window == 200_000 and by_id["o4-mini"].max_output_tokens == 100_000
    assert by_id["gpt-4.1-nano-2025-04-14"].context_window == 1_047_576
    assert by_id["gpt-4o-mini"].max_output_tokens == 16_384
    for m in DEFAULT_MODELS:
        assert m.encoding == tokenizer.encoding_name_for(m.id), m.id  # tiktoken's own table agrees
    assert set(REASONING_MODELS) == {"gpt-5", "gpt-5-mini", "gpt-5-nano", "o3", "o4-mini"}


# --- course.backend ----------------------------------------------------------------------------------------


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MODEL", "LLM_BACKEND"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setattr(backend_module, "_current", None)
    env = tmp_path / ".env"
    env.write_text("")
    yield env
    current = backend_module._current
    if current is not None and current.stub is not None:
        current.stub.stop()
    monkeypatch.setattr(backend_module, "_current", None)


def test_an_unknown_model_is_a_clear_error_listing_the_known_ones(fresh):
    rng = random.Random(SEED)
    wrong = rng.choice(["gpt-4o-minii", "llama3", "gpt-6", "claude-3"])
    fresh.write_text(f"MODEL={wrong}\n")
    with pytest.raises(backend_module.ConfigurationError) as caught:
        backend_module.setup(env_file=str(fresh), quiet=True)
    message = str(caught.value)
    assert wrong in message, f"seed={SEED}"
    for alias in ALIASES:
        assert alias in message


@pytest.mark.parametrize("model", ["gpt-5-mini", "gpt-4o-mini-2024-07-18"])
def test_a_known_model_or_snapshot_is_served(fresh, model, capsys):
    fresh.write_text(f"MODEL={model}\n")
    b = backend_module.setup(env_file=str(fresh))
    assert b.model == model and b.is_stub
    assert capsys.readouterr().out.rstrip().endswith(f"model {model}")
    assert b.is_reasoning == (model == "gpt-5-mini")


def test_is_reasoning_model_by_name():
    for name in ("gpt-5", "gpt-5-mini-2025-08-07", "o3", "o4-mini", "openai/o3-mini", "o1"):
        assert backend_module.is_reasoning_model(name), name
    for name in ("gpt-4o-mini", "gpt-4.1", "gpt-5-chat-latest", "llama3.2", "openai/gpt-oss-20b", "omni"):
        assert not backend_module.is_reasoning_model(name), name
