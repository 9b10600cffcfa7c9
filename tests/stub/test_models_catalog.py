"""The catalogue (llm_stub/data/models.toml, read by llm_stub/catalog.py) and the lifecycle it drives.

* aliases resolve to dated snapshots, snapshots are valid requests, /v1/models lists both with shutdown_date;
* the stub's clock (real date by default; --today, LLM_STUB_TODAY, StubConfig.today, the control endpoint);
* past a model's shutdown date, the real 404 "has been deprecated"; an unknown id keeps "does not exist";
  dates are pinned on both sides of every boundary;
* the file itself: every row names sources that exist, a broken row is a clear error;
* the course side: with no key, MODEL must name a model the stub serves (a clear error otherwise), and a
  deprecated MODEL is warned about with its date and replacement.

Inputs vary per run (seeded; the seed is in every assertion message).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys

import httpx2
import openai
import pytest

from course import backend as backend_module
from course import models as course_models
from llm_stub import StubConfig, StubServer, catalog, clock, tokenizer
from llm_stub.__main__ import config_from_args, parse_args

from . import models
from .models import PLAIN, info, serve
from .openapi import errors

SEED = random.randrange(2**32)
ALIASES = {m.id: m.snapshot for m in catalog.DEFAULT_MODELS if m.snapshot}
DEPRECATED_404 = (
    "The model `{}` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations"
)


def hello(client, model: str):
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hello"}])


def not_found(call, *args, **kwargs) -> dict:
    with pytest.raises(openai.NotFoundError) as caught:
        call(*args, **kwargs)
    body = caught.value.response.json()
    assert errors("ErrorResponse", body) == [], body
    return body["error"]


# ---------------------------------------------------------------------------------------------- ids


def test_every_alias_answers_with_the_id_it_resolves_to(client, stub):
    for alias, target in ALIASES.items():
        r = hello(client, serve(stub, alias))
        assert r.model == target, alias


def test_dated_snapshots_are_valid_requests_and_name_themselves(client, stub):
    rng = random.Random(SEED)
    snapshots = sorted({m.id for m in catalog.DEFAULT_MODELS if m.base and m.id != m.base and not m.snapshot})
    for snapshot in rng.sample(snapshots, 4):
        r = hello(client, serve(stub, snapshot))
        assert r.model == snapshot, f"seed={SEED}"


def test_models_without_a_dated_id_name_themselves(client, stub):
    """GPT-5.6 and GPT-6 publish no dated ids in the SDK (fact sheet section 7)."""
    rng = random.Random(SEED)
    model = rng.choice([m for m in models.ids(current=True) if not info(m).snapshot])
    assert hello(client, model).model == model, f"seed={SEED}"


def test_streamed_chunks_name_the_snapshot(client, stub):
    rng = random.Random(SEED)
    alias = serve(stub, rng.choice(sorted(ALIASES)))
    chunks = list(
        client.chat.completions.create(
            model=alias, messages=[{"role": "user", "content": "hello"}], stream=True
        )
    )
    assert {c.model for c in chunks} == {ALIASES[alias]}, f"seed={SEED}"


def test_models_lists_every_row_and_snapshot_with_its_shutdown_date(client, stub):
    """S1 types/model.py and S20: shutdown_date is YYYY-MM-DD or null; shut-down rows stay listed (E3)."""
    listed = {m.id: m for m in client.models.list()}
    assert {m.id for m in catalog.DEFAULT_MODELS} == set(listed)
    for m in catalog.DEFAULT_MODELS:
        expected = m.shutdown_date.isoformat() if m.shutdown_date else None
        assert listed[m.id].shutdown_date == expected, m.id
    body = httpx2.get(f"{stub.base_url}/models", headers={"Authorization": f"Bearer {stub.api_key}"}).json()
    assert errors("ListModelsResponse", body) == []
    assert all("shutdown_date" in m for m in body["data"]), "null is sent, not left out"


def test_retrieve_carries_the_shutdown_date_even_after_it(client, stub):
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.shutdown_date is not None))
    day = info(model).shutdown_date + dt.timedelta(days=rng.randint(0, 400))
    stub.configure(today=day.isoformat())
    found = client.models.retrieve(model)
    assert found.shutdown_date == info(model).shutdown_date.isoformat(), f"seed={SEED} model={model}"


def test_retired_ids_are_not_listed(client):
    listed = {m.id for m in client.models.list()}
    assert not listed & set(catalog.CATALOGUE.retired)


def test_an_unknown_id_is_404_does_not_exist(client):
    rng = random.Random(SEED)
    wrong = rng.choice([f"{PLAIN}-2099-01-01", "gpt-9", f"{PLAIN}x", "claude-3"])
    e = not_found(hello, client, wrong)
    assert e == {
        "message": f"The model `{wrong}` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }, f"seed={SEED}"
    assert not_found(client.models.retrieve, wrong)["code"] == "model_not_found"


def test_a_restricted_model_is_403(client):
    """The 'Project ... does not have access to model' 403 (architecture: models one may not use)."""
    model = next(u.id for u in catalog.CATALOGUE.unserved.values() if u.restricted)
    with pytest.raises(openai.PermissionDeniedError) as caught:
        hello(client, model)
    assert caught.value.status_code == 403 and caught.value.code == "model_not_found"


def test_limits_and_encodings_come_from_the_catalogue(client, stub):
    for m in catalog.DEFAULT_MODELS:
        assert m.encoding == tokenizer.encoding_name_for(m.id), m.id  # tiktoken's own table agrees
        assert m.context_window > m.max_output_tokens > 0, m.id
        assert m.max_input_tokens is None or m.max_input_tokens <= m.context_window - m.max_output_tokens, (
            m.id
        )
    rng = random.Random(SEED)
    model = rng.choice(models.ids(current=True))
    too_many = info(model).max_output_tokens + rng.randint(1, 1000)
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "hi"}], max_completion_tokens=too_many
        )
    assert f"at most {info(model).max_output_tokens} completion tokens" in caught.value.message, (
        f"seed={SEED}"
    )


def test_an_input_limit_below_the_window_has_its_own_400(stub):
    """gpt-5: 272,000 input tokens of a 400,000 window; GPT-6: 922,000 (find_string ids 54678669116, 55682358070,
    57503578316): 'Input tokens exceed the configured limit of N tokens. Your messages resulted in M tokens.
    Please reduce the length of the messages.', param messages, code context_length_exceeded."""
    import dataclasses

    rng = random.Random(SEED)
    base = info(rng.choice(models.ids(lambda m: m.max_input_tokens is not None, current=True)))
    limit = rng.randint(200, 400)  # the same rule on a model with a small limit, so the test stays fast
    small = dataclasses.replace(base, id="small-input-test", base="", max_input_tokens=limit)
    with StubServer(StubConfig(models=[small])) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0)
        text = "word " * (limit + rng.randint(10, 200))
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(model=small.id, messages=[{"role": "user", "content": text}])
    body = caught.value.response.json()["error"]
    assert body["param"] == "messages" and body["code"] == "context_length_exceeded", f"seed={SEED}"
    assert body["message"].startswith(
        f"Input tokens exceed the configured limit of {limit} tokens. Your messages "
    )
    assert body["message"].endswith(" tokens. Please reduce the length of the messages.")


