"""Input items of the Responses API: the 400s the real API gives, what it accepts that Chat Completions would
not, and the items listed back. Evidence for each rule is in ``llm_stub/responses_input.py``.

Every error body is checked against the OpenAPI ``ErrorResponse`` schema and every listing against
``ResponseItemList``; positions, names, cities and numbers are drawn per run (the seed is printed with any
failure; replay with ``RESPONSES_TEST_SEED``).
"""

from __future__ import annotations

import json
import random
import string

import openai
import pytest

from llm_stub.responses_input import ITEM_TYPES

from .openapi import errors
from .served import served_model, weather_call, weather_output
from .test_responses import CITIES, NAMES, WEATHER_TOOL, _get, _post, _seeded


def _history(rng: random.Random, turns: int) -> list[dict]:
    """A plausible conversation: user and assistant messages, as easy input messages."""
    out = []
    for _ in range(turns):
        out.append({"role": "user", "content": f"Tell me about {rng.choice(CITIES)}."})
        out.append({"role": "assistant", "content": f"{rng.choice(CITIES)} is a city I know a little about."})
    return out


def _error(r, status: int = 400) -> dict:
    assert r.status_code == status, r.text
    assert errors("ErrorResponse", r.json()) == []
    return r.json()["error"]


def _model(stub, kind: str = "chat") -> str:
    return served_model(stub, kind)


# ------------------------------------------------------------------------------------------- refused


def test_an_assistant_message_with_an_input_text_part_is_refused(stub, rng):
    history = _history(rng, rng.randint(1, 3))
    k = rng.randrange(1, len(history), 2)  # an assistant turn
    history[k] = {"role": "assistant", "content": [{"type": "input_text", "text": history[k]["content"]}]}
    error = _error(
        _post(stub, {"model": _model(stub), "input": [*history, {"role": "user", "content": "And?"}]})
    )
    assert (
        error["message"] == "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'."
    )
    assert (error["param"], error["code"]) == (f"input[{k}].content[0]", "invalid_value"), _seeded(str(error))


def test_a_user_message_with_an_output_text_part_is_refused(stub, rng):
    history = _history(rng, rng.randint(0, 2))
    history.append({"role": "user", "content": [{"type": "output_text", "text": "Hello"}]})
    error = _error(_post(stub, {"model": _model(stub), "input": history}))
    assert error["param"] == f"input[{len(history) - 1}].content[0]" and error["code"] == "invalid_value"
    assert error["message"].startswith("Invalid value: 'output_text'. Supported values are: 'input_text'")


def test_an_unknown_part_type_names_the_part_type(stub, rng):
    bogus = "".join(rng.choice(string.ascii_lowercase) for _ in range(8)) + "_part"
    body = {"model": _model(stub), "input": [{"role": "user", "content": [{"type": bogus, "text": "x"}]}]}
    error = _error(_post(stub, body))
    assert error["param"] == "input[0].content[0].type" and error["code"] == "invalid_value"
    assert error["message"].startswith(f"Invalid value: '{bogus}'. Supported values are: 'input_text'")


def test_an_unknown_item_type_is_the_learners_mistake_with_the_real_list(stub, rng):
    history = _history(rng, rng.randint(0, 2))
    bogus = rng.choice(["function_result", "tool_result", "tool", "assistant_message", "toolcall"])
    history.append({"type": bogus, "call_id": "call_1", "output": "42"})
    error = _error(_post(stub, {"model": _model(stub), "input": history}))
    assert (error["param"], error["code"]) == (f"input[{len(history) - 1}]", "invalid_value")
    assert error["message"].startswith(f"Invalid value: '{bogus}'. Supported values are: 'additional_tools'")
    assert all(f"'{t}'" in error["message"] for t in ITEM_TYPES)
    assert "stub" not in error["message"], "an unknown type is the learner's mistake, not the stub's gap"


def test_a_known_item_type_the_stub_leaves_out_says_so(stub, rng):
    kind = rng.choice(["web_search_call", "computer_call", "custom_tool_call", "mcp_call"])
    error = _error(_post(stub, {"model": _model(stub), "input": [{"type": kind, "id": "x_1"}]}))
    assert error["param"] == "input[0].type" and error["code"] == "unsupported_parameter"
    assert "stub does not implement" in error["message"]


