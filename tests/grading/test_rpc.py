"""The channel between the trusted tests and the worker (course/grading/rpc.py, capabilities.py, labside.py),
both ends in this process: what crosses, what the worker may ask, and what ends the channel."""

from __future__ import annotations

import base64
import datetime
import inspect
import json
import numbers
import pickle
import random
import socket
import threading
import time
import typing
from typing import Literal

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessage
from pydantic import BaseModel, Field, ValidationError

from course.grading import capabilities, labside, rpc
from course.grading.capabilities import lab_may_call
from llm_stub import StubConfig, StubServer
from llm_stub.catalog import DEFAULT_MODEL


class StepLimitExceeded(RuntimeError):
    def __init__(self, steps: int) -> None:
        super().__init__(f"still wanted tools after {steps} steps")
        self.steps = steps


class Ticket(BaseModel):
    subject: str
    priority: int


class Review(BaseModel):
    sentiment: Literal["positive", "negative", "neutral"]
    confidence: float = Field(ge=0, le=1, description="how sure")
    keywords: list[str]


class Tag(BaseModel):
    name: str
    weight: float = 1.0


class Tree(BaseModel):
    label: str
    children: list[Tree] = []


class Catalogue(BaseModel):
    tags: list[Tag]
    parent: Tag | None = None
    tree: Tree
    when: datetime.date | None = None


