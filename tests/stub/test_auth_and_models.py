"""Keys and models: 401 invalid_api_key, 403 and 404 model_not_found, /v1/models."""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI

from llm_stub import StubConfig, StubServer, catalog

from .models import DEFAULT, PLAIN


def test_wrong_key_is_401_and_masked(stub):
    bad = OpenAI(base_url=stub.base_url, api_key="sk-wrong-key-1234567890", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as err:
        bad.models.list()
    assert err.value.status_code == 401
    assert err.value.code == "invalid_api_key"
    assert "sk-wrong-key-1234567890" not in err.value.message
    assert "7890" in err.value.message  # enough to recognise, not enough to use


def test_missing_key_is_401(stub):
    import httpx2

    r = httpx2.post(stub.base_url + "/chat/completions", json={"model": PLAIN, "messages": []})
    assert r.status_code == 401
    # the real 401 without a key has code null (issue 18; quoted whole in test_fidelity.py)
    assert r.json()["error"]["code"] is None


def test_extra_keys_from_config():
    with StubServer(StubConfig(api_keys=["sk-stub", "sk-team-b"])) as server:
        client = OpenAI(base_url=server.base_url, api_key="sk-team-b", max_retries=0)
        assert client.models.list().data


def test_models_list_and_retrieve(client):
    ids = [m.id for m in client.models.list()]
    assert PLAIN in ids and DEFAULT in ids
    model = client.models.retrieve(DEFAULT)
    assert model.object == "model" and model.owned_by


def test_unknown_model_is_404_model_not_found(client):
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "hi"}])
    assert err.value.code == "model_not_found"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-9")


def test_restricted_model_is_403(client):
    restricted = next(u.id for u in catalog.CATALOGUE.unserved.values() if u.restricted)
    with pytest.raises(openai.PermissionDeniedError) as err:
        client.chat.completions.create(model=restricted, messages=[{"role": "user", "content": "hi"}])
    assert err.value.status_code == 403


def test_unknown_url_is_404_in_the_error_shape(stub):
    import httpx2

    r = httpx2.post(stub.base_url + "/nothing/here", json={})
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "Invalid URL (POST /v1/nothing/here)"