def test_an_item_without_type_or_role_lists_the_roles(stub):
    error = _error(_post(stub, {"model": _model(stub), "input": [{"content": "Hi"}]}))
    assert (
        error["message"]
        == "Invalid value: ''. Supported values are: 'assistant', 'system', 'developer', and 'user'."
    )
    assert error["param"] == "input[0]"


def test_include_is_checked_as_its_enum(stub, rng):
    good = ["message.output_text.logprobs"]
    bogus = rng.choice(["banana", "usage", "reasoning.summary", "output_text.logprobs"])
    k = rng.randint(0, 1)
    include = [*good[:k], bogus]
    error = _error(_post(stub, {"model": _model(stub), "input": "Hi", "include": include}))
    assert (error["param"], error["code"]) == (f"include[{k}]", "invalid_value")
    assert error["message"].startswith(
        f"Invalid value: '{bogus}'. Supported values are: 'file_search_call.results'"
    )
    assert error["message"].endswith("'reasoning.encrypted_content', and 'message.output_text.logprobs'.")


def test_encrypted_reasoning_from_a_model_that_does_not_reason_with_store_false_is_refused(stub):
    body = {"model": _model(stub), "input": "Hi", "include": ["reasoning.encrypted_content"], "store": False}
    error = _error(_post(stub, body))
    assert error == {
        "message": "Encrypted content is not supported with this model.",
        "type": "invalid_request_error",
        "param": "include",
        "code": None,
    }
    kept = _post(stub, {**body, "store": True})  # not found refused with store: true (permissive)
    assert kept.status_code == 200 and [i["type"] for i in kept.json()["output"]] == ["message"]


def test_a_reasoning_item_without_its_following_item_is_refused(stub, client, rng):
    model = _model(stub, "reasoning")
    first = client.responses.create(model=model, input="Is 91 a prime number?", store=True)
    reasoning = next(i for i in first.output if i.type == "reasoning")
    after = rng.choice(["nothing", "a user message"])
    items = [{"role": "user", "content": "Is 91 a prime number?"}, reasoning.model_dump(exclude_none=True)]
    if after == "a user message":
        items.append({"role": "user", "content": "And 97?"})
    error = _error(_post(stub, {"model": model, "input": items}))
    assert error["message"] == (
        f"Item '{reasoning.id}' of type 'reasoning' was provided without its required following item."
    ), after
    assert (error["param"], error["code"]) == ("input", None)


def test_a_reasoning_item_by_id_alone_that_was_not_stored_is_a_404(stub, client):
    model = _model(stub, "reasoning")
    first = client.responses.create(model=model, input="Is 91 a prime number?", store=False)
    items = [
        {"role": "user", "content": "Is 91 a prime number?"},
        *first.output,
        {"role": "user", "content": "Why?"},
    ]
    error = _error(_post(stub, {"model": model, "input": [_dump(i) for i in items]}), 404)
    rs = next(i.id for i in first.output if i.type == "reasoning")
    assert error["message"].startswith(f"Item with id '{rs}' not found. Items are not persisted when `store`")
    assert error["param"] == "input"
    stored = client.responses.create(model=model, input="Is 91 a prime number?")  # store: true (the default)
    again = [
        {"role": "user", "content": "Is 91 a prime number?"},
        *stored.output,
        {"role": "user", "content": "Why?"},
    ]
    assert _post(stub, {"model": model, "input": [_dump(i) for i in again]}).status_code == 200


def _dump(item) -> dict:
    return item if isinstance(item, dict) else item.model_dump(exclude_none=True)


def test_calls_and_outputs_still_pair(stub, rng):
    call_id = f"call_{rng.randrange(10**8)}"
    orphan = {"type": "function_call_output", "call_id": call_id, "output": "1"}
    error = _error(_post(stub, {"model": _model(stub), "input": [{"role": "user", "content": "Hi"}, orphan]}))
    assert error["message"] == f"No tool call found for function call output with call_id {call_id}."
    unanswered = {"type": "function_call", "call_id": call_id, "name": "get_weather", "arguments": "{}"}
    body = {
        "model": _model(stub),
        "input": [unanswered, {"role": "user", "content": "and?"}],
        "tools": [WEATHER_TOOL],
    }
    assert _error(_post(stub, body))["message"] == f"No tool output found for function call {call_id}."


# ------------------------------------------------------------------------------------------- accepted


