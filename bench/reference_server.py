"""The yardstick: the least a server can do to answer the SDK, a canned completion on the same ASGI stack.

python -m bench.reference_server --port 0
"""

from __future__ import annotations

import argparse
import json
import time

import uvicorn

CANNED = {
    "id": "chatcmpl-reference",
    "object": "chat.completion",
    "created": int(time.time()),
    "model": "gpt-4o-mini",
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
BODY = json.dumps(CANNED).encode()


def _chunk(delta: dict, finish: str | None = None) -> bytes:
    chunk = {
        "id": "chatcmpl-reference",
        "object": "chat.completion.chunk",
        "created": CANNED["created"],
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


STREAM = (
    [_chunk({"role": "assistant", "content": ""})]
    + [
        _chunk({"content": piece})
        for piece in ["Hello", "!", " How", " can", " I", " help", " you", " today", "?"]
    ]
    + [_chunk({}, "stop"), b"data: [DONE]\n\n"]
)


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
    headers = [(b"content-type", b"text/event-stream" if streaming else b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if streaming:
        for frame in STREAM:
            await send({"type": "http.response.body", "body": frame, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    else:
        await send({"type": "http.response.body", "body": BODY})


class _Announcing(uvicorn.Server):
    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        port = self.servers[0].sockets[0].getsockname()[1]
        print(f"base URL http://127.0.0.1:{port}/v1", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    _Announcing(
        uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")
    ).run()
