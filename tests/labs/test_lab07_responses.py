"""Lab 7 · The Responses API: tests for labs/lab07_responses.py (or solutions/ with --impl=solutions).

Every test talks to the course's stub through the real SDK. The stub serves ``/v1/responses`` the way
the real API does (a ``function_call_output`` must answer a ``function_call`` of the conversation, stored
responses can be continued with ``previous_response_id``, ``instructions`` and ``tools`` are not carried
over), and its journal shows what your code SENT. Inputs (names, cities, replies, ids) are random per run;
a failing test prints the seed that replays it.
"""

from __future__ import annotations

import copy
import json

import openai
import pytest

from course import models as course_models
from course.grading.capabilities import lab_may_call
from llm_stub.catalog import DEFAULT_MODEL

MODEL = DEFAULT_MODEL  # the course's default (llm_stub/data/models.toml)
CITIES = [
    "Paris",
    "Lisbon",
    "Oslo",
    "Nairobi",
    "Lima",
    "Osaka",
    "Cairo",
    "Dublin",
    "Quito",
    "Perth",
    "Sydney",
]
NAMES = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Dennis", "Frances", "Radia", "Edsger"]


@pytest.fixture
def lab(load_impl):
    return load_impl("lab07_responses")


def sent(stub) -> list[dict]:
    """The bodies of the Responses requests the stub received, oldest first."""
    return [e["body"] for e in stub.state.journal.entries(0) if e["path"] == "/v1/responses"]


def weather_tool(description: str = "Get the current weather in a city.") -> dict:
    return {
        "type": "function",
        "name": "get_weather",
        "description": description,
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "The city's name, e.g. Paris"}},
            "required": ["city"],
            "additionalProperties": False,
        },
        "strict": True,
    }


def refused(err: openai.BadRequestError) -> str:
    message = err.body.get("message", str(err)) if isinstance(err.body, dict) else str(err)
    return f"the stub (like the real API) refused a request your code sent, with a 400:\n  {message}"


# --- to_responses_request ------------------------------------------------------------------------------


def _chat_call(rng, name: str, arguments: dict) -> dict:
    return {
        "id": "call_" + rng.token(),
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
    }


@pytest.mark.points(2)
def test_system_and_developer_messages_become_instructions(lab, rng):
    system, developer = rng.sentence(), rng.sentence()
    question = rng.sentence()
    messages = [
        {"role": "system", "content": system},
        {"role": "user", "content": question},
        {"role": "developer", "content": developer},
    ]
    out = lab.to_responses_request(messages)
    assert out.get("instructions") == f"{system}\n\n{developer}", (
        "instructions: every system and developer message's content, in order, joined with a blank line; "
        f"expected {system + chr(10) * 2 + developer!r}, got {out.get('instructions')!r}"
    )
    assert out.get("input") == [{"role": "user", "content": question}], (
        f"the system/developer messages go to instructions, not to input; input was {out.get('input')!r}"
    )
    bare = lab.to_responses_request([{"role": "user", "content": question}])
    assert bare.get("instructions") is None, (
        f"with no system or developer message, instructions is None; got {bare.get('instructions')!r}"
    )
    assert bare.get("tools") == [], f"with no tools, tools is []; got {bare.get('tools')!r}"


@pytest.mark.points(2)
def test_user_and_assistant_messages_keep_their_order(lab, rng):
    messages = []
    for _ in range(rng.randint(2, 4)):
        messages.append({"role": "user", "content": rng.sentence()})
        messages.append({"role": "assistant", "content": rng.sentence()})
    out = lab.to_responses_request(messages)
    expected = [{"role": m["role"], "content": m["content"]} for m in messages]
    assert out.get("input") == expected, (
        "user and assistant messages become {'role', 'content'} items, in order, a string content unchanged;\n"
        f"expected {expected}\n     got {out.get('input')}"
    )


