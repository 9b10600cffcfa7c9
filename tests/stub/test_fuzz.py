"""Property-based: malformed request bodies never get a 5xx, always get the error shape, and never stop the server."""

from __future__ import annotations

import json

import httpx2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .models import PLAIN

GOOD = {"model": PLAIN, "messages": [{"role": "user", "content": "hello"}]}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "model",
    "messages",
    "temperature",
    "n",
    "max_tokens",
    "max_completion_tokens",
    "stop",
    "stream",
    "stream_options",
    "seed",
    "response_format",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "top_p",
]


def _message_variants():
    part = st.fixed_dictionaries({"type": st.sampled_from(["text", "image_url", "x"]), "text": json_values})
    return st.fixed_dictionaries(
        {"role": st.sampled_from(["system", "user", "assistant", "tool", "developer", "bogus"])},
        optional={
            "content": json_values | st.lists(part, max_size=3),
            "tool_call_id": json_values,
            "tool_calls": json_values,
            "name": json_values,
        },
    )


bodies = st.one_of(
    json_values,
    st.builds(lambda field, value: {**GOOD, field: value}, st.sampled_from(FIELDS), json_values),
    st.builds(lambda msgs: {**GOOD, "messages": msgs}, st.lists(_message_variants(), max_size=4)),
)


def _check(stub_server, response):
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"message", "type", "param", "code"}
        assert isinstance(error["message"], str) and error["message"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_json_bodies(stub_server, body):
    headers = {"Authorization": f"Bearer {stub_server.api_key}"}
    r = httpx2.post(
        stub_server.base_url + "/chat/completions",
        content=json.dumps(body),
        headers={**headers, "Content-Type": "application/json"},
        timeout=30,
    )
    _check(stub_server, r)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_raw_bytes(stub_server, raw):
    headers = {"Authorization": f"Bearer {stub_server.api_key}", "Content-Type": "application/json"}
    r = httpx2.post(stub_server.base_url + "/chat/completions", content=raw, headers=headers, timeout=30)
    _check(stub_server, r)


def test_still_serving_after_the_fuzzing(stub_server):
    headers = {"Authorization": f"Bearer {stub_server.api_key}"}
    r = httpx2.post(stub_server.base_url + "/chat/completions", json=GOOD, headers=headers)
    assert r.status_code == 200
