"""The same-stack yardstick: the least a server can do to answer the SDK, on the stub's own ASGI server.

    python -m bench.reference_server --port 0 [--canned FILE] [--loop L] [--http P]

It runs on uvicorn with the event loop and HTTP parser the stub chooses (``llm_stub.stack``, or ``--loop``
and ``--http`` as the stub was told), so the stub's ratio to it is the stub's own work per request.

It does no work per request: it reads the body, then sends bytes prepared at start-up. With ``--canned``
(a JSON file of answers that ``bench.stub_throughput`` records from the stub itself, one per question) it
answers request ``x-bench-question: i`` with exactly the stub's bytes for question i: the same completion
body and the same number of SSE frames (each sent as its own body message, as the stub does), with the same
response headers.
Without it, a small built-in reply.
"""

from __future__ import annotations

import argparse
import json
import time

import uvicorn

from llm_stub import stack
from llm_stub.catalog import DEFAULT_MODEL

CANNED = {
    "id": "chatcmpl-reference",
    "object": "chat.completion",
    "created": int(time.time()),
    "model": DEFAULT_MODEL,
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "Hello! How can I help you today?",
                "refusal": None,
                "annotations": [],
            },
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 8, "completion_tokens": 9, "total_tokens": 17},
}


def _chunk(delta: dict, finish: str | None = None) -> bytes:
    chunk = {
        "id": "chatcmpl-reference",
        "object": "chat.completion.chunk",
        "created": CANNED["created"],
        "model": DEFAULT_MODEL,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


BODY = json.dumps(CANNED).encode()
STREAM = (
    [_chunk({"role": "assistant", "content": ""})]
    + [_chunk({"content": p}) for p in ["Hello", "!", " How", " can", " I", " help", " you", " today", "?"]]
    + [_chunk({}, "stop"), b"data: [DONE]\n\n"]
)


BODY_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]
STREAM_HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8")]
# (body, body headers, stream frames, stream headers) per recorded answer; index 0 also answers unknown requests
ANSWERS = [(BODY, BODY_HEADERS, STREAM, STREAM_HEADERS)]


def load(path: str) -> None:
    """Recorded answers: ``{"answers": [{"completion", "frames", "completion_headers", "stream_headers"}]}``
    (or one answer at the top level); request i is answered with answer ``x-bench-question: i``."""
    global ANSWERS
    with open(path, encoding="utf-8") as f:
        canned = json.load(f)
    answers = canned["answers"] if "answers" in canned else [canned]

    def raw(pairs):
        return [(k.encode(), v.encode()) for k, v in pairs]

    ANSWERS = [
        (
            a["completion"].encode(),
            raw(a.get("completion_headers", [])) or BODY_HEADERS,
            [frame.encode() for frame in a["frames"]],
            raw(a.get("stream_headers", [])) or STREAM_HEADERS,
        )
        for a in answers
    ]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    streaming = b'"stream": true' in body or b'"stream":true' in body
    index = 0
    for name, value in scope["headers"]:
        if name == b"x-bench-question":
            index = int(value) if value.isdigit() and int(value) < len(ANSWERS) else 0
    completion, completion_headers, frames, stream_headers = ANSWERS[index]
    headers = stream_headers if streaming else completion_headers
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if streaming:
        for frame in frames:
            await send({"type": "http.response.body", "body": frame, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    else:
        await send({"type": "http.response.body", "body": completion})


class _Announcing(uvicorn.Server):
    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        port = self.servers[0].sockets[0].getsockname()[1]
        print(f"base URL http://127.0.0.1:{port}/v1", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--canned", help="JSON file with the completion body and stream frames to send")
    parser.add_argument("--loop", choices=stack.LOOPS, help="event loop (default: the stub's choice)")
    parser.add_argument("--http", choices=stack.PARSERS, help="HTTP parser (default: the stub's choice)")
    args = parser.parse_args()
    if args.canned:
        load(args.canned)
    _Announcing(stack.uvicorn_config(app, "127.0.0.1", args.port, loop=args.loop, http=args.http)).run()
