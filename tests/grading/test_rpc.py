"""The channel between the trusted tests and the worker (course/grading/rpc.py), both ends in this process."""

from __future__ import annotations

import inspect
import socket
import threading
import typing
from typing import Literal

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessage
from pydantic import BaseModel, ValidationError

from course.grading import rpc


class StepLimitExceeded(RuntimeError):
    def __init__(self, steps: int) -> None:
        super().__init__(f"still wanted tools after {steps} steps")
        self.steps = steps


class Ticket(BaseModel):
    subject: str
    priority: int


class Lab:
    """What the worker serves: stands in for a lab module."""

    StepLimitExceeded = StepLimitExceeded
    Ticket = Ticket

    def add(self, a, b):
        return a + b

    def mutate(self, history):
        history.append({"role": "user", "content": "sneaky"})
        return len(history)

    def call_back(self, fn, *args):
        return fn(*args)

    def introspect(self, fn):
        hints = typing.get_type_hints(fn)
        return {
            "name": fn.__name__,
            "doc": fn.__doc__,
            "params": list(inspect.signature(fn).parameters),
            "unit": str(hints["unit"]),
        }

    def fail(self, steps):
        raise StepLimitExceeded(steps)

    def reraise(self, fn):
        try:
            fn()
        except openai.RateLimitError as exc:
            return {"status": exc.status_code, "retry_after": exc.response.headers.get("retry-after")}

    def read_attr(self, obj, name):
        return getattr(obj, name)

    def ticket(self, **data):
        return Ticket(**data)


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    trusted = rpc.Peer(a, rpc.TrustedPolicy(), threaded=True)
    worker = rpc.Peer(b, rpc.Policy(), threaded=True)
    lab = Lab()
    worker.import_module = lambda name: lab  # type: ignore[method-assign]
    for peer in (trusted, worker):
        threading.Thread(target=peer.serve_forever, daemon=True).start()
    yield trusted, trusted.request("import", m="lab")
    a.close()
    b.close()


def test_plain_data_and_lab_objects(pair):
    _, lab = pair
    assert lab.add(2, 3) == 5
    assert lab.add([1], [2]) == [1, 2]
    assert lab.add((1,), (2.5,)) == (1, 2.5)
    assert lab.add("a", "é") == "aé"
    assert lab.add(b"\x00", b"\xff") == b"\x00\xff"
    assert lab.call_back(lambda d: d, {1: {"k": None}}) == {1: {"k": None}}


def test_mutated_arguments_are_written_back(pair):
    _, lab = pair
    history = [{"role": "system", "content": "hi"}]
    first = history[0]
    assert lab.mutate(history) == 2
    assert history[-1] == {"role": "user", "content": "sneaky"} and history[0] is first


def test_callbacks_keep_their_signature_hints_and_docstring(pair):
    _, lab = pair

    def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict:
        """Get the weather."""
        return {"city": city, "unit": unit}

    assert lab.call_back(get_weather, "Paris") == {"city": "Paris", "unit": "celsius"}
    got = lab.introspect(get_weather)
    assert got["name"] == "get_weather" and got["doc"] == "Get the weather."
    assert got["params"] == ["city", "unit"] and "celsius" in got["unit"]


def test_lab_exceptions_are_local_classes_with_their_data(pair):
    _, lab = pair
    cls = lab.StepLimitExceeded
    assert issubclass(cls, RuntimeError) and cls.__name__ == "StepLimitExceeded"
    with pytest.raises(cls) as info:
        lab.fail(3)
    assert info.value.steps == 3 and str(info.value) == "still wanted tools after 3 steps"


def test_sdk_errors_cross_with_their_response(pair):
    _, lab = pair
    request = httpx2.Request("POST", "https://api.example.test/v1/chat/completions")
    response = httpx2.Response(429, headers={"retry-after": "7"}, json={"error": {}}, request=request)
    error = openai.RateLimitError("slow down", response=response, body=None)

    def raise_it():
        raise error

    assert lab.reraise(raise_it) == {"status": 429, "retry_after": "7"}


def test_sdk_objects_are_rebuilt_and_pydantic_errors_stay_pydantic(pair):
    _, lab = pair
    message = ChatCompletionMessage(role="assistant", content="hello")
    echoed = lab.call_back(lambda m: m, message)
    assert echoed == message
    ticket = lab.ticket(subject="broken", priority=2)
    assert isinstance(ticket, lab.Ticket) and ticket.priority == 2
    with pytest.raises(ValidationError):
        lab.ticket(subject="x", priority="high")


def test_the_worker_cannot_read_test_objects_or_private_sdk_attributes(pair):
    _, lab = pair

    class Sleeps:
        def __init__(self) -> None:
            self.stub = "the journal"

        def __call__(self, seconds: float) -> None:
            pass

    with pytest.raises((PermissionError, AttributeError)):  # a callable crosses as a function: call-only
        lab.read_attr(Sleeps(), "stub")

    class Holder:
        stub = "the journal"

    with pytest.raises(PermissionError):
        lab.read_attr(Holder(), "stub")
    client = openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    for name in ("_client", "post"):
        with pytest.raises(PermissionError):
            lab.read_attr(client, name)
    assert lab.read_attr(client, "max_retries") == client.max_retries


def test_oversized_and_malformed_messages_close_the_channel():
    a, b = socket.socketpair()
    b.sendall(rpc._HEADER.pack(rpc.MAX_MESSAGE + 1))
    with pytest.raises(rpc.ChannelClosed):
        rpc.recv_message(a)
    b.sendall(rpc._HEADER.pack(2) + b"[]")
    with pytest.raises(rpc.ChannelClosed):
        rpc.recv_message(a)
    peer = rpc.Peer(a, rpc.TrustedPolicy(), threaded=True)
    for bad in (
        {"$": "model", "t": "os:system", "d": {}},
        {"$": "model", "t": "openai._client:OpenAI", "d": {}},
    ):
        with pytest.raises((ValueError, ImportError)):
            peer.decode(bad)
    exc = peer.decode({"$": "exc", "t": "os:_exit", "base": "builtins:ValueError", "str": "x", "args": ["x"]})
    assert type(exc).__name__ == "_exit" and isinstance(exc, ValueError)  # a stand-in, never os._exit