@pytest.mark.points(1)
def test_text_parts_are_named_by_direction(lab, rng):
    asked, answered = [rng.sentence() for _ in range(rng.randint(1, 3))], [rng.sentence(), rng.sentence()]
    messages = [
        {"role": "user", "content": [{"type": "text", "text": t} for t in asked]},
        {"role": "assistant", "content": [{"type": "text", "text": t} for t in answered]},
    ]
    expected = [
        {"role": "user", "content": [{"type": "input_text", "text": t} for t in asked]},
        {"role": "assistant", "content": [{"type": "output_text", "text": t} for t in answered]},
    ]
    got = lab.to_responses_request(messages).get("input")
    assert got == expected, (
        "a list of {'type': 'text'} parts becomes 'input_text' parts (user) or 'output_text' parts (assistant);\n"
        f"expected {expected}\n     got {got}"
    )


@pytest.mark.points(3)
@pytest.mark.parametrize("with_text", [True, False], ids=["assistant-text", "no-assistant-text"])
def test_tool_calls_and_tool_results_become_function_call_items(lab, rng, with_text):
    city_a, city_b = rng.sample(CITIES, 2)
    calls = [
        _chat_call(rng, "get_weather", {"city": city_a}),
        _chat_call(rng, "get_weather", {"city": city_b}),
    ]
    lead = f"Let me check {city_a} and {city_b}." if with_text else rng.choice([None, ""])
    results = [json.dumps({"temp_c": rng.randint(-5, 35)}) for _ in calls]
    question = f"Weather in {city_a} and {city_b}?"
    messages = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": lead, "tool_calls": calls},
        {"role": "tool", "tool_call_id": calls[0]["id"], "content": results[0]},
        {"role": "tool", "tool_call_id": calls[1]["id"], "content": results[1]},
    ]
    out = lab.to_responses_request(messages)
    expected = [{"role": "user", "content": question}]
    if lead:
        expected.append({"role": "assistant", "content": lead})
    expected += [
        {
            "type": "function_call",
            "call_id": c["id"],
            "name": c["function"]["name"],
            "arguments": c["function"]["arguments"],
        }
        for c in calls
    ]
    expected += [
        {"type": "function_call_output", "call_id": c["id"], "output": r}
        for c, r in zip(calls, results, strict=True)
    ]
    got = out.get("input")
    assert got == expected, (
        "an assistant message's tool_calls become one function_call item per call (after its text, if it has "
        f"any: here {lead!r}; None and '' are no text), and each tool message a function_call_output item with "
        f"the call's id;\nexpected {json.dumps(expected, indent=1)}\n     got {json.dumps(got, indent=1, default=str)}"
    )


VERBS_FOR_TOOLS = ["get", "find", "check", "list", "book", "send"]


@pytest.mark.points(2)
def test_tools_are_flattened(lab, rng):
    tools, expected = [], []
    for _ in range(rng.randint(1, 3)):
        function = {
            "name": f"{rng.choice(VERBS_FOR_TOOLS)}_{rng.word()}",
            "parameters": {"type": "object", "properties": {rng.word(): {"type": "string"}}},
        }
        if rng.random() < 0.7:
            function["description"] = rng.sentence()
        if rng.random() < 0.5:
            function["strict"] = rng.choice([True, False])
        tools.append({"type": "function", "function": function})
        expected.append({"type": "function", **function})
    out = lab.to_responses_request([{"role": "user", "content": "hi"}], tools)
    assert out.get("tools") == expected, (
        'a Responses tool is flat: {"type": "function", "name", "description", "parameters", "strict"} '
        "(only the keys the chat tool's function has), no nested 'function' object;\n"
        f"expected {expected}\n     got {out.get('tools')}"
    )


@pytest.mark.points(1)
def test_the_callers_lists_are_not_changed(lab, rng):
    call = _chat_call(rng, "get_weather", {"city": rng.choice(CITIES)})
    messages = [
        {"role": "system", "content": rng.sentence()},
        {"role": "user", "content": rng.sentence()},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": "{}"},
    ]
    tools = [
        {"type": "function", "function": {"name": "get_weather", "parameters": weather_tool()["parameters"]}}
    ]
    before = copy.deepcopy((messages, tools))
    lab.to_responses_request(messages, tools)
    assert (messages, tools) == before, "to_responses_request changed the caller's messages or tools"


