"""The bytes on the wire are the same on every HTTP stack the stub can run on (llm_stub/stack.py).

The stub runs on uvicorn with httptools and uvloop where they are installed, and on h11 and the standard
asyncio loop where they are not (Windows has no uvloop; a plain environment may lack both). Each test here
sends raw requests over a socket to a stub on each installed stack and to one on the plain stack (h11 and
asyncio, the reference), and checks the answers on the wire: status lines, the stub's own headers in order
and case, framing (content-length, chunked with one SSE frame per chunk, or close-delimited for HTTP/1.0),
raw UTF-8, keep-alive, pipelining, malformed requests, clients that leave early. Values that vary per request
(ids, dates, timings, obfuscation padding) are masked before the comparison.
"""

from __future__ import annotations

import json
import logging
import random
import re
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from llm_stub import StubServer, stack

from .models import PLAIN

MODEL = PLAIN  # takes tools and sampling at its defaults (tests/stub/models.py)
STACKS = [(loop, http) for loop in stack.INSTALLED_LOOPS for http in stack.INSTALLED_PARSERS]
PLAIN = ("asyncio", "h11")
# What the server adds or decides itself; their names are compared without case (RFC 9110 section 5.1: field
# names are case-insensitive; h11 writes "Transfer-Encoding", httptools "transfer-encoding").
FRAMING = {b"connection", b"transfer-encoding"}
SEED = random.randrange(2**32)
QUESTIONS = [
    "What is a token?",
    "Explain streaming in two sentences.",
    "Ich heiße Zoë. Was ist ein Kontextfenster?",
    "日本語で「温度」とは何ですか？",
    "Give one example of a JSON schema — briefly.",
]


@pytest.fixture(scope="module")
def reference():
    with StubServer(loop=PLAIN[0], http=PLAIN[1]) as stub:
        yield stub


@pytest.fixture(scope="module", params=STACKS, ids=["-".join(s) for s in STACKS])
def stub(request):
    with StubServer(loop=request.param[0], http=request.param[1]) as stub:
        yield stub


@pytest.fixture
def rng():
    print(f"questions drawn with seed {SEED}")  # shown with a failure
    return random.Random(SEED)


# --- a small HTTP/1.x reader: what the client really receives -------------------------------------------


@dataclass
class Answer:
    status: bytes
    headers: list[tuple[bytes, bytes]]
    framing: str  # "length", "chunked" or "close"
    parts: list[bytes] = field(default_factory=list)  # the body as sent: one part per chunk when chunked

    @property
    def body(self) -> bytes:
        return b"".join(self.parts)

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.encode():
                return v.decode("latin-1")
        return None


def read_answers(data: bytes) -> tuple[list[Answer], bytes]:
    """Every whole response in ``data`` (pipelined ones in order), and whatever is left over (the start of an
    answer still arriving). A close-delimited answer takes the rest of the data."""
    answers = []
    while data:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            break
        lines = data[:end].split(b"\r\n")
        headers = [tuple(line.split(b": ", 1)) for line in lines[1:]]
        rest = data[end + 4 :]
        names = {k.lower(): v for k, v in headers}
        if b"content-length" in names:
            n = int(names[b"content-length"])
            if len(rest) < n:
                break
            answers.append(Answer(lines[0], headers, "length", [rest[:n]]))
            data = rest[n:]
        elif names.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while (size_end := rest.find(b"\r\n")) >= 0:
                size = int(rest[:size_end], 16)
                if size == 0:
                    break
                if len(rest) < size_end + 2 + size + 2:
                    size_end = -1
                    break
                parts.append(rest[size_end + 2 : size_end + 2 + size])
                rest = rest[size_end + 2 + size + 2 :]
            if size_end < 0 or not rest.startswith(b"0\r\n\r\n"):
                break  # not all there yet
            answers.append(Answer(lines[0], headers, "chunked", parts))
            data = rest[5:]
        else:  # close-delimited: the body is everything until the server closes
            answers.append(Answer(lines[0], headers, "close", [rest]))
            data = b""
    return answers, data


def exchange(server: StubServer, raw: bytes, expect: int = 1, *, shut: bool = False) -> bytes:
    """Send ``raw`` on a new connection; read until ``expect`` whole answers are in (a keep-alive connection
    stays open) or the server closes the connection."""
    url = urlsplit(server.base_url)
    received = b""
    with socket.create_connection((url.hostname, url.port), timeout=60) as s:
        s.sendall(raw)
        if shut:
            s.shutdown(socket.SHUT_WR)
        while chunk := s.recv(65536):
            received += chunk
            answers, _ = read_answers(received)
            if len(answers) >= expect and answers[-1].framing != "close":
                break
    return received


