"""The second yardstick: the least any Python server can do to answer the SDK, on raw asyncio (no ASGI server).

    python -m bench.raw_server --port 0 [--canned FILE] [--loop auto|asyncio|uvloop]

An ``asyncio.Protocol`` that speaks just enough HTTP/1.1 for the SDK: keep-alive, a request head ended by a
blank line, a body of ``content-length`` bytes. It answers with bytes prepared at start-up, from the same
recorded answers as ``bench.reference_server`` (request ``x-bench-question: i`` gets the stub's answer to
question i, ``load`` reads the same file): the same completion body, the same response headers (plus the
``date`` and ``server`` lines an ASGI server adds, so that the bytes on the wire match), and a stream sent
as the same number of chunked-encoding writes, one per SSE frame, as the stub's server sends them. No
parser object, no ASGI messages, no tasks: what is left is the event loop and the socket. The loop is the
best one installed, as the stub chooses it (``llm_stub.stack``), so the ratio to this server is the distance
to the limit on this machine; ``--loop asyncio`` measures the standard loop instead.
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import time

from bench import reference_server
from llm_stub import stack

_HEAD_END = b"\r\n\r\n"


class _Date:
    """The ``date`` header, formatted at most once a second (as uvicorn does)."""

    def __init__(self) -> None:
        self.second = 0
        self.line = b""

    def __call__(self) -> bytes:
        now = int(time.time())
        if now != self.second:
            self.second = now
            self.line = b"date: " + email.utils.formatdate(now, usegmt=True).encode() + b"\r\n"
        return self.line


_date = _Date()


def _head(headers: list[tuple[bytes, bytes]], chunked: bool) -> tuple[bytes, bytes]:
    """A response head in two parts, before and after the date line (filled per reply), as uvicorn writes
    it: status line, ``date``, ``server``, the app's headers in order, then ``transfer-encoding``."""
    lines = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    if chunked:
        lines += b"transfer-encoding: chunked\r\n"
    return b"HTTP/1.1 200 OK\r\n", b"server: uvicorn\r\n" + lines + b"\r\n"


def _chunk(frame: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(frame), frame)


Prepared = tuple[tuple[bytes, bytes], tuple[bytes, bytes], list[bytes]]


def prepared() -> list[Prepared]:
    """Per recorded answer: the completion's whole reply (head before the date, head after it + body), the
    stream's head (the same two parts), and its frames as chunked-encoding pieces (the last one ends the
    body)."""
    out = []
    for body, body_headers, frames, stream_headers in reference_server.ANSWERS:
        before, after = _head(body_headers, chunked=False)
        pieces = [_chunk(f) for f in frames]
        pieces[-1] += b"0\r\n\r\n"
        out.append(((before, after + body), _head(stream_headers, chunked=True), pieces))
    return out


class RawHTTP(asyncio.Protocol):
    """One connection: requests in, canned replies out, in order (pipelined requests too)."""

    answers: list[Prepared] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(_HEAD_END)
            if end < 0:
                return
            head = self.buffer[:end].lower()
            length = 0
            index = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name == b"content-length":
                    length = int(value)
                elif name == b"x-bench-question":
                    value = value.strip()
                    index = int(value) if value.isdigit() and int(value) < len(self.answers) else 0
            start = end + len(_HEAD_END)
            if len(self.buffer) < start + length:
                return
            body = self.buffer[start : start + length]
            self.buffer = self.buffer[start + length :]
            self.answer(index, b'"stream": true' in body or b'"stream":true' in body)

    def answer(self, index: int, streaming: bool) -> None:
        whole, stream_head, pieces = self.answers[index]
        date = _date()
        write = self.transport.write
        if not streaming:
            write(whole[0] + date + whole[1])
            return
        write(stream_head[0] + date + stream_head[1])
        for piece in pieces:  # one write per frame, as an ASGI server makes one per body message
            write(piece)


async def serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(RawHTTP, host, port)
    bound = server.sockets[0].getsockname()[1]
    print(f"base URL http://127.0.0.1:{bound}/v1 ({stack.loop_name(loop)} loop)", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--canned", help="JSON file of recorded answers (see bench.reference_server.load)")
    parser.add_argument("--loop", choices=["auto", "asyncio", "uvloop"], default="auto")
    args = parser.parse_args()
    if args.canned:
        reference_server.load(args.canned)
    RawHTTP.answers = prepared()
    stack.run(serve("127.0.0.1", args.port), loop=args.loop)