# ---------------------------------------------------------------------------------------------- lifecycle


def test_the_day_before_shutdown_the_model_answers(client, stub):
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.shutdown_date is not None))
    day = info(model).shutdown_date - dt.timedelta(days=rng.choice([1, 1, 2, 30]))
    stub.configure(today=day.isoformat())
    assert hello(client, model).choices[0].message.content, f"seed={SEED} model={model} day={day}"


def test_from_the_shutdown_date_on_the_model_gets_the_real_404(client, stub):
    """Fact sheet section 2: the body captured for gpt-3.5-turbo-1106 after 2026-09-28 (find_string id 71572945808),
    gpt-5.1-codex-mini (anomalyco/opencode#38665), text-davinci-003 with param null (hkjang/node-red-contrib-openai#7)."""
    rng = random.Random(SEED)
    model = rng.choice([m.id for m in catalog.DEFAULT_MODELS if m.shutdown_date is not None])
    day = info(model).shutdown_date + dt.timedelta(days=rng.choice([0, 0, 1, 90]))
    stub.configure(today=day.isoformat())
    for call in (
        lambda: hello(client, model),
        lambda: client.responses.create(model=model, input="hello"),
    ):
        e = not_found(call)
        assert e == {
            "message": DEPRECATED_404.format(model),
            "type": "invalid_request_error",
            "param": None,
            "code": "model_not_found",
        }, f"seed={SEED} model={model} day={day}"