def post(
    body: dict, *, version: str = "1.1", extra: str = "", key: str = "sk-stub", host: bool = True
) -> bytes:
    data = json.dumps(body, ensure_ascii=False).encode()
    head = f"POST /v1/chat/completions HTTP/{version}\r\n"
    head += "Host: 127.0.0.1\r\n" if host else ""
    head += f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n{extra}"
    return (head + f"Content-Length: {len(data)}\r\n\r\n").encode() + data


def chat(question: str, **fields) -> dict:
    return {"model": MODEL, "messages": [{"role": "user", "content": question}], **fields}


_VARYING = [
    (re.compile(rb'"(id|created|obfuscation|system_fingerprint)":("[^"]*"|\d+)'), rb'"\1":"*"'),
    (re.compile(rb"req_[0-9a-f]+"), b"req_*"),
]
_VARYING_HEADERS = {b"date", b"x-request-id", b"openai-processing-ms"}


def masked(answer: Answer) -> tuple:
    """What must be the same on every stack: status, headers in order (the stub's own with their case,
    framing ones without), how the body is framed, and every part of it, with per-request values masked."""
    headers = []
    for name, value in answer.headers:
        if name.lower() in FRAMING:
            name, value = name.lower(), value.lower()
        headers.append((name, b"*" if name in _VARYING_HEADERS else value))
    parts = []
    for part in answer.parts:
        for pattern, replacement in _VARYING:
            part = pattern.sub(replacement, part)
        parts.append(part)
    return answer.status, headers, answer.framing, parts


def same_on_both(stub: StubServer, reference: StubServer, raw: bytes, expect: int = 1) -> list[Answer]:
    ours, rest = read_answers(exchange(stub, raw, expect))
    theirs, rest_ref = read_answers(exchange(reference, raw, expect))
    assert [masked(a) for a in ours] == [masked(a) for a in theirs], f"{stub.stack} differs from {PLAIN}"
    assert rest == rest_ref == b""
    return ours


# --- the tests -----------------------------------------------------------------------------------------


def test_completion_headers_in_order_and_lower_case(stub, reference, rng):
    (answer,) = same_on_both(stub, reference, post(chat(rng.choice(QUESTIONS))))
    assert answer.status == b"HTTP/1.1 200 OK" and answer.framing == "length"
    names = [k for k, _ in answer.headers]
    assert names == [
        b"date",
        b"server",
        b"x-request-id",
        b"openai-version",
        b"openai-processing-ms",
        b"content-length",
        b"content-type",
    ]
    assert json.loads(answer.body)["object"] == "chat.completion"


