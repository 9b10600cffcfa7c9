"""Issue 18: the stub refuses what the real API refuses, accepts what it accepts, and words its errors alike.

Each test cites where the real behaviour was seen (a real error body quoted in a public issue, a stream
recorded from the API in openai-python's tests, or the SDK's own types and docstrings). Inputs vary from a
seeded random source or hypothesis where a rule covers many values.
"""

from __future__ import annotations

import json
import random
from typing import Literal

import httpx2
import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from .models import PLAIN, ids, serve, small_window

MODEL = PLAIN
USER = {"role": "user", "content": "What's the weather in Oslo?"}
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}
SEED = random.randrange(2**32)


def post(stub, body, headers=None, **kw):
    h = {"Authorization": f"Bearer {stub.api_key}", **(headers or {})}
    return httpx2.post(stub.base_url + "/chat/completions", json=body, headers=h, timeout=30, **kw)


def error(stub, body, headers=None) -> dict:
    r = post(stub, body, headers)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert set(err) == {"message", "type", "param", "code"} and err["type"] == "invalid_request_error"
    return err


def good(**changes) -> dict:
    return {"model": MODEL, "messages": [USER], **changes}


# --- refused as the real API refuses ---------------------------------------------------------------------


def test_assistant_tool_calls_empty_array(stub):
    # home-assistant/core#118577 (real 400): "Invalid 'messages[2].tool_calls': empty array. Expected an array
    # with minimum length 1, but got an empty array instead.", param messages[2].tool_calls, code empty_array
    messages = [USER, {"role": "assistant", "content": "Let me see.", "tool_calls": []}, USER]
    err = error(stub, good(messages=messages))
    assert err == {
        "message": "Invalid 'messages[1].tool_calls': empty array. Expected an array with minimum length 1, "
        "but got an empty array instead.",
        "type": "invalid_request_error",
        "param": "messages[1].tool_calls",
        "code": "empty_array",
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=20))
def test_message_name_pattern(stub, name):
    # Pingdred/meowgram-client#11 (real 400): "Invalid 'messages[1].name': string does not match pattern.
    # Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", code invalid_value
    import re

    r = post(stub, good(messages=[{"role": "user", "content": "hi", "name": name}]))
    if re.fullmatch(r"[a-zA-Z0-9_-]+", name):
        assert r.status_code == 200, r.text
    else:
        assert r.status_code == 400
        err = r.json()["error"]
        assert err["param"] == "messages[0].name" and err["code"] == "invalid_value"
        assert err["message"] == (
            "Invalid 'messages[0].name': string does not match pattern. Expected a string that matches the "
            "pattern '^[a-zA-Z0-9_-]+$'."
        )


def test_message_name_zoe(stub):
    err = error(stub, good(messages=[{"role": "user", "content": "hi", "name": "Zoë Smith!"}]))
    assert err["param"] == "messages[0].name"


@pytest.mark.parametrize(
    "seed, code",
    [
        (2**63, "integer_above_max_value"),
        (-(2**63) - 1, "integer_below_min_value"),
        (10**30, "integer_above_max_value"),
    ],
)
def test_seed_beyond_int64(stub, seed, code):
    # The OpenAPI's seed is int64; the wording follows the real bounds messages for integers (temperature, n).
    err = error(stub, good(seed=seed))
    assert err["param"] == "seed" and err["code"] == code
    assert post(stub, good(seed=2**63 - 1)).status_code == 200
    assert post(stub, good(seed=-(2**63))).status_code == 200


