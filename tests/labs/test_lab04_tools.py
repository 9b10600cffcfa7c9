"""Lab 4 · Tool calling and the agent loop: tests for labs/lab04_tools.py (or solutions/ with --impl=solutions).

Every test talks to the course's stub through the real SDK. The stub checks tool histories the way
the real API does (a tool message must answer a call of the assistant message before it, every call
must be answered, strict schemas must follow the strict rules), and its journal shows what your
code SENT.
"""

from __future__ import annotations

import inspect
import json
from typing import Literal

import openai
import pytest
from openai.types.chat import ChatCompletionMessage

from course.grading.capabilities import lab_may_call

# The course's default model and what a request with tools needs on it, from the one helper that names
# models (tests/labs/conftest.py ``models``): set for every test below.
MODEL = ""
_DEFAULT: list = []


@pytest.fixture(autouse=True)
def _course_model(models):
    global MODEL
    _DEFAULT[:] = [models.default]
    MODEL = models.default.id


def tool_options() -> dict:
    """What a request with tools needs on the default model (asked of the stub on first use)."""
    return _DEFAULT[0].tool_options


@pytest.fixture
def lab(load_impl):
    return load_impl("lab04_tools")


# --- the tools the tests use ------------------------------------------------------------------------

WEATHER = {
    "Amsterdam": {"city": "Amsterdam", "temp_c": 14, "conditions": "light rain"},
    "Paris": {"city": "Paris", "temp_c": 18, "conditions": "sunny"},
}


