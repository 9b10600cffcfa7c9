"""The stub's Responses API (``/v1/responses``): shapes against the OpenAPI schemas, the SDK end to end,
server-side state, the real 400s and the clear refusals of what the stub leaves out.

Bodies and events are checked from raw HTTP (not the SDK's parsed objects, which would hide extra or
missing fields); the SDK flows (``responses.create``, ``.stream``, ``.parse``, ``previous_response_id``)
run over HTTP against the stub. Inputs that vary (names, cities, numbers) come from a seeded random source;
the seed is printed with any failure (replay with ``RESPONSES_TEST_SEED``).
"""

from __future__ import annotations

import json
import os
import random

import httpx2
import openai
import pytest
from pydantic import BaseModel

from llm_stub.catalog import EFFORTS

from . import models
from .models import CLASSIC, PLAIN, REASONER, SMALL_WINDOW, serve, small_window
from .openapi import errors

SEED = int(os.environ.get("RESPONSES_TEST_SEED") or random.SystemRandom().randrange(1, 10**6))
MODEL = PLAIN
NAMES = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Dennis", "Frances", "Ken", "Radia"]
CITIES = ["Paris", "Lisbon", "Oslo", "Nairobi", "Lima", "Osaka", "Cairo", "Dublin", "Quito", "Perth"]

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
    "strict": True,
}
SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
    "additionalProperties": False,
}


@pytest.fixture
def rng(request) -> random.Random:
    return random.Random(f"{SEED}:{request.node.nodeid}")


@pytest.fixture(autouse=True)
def _print_seed():
    print(f"random inputs from seed {SEED}; replay with RESPONSES_TEST_SEED={SEED}")  # shown with a failure


def _seeded(message: str) -> str:
    return f"{message} (seed {SEED}; replay with RESPONSES_TEST_SEED={SEED})"


def _post(stub, body, headers=None):
    h = {"Authorization": f"Bearer {stub.api_key}", **(headers or {})}
    return httpx2.post(stub.base_url + "/responses", json=body, headers=h, timeout=30)


def _get(stub, path, method="GET"):
    h = {"Authorization": f"Bearer {stub.api_key}"}
    return httpx2.request(method, stub.base_url + path, headers=h, timeout=30)


def _events(text: str) -> list[tuple[str, dict]]:
    """(event name, data) of each SSE frame."""
    out = []
    for block in text.split("\n\n"):
        name, data = None, None
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data = line[len("data: ") :]
        if data is not None:
            out.append((name, json.loads(data)))
    return out


# Each event type and the OpenAPI schema that describes it.
EVENT_SCHEMAS = {
    "response.created": "ResponseCreatedEvent",
    "response.in_progress": "ResponseInProgressEvent",
    "response.output_item.added": "ResponseOutputItemAddedEvent",
    "response.content_part.added": "ResponseContentPartAddedEvent",
    "response.output_text.delta": "ResponseTextDeltaEvent",
    "response.output_text.done": "ResponseTextDoneEvent",
    "response.refusal.delta": "ResponseRefusalDeltaEvent",
    "response.refusal.done": "ResponseRefusalDoneEvent",
    "response.content_part.done": "ResponseContentPartDoneEvent",
    "response.output_item.done": "ResponseOutputItemDoneEvent",
    "response.function_call_arguments.delta": "ResponseFunctionCallArgumentsDeltaEvent",
    "response.function_call_arguments.done": "ResponseFunctionCallArgumentsDoneEvent",
    "response.completed": "ResponseCompletedEvent",
    "response.incomplete": "ResponseIncompleteEvent",
    "response.failed": "ResponseFailedEvent",
    "error": "ResponseErrorEvent",
}

