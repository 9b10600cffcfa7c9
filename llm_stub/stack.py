"""The HTTP stack the stub runs on, decided here and nowhere else: the event loop and the HTTP/1.1 parser.

The stub is an ASGI app served by uvicorn. uvicorn's fast parts (its ``standard`` extra) are httptools, the
C parser of Node's llhttp, and uvloop, an event loop on libuv; with them the stub went from about 0.6 to
0.8 of a raw asyncio server's calls per second, and from 0.7 to 0.9 of its streams (issue 28; README,
Performance). uvloop has no Windows wheel, and a plain environment may have neither: then the stub runs on
the standard asyncio loop and h11, with the same bytes on the wire (tests/stub/test_wire.py runs its
checks on every stack installed here). ``requirements.txt`` pins both, uvloop only where it installs.

``llm-stub --loop asyncio --http h11`` (or ``StubServer(loop=..., http=...)``) picks the plain parts by hand.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import uvicorn

from . import http_protocol


def _importable(module: str) -> bool:
    """Whether ``module`` imports here (uvloop's own import refuses on Windows, where it has no wheel)."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


LOOPS = ("uvloop", "asyncio")  # fastest first
PARSERS = ("httptools", "h11")
INSTALLED_LOOPS = tuple(n for n in LOOPS if n == "asyncio" or (sys.platform != "win32" and _importable(n)))
"""The event loops that work here: asyncio's own always; uvloop where installed (never on Windows)."""
INSTALLED_PARSERS = tuple(n for n in PARSERS if n == "h11" or _importable(n))
"""The HTTP/1.1 parsers installed here: h11 always (a uvicorn dependency); httptools where installed."""
LOOP, HTTP = INSTALLED_LOOPS[0], INSTALLED_PARSERS[0]
"""What the stub runs on unless told otherwise: the fastest of each."""


def choose(loop: str | None = None, http: str | None = None) -> tuple[str, str]:
    """The loop and parser to use: the ones asked for (checked), or the fastest installed (None or "auto")."""
    loop = LOOP if loop in (None, "auto") else loop
    http = HTTP if http in (None, "auto") else http
    if loop not in LOOPS or http not in PARSERS:
        raise ValueError(
            f"unknown event loop {loop!r} or HTTP parser {http!r}: the loops are {', '.join(LOOPS)}; "
            f"the parsers {', '.join(PARSERS)}"
        )
    if loop not in INSTALLED_LOOPS:
        raise ValueError("uvloop is not installed here (it has no Windows wheel): use --loop asyncio")
    if http not in INSTALLED_PARSERS:
        raise ValueError("httptools is not installed here: use --http h11")
    return loop, http


def uvicorn_config(
    app: Any, host: str, port: int, *, loop: str | None = None, http: str | None = None
) -> uvicorn.Config:
    """uvicorn's settings for the stub (and the benchmark's same-stack reference): the chosen loop and
    parser, warnings only, no lifespan, no access log (access lines are INFO, below the level shown:
    ``access_log=False`` skips building them at all)."""
    loop, http = choose(loop, http)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop=loop,
        http=http_protocol.httptools_protocol() if http == "httptools" else http,
        log_level="warning",
        lifespan="off",
        access_log=False,
        # uvicorn wraps every request in a middleware that trusts X-Forwarded-* headers from loopback; the
        # stub reads no client address or scheme, and the wrapper was a few percent of a call (issue 28)
        proxy_headers=False,
    )


def loop_factory(loop: str | None = None) -> Callable[[], asyncio.AbstractEventLoop]:
    """A function that makes a new event loop of the chosen kind."""
    if choose(loop)[0] == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return asyncio.SelectorEventLoop if sys.platform != "win32" else asyncio.ProactorEventLoop


def run(main: Coroutine[Any, Any, Any], loop: str | None = None) -> Any:
    """``asyncio.run`` on the chosen loop (Python 3.10 has no ``loop_factory`` argument)."""
    event_loop = loop_factory(loop)()
    try:
        return event_loop.run_until_complete(main)
    finally:
        event_loop.close()


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    """``uvloop`` or ``asyncio``: which kind of loop this one is."""
    return "uvloop" if type(loop).__module__.split(".")[0] == "uvloop" else "asyncio"


def parser_name(protocol: asyncio.BaseProtocol | type) -> str:
    """``httptools`` or ``h11``: which of uvicorn's parsers a connection's protocol (object or class) uses."""
    cls = protocol if isinstance(protocol, type) else type(protocol)
    modules = [c.__module__ for c in cls.__mro__]
    for name in PARSERS:
        if f"uvicorn.protocols.http.{name}_impl" in modules:
            return name
    return cls.__module__