def test_more_than_128_tools(stub):
    # vishalmysore/Tools4AI#16 (real 400): param tools, code array_above_max_length
    rng = random.Random(SEED)
    n = rng.randint(129, 140)
    tools = [{**WEATHER, "function": {**WEATHER["function"], "name": f"tool_{i}"}} for i in range(n)]
    err = error(stub, good(tools=tools))
    assert err == {
        "message": f"Invalid 'tools': array too long. Expected an array with maximum length 128, but got an "
        f"array with length {n} instead.",
        "type": "invalid_request_error",
        "param": "tools",
        "code": "array_above_max_length",
    }
    assert post(stub, good(tools=tools[:128])).status_code == 200


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999"])
def test_nan_and_infinity_are_not_json(stub, literal):
    # RFC 8259 has no NaN/Infinity; the real API answers a body it cannot parse with this 400 (quoted since issue 2)
    raw = (
        '{"model": "'
        + PLAIN
        + '", "messages": [{"role": "user", "content": "hi"}], "temperature": '
        + literal
        + "}"
    )
    r = post(stub, None, content=raw.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    message = r.json()["error"]["message"]
    assert message.startswith("We could not parse the JSON body of your request.")
    assert "inf" not in message.lower().replace("information", "") and "nan" not in message.lower()


def test_image_part_to_a_text_only_model(stub):
    # vllm-project/vllm#11629 and browser-use/web-ui#274 (real 400 from GPT-3.5): "Invalid content type.
    # image_url is only supported by certain models.", param "messages.[0].content.[1].type", code null
    parts = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
    ]
    text_only = serve(stub, ids(lambda m: not m.accepts_images)[0])
    err = error(stub, good(model=text_only, messages=[{"role": "user", "content": parts}]))
    assert err == {
        "message": "Invalid content type. image_url is only supported by certain models.",
        "type": "invalid_request_error",
        "param": "messages.[0].content.[1].type",
        "code": None,
    }
    assert post(stub, good(messages=[{"role": "user", "content": parts}])).status_code == 200


@pytest.mark.parametrize(
    "role, kind, allowed",
    [
        ("user", "image", "'text', 'image_url', 'input_audio', and 'file'"),
        ("user", "video", "'text', 'image_url', 'input_audio', and 'file'"),
        ("system", "image_url", "'text'"),
        ("assistant", "image_url", "'text' and 'refusal'"),
    ],
)
def test_unknown_content_part_type(stub, role, kind, allowed):
    # aallam/openai-kotlin#320 (real 400): "Invalid value: 'image'. Supported values are: 'text' and
    # 'image_url'.", param messages[0].content[1].type, code invalid_value (the lists are the SDK's part types)
    message = {"role": role, "content": [{"type": "text", "text": "hi"}, {"type": kind, kind: {}}]}
    err = error(stub, good(messages=[message, USER] if role != "user" else [message]))
    assert err["message"] == f"Invalid value: '{kind}'. Supported values are: {allowed}."
    assert (err["param"], err["code"]) == ("messages[0].content[1].type", "invalid_value")


def test_logit_bias_keys_are_token_ids(stub):
    # OkGoDoIt/OpenAI-API-dotnet#163 (real 400): "Invalid key in 'logit_bias': AI. You should only be submitting
    # non-negative integers.", param logit_bias, code null
    err = error(stub, good(logit_bias={"AI": 10}))
    assert err == {
        "message": "Invalid key in 'logit_bias': AI. You should only be submitting non-negative integers.",
        "type": "invalid_request_error",
        "param": "logit_bias",
        "code": None,
    }
    rng = random.Random(SEED)
    assert (
        post(stub, good(logit_bias={str(rng.randrange(100000)): rng.randint(-100, 100)})).status_code == 200
    )


@pytest.mark.parametrize(
    "tool, param, code",
    [
        ({"type": "custom"}, "tools[0].custom", "missing_required_parameter"),
        ({"type": "custom", "custom": {}}, "tools[0].custom.name", "missing_required_parameter"),
        ({"type": "custom", "custom": {"name": 5}}, "tools[0].custom.name", "invalid_type"),
        (
            {"type": "custom", "custom": {"name": "x", "format": {"type": "zzz"}}},
            "tools[0].custom.format.type",
            "invalid_value",
        ),
        (
            {"type": "custom", "custom": {"name": "x", "format": {"type": "grammar"}}},
            "tools[0].custom.format.grammar",
            "missing_required_parameter",
        ),
        (
            {
                "type": "custom",
                "custom": {
                    "name": "x",
                    "format": {"type": "grammar", "grammar": {"definition": "a", "syntax": "ebnf"}},
                },
            },
            "tools[0].custom.format.grammar.syntax",
            "invalid_value",
        ),
    ],
)
def test_malformed_custom_tools(stub, tool, param, code):
    # CustomToolChatCompletions in the OpenAPI description; wording as the real API's other 400s
    err = error(stub, good(tools=[tool]))
    assert (err["param"], err["code"]) == (param, code)


def test_wellformed_custom_tool_is_accepted(stub):
    tool = {
        "type": "custom",
        "custom": {
            "name": "sql",
            "format": {"type": "grammar", "grammar": {"definition": "start: /.+/", "syntax": "lark"}},
        },
    }
    assert post(stub, good(tools=[tool])).status_code == 200