CASES = {
    "plain": {"input": "In one sentence, what is a large language model?"},
    "instructions": {"input": "Say hello.", "instructions": "You are a terse assistant."},
    "message items": {
        "input": [
            {"role": "developer", "content": "Answer briefly."},
            {"role": "user", "content": [{"type": "input_text", "text": "What is an API?"}]},
        ]
    },
    "truncated": {"input": "In one sentence, what is a large language model?", "max_output_tokens": 16},
    "json_object": {"input": "Reply in JSON: name a colour.", "text": {"format": {"type": "json_object"}}},
    "json_schema": {
        "input": "In one sentence, what is a large language model?",
        "text": {"format": {"type": "json_schema", "name": "answer", "strict": True, "schema": SCHEMA}},
    },
    "tools": {"input": "What's the weather in Paris?", "tools": [WEATHER_TOOL], "tool_choice": "required"},
}


# -------------------------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("case", sorted(CASES))
def test_response_matches_the_Response_schema(stub, case):
    r = _post(stub, {"model": MODEL, **CASES[case]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert errors("Response", body) == []
    assert body["object"] == "response" and body["id"].startswith("resp_")
    assert r.headers["x-request-id"].startswith("req_")


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_stream_event_matches_its_schema_in_order(stub, case):
    r = _post(stub, {"model": MODEL, **CASES[case], "stream": True})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    events = _events(r.text)
    assert "[DONE]" not in r.text  # a Responses stream ends with its terminal event, not [DONE]
    for name, data in events:
        assert name == data["type"], "the SSE event name repeats the data's type"
        assert errors(EVENT_SCHEMAS[data["type"]], data) == [], data["type"]
    assert [d["sequence_number"] for _, d in events] == list(range(len(events)))
    kinds = [d["type"] for _, d in events]
    assert kinds[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert kinds[-2] == "response.output_item.done"
    assert kinds[-1] == ("response.incomplete" if case == "truncated" else "response.completed")
    ids = {d["response"]["id"] for _, d in events if "response" in d}
    assert len(ids) == 1, "every lifecycle event names the same response"
    final = events[-1][1]["response"]
    if case == "tools":
        assert kinds[3] == "response.function_call_arguments.delta"
        deltas = "".join(
            d["delta"] for _, d in events if d["type"] == "response.function_call_arguments.delta"
        )
        assert deltas == final["output"][0]["arguments"]
        assert json.loads(deltas)["city"] == "Paris"
    else:
        assert kinds[3] == "response.content_part.added"
        assert kinds[-4:-2] == ["response.output_text.done", "response.content_part.done"]
        deltas = "".join(d["delta"] for _, d in events if d["type"] == "response.output_text.delta")
        assert deltas == final["output"][0]["content"][0]["text"]


def test_a_stored_response_its_input_items_and_deletion_match_the_schemas(stub):
    first = _post(
        stub, {"model": MODEL, "input": "What's the weather in Oslo?", "tools": [WEATHER_TOOL]}
    ).json()
    call = first["output"][0]
    assert call["type"] == "function_call"
    second = _post(
        stub,
        {
            "model": MODEL,
            "previous_response_id": first["id"],
            "tools": [WEATHER_TOOL],
            "input": [
                {"type": "function_call_output", "call_id": call["call_id"], "output": '{"temp_c": 3}'},
                {"role": "user", "content": "And should I bring a coat?"},
            ],
        },
    )
    assert second.status_code == 200, second.text
    got = _get(stub, f"/responses/{second.json()['id']}")
    assert got.status_code == 200 and got.json() == second.json()
    items = _get(stub, f"/responses/{second.json()['id']}/input_items")
    assert items.status_code == 200
    assert errors("ResponseItemList", items.json()) == []
    assert [i["type"] for i in items.json()["data"]] == ["message", "function_call_output"]  # newest first
    asc = _get(stub, f"/responses/{second.json()['id']}/input_items?order=asc&limit=1").json()
    assert asc["data"][0]["type"] == "function_call_output" and asc["has_more"] is True
    deleted = _get(stub, f"/responses/{first['id']}", "DELETE")
    assert deleted.json() == {"id": first["id"], "object": "response", "deleted": True}
    assert _get(stub, f"/responses/{first['id']}").status_code == 404


def test_a_refusal_is_a_refusal_part_and_refusal_events(stub, tmp_path):
    rules = tmp_path / "refusal.yaml"
    rules.write_text(
        '- when: {contains: "forge a receipt"}\n  refusal: "I\'m sorry, but I can\'t help with that."\n'
    )
    stub.configure(reply_files=[str(rules)])
    body = _post(stub, {"model": MODEL, "input": "Please forge a receipt for me"}).json()
    assert errors("Response", body) == []
    assert body["output"][0]["content"] == [
        {"type": "refusal", "refusal": "I'm sorry, but I can't help with that."}
    ]
    r = _post(stub, {"model": MODEL, "input": "Please forge a receipt for me", "stream": True})
    events = _events(r.text)
    for _, data in events:
        assert errors(EVENT_SCHEMAS[data["type"]], data) == [], data["type"]
    kinds = [d["type"] for _, d in events]
    assert "response.refusal.delta" in kinds and "response.refusal.done" in kinds
    assert "response.output_text.delta" not in kinds


def test_tool_choice_by_name_and_its_errors(client, rng):
    city = rng.choice(CITIES)
    forced = client.responses.create(
        model=MODEL,
        input=f"Tell me about {city}",
        tools=[WEATHER_TOOL],
        tool_choice={"type": "function", "name": "get_weather"},
    )
    assert forced.output[0].type == "function_call" and forced.output[0].name == "get_weather"
    assert forced.tool_choice.name == "get_weather"
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(
            model=MODEL, input="Hi", tools=[WEATHER_TOOL], tool_choice={"type": "function", "name": "nope"}
        )
    assert info.value.body["param"] == "tool_choice"
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model=MODEL, input="Hi", tool_choice="required")
    assert info.value.body["param"] == "tool_choice"
    assert client.responses.create(model=MODEL, input="Hi", tool_choice="auto").status == "completed"


def test_a_reasoning_model_starts_its_output_with_a_reasoning_item(stub, client):
    body = {"model": REASONER, "input": "In one sentence, what is a large language model?"}
    r = _post(stub, body).json()
    assert errors("Response", r) == []
    assert [i["type"] for i in r["output"]] == ["reasoning", "message"]
    assert r["usage"]["output_tokens_details"]["reasoning_tokens"] > 0
    events = _events(_post(stub, {**body, "stream": True}).text)
    for _, data in events:
        assert errors(EVENT_SCHEMAS[data["type"]], data) == [], data["type"]
    # handing the whole output back (reasoning item included) is how a stateless tool loop works
    sdk = client.responses.create(model=REASONER, input="What's the weather in Oslo?", tools=[WEATHER_TOOL])
    call = next(i for i in sdk.output if i.type == "function_call")
    items = [{"role": "user", "content": "What's the weather in Oslo?"}, *sdk.output]
    items.append({"type": "function_call_output", "call_id": call.call_id, "output": '{"temp_c": 4}'})
    final = client.responses.create(model=REASONER, input=items, tools=[WEATHER_TOOL])
    assert "4" in final.output_text


def test_a_streamed_response_is_stored_as_its_final_event_shows_it(stub):
    events = _events(_post(stub, {"model": MODEL, "input": "Tell me about streams", "stream": True}).text)
    final = events[-1][1]["response"]
    assert _get(stub, f"/responses/{final['id']}").json() == final
    unstored = _events(_post(stub, {"model": MODEL, "input": "Hi", "stream": True, "store": False}).text)
    assert _get(stub, f"/responses/{unstored[-1][1]['response']['id']}").status_code == 404


# -------------------------------------------------------------------------------------------- the SDK


def test_sdk_create_output_text_and_usage(client):
    r = client.responses.create(model=MODEL, input="In one sentence, what is a large language model?")
    assert r.status == "completed" and r.output[0].type == "message"
    assert r.output_text == r.output[0].content[0].text and r.output_text
    u = r.usage
    assert u.total_tokens == u.input_tokens + u.output_tokens and u.input_tokens > 0
    assert u.input_tokens_details.cached_tokens >= 0 and u.output_tokens_details.reasoning_tokens >= 0
    assert r.model.startswith(MODEL)


def test_one_brain_the_same_reply_and_prompt_tokens_as_chat_completions(client, rng):
    prompt = f"My name is {rng.choice(NAMES)}. Please tell me about {rng.choice(CITIES)}."
    chat = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}],
    )
    resp = client.responses.create(model=MODEL, instructions="Be brief.", input=prompt)
    assert resp.output_text == chat.choices[0].message.content, _seeded("same conversation, same reply")
    assert resp.usage.input_tokens == chat.usage.prompt_tokens, _seeded(
        "same conversation, same prompt tokens"
    )
    assert resp.usage.output_tokens == chat.usage.completion_tokens


