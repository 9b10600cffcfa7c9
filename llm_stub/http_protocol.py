"""uvicorn's httptools protocol as the stub runs it: h11's behaviour where they differ, one write per reply.

uvicorn's two HTTP/1.1 protocols answer alike but for two cases, where the stub keeps what h11 does (and what
the RFCs ask; tests/stub/test_wire.py checks both on every stack):

* an HTTP/1.1 request without ``Host`` gets 400 (RFC 9112 section 3.2: a server MUST answer it with 400;
  llhttp lets it through);
* a response of unknown length (a stream) to an HTTP/1.0 client is sent as it comes and ended by closing the
  connection (RFC 9112 section 6.3, rule 8): HTTP/1.0 has no chunked coding, which uvicorn's httptools
  protocol would send anyway.

And one saving: a reply whose length is known (every non-streamed answer) goes out in one write, head and
body together, where uvicorn makes two. On loopback each write is a system call that also runs the
receiving side's TCP work, the largest single cost of a call (profiled with py-spy in issue 28). The bytes
on the wire are the same.
"""

from __future__ import annotations

from typing import Any

_PROTOCOL: type | None = None


class _Held:
    """Stands in for the transport while uvicorn writes a response head, and keeps it."""

    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


class _Prefixed:
    """The transport, with a held head written in front of the next write (the body)."""

    def __init__(self, transport: Any, head: bytes) -> None:
        self.transport = transport
        self.head = head

    def write(self, data: bytes) -> None:
        head, self.head = self.head, b""
        self.transport.write(head + data)

    def __getattr__(self, name: str) -> Any:  # close, is_closing, ...
        return getattr(self.transport, name)


def httptools_protocol() -> type:
    """The protocol class (built on first use: uvicorn's httptools module needs httptools installed)."""
    global _PROTOCOL
    if _PROTOCOL is not None:
        return _PROTOCOL
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

    class StubCycle(RequestResponseCycle):
        """One exchange: the head of a reply of known length held for its body; HTTP/1.0 streams
        close-delimited."""

        close_delimited = False
        held: bytes | None = None

        async def send(self, message: Any) -> None:
            kind = message["type"]
            if kind == "http.response.start" and not self.response_started:
                names = {name.lower() for name, _ in message.get("headers", [])}
                if b"content-length" in names and self.scope["method"] != "HEAD":
                    transport, held = self.transport, _Held()
                    self.transport = held  # the body follows at once: write both with one call
                    try:
                        await super().send(message)
                    finally:
                        self.transport = transport
                    self.held = held.data or None
                    return
                if self.scope["http_version"] == "1.0" and b"transfer-encoding" not in names:
                    self.close_delimited = True
                    self.chunked_encoding = False  # uvicorn then writes no transfer-encoding header
            elif kind == "http.response.body" and self.held is not None:
                transport, head, self.held = self.transport, self.held, None
                self.transport = _Prefixed(transport, head)
                try:
                    await super().send(message)
                finally:
                    self.transport = transport
                return
            elif kind == "http.response.body" and self.close_delimited and not self.response_complete:
                await self._send_close_delimited(message)
                return
            await super().send(message)

        async def _send_close_delimited(self, message: Any) -> None:
            if self.flow.write_paused and not self.disconnected:
                await self.flow.drain()
            if self.disconnected:
                return
            if message.get("body") and self.scope["method"] != "HEAD":
                self.transport.write(message["body"])
            if not message.get("more_body", False):
                self.response_complete = True
                self.message_event.set()
                self.transport.close()  # the close ends the body (keep_alive is False for HTTP/1.0)
                self.on_response()

    class StubHttpToolsProtocol(HttpToolsProtocol):
        def on_headers_complete(self) -> None:
            if self.parser.get_http_version() == "1.1" and not any(n == b"host" for n, _ in self.headers):
                raise httptools.HttpParserError("HTTP/1.1 request without Host")  # answered 400, closed
            super().on_headers_complete()

        def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
            # every exchange, pipelined ones too, starts here, before the cycle's task first runs
            cycle.__class__ = StubCycle
            super()._start_asgi_task(cycle, app)

    _PROTOCOL = StubHttpToolsProtocol
    return _PROTOCOL
