"""Request validation: the real 400 messages, codes and params; malformed bodies never crash the server."""

from __future__ import annotations

import httpx2
import pytest

from .models import PLAIN

GOOD = {"model": PLAIN, "messages": [{"role": "user", "content": "hello"}]}


def post(stub, body=None, *, content=None, headers=None):
    h = {"Authorization": f"Bearer {stub.api_key}", **(headers or {})}
    if content is not None:
        return httpx2.post(stub.base_url + "/chat/completions", content=content, headers=h)
    return httpx2.post(stub.base_url + "/chat/completions", json=body, headers=h)


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    return body["error"]


@pytest.mark.parametrize(
    "change, param, code, message",
    [
        (
            {"messages": None},
            "messages",
            "missing_required_parameter",
            "Missing required parameter: 'messages'.",
        ),
        # lss233/kirara-ai#800, danielmiessler/Fabric#239: the real 400 has param and code null
        ({"model": None}, None, None, "you must provide a model parameter"),
        (
            {"temperature": "hot"},
            "temperature",
            "invalid_type",
            "Invalid type for 'temperature': expected a decimal, but got a string instead.",
        ),
        (
            {"temperature": 3},
            "temperature",
            "decimal_above_max_value",
            "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
        ),
        (
            {"n": 0},
            "n",
            "integer_below_min_value",
            "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
        ),
        (
            {"max_tokens": 1.5},
            "max_tokens",
            "invalid_type",
            "Invalid type for 'max_tokens': expected an integer, but got a decimal instead.",
        ),
        ({"messages": []}, "messages", "empty_array", None),
        ({"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role", "invalid_value", None),
        ({"messages": [{"role": "user"}]}, "messages[0].content", "missing_required_parameter", None),
        (
            {"messages": [{"role": "tool", "content": "42"}]},
            "messages[0].tool_call_id",
            "missing_required_parameter",
            None,
        ),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop", "array_above_max_length", None),
        ({"stream": "yes"}, "stream", "invalid_type", None),
    ],
)
def test_field_errors(stub, change, param, code, message):
    body = {**GOOD, **change}
    body = {k: v for k, v in body.items() if v is not None}
    r = post(stub, body)
    assert r.status_code == 400
    err = error_of(r)
    assert (err["param"], err["code"], err["type"]) == (param, code, "invalid_request_error")
    if message:
        assert err["message"] == message
    assert r.headers["x-request-id"].startswith("req_")


def test_unknown_argument(stub):
    err = error_of(post(stub, {**GOOD, "temprature": 0}))
    assert err["message"] == "Unrecognized request argument supplied: temprature"


def test_stream_options_without_stream(stub):
    err = error_of(post(stub, {**GOOD, "stream_options": {"include_usage": True}}))
    assert err["param"] == "stream_options"


def test_malformed_json(stub):
    r = post(
        stub,
        content=b'{"model": "' + PLAIN.encode() + b'", "messages": [',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert error_of(r)["message"].startswith("We could not parse the JSON body of your request.")


def test_wrong_content_type(stub):
    r = post(
        stub,
        content=b"model=" + PLAIN.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400
    assert "Content-Type" in error_of(r)["message"]


def test_huge_body_is_413_and_the_server_keeps_serving(stub):
    stub.configure(max_body_bytes=10_000)
    r = post(stub, {**GOOD, "messages": [{"role": "user", "content": "x" * 20_000}]})
    assert r.status_code == 413
    error_of(r)
    assert post(stub, GOOD).status_code == 200


def test_body_not_an_object(stub):
    r = post(stub, [1, 2, 3])
    assert r.status_code == 400
    error_of(r)