class Int64(numbers.Integral):
    """An integer type outside Python's own, as numpy's: it follows the numbers protocol, not int."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    __int__ = __index__

    def __eq__(self, other: object) -> bool:
        return self.value == other

    __hash__ = None  # type: ignore[assignment]

    def __abs__(self): ...
    def __add__(self, o): ...
    def __and__(self, o): ...
    def __ceil__(self): ...
    def __floor__(self): ...
    def __floordiv__(self, o): ...
    def __invert__(self): ...
    def __le__(self, o): ...
    def __lshift__(self, o): ...
    def __lt__(self, o): ...
    def __mod__(self, o): ...
    def __mul__(self, o): ...
    def __neg__(self): ...
    def __or__(self, o): ...
    def __pos__(self): ...
    def __pow__(self, o, m=None): ...
    def __radd__(self, o): ...
    def __rand__(self, o): ...
    def __rfloordiv__(self, o): ...
    def __rlshift__(self, o): ...
    def __rmod__(self, o): ...
    def __rmul__(self, o): ...
    def __ror__(self, o): ...
    def __round__(self, n=None): ...
    def __rpow__(self, o): ...
    def __rrshift__(self, o): ...
    def __rshift__(self, o): ...
    def __rtruediv__(self, o): ...
    def __rxor__(self, o): ...
    def __truediv__(self, o): ...
    def __trunc__(self): ...
    def __xor__(self, o): ...


class Shelf:
    """A lab object with item access and membership of its own."""

    def __init__(self, items: list) -> None:
        self.items = list(items)

    def __getitem__(self, i: int):
        return self.items[i]

    def __contains__(self, item) -> bool:
        return item in self.items

    def __len__(self) -> int:
        return len(self.items)


class Lab:
    """What the worker serves: stands in for a lab module."""

    StepLimitExceeded = StepLimitExceeded

    def __init__(self) -> None:
        self.peer: labside.WorkerPeer | None = None

    def add(self, a, b):
        return a + b

    def shelf(self, items):
        return Shelf(items)

    def keep(self, fn):
        self.kept = fn

    def call_kept(self):
        return self.kept()

    def echo(self, value):
        return value

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

    def interrupt(self):
        raise KeyboardInterrupt("from the lab")

    def bad_import_error(self):
        raise ModuleNotFoundError("no module", name="labs.x")

    def reraise(self, fn):
        try:
            fn()
        except openai.RateLimitError as exc:
            return {"status": exc.status_code, "retry_after": exc.response.headers.get("retry-after")}

    def try_attr(self, obj, name):
        return getattr(obj, name)

    def validate(self, model, data):
        return model.model_validate(data)

    def schema(self, model):
        return model.model_json_schema()

    def model_name(self, model):
        return model.__name__

    def pickle_through(self, model, payload):
        return model.parse_raw(payload, content_type="application/pickle", allow_pickle=True)

    def patch_eq(self, model):
        model.__eq__ = lambda self, other: True
        return model.model_construct()

    def consume(self, items):
        return [x for x in items]

    def numpy_like(self, n):
        return Int64(n)

    def chat(self, client, **options):
        reply = client.chat.completions.create(
            model=DEFAULT_MODEL, messages=[{"role": "user", "content": "Please greet Ada."}], **options
        )
        return reply.choices[0].message.content

    def stream(self, client):
        stream = client.chat.completions.create(
            model=DEFAULT_MODEL,
            messages=[{"role": "user", "content": "Describe a river at dawn."}],
            stream=True,
        )
        return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)

    def elsewhere(self, client, base_url):
        return self.chat(client.with_options(base_url=base_url))

    def raw(self, client, method, path):
        return client._client.request(method, str(client.base_url) + path).status_code

    def send_frame(self, frame):
        data = json.dumps(frame).encode()
        rpc.send_message(self.peer.sock, self.peer.send_lock, frame) if len(data) < rpc.MAX_FRAME else None
        time.sleep(0.3)
        return "sent"

    def send_bytes(self, raw):
        with self.peer.send_lock:
            self.peer.sock.sendall(raw)
        time.sleep(0.3)
        return "sent"


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    incidents: list[str] = []
    violations: list[str] = []
    trusted = capabilities.TrustedPeer(a, on_incident=incidents.append)
    trusted.on_violation = violations.append
    worker = labside.WorkerPeer(b)
    lab = Lab()
    lab.peer = worker
    worker.import_module = lambda name: lab
    for peer in (trusted, worker):
        threading.Thread(target=peer.serve_forever, daemon=True).start()
    yield trusted, trusted.request("import", m="lab"), incidents, violations
    a.close()
    b.close()


@pytest.fixture(scope="module")
def stub():
    with StubServer(StubConfig()) as server:
        yield server


# ---------------------------------------------------------------------------- data


def test_plain_data_and_lab_objects(pair):
    _, lab, _, _ = pair
    assert lab.add(2, 3) == 5
    assert lab.add([1], [2]) == [1, 2]
    assert lab.add((1,), (2.5,)) == (1, 2.5)
    assert lab.add("a", "é") == "aé"
    assert lab.add(b"\x00", b"\xff") == b"\x00\xff"
    day = datetime.date(2024, 2, 29)
    assert lab.add(day, datetime.timedelta(days=1)) == datetime.date(2024, 3, 1)
    assert lab.call_back(lab_may_call(lambda d: d), {1: {"k": None}}) == {1: {"k": None}}


def test_subscripting_and_membership_of_a_lab_object(pair):
    """The request's key travels in its own field (it once overwrote the message's kind, and hung)."""
    _, lab, _, _ = pair
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    keys = [f"k{rng.randrange(1000)}" for _ in range(rng.randint(1, 6))]
    shelf = lab.shelf(keys)  # a lab object (not a built-in value): a handle
    assert [shelf[i] for i in range(len(keys))] == keys, f"seed {seed}"
    assert all(k in shelf for k in keys) and "missing" not in shelf, f"seed {seed}"
    assert len(shelf) == len(keys)


def test_numbers_that_follow_the_numbers_protocol_compare_as_their_value(pair):
    _, lab, _, _ = pair
    for n in (0, 3, -12, 10**12):
        got = lab.numpy_like(n)
        assert type(got) is int and got == n


def test_mutated_arguments_are_written_back(pair):
    _, lab, _, _ = pair
    history = [{"role": "system", "content": "hi"}]
    first = history[0]
    assert lab.mutate(history) == 2
    assert history[-1] == {"role": "user", "content": "sneaky"} and history[0] is first


# ---------------------------------------------------------------------------- callbacks


def test_marked_callbacks_keep_their_signature_hints_and_docstring(pair):
    _, lab, _, _ = pair

    @lab_may_call
    def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict:
        """Get the weather."""
        return {"city": city, "unit": unit}

    assert lab.call_back(get_weather, "Paris") == {"city": "Paris", "unit": "celsius"}
    got = lab.introspect(get_weather)
    assert got["name"] == "get_weather" and got["doc"] == "Get the weather."
    assert got["params"] == ["city", "unit"] and "celsius" in got["unit"]


def test_an_unmarked_function_can_be_inspected_but_not_called(pair):
    _, lab, _, _ = pair
    calls = []

    def book(day: str, seats: int = 2) -> str:
        """Book a table."""
        calls.append(day)
        return "booked"

    assert lab.introspect.__name__ == "introspect"
    assert lab.model_name(book) == "book"
    with pytest.raises(PermissionError, match="book"):
        lab.call_back(book, "monday")
    assert calls == []


def test_callbacks_built_ins_and_callable_objects_can_be_marked(pair):
    _, lab, _, _ = pair
    pieces: list[str] = []
    lab.call_back(lab_may_call(pieces.append), "a")

    @lab_may_call
    class Clock:
        now = 5.0

        def __call__(self) -> float:
            return self.now

    assert lab.call_back(Clock()) == 5.0 and pieces == ["a"]


def test_the_worker_cannot_read_attributes_of_a_callback(pair):
    _, lab, _, _ = pair

    @lab_may_call
    class Sleeps:
        secret = "the journal"

        def __call__(self, seconds: float) -> None:
            pass

    with pytest.raises(AttributeError):
        lab.try_attr(Sleeps(), "secret")


# ---------------------------------------------------------------------------- exceptions


def test_lab_exceptions_are_local_classes_with_their_data(pair):
    _, lab, _, _ = pair
    cls = lab.StepLimitExceeded
    assert issubclass(cls, RuntimeError) and cls.__name__ == "StepLimitExceeded"
    with pytest.raises(cls) as info:
        lab.fail(3)
    assert info.value.steps == 3 and str(info.value) == "still wanted tools after 3 steps"


def test_a_keyboard_interrupt_from_the_lab_is_an_error_not_an_interrupt(pair):
    _, lab, incidents, _ = pair
    with pytest.raises(Exception) as info:  # noqa: PT011 - the point: an Exception, not KeyboardInterrupt
        lab.interrupt()
    assert not isinstance(info.value, KeyboardInterrupt) and type(info.value).__name__ == "KeyboardInterrupt"
    assert any("KeyboardInterrupt" in i for i in incidents)


def test_exception_attributes_from_the_lab_never_replace_the_class_own(pair):
    trusted, _, _, _ = pair
    exc = trusted.decode_exception(
        {
            "$": "exc",
            "t": "builtins:ModuleNotFoundError",
            "str": "x",
            "args": ["x"],
            "import": [5, None],
            "attrs": {"name": 5, "msg": 7, "attempts": 3},
        }
    )
    assert exc.name is None and exc.attempts == 3 and isinstance(exc.msg, str)


def test_sdk_errors_cross_with_their_response(pair):
    _, lab, _, _ = pair
    request = httpx2.Request("POST", "https://api.example.test/v1/chat/completions")
    response = httpx2.Response(429, headers={"retry-after": "7"}, json={"error": {}}, request=request)
    error = openai.RateLimitError("slow down", response=response, body=None)

    def raise_it():
        raise error

    assert lab.reraise(lab_may_call(raise_it)) == {"status": 429, "retry_after": "7"}


def test_a_tests_exception_class_comes_back_as_itself(pair):
    _, lab, _, _ = pair

    class Runaway(BaseException):
        pass

    @lab_may_call
    def tool():
        raise Runaway

    with pytest.raises(Runaway):
        lab.call_back(tool)


# ---------------------------------------------------------------------------- classes of the tests


def test_sdk_objects_are_rebuilt_and_pydantic_errors_stay_pydantic(pair):
    _, lab, _, _ = pair
    message = ChatCompletionMessage(role="assistant", content="hello")
    assert lab.echo(message) == message
    got = lab.validate(Ticket, {"subject": "broken", "priority": "2"})
    assert isinstance(got, Ticket) and got == Ticket(subject="broken", priority=2)
    with pytest.raises(ValidationError):
        lab.validate(Ticket, {"subject": "x", "priority": "high"})


@pytest.mark.parametrize("model", [Ticket, Review, Catalogue])
def test_a_tests_pydantic_class_reaches_the_lab_as_its_definition(pair, model):
    _, lab, _, _ = pair
    assert lab.schema(model) == model.model_json_schema()
    assert lab.model_name(model) == model.__name__
    assert lab.echo(model) is model  # handed back, it is the tests' class itself


def _review_data(rng: random.Random) -> dict:
    return {
        "sentiment": rng.choice(["positive", "negative", "neutral", "great", 3]),
        "confidence": rng.choice([0, 0.5, 1, 1.5, -0.1, "0.3", "x"]),
        "keywords": rng.choice([[], ["a", "b"], "a", [1], None]),
        **({"extra": 1} if rng.random() < 0.2 else {}),
    }


def _catalogue_data(rng: random.Random, depth: int = 0) -> dict:
    tree = {"label": rng.choice(["a", 1])}
    if depth < 3 and rng.random() < 0.6:
        tree["children"] = [_catalogue_data(rng, depth + 1)["tree"] for _ in range(rng.randint(0, 2))]
    data = {"tags": [{"name": rng.choice(["x", 5]), "weight": rng.choice([1, "2", "w"])}] * rng.randint(0, 2)}
    data["tree"] = tree
    if rng.random() < 0.5:
        data["parent"] = rng.choice([None, {"name": "p"}, {"weight": 2}])
    if rng.random() < 0.5:
        data["when"] = rng.choice(["2024-01-31", "yesterday", None])
    return data


@pytest.mark.parametrize(("model", "make"), [(Review, _review_data), (Catalogue, _catalogue_data)])
def test_a_rebuilt_class_accepts_and_refuses_what_the_original_does(model, make):
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    rebuilt = labside.model_from_schema(model.__name__, model.model_json_schema())
    for _ in range(200):
        data = make(rng)
        try:
            want = model.model_validate(data).model_dump(mode="json")
        except ValidationError:
            want = None
        try:
            got = rebuilt.model_validate(data).model_dump(mode="json")
        except ValidationError:
            got = None
        assert got == want, f"seed {seed}: {data!r}: the tests' class gives {want!r}, the rebuilt one {got!r}"


def test_pickle_from_the_lab_never_runs_in_the_tests_process(pair):
    _, lab, _, _ = pair
    ran = []

    class Boom:
        def __reduce__(self):
            return (ran.append, ("ran",))

    payload = pickle.dumps(Boom())
    with pytest.raises(Exception):  # noqa: B017,PT011 - whatever the worker makes of it
        lab.pickle_through(Ticket, payload)
    assert ran == []


def test_a_lab_that_patches_a_tests_class_patches_its_own_copy(pair):
    _, lab, _, _ = pair
    before = Ticket.__eq__
    with pytest.raises(ValidationError):
        lab.patch_eq(Ticket)  # an empty Ticket comes back: validated here, it is no Ticket
    assert Ticket.__eq__ is before
    assert Ticket(subject="a", priority=1) != Ticket(subject="b", priority=2)


def test_an_iterator_of_the_tests_is_read_item_by_item(pair):
    _, lab, _, _ = pair
    pulled = []

    def items():
        for i in range(4):
            pulled.append(i)
            yield {"i": i}

    assert lab.consume(items()) == [{"i": i} for i in range(4)] and pulled == [0, 1, 2, 3]


def test_an_object_the_grader_cannot_hand_over_is_an_error_in_the_test(pair):
    _, lab, _, _ = pair
    with pytest.raises(TypeError, match="cannot hand"):
        lab.echo(threading.Lock())


# ---------------------------------------------------------------------------- the client


def test_the_lab_sends_requests_through_the_tests_client(pair, stub):
    _, lab, _, _ = pair
    stub.reset()
    client = openai.OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=10)
    assert "Ada" in lab.chat(client)
    assert lab.stream(client)
    bodies = stub.requests()
    assert [b["messages"][0]["content"] for b in bodies] == ["Please greet Ada.", "Describe a river at dawn."]


def test_headers_of_the_lab_do_not_reach_the_server(pair, stub):
    _, lab, _, _ = pair
    stub.reset()
    client = openai.OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=10)
    lab.chat(client, extra_headers={"x-stub-fault": "500", "authorization": "Bearer stolen"})  # no 500
    entry = stub.journal()[-1]
    assert entry["status"] == 200


def test_the_tests_client_headers_do_reach_the_server(pair, stub):
    _, lab, _, _ = pair
    stub.reset()
    stub.add_fault(["429"], plan_id="plan-x")
    client = openai.OpenAI(
        base_url=stub.base_url,
        api_key=stub.api_key,
        max_retries=0,
        default_headers={"x-stub-fault-id": "plan-x"},
    )
    with pytest.raises(openai.RateLimitError):
        lab.chat(client)


@pytest.mark.parametrize(
    "where",
    ["http://127.0.0.1:9/v1", "http://169.254.169.254/latest/", "{stub}/_stub/", "{root}/_stub/"],
)
def test_a_request_to_another_server_is_refused(pair, stub, where):
    _, lab, incidents, _ = pair
    client = openai.OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=5)
    root = stub.base_url.removesuffix("/v1")
    with pytest.raises(PermissionError, match="tests' own server|labs use only"):
        lab.elsewhere(client, where.format(stub=stub.base_url, root=root))
    assert incidents and incidents[-1].startswith("refused: send")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "models"), ("DELETE", "responses/resp_1"), ("POST", "files"), ("GET", "chat/completions?x=1")],
)
def test_only_the_endpoints_the_labs_use_are_served(pair, stub, method, path):
    _, lab, _, _ = pair
    client = openai.OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=5)
    with pytest.raises(PermissionError):
        lab.raw(client, method, path)


# ---------------------------------------------------------------------------- the channel


def test_oversized_and_malformed_frames_are_protocol_errors():
    a, b = socket.socketpair()
    b.sendall(rpc._HEADER.pack(rpc.MAX_FRAME + 1))
    with pytest.raises(rpc.ProtocolError):
        rpc.recv_message(a)
    for raw in (b"[]", b"{nope", b'{"kind": "shout"}', b"[" * 100_000):
        b.sendall(rpc._HEADER.pack(len(raw)) + raw)
        with pytest.raises(rpc.ProtocolError):
            rpc.recv_message(a)
    peer = capabilities.TrustedPeer(a)
    for bad in (
        {"$": "model", "t": "os:system", "d": {}},
        {"$": "model", "t": "openai._client:OpenAI", "d": {}},
    ):
        with pytest.raises((ValueError, ImportError)):
            peer.decode(bad)
    with pytest.raises(rpc.ProtocolError):
        peer.decode({"$": "pickle", "b": ""})
    exc = peer.decode({"$": "exc", "t": "os:_exit", "base": "builtins:ValueError", "str": "x", "args": ["x"]})
    assert type(exc).__name__ == "_exit" and isinstance(exc, ValueError)  # a stand-in, never os._exit


@pytest.mark.parametrize(
    ("frame", "why"),
    [
        ({"kind": "ret", "re": 10**9, "v": "forged"}, "never made"),
        ({"kind": "err", "re": 10**9, "e": {}}, "never made"),
        ({"kind": "req", "id": 1, "op": "getattr", "h": 1, "n": "__class__"}, "does not serve"),
        ({"kind": "req", "id": 1, "op": "setattr", "h": 1, "n": "x", "v": 1}, "does not serve"),
        ({"kind": "req", "id": 1, "op": "import", "m": "os"}, "does not serve"),
        ({"kind": "whisper"}, "no known kind"),
    ],
)
def test_what_the_protocol_does_not_allow_ends_the_channel(pair, frame, why):
    trusted, lab, _, violations = pair
    try:
        lab.send_frame(frame)
    except (rpc.ChannelClosed, ReferenceError):
        pass
    deadline = time.monotonic() + 5
    while not violations and time.monotonic() < deadline:
        time.sleep(0.02)
    assert violations and why in violations[0]
    assert isinstance(trusted.closed, rpc.ProtocolError)
    with pytest.raises(rpc.ChannelClosed):
        lab.add(1, 2)


def test_a_reply_is_accepted_once_for_a_request_that_is_waiting(pair):
    trusted, lab, _, violations = pair
    rid = next(trusted.ids) + 1  # the id of the next request: not made yet
    try:
        lab.send_frame({"kind": "ret", "re": rid, "v": "forged"})
    except rpc.ChannelClosed:
        pass
    time.sleep(0.2)
    assert violations, "a reply to a request not yet made was kept"


def test_too_many_requests_at_once_end_the_channel(pair):
    trusted, lab, _, violations = pair
    frames = b"".join(
        rpc._HEADER.pack(len(raw)) + raw
        for raw in (
            json.dumps({"kind": "req", "id": i, "op": "next", "h": 999999}).encode()
            for i in range(rpc.MAX_PENDING * 4)
        )
    )
    try:
        lab.send_bytes(frames)
    except rpc.ChannelClosed:
        pass
    time.sleep(0.3)
    assert any("at once" in v for v in violations) or all(
        "no longer exists" in v for v in violations
    )  # either the flood, or every request answered with an error fast enough


def test_handles_of_a_test_are_forgotten_after_it(pair):
    trusted, lab, _, _ = pair

    @lab_may_call
    def f():
        return 1

    lab.keep(f)  # the lab keeps the callback past the end of the test
    assert lab.call_kept() == 1
    trusted.end_of_test()
    assert trusted.objects == {} and trusted.kinds == {}
    with pytest.raises(ReferenceError):
        lab.call_kept()


def test_a_frame_is_capped_in_both_directions(pair):
    _, lab, _, _ = pair
    with pytest.raises(ValueError, match="too big"):
        lab.echo("x" * (rpc.MAX_FRAME + 1))
    with pytest.raises(ValueError, match="too big"):
        lab.add("x" * (rpc.MAX_FRAME // 2 + 10), "y" * (rpc.MAX_FRAME // 2 + 10))


def test_a_body_is_json_and_under_the_cap():
    with pytest.raises(PermissionError):
        capabilities._json_body(base64.b64encode(b"\x80\x04pickle").decode(), "POST")
    with pytest.raises(PermissionError):
        capabilities._json_body(base64.b64encode(b"[1, 2]").decode(), "POST")
    assert capabilities._json_body(base64.b64encode(b'{"a": 1}').decode(), "POST") == {"a": 1}