@pytest.mark.points(2)
def test_a_converted_conversation_is_accepted_by_the_responses_api(lab, client, rng):
    city, temp = rng.choice(CITIES), rng.randint(-5, 35)
    call = _chat_call(rng, "get_weather", {"city": city})
    messages = [
        {"role": "system", "content": "You are a weather assistant. Answer in one sentence."},
        {"role": "user", "content": f"What's the weather in {city}?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": json.dumps({"city": city, "temp_c": temp})},
    ]
    chat_tools = [{"type": "function", "function": {k: v for k, v in weather_tool().items() if k != "type"}}]
    converted = lab.to_responses_request(messages, chat_tools)
    try:
        response = client.responses.create(model=MODEL, **converted)
    except openai.BadRequestError as err:
        pytest.fail(refused(err), pytrace=False)
    assert str(temp) in response.output_text, (
        f"the model should answer from the tool's result ({temp} °C); it said {response.output_text!r}. "
        "Is the function_call_output's call_id the call's id?"
    )


# --- collect_response_stream ---------------------------------------------------------------------------


def _events(client, **request):
    return list(client.responses.create(model=MODEL, stream=True, **request))


@pytest.mark.points(2)
def test_stream_text_is_the_deltas_joined(lab, client, script, rng):
    prompt, reply = rng.token(), rng.sentence(8, 20)
    script({prompt: reply})
    events = _events(client, input=f"Please answer {prompt}")
    result = lab.collect_response_stream(events)
    assert result.text == reply, (
        f"text: every response.output_text.delta's delta, joined; expected {reply!r}, got {result.text!r}"
    )
    assert result.status == "completed", (
        f"status of a finished response is 'completed'; got {result.status!r}"
    )
    assert result.tool_calls == [], f"no function calls in this stream; got {result.tool_calls!r}"


@pytest.mark.points(1)
def test_stream_usage_comes_from_the_final_response(lab, client, script, rng):
    prompt = rng.token()
    script({prompt: rng.sentence(5, 15)})
    events = _events(client, input=f"Tell me {prompt}")
    final = events[-1].response.usage
    result = lab.collect_response_stream(events)
    got = result.usage
    assert (
        got is not None
        and got.input_tokens == final.input_tokens
        and got.output_tokens == final.output_tokens
    ), f"usage is the response.completed event's response.usage ({final}); got {got!r}"


@pytest.mark.points(2)
def test_stream_tool_calls_are_assembled_in_order(lab, client, rng):
    city_a, city_b = rng.sample(CITIES, 2)
    events = _events(client, input=f"What's the weather in {city_a} and in {city_b}?", tools=[weather_tool()])
    final = [i for i in events[-1].response.output if i.type == "function_call"]
    expected = [{"call_id": i.call_id, "name": i.name, "arguments": i.arguments} for i in final]
    result = lab.collect_response_stream(events)
    assert result.tool_calls == expected, (
        "tool_calls: one {'call_id', 'name', 'arguments'} per function call, in output_index order, with the "
        f"complete arguments;\nexpected {expected}\n     got {result.tool_calls}"
    )
    assert result.text == "", f"the model only called tools: text is ''; got {result.text!r}"


@pytest.mark.points(1)
def test_stream_cut_by_max_output_tokens_is_incomplete(lab, client, script, rng):
    prompt, reply = rng.token(), rng.sentence(30, 40)
    script({prompt: reply})
    # at effort none the 16 tokens all go to the text (while it reasons the model could spend them on reasoning)
    quiet = {"reasoning": {"effort": "none"}} if "none" in course_models.efforts(MODEL, "responses") else {}
    events = _events(client, input=f"Explain {prompt}", max_output_tokens=16, **quiet)
    result = lab.collect_response_stream(events)
    assert result.status == "incomplete", (
        f"a stream that ends with response.incomplete has status 'incomplete'; got {result.status!r}"
    )
    assert result.text and reply.startswith(result.text) and result.text != reply, (
        f"the text so far, cut short: expected a beginning of {reply!r}, got {result.text!r}"
    )