def test_a_retired_id_without_a_row_gets_the_deprecation_404(client):
    rng = random.Random(SEED)
    model = rng.choice(sorted(catalog.CATALOGUE.retired))
    assert not_found(hello, client, model)["message"] == DEPRECATED_404.format(model), f"seed={SEED}"


def test_a_model_with_no_shutdown_date_answers_on_any_day(client, stub):
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.shutdown_date is None))
    day = info(model).released + dt.timedelta(days=rng.randint(0, 5000))
    stub.configure(today=day.isoformat())
    assert hello(client, model).choices[0].message.content, f"seed={SEED}"


def test_status_by_date():
    rng = random.Random(SEED)
    m = info(rng.choice(models.ids(lambda m: m.shutdown_date is not None)))
    assert m.status_on(m.shutdown_date - dt.timedelta(days=1)) == catalog.DEPRECATED
    assert m.status_on(m.shutdown_date) == catalog.SHUT_DOWN
    assert (
        info(rng.choice(models.ids(lambda m: m.shutdown_date is None))).status_on(dt.date(2100, 1, 1))
        == "active"
    )


# ---------------------------------------------------------------------------------------------- the clock


def test_the_clock_defaults_to_the_real_date(monkeypatch):
    monkeypatch.delenv(clock.ENV, raising=False)
    assert StubConfig().current_date() == dt.date.today()


def test_the_clock_from_the_environment(monkeypatch):
    monkeypatch.setenv(clock.ENV, "2027-02-03")
    assert StubConfig().current_date() == dt.date(2027, 2, 3)
    monkeypatch.setenv(clock.ENV, "next tuesday")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        StubConfig()


def test_the_clock_from_the_command_line(monkeypatch):
    monkeypatch.delenv(clock.ENV, raising=False)
    assert config_from_args(parse_args(["--today", "2026-12-12"])).current_date() == dt.date(2026, 12, 12)
    with pytest.raises(SystemExit):
        parse_args(["--today", "12/12/2026"])