def test_a_user_message_between_a_call_and_its_output_is_accepted(stub, client, rng):
    """Semantic Kernel's shape: the user's message is resent between the function_call (reached through
    previous_response_id) and its function_call_output. The real API answers it."""
    city, temp = rng.choice(CITIES), rng.randint(-10, 35)
    question = f"What's the weather in {city}?"
    first = client.responses.create(model=_model(stub), input=question, tools=[WEATHER_TOOL])
    call = next(i for i in first.output if i.type == "function_call")
    second = _post(
        stub,
        {
            "model": _model(stub),
            "previous_response_id": first.id,
            "tools": [WEATHER_TOOL],
            "input": [
                {"role": "user", "content": question},
                {
                    "type": "function_call_output",
                    "call_id": call.call_id,
                    "output": json.dumps({"temp_c": temp}),
                },
            ],
        },
    )
    assert second.status_code == 200, second.text
    assert errors("Response", second.json()) == []
    text = second.json()["output"][-1]["content"][0]["text"]
    assert str(temp) in text, _seeded(f"the answer should use the tool's result {temp}: {text!r}")


def test_the_same_shape_sent_whole_is_accepted_too(stub, rng):
    city, temp = rng.choice(CITIES), rng.randint(-10, 35)
    call = weather_call("call_sk", city)
    items = [
        {"role": "user", "content": f"What's the weather in {city}?"},
        call,
        {"role": "user", "content": f"What's the weather in {city}?"},
        weather_output("call_sk", temp),
    ]
    r = _post(stub, {"model": _model(stub), "input": items, "tools": [WEATHER_TOOL]})
    assert r.status_code == 200, r.text
    assert str(temp) in r.json()["output"][-1]["content"][0]["text"], _seeded("the answer uses the result")


def test_reasoning_items_handed_back_are_kept_and_listed(stub, client, rng):
    model = _model(stub, "reasoning")
    city = rng.choice(CITIES)
    first = client.responses.create(model=model, input=f"What's the weather in {city}?", tools=[WEATHER_TOOL])
    assert [i.type for i in first.output][0] == "reasoning"
    call = next(i for i in first.output if i.type == "function_call")
    items = [{"role": "user", "content": f"What's the weather in {city}?"}, *(_dump(i) for i in first.output)]
    items.append({"type": "function_call_output", "call_id": call.call_id, "output": '{"temp_c": 7}'})
    final = _post(stub, {"model": model, "input": items, "tools": [WEATHER_TOOL]})
    assert final.status_code == 200, final.text
    listed = _get(stub, f"/responses/{final.json()['id']}/input_items?order=asc").json()
    assert errors("ResponseItemList", listed) == []
    assert [i["type"] for i in listed["data"]] == [
        "message",
        "reasoning",
        "function_call",
        "function_call_output",
    ]
    assert listed["data"][1]["id"] == next(i.id for i in first.output if i.type == "reasoning")


def test_input_items_list_assistant_messages_as_the_schema_requires(stub, rng):
    history = [*_history(rng, rng.randint(1, 3)), {"role": "user", "content": f"I'm {rng.choice(NAMES)}."}]
    r = _post(stub, {"model": _model(stub), "input": history})
    listed = _get(stub, f"/responses/{r.json()['id']}/input_items?order=asc").json()
    assert errors("ResponseItemList", listed) == [], "output_text parts need their logprobs field"
    roles = [i["role"] for i in listed["data"]]
    assert roles == [m["role"] for m in history]
    assistant = next(i for i in listed["data"] if i["role"] == "assistant")
    assert assistant["content"][0] == {
        "type": "output_text",
        "annotations": [],
        "logprobs": [],
        "text": history[1]["content"],
    }


def test_the_sdk_tool_loop_with_a_reasoning_model_and_store_false(stub, client, rng):
    """Stateless with encrypted reasoning, as the SDK docs describe it: the whole output goes back each turn."""
    model = _model(stub, "reasoning")
    city, temp = rng.choice(CITIES), rng.randint(-10, 35)
    kwargs = {
        "model": model,
        "tools": [WEATHER_TOOL],
        "store": False,
        "include": ["reasoning.encrypted_content"],
    }
    first = client.responses.create(input=f"What's the weather in {city}?", **kwargs)
    call = next(i for i in first.output if i.type == "function_call")
    items = [{"role": "user", "content": f"What's the weather in {city}?"}, *first.output]
    items.append(
        {"type": "function_call_output", "call_id": call.call_id, "output": json.dumps({"temp_c": temp})}
    )
    final = client.responses.create(input=items, **kwargs)
    assert str(temp) in final.output_text, _seeded("the answer uses the tool's result")
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(final.id)