def test_previous_response_id_remembers_and_you_pay_for_the_whole_context(client, rng):
    name = rng.choice(NAMES)
    first = client.responses.create(model=MODEL, input=f"Hi! My name is {name}.", instructions="Be friendly.")
    second = client.responses.create(model=MODEL, input="What's my name?", previous_response_id=first.id)
    assert name in second.output_text, _seeded(f"the stored conversation should let the stub recall {name!r}")
    assert second.previous_response_id == first.id
    # the model read the first turn again: its input and output count as input tokens of the second turn
    assert second.usage.input_tokens > first.usage.input_tokens + first.usage.output_tokens - 20, _seeded(
        "the whole context is billed"
    )
    assert second.instructions is None  # instructions are not carried over to the next response


def test_a_long_repeated_prefix_is_reported_as_cached_tokens(client, rng):
    instructions = f"You are a helpful assistant for {rng.choice(NAMES)}'s bookshop. " * 150  # > 1,024 tokens
    first = client.responses.create(model=MODEL, instructions=instructions, input="Hi, my name is Ada.")
    second = client.responses.create(
        model=MODEL, instructions=instructions, input="What's my name?", previous_response_id=first.id
    )
    assert first.usage.input_tokens_details.cached_tokens == 0
    cached = second.usage.input_tokens_details.cached_tokens
    assert 1024 <= cached < second.usage.input_tokens, _seeded(
        "the repeated prefix is cached, the new turn is not"
    )