@pytest.mark.parametrize(
    "change, param, code, message",
    [
        (
            {"audio": {"voice": "alloy"}},
            "audio.format",
            "missing_required_parameter",
            "Missing required parameter: 'audio.format'.",
        ),
        ({"audio": {"voice": "alloy", "format": "mp4"}}, "audio.format", "invalid_value", None),
        (
            {"audio": "alloy"},
            "audio",
            "invalid_type",
            "Invalid type for 'audio': expected an object, but got a string instead.",
        ),
        (
            {"prompt_cache_key": 5},
            "prompt_cache_key",
            "invalid_type",
            "Invalid type for 'prompt_cache_key': expected a string, but got an integer instead.",
        ),
        ({"safety_identifier": "x" * 65}, "safety_identifier", "string_above_max_length", None),
        ({"service_tier": "turbo"}, "service_tier", "invalid_value", None),
        ({"metadata": {"a": 1}}, "metadata.a", "invalid_type", None),
        ({"modalities": ["text", "video"]}, "modalities[1]", "invalid_value", None),
        ({"store": "yes"}, "store", "invalid_type", None),
        ({"top_logprobs": 21}, "top_logprobs", "integer_above_max_value", None),
        ({"verbosity": "loud"}, "verbosity", "invalid_value", None),
        ({"prediction": {"type": "content"}}, "prediction.content", "missing_required_parameter", None),
        (
            {"stream": True, "stream_options": {"include_obfuscation": "no"}},
            "stream_options.include_obfuscation",
            "invalid_type",
            None,
        ),
    ],
)
def test_typed_side_parameters_follow_their_openapi_schema(stub, change, param, code, message):
    # CreateChatCompletionRequest in ../shared/openai-openapi.json (schema_check.SCHEMAS)
    err = error(stub, good(**change))
    assert (err["param"], err["code"]) == (param, code)
    if message:
        assert err["message"] == message


def test_side_parameter_schemas_match_the_openapi_description():
    from llm_stub.schema_check import SCHEMAS

    from .openapi import SPEC_PATH

    if not SPEC_PATH.exists():
        pytest.skip("no OpenAPI description beside the repo")
    spec = json.loads(SPEC_PATH.read_text())["components"]["schemas"]

    def collect(name):
        out = {}
        for part in spec[name].get("allOf", [spec[name]]):
            if "$ref" in part:
                out.update(collect(part["$ref"].split("/")[-1]))
            else:
                out.update(part.get("properties", {}))
        return out

    props = collect("CreateChatCompletionRequest")
    assert set(SCHEMAS) - {"custom_tool"} <= set(props)

    # enums copied from the description are still the description's
    def enums(node, out):
        if isinstance(node, dict):
            if "$ref" in node:
                enums(spec[node["$ref"].split("/")[-1]], out)
            if "enum" in node:
                out.add(tuple(node["enum"]))
            for v in node.values():
                enums(v, out)
        elif isinstance(node, list):
            for v in node:
                enums(v, out)
        return out

    for name, schema in SCHEMAS.items():
        source = spec["CustomToolChatCompletions"] if name == "custom_tool" else props[name]
        assert enums(schema, set()) <= enums(source, set()), name


def test_valid_side_parameters_pass(stub):
    body = good(
        audio={"voice": "alloy", "format": "mp3"},
        prompt_cache_key="lesson-1",
        safety_identifier="user-42",
        service_tier="auto",
        metadata={"course": "llm"},
        store=False,
        logprobs=False,
    )
    assert post(stub, body).status_code == 200, post(stub, body).text


# --- named tool_choice finishes with "stop" ----------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_named_tool_choice_finishes_with_stop(client, stream):
    # vllm-project/vllm#25054 measured the real API: named -> "stop" (stream or not), required -> "tool_calls"
    named = {"type": "function", "function": {"name": "get_weather"}}
    for choice, expected in ((named, "stop"), ("required", "tool_calls")):
        kwargs = dict(model=MODEL, messages=[USER], tools=[WEATHER], tool_choice=choice)
        if stream:
            chunks = list(client.chat.completions.create(**kwargs, stream=True))
            reasons = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
            assert reasons == [expected]
            assert any(c.choices[0].delta.tool_calls for c in chunks if c.choices)
        else:
            r = client.chat.completions.create(**kwargs)
            assert r.choices[0].finish_reason == expected and r.choices[0].message.tool_calls


