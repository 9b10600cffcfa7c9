"""course.models: what lesson code may send to a model, read from the catalogue, and permissive for the rest.

Each helper's contract is checked on every catalogue row (rows of every lifecycle) and on ids the catalogue does
not know (another provider's models), and the keyword arguments it returns are sent to the stub, which answers
them as the real API would (the clock pinned to a day the model is served).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from course import models
from llm_stub import catalog
from tests.stub.models import ROWS, serve

SEED = random.randrange(2**32)
UNKNOWN = ["llama3.2", "openai/gpt-oss-20b", "mistral-large-latest", "gpt-9-nova"]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def test_unknown_models_are_treated_as_classic_chat_models():
    for name in UNKNOWN:
        assert models.info(name) is None and not models.is_reasoning(name), name
        assert models.sampling(name) == "always" and models.chat_tools(name) == "any"
        assert models.sampling_params(name, temperature=0.3) == {"temperature": 0.3}
        assert models.chat_tools_params(name) == {} and models.no_reasoning_params(name) == {}
        assert models.chat_tools_model(name) == (name, {}) and models.accepts_stop(name)
        assert models.efforts(name) == () and models.deprecation(name) is None


def test_a_provider_prefix_finds_the_row():
    for m in ROWS:
        assert models.info(f"openai/{m.id}") is catalog.lookup(m.id)


@pytest.mark.parametrize("row", [m.id for m in ROWS])
def test_sampling_params_are_accepted_by_every_model(client, stub, row):
    """What sampling_params returns, the stub (like the API) accepts; a model that never samples gets none."""
    serve(stub, row)
    params = models.sampling_params(row, temperature=0.2, top_p=0.5)
    if models.sampling(row) == "never":
        assert params == {}
    else:
        assert params["temperature"] == 0.2 and params["top_p"] == 0.5
    client.chat.completions.create(model=row, messages=[{"role": "user", "content": "hello"}], **params)


@pytest.mark.parametrize("row", [m.id for m in ROWS])
def test_chat_tools_params_are_accepted_or_say_use_responses(client, stub, row):
    serve(stub, row)
    params = models.chat_tools_params(row)
    call = dict(
        model=row, messages=[{"role": "user", "content": "What's the weather in Oslo?"}], tools=[WEATHER]
    )
    if params is None:
        assert models.chat_tools(row) == "responses_only"
        tool_model, tool_params = models.chat_tools_model(row)
        assert tool_model == catalog.DEFAULT_MODEL and models.chat_tools_params(tool_model) == tool_params
        return
    r = client.chat.completions.create(**call, **params)
    assert r.choices[0].message.tool_calls, row
    assert models.chat_tools_model(row) == (row, params)


@pytest.mark.parametrize("row", [m.id for m in ROWS])
def test_no_reasoning_params_turn_reasoning_off_where_it_can_be(client, stub, row):
    serve(stub, row)
    r = client.chat.completions.create(
        model=row, messages=[{"role": "user", "content": "hello"}], **models.no_reasoning_params(row)
    )
    reasoning = r.usage.completion_tokens_details.reasoning_tokens
    can_stop = not models.is_reasoning(row) or "none" in models.efforts(row)
    assert (reasoning == 0) == (can_stop or models.default_effort(row) == "minimal"), row


def test_deprecation_from_the_catalogue_and_from_a_provider():
    rng = random.Random(SEED)
    m = rng.choice([m for m in ROWS if m.shutdown_date is not None])
    before = models.deprecation(m.id, m.shutdown_date - dt.timedelta(days=3))
    assert (
        before.shutdown_date == m.shutdown_date
        and not before.shut_down
        and before.replacement == m.replacement
    )
    assert "in 3 days" in before.message(m.shutdown_date - dt.timedelta(days=3))
    after = models.deprecation(m.id, m.shutdown_date)
    assert after.shut_down and "was shut down on" in after.message(m.shutdown_date)
    current = rng.choice(models.current())
    assert models.deprecation(current) is None
    day = dt.date.today() + dt.timedelta(days=40)
    told = models.deprecation(current, shutdown_date=day.isoformat())
    assert told.shutdown_date == day and not told.shut_down, "a provider's shutdown_date wins"
    retired = rng.choice(sorted(catalog.CATALOGUE.retired))
    assert models.deprecation(retired).shut_down, "an id without a row is known to be retired"


def test_current_models_are_the_rows_without_a_shutdown_newest_first():
    today = dt.date.today()
    current = models.current(today)
    assert current and all(catalog.lookup(m).shutdown_date is None for m in current)
    released = [catalog.lookup(m).released for m in current]
    assert released == sorted(released, reverse=True)
    assert catalog.DEFAULT_MODEL in current


def test_the_choice_table_shows_prices_context_and_efforts():
    table = models.table()
    for model in models.current():
        m = catalog.lookup(model)
        line = next(line for line in table.splitlines() if line.startswith(model + " "))
        assert f"{m.prices.input:.2f}" in line and models.effort_range(model) in line, line


def test_input_limit():
    for m in ROWS:
        assert models.input_limit(m.id) == (m.max_input_tokens or m.context_window)
    assert models.input_limit("llama3.2") is None


@pytest.mark.parametrize("row", [m.id for m in ROWS])
def test_sampling_params_for_the_responses_api_are_accepted(client, stub, row):
    """The Responses API spells the effort reasoning={"effort": ...} (and takes top_p only at effort none too)."""
    serve(stub, row)
    params = models.sampling_params(row, api="responses", temperature=0.3)
    if models.sampling(row) == "never":
        assert params == {}
    elif models.is_reasoning(row) and models.default_effort(row) != "none":
        assert params["reasoning"] == {"effort": "none"} and "reasoning_effort" not in params
    r = client.responses.create(model=row, input="hello", **params)
    assert r.status == "completed", row


class _Backend:
    """What doctor.check_model_lifecycle reads of a backend."""

    def __init__(self, model: str, stub: bool, today: dt.date, provider: str = "OpenAI") -> None:
        self.model, self.is_stub, self._today, self.provider = model, stub, today, provider

    def today(self) -> dt.date:
        return self._today


def test_the_doctor_warns_before_a_shutdown_and_fails_after_it():
    from course import doctor

    rng = random.Random(SEED)
    m = rng.choice([m for m in ROWS if m.shutdown_date is not None and m.replacement])
    soon = doctor.check_model_lifecycle(_Backend(m.id, True, m.shutdown_date - dt.timedelta(days=10)))
    assert soon.ok and soon.warn and "in 10 days" in soon.what and m.replacement in soon.fix, soon
    assert soon.line().startswith("[warn]")
    gone = doctor.check_model_lifecycle(_Backend(m.id, True, m.shutdown_date))
    assert not gone.ok and "was shut down" in gone.what and gone.line().startswith("[FAIL]")
    fine = doctor.check_model_lifecycle(_Backend(catalog.DEFAULT_MODEL, True, dt.date.today()))
    assert fine.ok and not fine.warn and "no shutdown announced" in fine.what
    # on a real provider, the date its model list gave wins (here one the catalogue does not have)
    day = dt.date.today() + dt.timedelta(days=20)
    told = doctor.check_model_lifecycle(_Backend("llama3.2", False, dt.date.today()), day.isoformat())
    assert told.warn and day.isoformat() in told.what
    # other providers' lists carry no shutdown_date: the catalogue answers for the OpenAI ids it knows
    routed = doctor.check_model_lifecycle(_Backend(f"openai/{m.id}", False, m.shutdown_date, "OpenRouter"))
    assert not routed.ok and m.shutdown_date.isoformat() in routed.what