def test_store_false_cannot_be_continued_retrieved_or_deleted(client, rng):
    name = rng.choice(NAMES)
    first = client.responses.create(model=MODEL, input=f"My name is {name}.", store=False)
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model=MODEL, input="What's my name?", previous_response_id=first.id)
    assert info.value.code == "previous_response_not_found"
    assert info.value.body["param"] == "previous_response_id"
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(first.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.delete(first.id)


def test_another_key_cannot_see_my_responses(stub, client):
    stub.configure(api_keys=[stub.api_key, "sk-other-project"])
    mine = client.responses.create(model=MODEL, input="Hello")
    other = openai.OpenAI(base_url=stub.base_url, api_key="sk-other-project", max_retries=0)
    with pytest.raises(openai.NotFoundError):
        other.responses.retrieve(mine.id)
    with pytest.raises(openai.BadRequestError):
        other.responses.create(model=MODEL, input="Hi", previous_response_id=mine.id)


def test_sdk_stream_helper_collects_text_and_final_response(client):
    with client.responses.stream(model=MODEL, input="In one sentence, what is a large language model?") as s:
        deltas = [e.delta for e in s if e.type == "response.output_text.delta"]
        final = s.get_final_response()
    assert "".join(deltas) == final.output_text and deltas
    assert final.usage.output_tokens == len(deltas)


def test_sdk_stream_tool_call_arguments(client, rng):
    city = rng.choice(CITIES)
    stream = client.responses.create(
        model=MODEL, input=f"What's the weather in {city}?", tools=[WEATHER_TOOL], stream=True
    )
    events = list(stream)
    done = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert len(done) == 1 and json.loads(done[0].arguments) == {"city": city}, _seeded(
        "arguments from the words"
    )
    added = next(e for e in events if e.type == "response.output_item.added")
    assert added.item.type == "function_call" and added.item.name == "get_weather"


def test_sdk_parse_with_a_pydantic_model(client, rng):
    class Person(BaseModel):
        name: str
        age: int

    name, age = rng.choice(NAMES), rng.randint(18, 90)
    r = client.responses.parse(model=MODEL, input=f"{name} is {age} years old.", text_format=Person)
    assert isinstance(r.output_parsed, Person)
    assert r.output_parsed.age == age, _seeded("the age from the input")
    sent = r.text.format
    assert sent.type == "json_schema" and sent.strict is True


def test_tool_loop_with_flat_tools_and_function_call_output(client, rng):
    city, temp = rng.choice(CITIES), rng.randint(-10, 35)
    first = client.responses.create(model=MODEL, input=f"What's the weather in {city}?", tools=[WEATHER_TOOL])
    call = first.output[0]
    assert call.type == "function_call" and json.loads(call.arguments) == {"city": city}, _seeded("tool call")
    assert call.call_id.startswith("call_") and call.id.startswith("fc_")
    # stateless style: resend everything, the output items included
    items = [{"role": "user", "content": f"What's the weather in {city}?"}, *first.output]
    items.append(
        {"type": "function_call_output", "call_id": call.call_id, "output": json.dumps({"temp_c": temp})}
    )
    final = client.responses.create(model=MODEL, input=items, tools=[WEATHER_TOOL])
    assert str(temp) in final.output_text, _seeded("the answer uses the tool's result")


def test_max_output_tokens_makes_an_incomplete_response(client):
    r = client.responses.create(
        model=MODEL, input="In one sentence, what is a large language model?", max_output_tokens=16
    )
    assert r.status == "incomplete" and r.incomplete_details.reason == "max_output_tokens"
    assert r.usage.output_tokens == 16


def test_the_journal_records_responses_requests_with_their_usage(stub, client):
    r = client.responses.create(model=MODEL, input="Hello there")
    entry = [e for e in stub.state.journal.entries(0) if e["path"] == "/v1/responses"][-1]
    assert entry["body"]["input"] == "Hello there"
    assert entry["extra"]["usage"]["input_tokens"] == r.usage.input_tokens


def test_input_tokens_counts_what_the_request_would_be_billed(stub, client, rng):
    name = rng.choice(NAMES)
    first = client.responses.create(model=MODEL, input=f"Hi, I'm {name}.", instructions="Be brief.")
    requests = [
        {"input": f"Tell me about {rng.choice(CITIES)}."},
        {"input": "What's the weather in Oslo?", "tools": [WEATHER_TOOL], "instructions": "Be brief."},
        {"input": "What's my name?", "previous_response_id": first.id},
        {"input": "Explain tokens.", "model": REASONER},
    ]
    for request in requests:
        request = {"model": MODEL, **request}
        counted = httpx2.post(
            stub.base_url + "/responses/input_tokens",
            json=request,
            headers={"Authorization": f"Bearer {stub.api_key}"},
            timeout=10,
        )
        assert counted.status_code == 200, counted.text
        assert errors("TokenCountsResource", counted.json()) == []
        billed = client.responses.create(**request).usage.input_tokens
        assert (
            client.responses.input_tokens.count(**request).input_tokens
            == billed
            == counted.json()["input_tokens"]
        )


# -------------------------------------------------------------------------------------------- faults


def test_an_injected_429_reaches_the_sdk(stub, client):
    stub.add_fault(["429"], plan_id="rl")
    with pytest.raises(openai.RateLimitError):
        client.responses.create(model=MODEL, input="Hi", extra_headers={"x-stub-fault-id": "rl"})


def test_a_stream_error_ends_with_response_failed(stub):
    stub.add_fault(["stream_error:5"], plan_id="se")
    r = _post(
        stub, {"model": MODEL, "input": "Tell me about streams", "stream": True}, {"x-stub-fault-id": "se"}
    )
    events = _events(r.text)
    assert len(events) == 6 and events[-1][1]["type"] == "response.failed"
    failed = events[-1][1]
    assert errors("ResponseFailedEvent", failed) == []
    assert failed["response"]["status"] == "failed" and failed["response"]["error"]["code"] == "server_error"
    assert failed["sequence_number"] == 5


def test_a_cut_stream_has_no_terminal_event(stub):
    stub.add_fault(["stream_cut:4"], plan_id="cut")
    r = _post(
        stub, {"model": MODEL, "input": "Tell me about streams", "stream": True}, {"x-stub-fault-id": "cut"}
    )
    assert [d["type"] for _, d in _events(r.text)][-1] != "response.completed"
    assert len(_events(r.text)) == 4


# -------------------------------------------------------------------------------------------- errors

ERRORS = {
    "missing model": ({"input": "Hi"}, 400, "model", "missing_required_parameter"),
    "missing input": ({"model": MODEL}, 400, "input", "missing_required_parameter"),
    "unknown parameter": (
        {"model": MODEL, "input": "Hi", "frobnicate": 1},
        400,
        "frobnicate",
        "unknown_parameter",
    ),
    "messages moved to input": (
        {"model": MODEL, "messages": [{"role": "user", "content": "Hi"}]},
        400,
        "messages",
        "unsupported_parameter",
    ),
    "response_format moved": (
        {"model": MODEL, "input": "Hi", "response_format": {"type": "json_object"}},
        400,
        "response_format",
        "unsupported_parameter",
    ),
    "max_output_tokens below 16": (
        {"model": MODEL, "input": "Hi", "max_output_tokens": 5},
        400,
        "max_output_tokens",
        "integer_below_min_value",
    ),
    # param "input[0]", not "input[0].role": a direct API observation of 2026-08-30 (llm_stub/responses_input.py)
    "bad role": (
        {"model": MODEL, "input": [{"role": "tool", "content": "x"}]},
        400,
        "input[0]",
        "invalid_value",
    ),
    "nested chat tool": (
        {
            "model": MODEL,
            "input": "Hi",
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
        },
        400,
        "tools[0].name",
        "missing_required_parameter",
    ),
    "json_object without the word json": (
        {"model": MODEL, "input": "Name a colour.", "text": {"format": {"type": "json_object"}}},
        400,
        "input",
        None,
    ),
    "output without its call": (
        {"model": MODEL, "input": [{"type": "function_call_output", "call_id": "call_x", "output": "1"}]},
        400,
        "input",
        None,
    ),
    "call without its output": (
        {
            "model": MODEL,
            "input": [
                {"type": "function_call", "call_id": "call_x", "name": "f", "arguments": "{}"},
                {"role": "user", "content": "and?"},
            ],
        },
        400,
        "input",
        None,
    ),
    "unknown previous_response_id": (
        {"model": MODEL, "input": "Hi", "previous_response_id": "resp_doesnotexist"},
        400,
        "previous_response_id",
        "previous_response_not_found",
    ),
    "unknown model": ({"model": "gpt-nope", "input": "Hi"}, 404, None, "model_not_found"),
    "context too long": (
        {"model": SMALL_WINDOW, "input": "word " * 17000},
        400,
        "input",
        "context_length_exceeded",
    ),
}

REFUSED = {
    "web_search": ({"model": MODEL, "input": "news?", "tools": [{"type": "web_search"}]}, "tools[0].type"),
    "file_search": (
        {"model": MODEL, "input": "find", "tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}]},
        "tools[0].type",
    ),
    "background": ({"model": MODEL, "input": "Hi", "background": True}, "background"),
    "prompt": ({"model": MODEL, "prompt": {"id": "pmpt_1"}}, "prompt"),
    "image input": (
        {
            "model": MODEL,
            "input": [{"role": "user", "content": [{"type": "input_image", "image_url": "https://x/y.png"}]}],
        },
        "input[0].content[0].type",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_real_errors_in_the_error_shape(stub, case):
    small_window(stub)
    body, status, param, code = ERRORS[case]
    r = _post(stub, body)
    assert r.status_code == status, r.text
    assert errors("ErrorResponse", r.json()) == []
    error = r.json()["error"]
    assert error["param"] == param and error["code"] == code, error
    assert "messages" not in error["message"] or case == "messages moved to input", error["message"]


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_the_stub_leaves_out_gets_a_clear_400(stub, case):
    body, param = REFUSED[case]
    r = _post(stub, body)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert errors("ErrorResponse", r.json()) == []
    assert error["param"] == param and error["code"] == "unsupported_parameter"
    assert "stub does not implement" in error["message"]


def test_cancel_gets_a_clear_400(stub, client):
    r = client.responses.create(model=MODEL, input="Hi")
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.cancel(r.id)
    assert "background mode" in info.value.message
    assert errors("ErrorResponse", {"error": info.value.body}) == []


def test_reasoning_effort_follows_the_model_family_rules(stub, client):
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model=serve(stub, CLASSIC), input="Hi", reasoning={"effort": "low"})
    assert info.value.body["param"] == "reasoning.effort", info.value.body
    assert "reasoning_effort" not in info.value.message


def test_reasoning_models_keep_their_family_rules_in_responses_names(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model=REASONER, input="Hi", temperature=0.5)
    assert info.value.body["param"] == "temperature"
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(
            model=REASONER,
            input="Hi",
            reasoning={"effort": next(e for e in EFFORTS if e not in models.info(REASONER).efforts)},
        )
    assert info.value.body["param"] == "reasoning.effort" and "reasoning_effort" not in info.value.message
    starved = client.responses.create(model=REASONER, input="Hi", max_output_tokens=20)
    assert starved.status == "incomplete" and [i.type for i in starved.output] == ["reasoning"]
    assert starved.output_text == "" and starved.usage.output_tokens_details.reasoning_tokens > 0


def test_strict_schema_rules_name_text_format(client):
    loose = {"type": "object", "properties": {"answer": {"type": "string"}}}
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(
            model=MODEL,
            input="Hi",
            text={"format": {"type": "json_schema", "name": "a", "strict": True, "schema": loose}},
        )
    # the real 400 names the schema and its code, and keeps the chat wording of the message ("Invalid schema for
    # response_format 'response': ..."): vercel/ai __fixtures__/issue-6454-nested-definitions-error.json
    assert info.value.body["param"] == "text.format.schema", info.value.body
    assert info.value.body["code"] == "invalid_json_schema", info.value.body
    assert info.value.message.endswith("'additionalProperties' is required to be supplied and to be false.")


def test_unknown_ids_404_in_the_error_shape(stub):
    for path, method in (
        ("/responses/resp_nope", "GET"),
        ("/responses/resp_nope", "DELETE"),
        ("/responses/resp_nope/input_items", "GET"),
    ):
        r = _get(stub, path, method)
        assert r.status_code == 404, (path, method, r.text)
        assert errors("ErrorResponse", r.json()) == []
        assert "resp_nope" in r.json()["error"]["message"]


def test_bad_bodies_never_crash_the_server(stub):
    h = {"Authorization": f"Bearer {stub.api_key}", "Content-Type": "application/json"}
    for raw in (
        b"{",
        b"[]",
        b'"x"',
        b'{"model": 3, "input": "x"}',
        b'{"model": "MODEL_ID", "input": 3}',
        b'{"model": "MODEL_ID", "input": [3]}',
        b'{"model": "MODEL_ID", "input": "x", "tools": {}}',
        b'{"model": "MODEL_ID", "input": "x", "text": {"format": {"type": "xml"}}}',
        b'{"model": "MODEL_ID", "input": "x", "tool_choice": {"type": "function"}}',
        b'{"model": "MODEL_ID", "input": [{"type": "function_call_output", "call_id": "c", "output": 3}]}',
    ):
        raw = raw.replace(b"MODEL_ID", PLAIN.encode())
        r = httpx2.post(stub.base_url + "/responses", content=raw, headers=h, timeout=10)
        assert r.status_code == 400, (raw, r.text)
        assert errors("ErrorResponse", r.json()) == []
    assert _post(stub, {"model": MODEL, "input": "still serving?"}).status_code == 200


def test_no_key_is_a_401(stub):
    r = httpx2.post(stub.base_url + "/responses", json={"model": MODEL, "input": "Hi"}, timeout=10)
    assert r.status_code == 401 and "API key" in r.json()["error"]["message"]