# --- accepted as the real API accepts ----------------------------------------------------------------------


def test_default_in_a_strict_schema_is_accepted(client):
    # openai-python tests/lib/chat/test_completions_streaming.py::test_parse_pydantic_tool: a strict pydantic
    # tool with `units: Literal["c", "f"] = "c"` (its schema carries "default": "c") got a real 200 stream.
    class GetWeatherArgs(BaseModel):
        city: str
        country: str
        units: Literal["c", "f"] = "c"

    tool = openai.pydantic_function_tool(GetWeatherArgs)
    assert tool["function"]["parameters"]["properties"]["units"]["default"] == "c"
    r = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "What's the weather like in Edinburgh?"}],
        tools=[tool],
    )
    assert r.choices[0].finish_reason in ("tool_calls", "stop")

    class Answer(BaseModel):
        answer: str
        confidence: float = 0.5

    parsed = client.chat.completions.parse(
        model=MODEL,
        messages=[{"role": "user", "content": "What is a large language model?"}],
        response_format=Answer,
    )
    assert isinstance(parsed.choices[0].message.parsed, Answer)


# --- errors worded as the real API's -----------------------------------------------------------------------


def test_missing_model(stub):
    # lss233/kirara-ai#800, danielmiessler/Fabric#239 (real 400): param and code null
    err = error(stub, {"messages": [USER]})
    assert err == {
        "message": "you must provide a model parameter",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


def test_strict_schema_error_has_code_null_on_chat(stub):
    # dottxt-ai/outlines#844 and #1666 (real 400 on Chat Completions): param response_format, code null
    fmt = {
        "type": "json_schema",
        "json_schema": {"name": "default", "strict": True, "schema": {"type": "object", "properties": {}}},
    }
    err = error(stub, good(response_format=fmt))
    assert err == {
        "message": "Invalid schema for response_format 'default': In context=(), 'additionalProperties' is "
        "required to be supplied and to be false.",
        "type": "invalid_request_error",
        "param": "response_format",
        "code": None,
    }


def test_context_length_with_tools_counts_messages_and_functions(stub):
    # huggingface/smolagents#1719 (real 400): "This model's maximum context length is 16385 tokens. However, your
    # messages resulted in 23273 tokens (22394 in the messages, 879 in the functions). Please reduce the length
    # of the messages or functions."
    import re

    body = {
        "model": small_window(stub),
        "messages": [{"role": "user", "content": "word " * 17000}],
        "tools": [WEATHER],
    }
    err = error(stub, body)
    m = re.fullmatch(
        r"This model's maximum context length is (\d+) tokens\. However, your messages resulted in (\d+) tokens "
        r"\((\d+) in the messages, (\d+) in the functions\)\. Please reduce the length of the messages or functions\.",
        err["message"],
    )
    assert m, err["message"]
    total, messages, functions = int(m[2]), int(m[3]), int(m[4])
    assert total == messages + functions and functions > 0
    assert (err["param"], err["code"]) == ("messages", "context_length_exceeded")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=13, max_size=164
    )
)
def test_masked_key_in_401(stub, key):
    # chatanywhere/GPT_API_free#81 (real 401): "Incorrect API key provided: sk-zhj0s***...***CMuq." -- the first 8
    # characters, one * per hidden character (39 for a 51-character key), the last 4; code invalid_api_key
    r = post(stub, good(), headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 401
    err = r.json()["error"]
    masked = key[:8] + "*" * (len(key) - 12) + key[-4:]
    assert err["message"] == (
        f"Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys."
    )
    assert err["code"] == "invalid_api_key"


def test_missing_key_message_is_whole(stub):
    # The real 401 without a key, quoted whole with code null by many proxies' docs and tests
    r = httpx2.post(stub.base_url + "/chat/completions", json=good(), timeout=10)
    assert r.status_code == 401
    assert r.json()["error"] == {
        "message": "You didn't provide an API key. You need to provide your API key in an Authorization header "
        "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) "
        "if you're accessing the API from your browser and are prompted for a username and password. You can "
        "obtain an API key from https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


PYTHON_INTERNALS = (
    "'None'",
    "got -inf",
    "got inf",
    "got nan",
    "recursion",
    "Traceback",
    "NoneType",
    "object at 0x",
)

hostile_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
FIELDS = [
    "temperature",
    "top_p",
    "n",
    "seed",
    "max_tokens",
    "stop",
    "tools",
    "tool_choice",
    "response_format",
    "logit_bias",
    "audio",
    "service_tier",
    "stream_options",
    "prompt_cache_key",
    "metadata",
    "user",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(FIELDS),
    value=hostile_values,
    role=st.one_of(st.none(), st.integers(), st.text(max_size=5)),
)
def test_no_python_internals_in_messages(stub, field, value, role):
    body = good(**{field: value})
    if role is not None:
        body["messages"] = [{"role": role, "content": "hi"}]
    r = post(stub, body)
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        message = r.json()["error"]["message"]
        # A message may quote what the request itself said (role "None" is a string the client sent); only
        # markers the request did not contain are Python's own words leaking out.
        sent = json.dumps(body)
        leaked = [bad for bad in PYTHON_INTERNALS if bad in message and bad.strip("'") not in sent]
        assert not leaked, message


# --- robustness --------------------------------------------------------------------------------------------


def _still_serving(stub):
    assert post(stub, good()).status_code == 200


@pytest.mark.parametrize("depth", [129, 1000, 10_000])
def test_deep_json_body(stub, depth):
    raw = (
        '{"model": "'
        + PLAIN
        + '", "messages": [{"role": "user", "content": "hi"}], "metadata": '
        + "[" * depth
        + "]" * depth
        + "}"
    )
    r = post(stub, None, content=raw.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and set(r.json()["error"]) == {"message", "type", "param", "code"}
    _still_serving(stub)


@pytest.mark.parametrize("depth", [100, 10_000])
def test_deep_json_text_inside_content(stub, depth):
    text = "[" * depth + "]" * depth
    for body in (
        good(messages=[{"role": "user", "content": text}]),
        good(
            messages=[{"role": "user", "content": "Reply in JSON: " + text}],
            response_format={"type": "json_object"},
        ),
        good(
            messages=[
                USER,
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": text},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "c1", "content": text},
            ],
            tools=[WEATHER],
        ),
    ):
        r = post(stub, body)
        assert r.status_code in (200, 400), r.text
    _still_serving(stub)


def test_deep_tool_schema(stub):
    depth = 2000
    schema = '{"type": "object", "properties": {"a": ' * depth + '{"type": "string"}' + "}}" * depth
    tools = '[{"type": "function", "function": {"name": "deep", "parameters": ' + schema + "}}]"
    raw = (
        '{"model": "' + PLAIN + '", "messages": [{"role": "user", "content": "hi"}], "tools": ' + tools + "}"
    )
    r = post(stub, None, content=raw.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    _still_serving(stub)


@pytest.mark.parametrize("escape", ["\\udad2", "\\ud800", "\\udfff", "x\\ud83dy"])
def test_lone_surrogate_is_refused_and_never_echoed(stub, escape):
    raw = (
        '{"model": "'
        + PLAIN
        + '", "stream": true, "messages": [{"role": "user", "content": "My name is '
        + escape
        + '"}]}'
    )
    r = post(stub, None, content=raw.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.content.decode("utf-8")  # valid UTF-8 through and through
    assert r.json()["error"]["message"].startswith("We could not parse the JSON body")
    pair = '{"model": "' + PLAIN + '", "messages": [{"role": "user", "content": "ok \\ud83d\\ude00"}]}'
    assert (
        post(stub, None, content=pair.encode(), headers={"Content-Type": "application/json"}).status_code
        == 200
    )


def test_invalid_utf8_body(stub):
    raw = (
        b'{"model": "'
        + PLAIN.encode()
        + b'", "messages": [{"role": "user", "content": "\xed\xa0\x80 \xff"}]}'
    )
    r = post(stub, None, content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    _still_serving(stub)


def test_body_shorter_than_content_length(stub, capfd, caplog):
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(stub.base_url)
    body = json.dumps(good()).encode()
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: {url.hostname}\r\nAuthorization: Bearer {stub.api_key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body) + 50}\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port), timeout=5) as s:
        s.sendall(head + body)
        s.shutdown(socket.SHUT_WR)  # the client gives up: the rest of the body never comes
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer[:200]
    _still_serving(stub)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Traceback" not in caplog.text