@pytest.mark.points(2)
def test_a_failed_stream_raises_response_failed(lab, client, stub, rng):
    stub.add_fault([f"stream_error:{rng.randint(4, 8)}"], plan_id="failed")
    events = list(
        client.responses.create(
            model=MODEL,
            input="Tell me about streams.",
            stream=True,
            extra_headers={"x-stub-fault-id": "failed"},
        )
    )
    message = events[-1].response.error.message
    with pytest.raises(lab.ResponseFailed) as info:
        lab.collect_response_stream(events)
    assert message in str(info.value), (
        f"ResponseFailed's message should include the response's error.message ({message!r}); got {str(info.value)!r}"
    )


@pytest.mark.points(1)
def test_a_stream_without_a_terminal_event_raises_response_failed(lab, client, stub, rng):
    stub.add_fault([f"stream_cut:{rng.randint(4, 8)}"], plan_id="cut")
    events = list(
        client.responses.create(
            model=MODEL, input="Tell me about streams.", stream=True, extra_headers={"x-stub-fault-id": "cut"}
        )
    )
    with pytest.raises(lab.ResponseFailed):
        lab.collect_response_stream(events)
        pytest.fail(
            "this stream stopped before response.completed: raise ResponseFailed rather than return half an "
            "answer as if it were whole",
            pytrace=False,
        )


# --- chat_with_state -----------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_chat_with_state_chains_previous_response_ids(lab, client, stub, rng):
    name = rng.choice(NAMES)
    turns = [f"Hi! My name is {name}.", rng.sentence(), "What's my name?"]
    try:
        replies = lab.chat_with_state(client, MODEL, turns)
    except openai.BadRequestError as err:
        pytest.fail(refused(err), pytrace=False)
    bodies = sent(stub)
    assert len(bodies) == len(turns), f"one request per turn: {len(turns)} expected, {len(bodies)} sent"
    assert [b.get("input") for b in bodies] == turns, (
        "each request's input is that turn's text only: the server keeps the rest; "
        f"you sent {[b.get('input') for b in bodies]}"
    )
    assert bodies[0].get("previous_response_id") is None, "the first turn has no previous_response_id"
    ids = [e["response_id"] for e in _responses(stub)]
    chain = [b.get("previous_response_id") for b in bodies[1:]]
    assert chain == ids[:-1], (
        "every later turn continues from the response just before it (a chain): "
        f"expected previous_response_id {ids[:-1]}, sent {chain}"
    )
    assert len(replies) == len(turns) and name in replies[-1], (
        f"the replies in order; with the chain the model recalls the name {name!r}: got {replies!r}"
    )


def _responses(stub) -> list[dict]:
    """The ids of the responses the stub returned, oldest first (from the journal's usage notes)."""
    out = []
    for entry in stub.state.journal.entries(0):
        if entry["path"] == "/v1/responses" and entry["status"] == 200:
            out.append({"response_id": entry["extra"].get("response_id")})
    return out


@pytest.mark.points(1)
def test_chat_with_state_sends_instructions_every_time(lab, client, stub, rng):
    instructions = rng.sentence()
    lab.chat_with_state(client, MODEL, [rng.sentence(), rng.sentence(), rng.sentence()], instructions)
    got = [b.get("instructions") for b in sent(stub)]
    assert got == [instructions] * 3, (
        "instructions go with EVERY request: the API does not carry them over to the next response; "
        f"you sent {got}"
    )


# --- run_tool_loop -------------------------------------------------------------------------------------


class Weather:
    def __init__(self, rng) -> None:
        self.temps = {city: rng.randint(-10, 38) for city in CITIES}
        self.calls: list[str] = []

    @lab_may_call
    def get_weather(self, city: str) -> dict:
        self.calls.append(city)
        return {"city": city, "temp_c": self.temps[city]}