def test_the_cli_stub_refuses_a_model_past_its_date(tmp_path):
    """llm-stub --today: the whole process believes the date (a real server, a real request)."""
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.shutdown_date is not None))
    day = info(model).shutdown_date
    env = {k: v for k, v in os.environ.items() if k != clock.ENV}
    proc = subprocess.Popen(
        [sys.executable, "-m", "llm_stub", "--port", "0", "--today", day.isoformat()],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        base_url = line.split("base URL ")[1].split(" ")[0]
        client = openai.OpenAI(base_url=base_url, api_key="sk-stub", max_retries=0)
        assert not_found(hello, client, model)["message"] == DEPRECATED_404.format(model), f"seed={SEED}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_clock_through_the_control_endpoint(client, stub):
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.shutdown_date is not None))
    shutdown = info(model).shutdown_date
    stub.control.configure(today=shutdown.isoformat())
    assert stub.control.config()["today"] == shutdown.isoformat()
    assert not_found(hello, client, model)["code"] == "model_not_found"
    stub.control.configure(today=(shutdown - dt.timedelta(days=1)).isoformat())
    assert hello(client, model).choices
    stub.control.configure(today=None)
    assert stub.state.config.current_date() == dt.date.today()
    r = httpx2.patch(f"{stub.control.root}/_stub/config", json={"today": "2026-13-40"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.json()["error"]["message"]


def test_reset_returns_to_the_starting_date(client, stub):
    stub.configure(today="2030-01-01")
    stub.reset()
    assert stub.state.config.current_date() == dt.date.today()


# ---------------------------------------------------------------------------------------------- the file


def test_every_row_names_sources_the_file_defines():
    for m in catalog.DEFAULT_MODELS:
        assert m.sources, m.id
        for s in m.sources:
            assert s in catalog.CATALOGUE.sources or "#" in s, (m.id, s)


def test_every_row_has_limits_prices_and_a_release_date():
    for m in models.ROWS:
        assert (
            m.released is not None and m.prices is not None and m.prices.input > 0 and m.prices.output > 0
        ), m.id
        if m.shutdown_date:
            assert m.shutdown_date > m.released, m.id
        if m.is_reasoning:
            assert m.default_effort in m.efforts and set(m.chat_efforts) <= set(m.efforts), m.id
            assert "max" not in m.chat_efforts, (
                f"{m.id}: no model takes max on Chat Completions (fact sheet 8)"
            )
        if m.cache_options:
            assert m.prices.cache_write == pytest.approx(1.25 * m.prices.input), f"{m.id}: S16's 1.25x rule"


def test_replacements_are_models_the_catalogue_serves():
    for m in models.ROWS:
        if m.replacement:
            assert catalog.lookup(m.replacement) is not None, (m.id, m.replacement)


def test_the_default_model_is_current_and_cheap():
    """S14: OpenAI names gpt-6-luna as the replacement of the course's old default; S2: its cost-sensitive pick."""
    m = info(catalog.DEFAULT_MODEL)
    assert m.shutdown_date is None
    replaced = models.ids(lambda r: not r.is_reasoning and r.replacement == catalog.DEFAULT_MODEL)
    assert replaced, "the default is the model OpenAI names as the classic models' replacement"


@pytest.mark.parametrize(
    "change, message",
    [
        ("released = 2026-09-22", None),
        ('efforts = ["none", "turbo"]', "efforts must be values"),
        ('chat_tools = "sometimes"', "chat_tools must be one of"),
        ('colour = "blue"', "unknown field"),
        ('sources = ["S999"]', "not in [sources]"),
        ('default_effort = "max2"', "default_effort"),
    ],
)
def test_a_broken_row_is_a_clear_error(change, message):
    text = catalog.CATALOGUE_FILE.read_text()
    marker = f'id = "{catalog.DEFAULT_MODEL}"\n'
    start = text.index(marker)
    if change.startswith("sources"):  # the row has its own sources line: replace it
        end = text.index("sources = ", start)
        line_end = text.index("\n", end)
        broken = text[:end] + change + text[line_end:]
    else:
        broken = text.replace(marker, marker + change + "\n", 1)
    if message is None:
        with pytest.raises(Exception, match="duplicate|defined|overwrite|Cannot"):
            catalog.parse(broken)  # TOML itself refuses a key set twice
        return
    with pytest.raises(catalog.CatalogueError, match=message.replace("[", r"\[")):
        catalog.parse(broken)


# ---------------------------------------------------------------------------------------------- course side


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    # monkeypatch restores each (absent) variable afterwards, also when setup()'s load_dotenv set it
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MODEL", "LLM_BACKEND", "LLM_PROVIDER", clock.ENV):
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


def test_an_unknown_model_is_a_clear_error_listing_the_current_ones(fresh):
    rng = random.Random(SEED)
    wrong = rng.choice([f"{PLAIN}i", "llama3", "gpt-6", "claude-3"])
    fresh.write_text(f"MODEL={wrong}\n")
    with pytest.raises(backend_module.ConfigurationError) as caught:
        backend_module.setup(env_file=str(fresh), quiet=True)
    message = str(caught.value)
    assert wrong in message, f"seed={SEED}"
    for model in course_models.current():
        assert model in message


def test_the_default_is_served(fresh, capsys):
    b = backend_module.setup(env_file=str(fresh))
    assert b.model == catalog.DEFAULT_MODEL and b.is_stub and b.is_reasoning
    assert capsys.readouterr().out.rstrip().endswith(f"model {catalog.DEFAULT_MODEL}")


def test_a_dated_snapshot_is_served(fresh, capsys):
    fresh.write_text(f"MODEL={models.PLAIN_SNAPSHOT}\n")
    b = backend_module.setup(env_file=str(fresh))
    assert b.model == models.PLAIN_SNAPSHOT and "Warning" not in capsys.readouterr().out


def test_setup_warns_about_a_deprecated_model_with_its_date_and_replacement(fresh, capsys, monkeypatch):
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.shutdown_date is not None and m.replacement is not None))
    shutdown = info(model).shutdown_date
    days = rng.randint(1, 80)
    monkeypatch.setenv(clock.ENV, (shutdown - dt.timedelta(days=days)).isoformat())
    fresh.write_text(f"MODEL={model}\n")
    backend_module.setup(env_file=str(fresh))
    out = capsys.readouterr().out
    assert (
        f"Warning: MODEL={model} is deprecated: it shuts down on {shutdown.isoformat()} (in {days} days)"
        in out
    )
    assert info(model).replacement in out, f"seed={SEED}"