class Recorder:
    """The tool functions, recording every call they get (so a test can tell what your code passed)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    @lab_may_call
    def get_weather(self, city: str, unit: str = "celsius") -> dict:
        self.calls.append(("get_weather", {"city": city, "unit": unit}))
        if city not in WEATHER:
            raise ValueError(f"unknown city: {city}")
        return WEATHER[city]

    @lab_may_call
    def get_my_location(self) -> dict:
        self.calls.append(("get_my_location", {}))
        return {"city": "Paris", "country": "France"}

    def registry(self) -> dict:
        return {"get_weather": self.get_weather, "get_my_location": self.get_my_location}


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "The city's name, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
LOCATION_TOOL = {
    "type": "function",
    "function": {
        "name": "get_my_location",
        "description": "Find the city the user is in right now.",
        "parameters": {"type": "object", "properties": {}, "required": [], "additionalProperties": False},
        "strict": True,
    },
}
TOOLS = [WEATHER_TOOL, LOCATION_TOOL]


def ask(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def model_message(client, text: str, **options) -> ChatCompletionMessage:
    """What the model answers to ``text`` with the tools on offer (the test's own request)."""
    response = client.chat.completions.create(
        model=MODEL, messages=ask(text), tools=TOOLS, **{**tool_options(), **options}
    )
    return response.choices[0].message


HINTS = [
    (
        "must be a response to a preceeding message",
        "append the assistant message WITH its tool_calls before the tool messages, and use each call's own id as tool_call_id",
    ),
    (
        "did not have response messages",
        "answer every tool call of the assistant message (parallel calls come several at a time)",
    ),
    ("tool_call_id", "every tool message needs the 'tool_call_id' of the call it answers"),
    (
        "Invalid schema",
        "strict mode: every property in 'required', additionalProperties false (and no 'default')",
    ),
]


def refused(err: openai.BadRequestError) -> str:
    message = (err.body or {}).get("message", str(err)) if isinstance(err.body, dict) else str(err)
    hint = next((h for needle, h in HINTS if needle in message), "")
    return f"the stub (like the real API) refused a request your code sent, with a 400:\n  {message}\n" + (
        f"Hint: {hint}" if hint else ""
    )


def agent(lab, client, messages, registry, **kw):
    """Run the learner's loop; a 400 from the stub becomes a readable failure."""
    try:
        return lab.run_agent(client, MODEL, messages, TOOLS, registry, **{**tool_options(), **kw})
    except openai.BadRequestError as err:
        problem = refused(err)
    pytest.fail(problem, pytrace=False)  # outside the except: no "during handling" traceback noise


# --- function_to_tool --------------------------------------------------------------------------------


def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict:
    """Get the current weather in a city.

    Returns a dict with the temperature and the conditions.

    Args:
        city: the city's name, e.g. "Paris"
        unit: the temperature unit
    """
    return WEATHER[city]


def book_table(
    restaurant: str, people: int, budget: float, outdoor: bool, dishes: list[str], note: str | None = None
) -> str:
    """Book a table at a restaurant."""
    return "booked"


@pytest.mark.points(2)
def test_function_to_tool_shape(lab):
    tool = lab.function_to_tool(get_weather)
    assert tool.get("type") == "function", (
        f'a tool is {{"type": "function", "function": {{...}}}}; yours has type {tool.get("type")!r}'
    )
    function = tool.get("function") or {}
    assert function.get("name") == "get_weather", (
        f"the tool's name must be the function's __name__; got {function.get('name')!r}"
    )
    assert function.get("description") == "Get the current weather in a city.", (
        f"the description is the docstring's first paragraph; got {function.get('description')!r}"
    )
    assert function.get("strict") is True, 'the function needs "strict": True (inside "function")'
    params = function.get("parameters") or {}
    assert params.get("type") == "object", (
        f'parameters is a JSON schema of type "object"; got {params.get("type")!r}'
    )
    assert list((params.get("properties") or {}).keys()) == ["city", "unit"], (
        f"one property per parameter, in order: ['city', 'unit']; got {list((params.get('properties') or {}).keys())}"
    )


@pytest.mark.points(2)
def test_function_to_tool_types(lab):
    props = lab.function_to_tool(book_table)["function"]["parameters"]["properties"]
    expected = {
        "restaurant": {"type": "string"},
        "people": {"type": "integer"},
        "budget": {"type": "number"},
        "outdoor": {"type": "boolean"},
        "dishes": {"type": "array", "items": {"type": "string"}},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    }
    for name, schema in expected.items():
        got = {k: v for k, v in (props.get(name) or {}).items() if k != "description"}
        assert got == schema, f"the parameter {name!r} should be {schema}; yours is {props.get(name)}"
    unit = lab.function_to_tool(get_weather)["function"]["parameters"]["properties"]["unit"]
    assert unit.get("enum") == ["celsius", "fahrenheit"] and unit.get("type") == "string", (
        f'Literal["celsius", "fahrenheit"] is {{"type": "string", "enum": ["celsius", "fahrenheit"]}}; yours is {unit}'
    )


@pytest.mark.points(3)
def test_function_to_tool_is_strict_enough_for_the_api(lab, client, stub):
    tool = lab.function_to_tool(get_weather)
    params = tool["function"]["parameters"]
    assert sorted(params.get("required") or []) == ["city", "unit"], (
        "strict mode needs EVERY property in 'required', even 'unit' which has a default in Python; "
        f"yours lists {params.get('required')}"
    )
    assert params.get("additionalProperties") is False, "strict mode needs 'additionalProperties': False"
    for name, definition in (("get_weather", tool), ("book_table", lab.function_to_tool(book_table))):
        try:
            client.chat.completions.create(
                model=MODEL,
                messages=ask("What's the weather in Paris?"),
                tools=[definition],
                **tool_options(),
            )
        except openai.BadRequestError as err:
            problem = f"your tool for {name}: {refused(err)}"
            break
    else:
        return
    pytest.fail(problem, pytrace=False)


@pytest.mark.points(1)
def test_function_to_tool_parameter_descriptions(lab):
    props = lab.function_to_tool(get_weather)["function"]["parameters"]["properties"]
    assert props["city"].get("description") == 'the city\'s name, e.g. "Paris"', (
        f"a parameter listed under 'Args:' gets its text as description; city's is {props['city'].get('description')!r}"
    )
    assert props["unit"].get("description") == "the temperature unit"
    assert "default" not in props["unit"], (
        "leave 'default' out of a strict schema: Azure OpenAI refuses it with a 400, and it never applies "
        "(every property is required)"
    )


@pytest.mark.points(1)
def test_function_to_tool_needs_type_hints(lab):
    def no_hints(city):
        """Say hi."""

    with pytest.raises(TypeError):
        lab.function_to_tool(no_hints)


# --- assistant_to_dict -----------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_assistant_to_dict_keeps_tool_calls(lab, client):
    message = model_message(client, "What's the weather in Amsterdam and Paris?")
    assert message.tool_calls and len(message.tool_calls) == 2, (
        "(test setup) the stub should have asked for two calls"
    )
    got = lab.assistant_to_dict(message)
    assert got.get("role") == "assistant", f"role must be 'assistant'; got {got.get('role')!r}"
    calls = got.get("tool_calls")
    assert calls, "the dict has no 'tool_calls': without them the API refuses the tool messages that follow"
    expected = [
        {
            "id": c.id,
            "type": "function",
            "function": {"name": c.function.name, "arguments": c.function.arguments},
        }
        for c in message.tool_calls
    ]
    assert [dict(c) for c in calls] == expected, f"tool_calls should be {expected}; got {calls}"
    json.dumps(got)  # must be plain JSON data


@pytest.mark.points(1)
def test_assistant_to_dict_plain_answer(lab, client):
    message = model_message(client, "Hello, how are you?")
    assert not message.tool_calls, "(test setup) the stub should have answered in text"
    got = lab.assistant_to_dict(message)
    assert got.get("role") == "assistant" and got.get("content") == message.content, (
        f"expected role 'assistant' and the reply's text as content; got {got}"
    )
    assert not got.get("tool_calls"), "a plain answer has no tool_calls (leave the key out)"


# --- execute_tool_calls ----------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_execute_answers_every_parallel_call(lab, client):
    message = model_message(client, "What's the weather in Amsterdam and Paris?")
    ids = [c.id for c in message.tool_calls]
    tools = Recorder()
    results = lab.execute_tool_calls(message, tools.registry())
    assert isinstance(results, list), (
        f"execute_tool_calls returns a list of tool messages; got {type(results).__name__}"
    )
    assert len(results) == 2, (
        f"the assistant asked for 2 calls (parallel); you returned {len(results)} tool message(s)"
    )
    for result, call_id, city in zip(results, ids, ["Amsterdam", "Paris"], strict=True):
        assert result.get("role") == "tool", f"a tool result has role 'tool'; got {result.get('role')!r}"
        assert "tool_call_id" in result, "a tool message needs the 'tool_call_id' of the call it answers"
        assert result["tool_call_id"] == call_id, (
            f"tool_call_id must be the call's own id ({call_id}), in the order of the calls; got {result['tool_call_id']!r}"
        )
        assert isinstance(result.get("content"), str), (
            "a tool message's content is a string (json.dumps the result)"
        )
        assert json.loads(result["content"]) == WEATHER[city], (
            f"the content should be json.dumps of the function's result {WEATHER[city]}; got {result['content']!r}"
        )


@pytest.mark.points(2)
def test_execute_parses_arguments_as_json(lab, client):
    message = model_message(client, "What's the weather in Paris in fahrenheit?")
    tools = Recorder()
    lab.execute_tool_calls(message, tools.registry())
    assert tools.calls == [("get_weather", {"city": "Paris", "unit": "fahrenheit"})], (
        "the function should be called once as get_weather(city='Paris', unit='fahrenheit') "
        f"(json.loads the arguments string, then **kwargs); it got {tools.calls}"
    )


def _message(name: str, arguments: str) -> ChatCompletionMessage:
    return ChatCompletionMessage.model_validate(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_test0001",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        }
    )


def _error_text(result: dict) -> str:
    content = result.get("content")
    assert isinstance(content, str), f"content must be a string the model can read; got {content!r}"
    return content.lower()


@pytest.mark.points(2)
def test_execute_unknown_tool_becomes_an_error_result(lab):
    tools = Recorder()
    try:
        results = lab.execute_tool_calls(_message("book_flight", '{"to": "Paris"}'), tools.registry())
    except NotImplementedError:
        raise
    except Exception as err:
        pytest.fail(f"an unknown tool name must become an error result for the model, not a crash: {err!r}")
    assert len(results) == 1 and results[0].get("tool_call_id") == "call_test0001", (
        f"expected one answer to call_test0001; got {results}"
    )
    text = _error_text(results[0])
    assert "error" in text and "book_flight" in text, (
        f"say it is an error and name the unknown tool; content was {text!r}"
    )


@pytest.mark.points(2)
def test_execute_invalid_json_becomes_an_error_result(lab):
    tools = Recorder()
    try:
        results = lab.execute_tool_calls(_message("get_weather", '{"city": "Paris"'), tools.registry())
    except NotImplementedError:
        raise
    except Exception as err:
        pytest.fail(f"arguments that are not valid JSON must become an error result, not a crash: {err!r}")
    assert tools.calls == [], (
        f"the function must not run when its arguments can't be parsed; it ran with {tools.calls}"
    )
    assert len(results) == 1 and "error" in _error_text(results[0]), (
        f"expected one error result; got {results}"
    )


@pytest.mark.points(2)
def test_execute_exception_becomes_an_error_result(lab):
    tools = Recorder()
    try:
        results = lab.execute_tool_calls(
            _message("get_weather", '{"city": "Atlantis", "unit": "celsius"}'), tools.registry()
        )
    except NotImplementedError:
        raise
    except Exception as err:
        pytest.fail(
            f"an exception raised by a tool must not escape execute_tool_calls (return it to the model): {err!r}"
        )
    assert len(results) == 1, f"expected one tool message; got {results}"
    text = _error_text(results[0])
    assert "unknown city: atlantis" in text, (
        f"the error result should carry the exception's message; content was {text!r}"
    )
    assert "valueerror" in text, f"name the exception's type too (ValueError); content was {text!r}"


@pytest.mark.points(1)
def test_execute_no_calls(lab, client):
    message = model_message(client, "Hello, how are you?")
    assert lab.execute_tool_calls(message, Recorder().registry()) == [], (
        "a message without tool calls gives []"
    )


# --- run_agent -------------------------------------------------------------------------------------------


def _roles(messages: list[dict]) -> list[str]:
    return [m.get("role") for m in messages]


@pytest.mark.points(3)
def test_agent_single_hop(lab, client, stub):
    tools = Recorder()
    answer, history = agent(lab, client, ask("What's the weather in Amsterdam?"), tools.registry())
    sent = stub.requests()
    assert len(sent) == 2, (
        f"one tool hop takes 2 requests (ask, then answer from the result); your loop sent {len(sent)}"
    )
    second = sent[1]["messages"]
    assert _roles(second) == ["user", "assistant", "tool"], (
        f"the second request should carry user, assistant (with tool_calls), tool; it had {_roles(second)}"
    )
    assert second[1].get("tool_calls"), "the assistant message in the history lost its tool_calls"
    assert second[2].get("tool_call_id") == second[1]["tool_calls"][0]["id"]
    assert sent[1].get("tools"), "send the tools on every request of the loop"
    assert tools.calls == [("get_weather", {"city": "Amsterdam", "unit": "celsius"})], (
        f"the tool calls made: {tools.calls}"
    )
    assert isinstance(answer, str) and "14" in answer, (
        f"the answer should be the model's final text (it quotes 14 °C); got {answer!r}"
    )
    assert _roles(history) == ["user", "assistant", "tool", "assistant"], (
        f"the history returned: {_roles(history)}"
    )
    assert history[-1].get("content") == answer, (
        "the history ends with the final assistant message, whose content is the answer"
    )


@pytest.mark.points(2)
def test_agent_parallel_calls(lab, client, stub):
    tools = Recorder()
    answer, history = agent(lab, client, ask("What's the weather in Amsterdam and Paris?"), tools.registry())
    sent = stub.requests()
    assert len(sent) == 2, f"two parallel calls still take 2 requests; your loop sent {len(sent)}"
    assert _roles(sent[1]["messages"]) == ["user", "assistant", "tool", "tool"], (
        f"both parallel calls need an answer; the second request had {_roles(sent[1]['messages'])}"
    )
    assert "14" in answer and "18" in answer, f"the final answer should use both results; got {answer!r}"


@pytest.mark.points(2)
def test_agent_several_steps(lab, client, stub):
    tools = Recorder()
    answer, history = agent(lab, client, ask("What's the weather at my location?"), tools.registry())
    assert [name for name, _ in tools.calls] == ["get_my_location", "get_weather"], (
        f"the model first asks where you are, then the weather there; the tools ran: {tools.calls}"
    )
    assert len(stub.requests()) == 3, f"that takes 3 requests; your loop sent {len(stub.requests())}"
    assert _roles(history) == ["user", "assistant", "tool", "assistant", "tool", "assistant"], (
        f"history: {_roles(history)}"
    )
    assert "18" in answer, f"the answer should use the weather in Paris (18 °C); got {answer!r}"


@pytest.mark.points(2)
def test_agent_tool_failure_goes_back_to_the_model(lab, client, stub):
    tools = Recorder()
    try:
        answer, history = agent(lab, client, ask("What's the weather in Atlantis?"), tools.registry())
    except ValueError as err:
        pytest.fail(
            f"a failing tool crashed the loop ({err!r}); return the error to the model as the tool result"
        )
    sent = stub.requests()
    assert len(sent) == 2, f"expected 2 requests (the call, then the answer from the error); got {len(sent)}"
    tool_message = sent[1]["messages"][-1]
    assert tool_message.get("role") == "tool" and "unknown city" in str(tool_message.get("content")), (
        f"the second request should end with the tool's error for the model to read; it ended with {tool_message}"
    )
    assert "unknown city" in answer.lower(), f"the model's answer should explain the failure; got {answer!r}"


class RunawayLoop(BaseException):
    """Raised by the test's tool when a loop goes far past its step limit (stops a loop without a limit)."""


@pytest.mark.points(3)
def test_agent_stops_at_the_step_limit(lab, client, stub):
    tools = Recorder()
    calls = {"n": 0}

    @lab_may_call
    def get_weather(city: str, unit: str = "celsius") -> dict:
        calls["n"] += 1
        if calls["n"] > 20:
            raise RunawayLoop
        return tools.get_weather(city, unit)

    registry = {"get_weather": get_weather, "get_my_location": tools.get_my_location}
    try:
        with pytest.raises(lab.StepLimitExceeded) as caught:
            # tool_choice="required": the model must call a tool every time, so it never answers in text
            agent(
                lab,
                client,
                ask("What's the weather in Paris?"),
                registry,
                max_steps=3,
                tool_choice="required",
            )
    except RunawayLoop:
        pytest.fail(
            "with tool_choice='required' the model never stops asking for tools, and your loop kept going "
            "(20+ tool runs): stop after max_steps calls and raise StepLimitExceeded"
        )
    sent = stub.requests()
    assert len(sent) == 3, f"max_steps=3 allows exactly 3 calls to the model; your loop sent {len(sent)}"
    assert all(body.get("tool_choice") == "required" for body in sent), (
        "pass **options (here tool_choice) to every request"
    )
    history = caught.value.history
    assert history and history[-1].get("role") == "tool", (
        "StepLimitExceeded.history should end with the results of the last step's calls (a valid history)"
    )


@pytest.mark.points(1)
def test_agent_leaves_the_callers_list_alone(lab, client, stub):
    messages = ask("What's the weather in Paris?")
    recorder = Recorder()
    agent(lab, client, messages, recorder.registry())
    assert messages == ask("What's the weather in Paris?"), (
        "run_agent must work on a copy: the caller's list changed"
    )
    # the points are for doing the job on a copy (a loop that does nothing changes nothing)
    assert recorder.calls == [("get_weather", {"city": "Paris", "unit": "celsius"})], (
        f"run_agent should have run the weather tool once for Paris; the tools got {recorder.calls}"
    )


# --- messages built by hand: shapes the stub never sends ---------------------------------------------------


def hand_message(calls: list[tuple[str, str, str]], content=None) -> ChatCompletionMessage:
    """An assistant message asking for ``calls`` (id, name, arguments string) in one step."""
    return ChatCompletionMessage.model_validate(
        {
            "role": "assistant",
            "content": content,
            "tool_calls": [
                {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
                for cid, name, args in calls
            ]
            or None,
        }
    )


class Echo:
    """Tools that record what they were called with and return a result chosen per test."""

    def __init__(self, results: dict[str, object]) -> None:
        self.results, self.calls = results, []

    def registry(self) -> dict:
        def make(name):
            def tool(**kwargs):
                self.calls.append((name, kwargs))
                return self.results[name]

            tool.__name__ = name
            return lab_may_call(tool)

        return {name: make(name) for name in self.results}


def random_arguments(rng) -> dict:
    values = [
        True,
        False,
        None,
        rng.randint(-100, 100),
        round(rng.uniform(-5, 5), 3),
        rng.word(),
        [rng.word(), None, True],
        {"nested": rng.choice([True, False, None])},
    ]
    return {rng.word(): rng.choice(values) for _ in range(rng.randint(0, 4))}


@pytest.mark.points(2)
def test_execute_parallel_calls_with_any_arguments_and_results(lab, rng):
    results = {
        "as_text": rng.sentence(),  # a str result goes as it is
        "as_list": [rng.word(), rng.randint(0, 9), None, True],  # anything else as JSON
        "as_dict": {rng.word(): rng.choice([True, False, None, rng.random()])},
        "as_number": rng.randint(-1000, 1000),
    }
    calls = []
    names = sorted(results) + [rng.choice(sorted(results)) for _ in range(rng.randint(0, 2))]
    rng.shuffle(names)  # several calls in one step: every kind of result, some tools twice
    for name in names:
        args = random_arguments(rng)
        keys = list(args)
        rng.shuffle(keys)
        text = json.dumps({k: args[k] for k in keys}, indent=rng.choice([None, 1]))
        calls.append((f"call_{rng.token()}", name, text))
    tools = Echo(results)
    got = lab.execute_tool_calls(hand_message(calls), tools.registry())
    assert [m.get("tool_call_id") for m in got] == [c[0] for c in calls], (
        f"one tool message per call, in the calls' order, each with its call's id; ids {[c[0] for c in calls]}, "
        f"got {[m.get('tool_call_id') for m in got]}"
    )
    want_calls = [(name, json.loads(args)) for _, name, args in calls]
    assert tools.calls == want_calls, (
        f"each function should get exactly the parsed arguments (true/false/null become True/False/None): "
        f"expected {want_calls}, got {tools.calls}"
    )
    for message, (_, name, _) in zip(got, calls, strict=True):
        value = results[name]
        assert message.get("role") == "tool", f"role 'tool', not {message.get('role')!r}"
        if isinstance(value, str):
            assert message["content"] == value, (
                f"{name} returned the string {value!r}: send it as it is (not JSON-quoted); got {message['content']!r}"
            )
        else:
            assert isinstance(message["content"], str) and json.loads(message["content"]) == value, (
                f"{name} returned {value!r}: send json.dumps of it; got {message['content']!r}"
            )


@pytest.mark.points(1)
@pytest.mark.parametrize("arguments", ["[1, 2]", "null", '"text"', "42", ""])
def test_execute_arguments_that_are_not_an_object(lab, arguments, rng):
    tools = Echo({"tool": rng.word()})
    call_id = f"call_{rng.token()}"
    try:
        got = lab.execute_tool_calls(hand_message([(call_id, "tool", arguments)]), tools.registry())
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001
        pytest.fail(f"arguments {arguments!r} (not a JSON object) must become an error result, not {err!r}")
    if arguments == "":  # some providers send "" for a function without parameters: {} is fine too
        return
    assert tools.calls == [], (
        f"with arguments {arguments!r} the function must not run; it ran with {tools.calls}"
    )
    assert [m.get("tool_call_id") for m in got] == [call_id] and "error" in _error_text(got[0]), (
        f"expected one error result answering {call_id}; got {got}"
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("text", ["None", "text"], ids=["content-None", "content-text"])
def test_assistant_to_dict_of_hand_built_messages(lab, rng, text):
    calls = [
        (f"call_{rng.token()}", rng.word(), json.dumps(random_arguments(rng)))
        for _ in range(rng.randint(1, 4))
    ]
    content = None if text == "None" else rng.sentence()
    got = lab.assistant_to_dict(hand_message(calls, content))
    want = {
        "role": "assistant",
        "content": content,
        "tool_calls": [
            {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
            for cid, name, args in calls
        ],
    }
    assert "content" in got, (
        "keep the 'content' key even when it is None: the assistant message of a tool call is "
        f"{{'role': 'assistant', 'content': None, 'tool_calls': [...]}}; got {got}"
    )
    assert got == want, f"expected {want}; got {got}"
    json.dumps(got)  # plain data: it goes back to the API as JSON
    text = rng.sentence()
    plain = lab.assistant_to_dict(hand_message([], text))
    assert (
        plain.get("role") == "assistant" and plain.get("content") == text and not plain.get("tool_calls")
    ), f"a plain answer {text!r} becomes {{'role': 'assistant', 'content': {text!r}}}; got {plain}"


@pytest.mark.points(1)
def test_agent_feeds_back_whatever_the_tool_returned(lab, client, stub, rng):
    secret = {"city": "Amsterdam", "temperature_c": rng.randint(-30, 45), "note": rng.token()}
    temperature = rng.choice([0, 0.2, 0.9])
    max_steps = rng.randint(2, 6)

    @lab_may_call
    def get_weather(city, unit="celsius"):
        return secret

    answer, history = lab.run_agent(
        client,
        MODEL,
        ask("What's the weather in Amsterdam?"),
        [WEATHER_TOOL],
        {"get_weather": get_weather},
        max_steps=max_steps,
        temperature=temperature,
        **tool_options(),
    )
    sent = stub.requests()
    tool_messages = [m for m in sent[-1]["messages"] if m.get("role") == "tool"]
    assert tool_messages and json.loads(tool_messages[0]["content"]) == secret, (
        f"the tool returned {secret}; the next request should carry it as the tool message's content; "
        f"it carried {tool_messages}"
    )
    assert all(b.get("temperature") == temperature for b in sent), (
        f"options (temperature={temperature}) go to every request; sent {[b.get('temperature') for b in sent]}"
    )
    assert history[-1]["content"] == answer


@pytest.mark.points(1)
def test_agent_step_limit_is_the_one_given(lab, client, stub, rng):
    max_steps = rng.randint(1, 4)

    @lab_may_call
    def get_weather(city, unit="celsius"):
        raise ValueError("the weather service is down")  # the model keeps asking: the loop must stop

    with pytest.raises(lab.StepLimitExceeded):
        lab.run_agent(
            client,
            MODEL,
            ask("What's the weather in Amsterdam?"),
            [WEATHER_TOOL],
            {"get_weather": get_weather},
            max_steps=max_steps,
            tool_choice="required",
            **tool_options(),
        )
    assert len(stub.requests()) == max_steps, (
        f"max_steps={max_steps}: exactly {max_steps} requests to the model, then StepLimitExceeded; "
        f"the stub saw {len(stub.requests())}"
    )


# --- function_to_tool on functions made per run ---------------------------------------------------------

_TYPES = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "list[int]": {"type": "array", "items": {"type": "integer"}},
    "list[bool]": {"type": "array", "items": {"type": "boolean"}},
    "list[float]": {"type": "array", "items": {"type": "number"}},
    "int | None": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
}


def made_function(rng):
    """A function with random name, parameters, type hints and docstring; and the tool it must become."""
    name = f"do_{rng.word()}"
    params = []
    for i in range(rng.randint(2, 5)):
        pname = f"{rng.word()}_{i}"
        if rng.random() < 0.25:
            values = [rng.word() for _ in range(rng.randint(2, 4))]
            hint, schema = (
                f"Literal[{', '.join(repr(v) for v in values)}]",
                {"type": "string", "enum": values},
            )
        else:
            hint = rng.choice(sorted(_TYPES))
            schema = dict(_TYPES[hint])
        params.append((pname, hint, schema, False))
    defaults = rng.randint(0, len(params))  # the last ones have a default (strict mode: required anyway)
    params = [(p, h, s, i >= len(params) - defaults) for i, (p, h, s, _) in enumerate(params)]
    first = [rng.sentence(), rng.sentence()]  # a first paragraph on two lines: one line in the tool
    described = {}
    arg_lines = []
    for pname, _, _, _ in params:
        if rng.random() < 0.7:
            text = f"{rng.sentence()} e.g. {rng.word()}: {rng.word()}"  # a colon inside the description
            described[pname] = text
            arg_lines.append(
                f"        {pname} ({rng.choice(['str', 'int', 'optional'])}): {text}"
                if rng.random() < 0.3
                else f"        {pname}: {text}"
            )
    doc = "\n".join(
        [
            f"{first[0]}",
            f"    {first[1]}",
            "",
            "    Args:",
            *arg_lines,
            "",
            "    Returns:",
            f"        result: {rng.sentence()}",
            "    ",
        ]
    )
    signature = ", ".join(f"{p}: {h}" + (" = None" if d else "") for p, h, _, d in params)
    source = f'def {name}({signature}) -> dict:\n    """{doc}"""\n    return {{}}\n'
    namespace: dict = {}
    exec(compile(source, f"<made:{name}>", "exec"), {"Literal": Literal}, namespace)  # noqa: S102
    properties = {
        p: {**s, **({"description": described[p]} if p in described else {})} for p, _, s, _ in params
    }
    return namespace[name], name, " ".join(first), properties


@pytest.mark.points(2)
def test_function_to_tool_on_a_function_made_for_this_run(lab, rng):
    func, name, description, properties = made_function(rng)
    tool = lab.function_to_tool(func)
    function = tool.get("function") or {}
    assert function.get("name") == name, f"name: {name!r}; got {function.get('name')!r}"
    assert function.get("description") == description, (
        f"the description is the docstring's first paragraph on one line: {description!r}; got "
        f"{function.get('description')!r}"
    )
    params = function.get("parameters") or {}
    got = params.get("properties") or {}
    assert list(got) == list(properties), (
        f"one property per parameter, in order: {list(properties)}; got {list(got)}"
    )
    for pname, want in properties.items():
        assert got[pname] == want, (
            f"{func.__name__}'s parameter {pname!r} (docstring below) should be {want}; got {got[pname]}\n"
            f"{inspect.getdoc(func)}"
        )
    assert params.get("required") == list(properties) and params.get("additionalProperties") is False, (
        f"strict: every property required (even with a default), no additional ones; got required="
        f"{params.get('required')}, additionalProperties={params.get('additionalProperties')!r}"
    )


@pytest.mark.points(1)
def test_function_to_tool_without_a_docstring(lab, rng):
    def nameless(city: str, days: int) -> dict:
        return {}

    function = lab.function_to_tool(nameless)["function"]
    assert function.get("description") == "", (
        f'no docstring: description ""; got {function.get("description")!r}'
    )
    assert all("description" not in p for p in function["parameters"]["properties"].values()), (
        "no docstring, so no parameter has a description"
    )


@pytest.mark.points(1)
def test_execute_error_results_are_an_error_object(lab, rng):
    tools = Echo({"tool": rng.word()})
    cases = [("nope", "{}"), ("tool", "{oops"), ("tool", "[1]")]
    got = lab.execute_tool_calls(
        hand_message([(f"call_{i}", name, args) for i, (name, args) in enumerate(cases)]), tools.registry()
    )
    for message, (name, args) in zip(got, cases, strict=True):
        try:
            data = json.loads(message["content"])
        except (TypeError, ValueError):
            data = None
        assert (
            isinstance(data, dict)
            and list(data) == ["error"]
            and isinstance(data["error"], str)
            and data["error"]
        ), (
            f"a failed call ({name}, arguments {args!r}) becomes json.dumps({{'error': '<what went wrong>'}}); "
            f"the content was {message.get('content')!r}"
        )


@pytest.mark.points(1)
def test_execute_results_that_json_cannot_write(lab, rng):
    import datetime

    when = datetime.date(2000 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28))
    tools = Echo({"tool": {"when": when, "count": rng.randint(0, 9)}})
    try:
        got = lab.execute_tool_calls(hand_message([("call_1", "tool", "{}")]), tools.registry())
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001
        pytest.fail(
            f"a result json.dumps cannot write (a date) crashed execute_tool_calls: {err!r}", pytrace=False
        )
    content = got[0].get("content")
    assert isinstance(content, str) and when.isoformat() in content, (
        f"the content should still carry the result (json.dumps(..., default=str) writes the date); got {content!r}"
    )


@pytest.mark.points(1)
def test_agent_default_step_limit_and_the_error_it_raises(lab, client, stub):
    @lab_may_call
    def get_weather(city, unit="celsius"):
        raise ValueError("down")

    with pytest.raises(lab.StepLimitExceeded) as info:
        lab.run_agent(
            client,
            MODEL,
            ask("What's the weather in Amsterdam?"),
            [WEATHER_TOOL],
            {"get_weather": get_weather},
            tool_choice="required",
            **tool_options(),
        )
    assert len(stub.requests()) == 5, (
        f"the default max_steps is 5; the stub saw {len(stub.requests())} requests"
    )
    assert info.value.max_steps == 5 and isinstance(info.value.history, list) and info.value.history, (
        f"raise StepLimitExceeded(max_steps, history); got max_steps={info.value.max_steps!r}"
    )


@pytest.mark.points(1)
def test_agent_answer_without_text_is_empty(lab, client, stub, script, rng):
    marker = rng.token()
    script({marker: {"refusal": rng.sentence()}})
    answer, history = lab.run_agent(
        client, MODEL, ask(f"{marker} {rng.sentence()}"), [WEATHER_TOOL], {}, **tool_options()
    )
    assert answer == "", f'the model refused (content None): the answer is "", not {answer!r}'
    assert history[-1].get("role") == "assistant", (
        f"the history ends with the assistant's message: {history[-1]}"
    )


# --- scripted tool loops: what the model does at each step is drawn per run ---------------------------------
#
# The stub answers a question made for each test with a scripted turn (tests/labs/conftest.py
# ``scripted_turn``): rounds of calls (several at once), then the answer. Each test covers every branch of
# what it varies (text beside the calls or not, finish_reason, an empty tool_calls list), on the course's
# default model and on a reasoning model.


def tool_content(result) -> str:
    return result if isinstance(result, str) else json.dumps(result)


def scripted_agent(lab, client, model, turn, **kw):
    """run_agent on a scripted turn; a 400 from the stub becomes a readable failure."""
    try:
        return lab.run_agent(
            client,
            model.id,
            [{"role": "user", "content": turn.question}],
            turn.toolbox.chat_tools(),
            turn.toolbox.registry(),
            **{**model.tool_options, **kw},
        )
    except openai.BadRequestError as err:
        problem = refused(err)
    pytest.fail(problem, pytrace=False)


def check_turn_history(sent: list[dict], turn, answer_history: list[dict] | None = None) -> None:
    """Request k+1 carries request k's messages, the assistant's calls and one tool message per call, in order."""
    for k in range(len(turn.rounds)):
        before, after = sent[k]["messages"], sent[k + 1]["messages"]
        added = after[len(before) :]
        assert after[: len(before)] == before, (
            f"request {k + 2} must carry every message of request {k + 1} unchanged, then the new ones"
        )
        calls = added[0].get("tool_calls") if added and added[0].get("role") == "assistant" else None
        assert calls and [c["function"]["name"] for c in calls] == [n for n, _ in turn.rounds[k]], (
            f"request {k + 2} should add the assistant message with its {len(turn.rounds[k])} tool_calls; it added "
            f"roles {[m.get('role') for m in added]}"
        )
        results = [tool_content(r) for r in turn.outputs(k)]
        tools = added[1:]
        assert [(m.get("role"), m.get("tool_call_id")) for m in tools] == [
            ("tool", c["id"]) for c in calls
        ], (
            f"after the assistant message, one tool message per call, in the calls' order, each with its call's id; "
            f"request {k + 2} added {[(m.get('role'), m.get('tool_call_id')) for m in tools]}"
        )
        for m, want in zip(tools, results, strict=True):
            same = (
                m["content"] == want
                or (not isinstance(want, str) or want[:1] in "[{")
                and _loads(m["content"]) == _loads(want)
            )
            assert same, f"a tool message's content is the function's result ({want!r}); got {m['content']!r}"


def _loads(text):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


VARIANTS = {
    "calls-only": {},
    "text-beside-calls": {"text_beside": True},
    "calls-with-finish-stop": {"finish_reason": "stop"},
    "empty-list-answer": {"empty_list": True},
}


@pytest.mark.points(3)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_agent_runs_a_scripted_turn(lab, client, stub, rng, model, toolbox, scripted_turn, variant):
    """Rounds of parallel calls, then the answer: the loop stops on the presence of tool calls, never on
    finish_reason; text beside calls is not the answer; an empty tool_calls list is no calls."""
    turn = scripted_turn(
        toolbox(rng.randint(2, 3)), [rng.randint(1, 3) for _ in range(rng.randint(1, 3))], **VARIANTS[variant]
    )
    answer, history = scripted_agent(lab, client, model, turn, max_steps=turn.steps + rng.randint(0, 3))
    sent = stub.requests()
    why = {
        "calls-only": "",
        "text-beside-calls": " (the steps with calls also carry text: 'Let me check ...' is not the answer)",
        "calls-with-finish-stop": (
            " (the steps with calls end with finish_reason 'stop', as some providers send it: decide on the "
            "presence of tool_calls, not on finish_reason)"
        ),
        "empty-list-answer": " (the answer comes with tool_calls == []: an empty list is no calls)",
    }[variant]
    assert len(sent) == turn.steps, (
        f"the turn needs {turn.steps} model calls ({len(turn.rounds)} round(s) of calls, then the answer); the loop "
        f"made {len(sent)}{why}"
    )
    assert answer == turn.answer, (
        f"the answer is the text of the message without tool calls, {turn.answer!r}; got {answer!r}{why}"
    )
    assert turn.toolbox.calls == turn.expected_calls(), (
        f"run every call, in order, with its arguments: expected {turn.expected_calls()}, ran {turn.toolbox.calls}"
    )
    check_turn_history(sent, turn)
    assert (
        history[: len(sent[-1]["messages"])] == sent[-1]["messages"]
        and len(history) == len(sent[-1]["messages"]) + 1
    ), "the history returned is the last request's messages and the final assistant message"
    assert (
        history[-1].get("role") == "assistant"
        and history[-1].get("content") == answer
        and not history[-1].get("tool_calls")
    ), f"the history ends with the answer's assistant message (no tool calls); it ends with {history[-1]}"


@pytest.mark.points(2)
@pytest.mark.parametrize("limit", ["exactly-enough", "one-short"])
def test_agent_step_limit_counts_model_calls(lab, client, stub, rng, model, toolbox, scripted_turn, limit):
    """Rounds of parallel calls: the step limit counts requests to the model, not the tool calls they made."""
    turn = scripted_turn(toolbox(2), [rng.randint(2, 3) for _ in range(rng.randint(1, 3))])
    max_steps = turn.steps if limit == "exactly-enough" else turn.steps - 1
    runs = len(turn.expected_calls())
    if limit == "exactly-enough":
        try:
            answer, _ = scripted_agent(lab, client, model, turn, max_steps=max_steps)
        except lab.StepLimitExceeded:
            pytest.fail(
                f"the step limit is {max_steps} model calls and the turn needs exactly {max_steps} "
                f"({len(turn.rounds)} round(s) of calls, {runs} tool runs in all, then the answer); the loop raised "
                "StepLimitExceeded: count the requests to the model, not the tool calls",
                pytrace=False,
            )
        assert answer == turn.answer, f"the answer is {turn.answer!r}; got {answer!r}"
    else:
        with pytest.raises(lab.StepLimitExceeded) as info:
            scripted_agent(lab, client, model, turn, max_steps=max_steps)
            pytest.fail(
                f"the step limit is {max_steps} model calls and the last one still asked for tools: raise "
                "StepLimitExceeded",
                pytrace=False,
            )
        assert info.value.max_steps == max_steps, (
            f"StepLimitExceeded({max_steps}, ...); got {info.value.max_steps}"
        )
        history = info.value.history
        last = turn.rounds[max_steps - 1]
        assert [m.get("role") for m in history[-len(last) - 1 :]] == ["assistant"] + ["tool"] * len(last), (
            "StepLimitExceeded.history ends with the last step's assistant message and one tool message per call "
            f"(run them first: a valid history); it ends with {[m.get('role') for m in history[-len(last) - 1 :]]}"
        )
    made = len(stub.requests())
    assert made == max_steps, f"the step limit is {max_steps} model calls; the loop made {made}"


@pytest.mark.points(1)
@pytest.mark.parametrize("content", ["None", "empty", "text"])
def test_assistant_to_dict_keeps_content_beside_tool_calls(lab, rng, content):
    """The assistant message of a tool call keeps its content as it came: None stays None, "" stays ""."""
    text = {"None": None, "empty": "", "text": rng.sentence()}[content]
    calls = [
        (f"call_{rng.token()}", rng.word(), json.dumps(random_arguments(rng)))
        for _ in range(rng.randint(1, 3))
    ]
    got = lab.assistant_to_dict(hand_message(calls, text))
    assert "content" in got and got["content"] == text and (got["content"] is None) == (text is None), (
        f"content {text!r} beside tool calls stays {text!r} in the dict (the key is there even for None); got {got}"
    )
    assert [c["id"] for c in got.get("tool_calls") or []] == [c[0] for c in calls], (
        f"tool_calls kept; got {got}"
    )


@pytest.mark.points(1)
def test_execute_a_message_with_an_empty_tool_calls_list(lab, rng):
    message = ChatCompletionMessage.model_validate(
        {"role": "assistant", "content": rng.sentence(), "tool_calls": []}
    )
    tools = Echo({"tool": rng.word()})
    assert lab.execute_tool_calls(message, tools.registry()) == [] and tools.calls == [], (
        "tool_calls == [] (some servers send it beside an answer) is no calls: no tool message"
    )
    got = lab.assistant_to_dict(message)
    assert got.get("content") == message.content and not got.get("tool_calls"), (
        f"an empty tool_calls list asks for no tools: no tool_calls in the dict; got {got}"
    )