@pytest.mark.points(3)
def test_tool_loop_sends_only_the_function_outputs(lab, client, stub, rng):
    weather, city = Weather(rng), rng.choice(CITIES)
    try:
        answer = lab.run_tool_loop(
            client,
            MODEL,
            f"What's the weather in {city}?",
            [weather_tool()],
            {"get_weather": weather.get_weather},
        )
    except openai.BadRequestError as err:
        pytest.fail(refused(err), pytrace=False)
    assert weather.calls == [city], f"the tool should have run once, for {city}; it ran for {weather.calls}"
    assert str(weather.temps[city]) in answer, (
        f"return the final response's output_text, which uses the tool's result ({weather.temps[city]}); got {answer!r}"
    )
    first, second = sent(stub)[:2]
    ids = [e["response_id"] for e in _responses(stub)]
    assert second.get("previous_response_id") == ids[0], (
        "the follow-up continues from the response that asked for the tool (previous_response_id)"
    )
    items = second.get("input")
    assert isinstance(items, list) and [i.get("type") for i in items] == ["function_call_output"], (
        "the follow-up's input is only the function_call_output items: the server already has the question "
        f"and the call; you sent {items!r}"
    )
    assert json.loads(items[0]["output"]) == {"city": city, "temp_c": weather.temps[city]}, (
        f"output is json.dumps(the function's result); you sent {items[0].get('output')!r}"
    )


@pytest.mark.points(2)
def test_tool_loop_answers_every_parallel_call(lab, client, stub, rng):
    weather = Weather(rng)
    city_a, city_b = rng.sample(CITIES, 2)
    try:
        answer = lab.run_tool_loop(
            client,
            MODEL,
            f"What's the weather in {city_a} and in {city_b}?",
            [weather_tool()],
            {"get_weather": weather.get_weather},
        )
    except openai.BadRequestError as err:
        pytest.fail(refused(err), pytrace=False)
    assert sorted(weather.calls) == sorted([city_a, city_b]), f"run EACH function call; ran {weather.calls}"
    outputs = sent(stub)[1].get("input") or []
    assert len(outputs) == 2, f"one function_call_output per call: 2 expected, {len(outputs)} sent"
    assert str(weather.temps[city_a]) in answer and str(weather.temps[city_b]) in answer, answer


@pytest.mark.points(1)
def test_tool_loop_resends_tools_and_instructions(lab, client, stub, rng):
    weather, city, instructions = Weather(rng), rng.choice(CITIES), rng.sentence()
    lab.run_tool_loop(
        client,
        MODEL,
        f"What's the weather in {city}?",
        [weather_tool()],
        {"get_weather": weather.get_weather},
        instructions=instructions,
    )
    bodies = sent(stub)
    assert len(bodies) == 2, f"two requests expected (the call, then the answer); {len(bodies)} sent"
    assert all(b.get("tools") == [weather_tool()] for b in bodies), (
        "send the tools with every request: they are not carried over by previous_response_id"
    )
    assert [b.get("instructions") for b in bodies] == [instructions] * 2, (
        "send the instructions with every request: they are not carried over by previous_response_id"
    )


@pytest.mark.points(2)
def test_tool_loop_stops_after_max_steps(lab, client, stub, rng):
    weather, max_steps = Weather(rng), rng.randint(2, 4)
    with pytest.raises(lab.StepLimitExceeded):
        lab.run_tool_loop(
            client,
            MODEL,
            f"What's the weather in {rng.choice(CITIES)}?",
            [weather_tool()],
            {"get_weather": weather.get_weather},
            max_steps=max_steps,
            tool_choice="required",
        )
        pytest.fail(
            "with tool_choice='required' the model never stops calling: raise StepLimitExceeded",
            pytrace=False,
        )
    got = len(sent(stub))
    assert got == max_steps, f"at most max_steps={max_steps} requests; you sent {got}"
    assert all(b.get("tool_choice") == "required" for b in sent(stub)), (
        "options go to every request unchanged"
    )
