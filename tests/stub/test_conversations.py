"""The Conversations API and ``conversation=`` on ``/v1/responses``; ``truncation`` of a conversation that
outgrows the context window. Evidence: ``llm_stub/conversations.py`` and ``llm_stub/responses_endpoint.py``.

Every body is validated against the OpenAPI schemas (``ConversationResource``, ``ConversationItemList``,
``DeletedConversationResource``, ``Response``, ``ErrorResponse``); the SDK's own ``client.conversations`` is
used end to end. Names, cities and numbers are drawn per run (the seed is printed with any failure).
"""

from __future__ import annotations

import dataclasses
import json
import random

import httpx2
import openai
import pytest

from .openapi import errors
from .served import served_model, weather_call, weather_output
from .test_responses import CITIES, NAMES, WEATHER_TOOL, _get, _post, _seeded


@pytest.fixture
def model(stub) -> str:
    return served_model(stub, "chat")


def _conv(stub, method: str, path: str = "", body: dict | None = None, key: str | None = None):
    return httpx2.request(
        method,
        stub.base_url + "/conversations" + path,
        json=body,
        headers={"Authorization": f"Bearer {key or stub.api_key}"},
        timeout=30,
    )


def _error(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert errors("ErrorResponse", r.json()) == []
    return r.json()["error"]


# ----------------------------------------------------------------------------------------- the objects


def test_create_retrieve_update_delete(stub, rng):
    metadata = {"topic": rng.choice(CITIES), "user": rng.choice(NAMES)}
    created = _conv(stub, "POST", body={"metadata": metadata})
    assert created.status_code == 200 and errors("ConversationResource", created.json()) == []
    conv = created.json()
    assert (
        conv["object"] == "conversation" and conv["id"].startswith("conv_") and conv["metadata"] == metadata
    )
    assert _conv(stub, "GET", f"/{conv['id']}").json() == conv
    changed = {"topic": rng.choice(CITIES)}
    updated = _conv(stub, "POST", f"/{conv['id']}", {"metadata": changed}).json()
    assert errors("ConversationResource", updated) == [] and updated["metadata"] == changed
    deleted = _conv(stub, "DELETE", f"/{conv['id']}")
    assert errors("DeletedConversationResource", deleted.json()) == []
    assert deleted.json() == {"id": conv["id"], "object": "conversation.deleted", "deleted": True}
    error = _error(_conv(stub, "GET", f"/{conv['id']}"), 404)
    assert error["message"] == f"Conversation with id '{conv['id']}' not found."
    assert (error["param"], error["code"]) == (None, None)


def test_initial_items_at_most_twenty(stub, rng):
    n = rng.randint(1, 20)
    items = [{"role": "user", "content": f"Note {i}: {rng.choice(CITIES)}"} for i in range(n)]
    conv = _conv(stub, "POST", body={"items": items}).json()
    listed = _conv(stub, "GET", f"/{conv['id']}/items?order=asc&limit=100").json()
    assert errors("ConversationItemList", listed) == []
    assert [i["content"][0]["text"] for i in listed["data"]] == [i["content"] for i in items]
    too_many = [{"role": "user", "content": "x"}] * 21
    error = _error(_conv(stub, "POST", body={"items": too_many}), 400)
    assert (error["param"], error["code"]) == ("items", "array_above_max_length")


def test_items_are_checked_as_input_items(stub):
    bad = [{"role": "assistant", "content": [{"type": "input_text", "text": "Hi"}]}]
    error = _error(_conv(stub, "POST", body={"items": bad}), 400)
    assert (error["param"], error["code"]) == ("items[0].content[0]", "invalid_value")
    assert _error(_conv(stub, "POST", body={"colour": "blue"}), 400)["code"] == "unknown_parameter"


def test_items_added_listed_retrieved_and_deleted(stub, rng):
    conv = _conv(stub, "POST", body={}).json()
    notes = [f"{rng.choice(NAMES)} likes {rng.choice(CITIES)}." for _ in range(rng.randint(2, 5))]
    added = _conv(
        stub, "POST", f"/{conv['id']}/items", {"items": [{"role": "user", "content": t} for t in notes]}
    )
    assert added.status_code == 200 and errors("ConversationItemList", added.json()) == []
    ids = [i["id"] for i in added.json()["data"]]
    desc = _conv(stub, "GET", f"/{conv['id']}/items").json()
    assert [i["id"] for i in desc["data"]] == ids[::-1], "newest first by default"
    page = _conv(stub, "GET", f"/{conv['id']}/items?order=asc&limit=1&after={ids[0]}").json()
    assert [i["id"] for i in page["data"]] == [ids[1]] and page["has_more"] == (len(ids) > 2)
    one = _conv(stub, "GET", f"/{conv['id']}/items/{ids[0]}").json()
    assert one["content"][0]["text"] == notes[0]
    after_delete = _conv(stub, "DELETE", f"/{conv['id']}/items/{ids[0]}")
    assert errors("ConversationResource", after_delete.json()) == []
    assert _error(_conv(stub, "GET", f"/{conv['id']}/items/{ids[0]}"), 404)["message"].startswith(
        "Item with id"
    )


def test_another_key_cannot_see_my_conversation(stub):
    stub.configure(api_keys=[stub.api_key, "sk-other-project"])
    conv = _conv(stub, "POST", body={}).json()
    assert _conv(stub, "GET", f"/{conv['id']}", key="sk-other-project").status_code == 404
    r = _post(
        stub,
        {"model": served_model(stub, "chat"), "input": "Hi", "conversation": conv["id"]},
        {"Authorization": "Bearer sk-other-project"},
    )
    assert _error(r, 404)["message"] == f"Conversation with id '{conv['id']}' not found."


# ------------------------------------------------------------------------------------ responses in one


def test_a_conversation_remembers_and_keeps_each_turn(client, model, rng):
    name, city = rng.choice(NAMES), rng.choice(CITIES)
    conv = client.conversations.create()
    first = client.responses.create(model=model, input=f"Hi! My name is {name}.", conversation=conv.id)
    assert first.conversation.id == conv.id
    second = client.responses.create(model=model, input="What's my name?", conversation=conv.id)
    assert name in second.output_text, _seeded(f"the conversation should let the stub recall {name!r}")
    assert second.previous_response_id is None
    # the model read the first turn again: it is billed as input
    assert second.usage.input_tokens > first.usage.input_tokens + first.usage.output_tokens - 20
    items = list(client.conversations.items.list(conv.id, order="asc"))
    assert [(i.type, i.role) for i in items] == [("message", "user"), ("message", "assistant")] * 2
    assert items[0].content[0].text == f"Hi! My name is {name}."
    assert items[3].content[0].text == second.output_text
    third = client.responses.create(model=model, input=f"I live in {city}.", conversation={"id": conv.id})
    assert third.conversation.id == conv.id


def test_the_items_list_validates(stub, model, rng):
    conv = _conv(stub, "POST", body={"items": [{"role": "developer", "content": "Be brief."}]}).json()
    _post(stub, {"model": model, "input": f"Tell me about {rng.choice(CITIES)}.", "conversation": conv["id"]})
    listed = _conv(stub, "GET", f"/{conv['id']}/items").json()
    assert errors("ConversationItemList", listed) == [] and len(listed["data"]) == 3


def test_a_tool_loop_in_a_conversation_sends_only_the_output(client, model, rng):
    city, temp = rng.choice(CITIES), rng.randint(-10, 35)
    conv = client.conversations.create()
    first = client.responses.create(
        model=model, input=f"What's the weather in {city}?", tools=[WEATHER_TOOL], conversation=conv.id
    )
    call = next(i for i in first.output if i.type == "function_call")
    final = client.responses.create(
        model=model,
        input=[
            {"type": "function_call_output", "call_id": call.call_id, "output": json.dumps({"temp_c": temp})}
        ],
        tools=[WEATHER_TOOL],
        conversation=conv.id,
    )
    assert str(temp) in final.output_text, _seeded("the answer uses the tool's result")
    kinds = [i.type for i in client.conversations.items.list(conv.id, order="asc")]
    assert kinds == ["message", "function_call", "function_call_output", "message"]


def test_conversation_and_previous_response_id_exclude_each_other(stub, client, model):
    conv = client.conversations.create()
    first = client.responses.create(model=model, input="Hi", conversation=conv.id)
    error = _error(
        _post(
            stub, {"model": model, "input": "Hi", "conversation": conv.id, "previous_response_id": first.id}
        ),
        400,
    )
    assert error["message"] == (
        "Mutually exclusive parameters. Ensure you are only providing one of: 'previous_response_id' or 'conversation'."
    )
    assert (error["param"], error["code"]) == (None, "mutually_exclusive_parameters")


def test_a_conversation_id_must_look_like_one_and_exist(stub, model, rng):
    wrong = rng.choice(["abc123", "resp_123", "conversation-1"])
    error = _error(_post(stub, {"model": model, "input": "Hi", "conversation": wrong}), 400)
    assert error == {
        "message": f"Invalid 'conversation': '{wrong}'. Expected an ID that begins with 'conv_'.",
        "type": "invalid_request_error",
        "param": "conversation",
        "code": "invalid_conversation_id",
    }
    unknown = f"conv_{rng.randrange(16**12):012x}"
    error = _error(_post(stub, {"model": model, "input": "Hi", "conversation": unknown}), 404)
    assert error["message"] == f"Conversation with id '{unknown}' not found."


def test_a_streamed_response_joins_its_conversation_when_it_completes(stub, client, model):
    conv = client.conversations.create()
    with client.responses.stream(model=model, input="Tell me about streams", conversation=conv.id) as stream:
        final = stream.get_final_response()
    assert final.conversation.id == conv.id
    assert len(list(client.conversations.items.list(conv.id))) == 2


def test_a_deleted_conversation_cannot_be_continued(client, model):
    conv = client.conversations.create()
    client.responses.create(model=model, input="Hi", conversation=conv.id)
    client.conversations.delete(conv.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.create(model=model, input="Again", conversation=conv.id)


# ------------------------------------------------------------------------------------------ truncation


@pytest.fixture
def small(stub) -> str:
    """A model like the stub's first chat model, with a context window small enough to fill in a test."""
    base = stub.state.config.model(served_model(stub, "chat"))
    tiny = dataclasses.replace(base, id="stub-small-window", snapshot="", context_window=400)
    stub.state.config.models = [*stub.state.config.models, tiny]  # the stub fixture resets the settings
    return tiny.id


def _long_history(rng: random.Random, turns: int) -> list[dict]:
    out = []
    for i in range(turns):
        out.append({"role": "user", "content": f"Turn {i}: tell me about {rng.choice(CITIES)}. " * 3})
        out.append({"role": "assistant", "content": f"{rng.choice(CITIES)} is lovely in spring. " * 3})
    return out


def test_truncation_disabled_refuses_an_input_beyond_the_window(stub, small, rng):
    history = [*_long_history(rng, 8), {"role": "user", "content": f"My name is {rng.choice(NAMES)}."}]
    error = _error(_post(stub, {"model": small, "input": history}), 400)
    assert error == {
        "message": "Your input exceeds the context window of this model. Please adjust your input and try again.",
        "type": "invalid_request_error",
        "param": "input",
        "code": "context_length_exceeded",
    }
    same = _error(_post(stub, {"model": small, "input": history, "truncation": "disabled"}), 400)
    assert same["code"] == "context_length_exceeded"


def test_truncation_auto_drops_the_oldest_items_until_it_fits(stub, small, rng):
    name = rng.choice(NAMES)
    history = [*_long_history(rng, 8), {"role": "user", "content": f"My name is {name}. What's my name?"}]
    r = _post(stub, {"model": small, "input": history, "truncation": "auto", "max_output_tokens": 50})
    assert r.status_code == 200, r.text
    body = r.json()
    assert errors("Response", body) == [] and body["truncation"] == "auto"
    assert body["usage"]["input_tokens"] + 50 <= 400, "the request fits the window with its output allowance"
    assert name in body["output"][0]["content"][0]["text"], _seeded("the newest item is kept")
    # the model read less than everything: the whole history counts more (input_tokens counts without a window)
    whole = httpx2.post(
        stub.base_url + "/responses/input_tokens",
        json={"model": small, "input": history},
        headers={"Authorization": f"Bearer {stub.api_key}"},
        timeout=30,
    ).json()["input_tokens"]
    assert body["usage"]["input_tokens"] < whole


def test_truncation_auto_keeps_a_call_with_its_output(stub, small, rng):
    city, temp = rng.choice(CITIES), rng.randint(-10, 35)
    call = weather_call("call_t", city)
    items = [
        *_long_history(rng, 3),
        {"role": "user", "content": f"What's the weather in {city}?"},
        call,
        weather_output("call_t", temp),
        *_long_history(rng, 3),
        {"role": "user", "content": "Thanks. And what was the temperature again?"},
    ]
    r = _post(stub, {"model": small, "input": items, "truncation": "auto", "tools": [WEATHER_TOOL]})
    assert r.status_code == 200, r.text


def test_truncation_auto_on_a_stored_conversation_trims_each_turn(stub, client, small, rng):
    conv = client.conversations.create()
    for turn in _long_history(rng, 6)[::2]:
        client.responses.create(model=small, input=turn["content"], conversation=conv.id, truncation="auto")
    items = list(client.conversations.items.list(conv.id, limit=100))
    assert len(items) == 12, "everything stays in the conversation; each request reads what fits"
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model=small, input="And now?", conversation=conv.id)
    assert info.value.code == "context_length_exceeded"


def test_input_tokens_count_what_truncation_leaves(stub, small, rng):
    history = [*_long_history(rng, 8), {"role": "user", "content": "Hi"}]
    counted = httpx2.post(
        stub.base_url + "/responses/input_tokens",
        json={"model": small, "input": history, "truncation": "auto"},
        headers={"Authorization": f"Bearer {stub.api_key}"},
        timeout=30,
    ).json()
    billed = _post(stub, {"model": small, "input": history, "truncation": "auto"}).json()["usage"][
        "input_tokens"
    ]
    assert counted["input_tokens"] == billed <= 400
    assert _get(stub, "/models/stub-small-window").status_code == 200


def test_truncation_auto_trims_to_an_input_limit_below_the_window(stub, rng):
    """A model whose input limit is below its context window (gpt-5.2: 272K of 400K) is trimmed to the input limit,
    the one its requests are refused beyond; trimming to the window would leave a request the model refuses."""
    base = stub.state.config.model(served_model(stub, "chat"))
    limited = dataclasses.replace(
        base, id="stub-input-limit", snapshot="", context_window=4000, max_input_tokens=400
    )
    stub.state.config.models = [*stub.state.config.models, limited]
    name = rng.choice(NAMES)
    history = [*_long_history(rng, 8), {"role": "user", "content": f"My name is {name}. What's my name?"}]
    refused = _post(stub, {"model": limited.id, "input": history})
    assert refused.status_code == 400, _seeded("the whole history is over the input limit")
    r = _post(stub, {"model": limited.id, "input": history, "truncation": "auto", "max_output_tokens": 50})
    assert r.status_code == 200, _seeded(r.text)
    assert r.json()["usage"]["input_tokens"] <= 400, _seeded("trimmed to the input limit, not to the window")