def test_stream_is_one_sse_frame_per_chunk_in_raw_utf8(stub, reference, rng):
    question = rng.choice(QUESTIONS[2:])  # the ones with non-ASCII letters
    (answer,) = same_on_both(stub, reference, post(chat(question, stream=True)))
    assert answer.framing == "chunked"
    assert [k.lower() for k, _ in answer.headers] == [
        b"date",
        b"server",
        b"content-type",
        b"x-request-id",
        b"openai-version",
        b"cache-control",
        b"transfer-encoding",
    ]
    assert answer.header("content-type") == "text/event-stream; charset=utf-8"
    assert all(
        p.startswith(b"data: ") and p.endswith(b"\n\n") and p.count(b"\n\n") == 1 for p in answer.parts
    )
    assert answer.parts[-1] == b"data: [DONE]\n\n"
    assert b"\\u" not in answer.body, "non-ASCII text must travel as raw UTF-8, not \\u escapes"
    chunks = [json.loads(p.removeprefix(b"data: ")) for p in answer.parts[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text and all(ch.encode() in answer.body for ch in text if ord(ch) > 127)


def test_keep_alive_serves_several_requests_on_one_connection(stub, reference, rng):
    questions = rng.sample(QUESTIONS, 3)
    raw = b"".join(post(chat(q, stream=i == 1)) for i, q in enumerate(questions))  # pipelined: one write
    answers = same_on_both(stub, reference, raw, expect=3)
    assert [a.framing for a in answers] == ["length", "chunked", "length"]
    # in order: each answer is the one to its request (the journal keeps the request ids and bodies)
    entries = stub.journal()[-3:]
    assert [e["request_id"] for e in entries] == [a.header("x-request-id") for a in answers]
    assert [e["body"]["messages"][0]["content"] for e in entries] == questions


def test_http_1_0_create_is_answered_and_closed(stub, reference, rng):
    (answer,) = same_on_both(stub, reference, post(chat(rng.choice(QUESTIONS)), version="1.0"))
    assert answer.status == b"HTTP/1.1 200 OK" and answer.framing == "length"
    assert answer.header("connection").lower() == "close"


def test_http_1_0_stream_is_close_delimited(stub, reference, rng):
    # an HTTP/1.0 client cannot read chunked encoding (RFC 9112 section 7.1): the body ends when the
    # connection does
    (answer,) = same_on_both(stub, reference, post(chat(rng.choice(QUESTIONS), stream=True), version="1.0"))
    assert answer.framing == "close", answer.headers
    assert answer.body.endswith(b"data: [DONE]\n\n") and b"\r\n" not in answer.body


def test_connection_close_from_the_client(stub, reference, rng):
    (answer,) = same_on_both(
        stub, reference, post(chat(rng.choice(QUESTIONS)), extra="Connection: close\r\n")
    )
    assert answer.header("connection").lower() == "close"


@pytest.mark.parametrize(
    "raw",
    [
        b"HELLO\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost : x\r\n\r\n",
    ],
    ids=["request-line", "header-without-colon", "bad-content-length", "space-before-colon"],
)
def test_malformed_requests_get_a_400_and_the_server_goes_on(stub, raw, caplog):
    # the ASGI server answers these itself, before the stub sees a request: each parser writes its own 400
    # (h11 without date and length, httptools with them), so only the contract is compared
    with caplog.at_level(logging.WARNING):
        received = exchange(stub, raw)  # read until the server closes the connection
    (answer,), _ = read_answers(received)
    assert answer.status == b"HTTP/1.1 400 Bad Request"
    assert answer.body == b"Invalid HTTP request received."
    assert answer.header("connection").lower() == "close"
    assert "Traceback" not in caplog.text
    (ok,) = read_answers(exchange(stub, post(chat("still there?"))))[0]
    assert ok.status == b"HTTP/1.1 200 OK"


def test_missing_host_on_http_1_1(stub):
    # RFC 9112 section 3.2: a server MUST answer an HTTP/1.1 request without Host with 400 (h11 does; the
    # stub's httptools protocol does too, llm_stub/stack.py)
    (answer,), _ = read_answers(exchange(stub, post(chat("hello"), host=False)))
    assert answer.status == b"HTTP/1.1 400 Bad Request"
    assert read_answers(exchange(stub, post(chat("hello"), version="1.0", host=False)))[0][0].status.endswith(
        b"200 OK"
    ), "HTTP/1.0 has no Host header: its requests are served without one"


def test_bad_json_gets_the_api_error_shape(stub, reference):
    data = b'{"model": "' + MODEL.encode() + b'", "messages": [}'
    raw = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-stub\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(data), data)
    )
    (answer,) = same_on_both(stub, reference, raw)
    assert answer.status == b"HTTP/1.1 400 Bad Request"
    assert set(json.loads(answer.body)["error"]) == {"message", "type", "param", "code"}


def test_body_shorter_than_its_length(stub, reference, caplog):
    data = json.dumps(chat("hello")).encode()
    raw = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-stub\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(data) + 50, data)
    )
    with caplog.at_level(logging.WARNING):
        for server in (stub, reference):
            answer = exchange(server, raw, shut=True)  # read until the server closes
            assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert "Traceback" not in caplog.text
    assert read_answers(exchange(stub, post(chat("still there?"))))[0][0].status == b"HTTP/1.1 200 OK"


def test_client_leaving_mid_stream(stub, capfd):
    # a learner's `break` out of a paced stream: the stub stops generating, logs nothing, serves on
    stub.configure(time_per_token=0.005)
    try:
        url = urlsplit(stub.base_url)
        for _ in range(3):
            with socket.create_connection((url.hostname, url.port), timeout=20) as s:
                essay = chat(
                    "Write a long essay about rivers, mountains and the sea.",
                    stream=True,
                    max_completion_tokens=3000,
                )
                s.sendall(post(essay))
                seen = b""
                while seen.count(b"data: ") < 3:
                    got = s.recv(65536)
                    assert got, f"the stub closed the connection before streaming: {seen[:300]!r}"
                    seen += got
        time.sleep(0.3)
        entries = stub.journal()[-3:]
        assert all(e["extra"].get("client_disconnected") for e in entries), [e["extra"] for e in entries]
    finally:
        stub.configure(time_per_token=0.0)
    (ok,) = read_answers(exchange(stub, post(chat("still there?"))))[0]
    assert ok.status == b"HTTP/1.1 200 OK"
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "socket.send" not in out + err