def test_setup_says_when_the_model_is_already_shut_down(fresh, capsys, monkeypatch):
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.shutdown_date is not None))
    monkeypatch.setenv(
        clock.ENV, (info(model).shutdown_date + dt.timedelta(days=rng.randint(0, 30))).isoformat()
    )
    fresh.write_text(f"MODEL={model}\n")
    backend_module.setup(env_file=str(fresh))
    assert "was shut down on" in capsys.readouterr().out, f"seed={SEED}"


def test_setup_on_a_real_provider_reads_its_shutdown_date(fresh, capsys, monkeypatch):
    """On a provider, the date comes from its own GET /v1/models/{id} (S14: OpenAI tells developers to poll it):
    here a second stub plays the provider, with a date the catalogue does not have."""
    import dataclasses

    day = dt.date.today() + dt.timedelta(days=random.Random(SEED).randint(5, 60))
    provider_model = dataclasses.replace(info(PLAIN), shutdown_date=day)
    with StubServer(StubConfig(models=[provider_model], api_keys=["sk-provider-key-123456"])) as provider:
        fresh.write_text(
            f"OPENAI_API_KEY=sk-provider-key-123456\nOPENAI_BASE_URL={provider.base_url}\nMODEL={PLAIN}\n"
            "LLM_PROVIDER=OpenAI\n"  # providers whose model list carries shutdown_date: OpenAI and Azure OpenAI
        )
        backend_module.setup(env_file=str(fresh))
    out = capsys.readouterr().out
    assert f"shuts down on {day.isoformat()}" in out and "sk-provider-key-123456" not in out


def test_other_providers_get_the_catalogues_date_without_a_request(fresh, capsys, monkeypatch):
    """Groq, OpenRouter, Ollama...: their model lists carry no shutdown_date, so setup() asks nothing (no
    request leaves the machine) and warns from the catalogue for an OpenAI model it knows (openai/<id>)."""
    rng = random.Random(SEED)
    model = rng.choice(models.ids(lambda m: m.shutdown_date is not None))
    day = info(model).shutdown_date - dt.timedelta(days=rng.randint(1, 60))
    monkeypatch.setattr(
        backend_module, "provider_shutdown_date", lambda m: pytest.fail("no request to a provider")
    )
    monkeypatch.setattr(backend_module.Backend, "today", lambda self: day)
    fresh.write_text(
        f"OPENAI_API_KEY=sk-or-fake-key-123456\nOPENAI_BASE_URL=https://openrouter.ai/api/v1\nMODEL=openai/{model}\n"
    )
    backend_module.setup(env_file=str(fresh))
    assert f"shuts down on {info(model).shutdown_date.isoformat()}" in capsys.readouterr().out, f"seed={SEED}"


def test_is_reasoning_comes_from_the_catalogue_not_the_name():
    for m in models.ROWS:
        assert backend_module.is_reasoning_model(m.id) == m.is_reasoning, m.id
        assert course_models.is_reasoning(f"openai/{m.id}") == m.is_reasoning, m.id
    for name in ("llama3.2", "openai/gpt-oss-20b", "omni", "gpt-7-nova"):
        assert not backend_module.is_reasoning_model(name), f"{name}: unknown models are treated as classic"
