"""Run the stub in a background thread: the embedded default of every notebook and test."""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn

from . import stack
from .app import create_app
from .client import StubControl
from .config import DEFAULT_API_KEY, StubConfig
from .faults import scope_of
from .state import StubState


class StubServer:
    """A stub running on a loopback port in this process.

    >>> with StubServer() as stub:            # port 0 picks a free port
    ...     client = OpenAI(base_url=stub.base_url, api_key=stub.api_key)
    """

    def __init__(
        self,
        config: StubConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        loop: str | None = None,
        http: str | None = None,
    ) -> None:
        self.app = create_app(config)
        self.host = host
        # the event loop and HTTP parser: the fastest installed unless named (llm_stub.stack)
        self._server = uvicorn.Server(stack.uvicorn_config(self.app, host, port, loop=loop, http=http))
        self._thread: threading.Thread | None = None
        self.port = port
        self._control: StubControl | None = None

    # -- lifecycle -------------------------------------------------------
    def start(self, timeout: float = 10.0) -> StubServer:
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._server.run, name="llm-stub", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the stub server did not start on {self.host}:{self.port}")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._thread = None
        if self._control is not None:
            self._control.close()
            self._control = None

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what clients need -------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def api_key(self) -> str:
        return self.state.config.api_keys[0] if self.state.config.api_keys else DEFAULT_API_KEY

    @property
    def stack(self) -> tuple[str, str]:
        """The running server's event loop and HTTP parser, read from the objects in use: e.g.
        ``("uvloop", "httptools")``, or ``("asyncio", "h11")`` where the fast parts are missing."""
        listening = self._server.servers[0]
        return stack.loop_name(listening.get_loop()), stack.parser_name(
            self._server.config.http_protocol_class
        )

    @property
    def state(self) -> StubState:
        return self.app.state.stub

    @property
    def control(self) -> StubControl:
        if self._control is None:
            self._control = StubControl(self.base_url, token=self.state.config.control_token)
        return self._control

    # -- conveniences, straight on the in-process state --------------------
    def configure(self, **changes: Any) -> None:
        rejected = self.state.configure(changes)
        if rejected:
            raise ValueError(f"unknown or read-only settings: {', '.join(rejected)}")

    def journal(self, since: int = 0) -> list[dict]:
        return [e for e in self.state.journal.entries(since) if e["path"] == "/v1/chat/completions"]

    def requests(self, since: int = 0) -> list[dict]:
        return [e["body"] for e in self.journal(since)]

    def reset(self) -> None:
        self.state.reset()

    # -- fault plans and rate limits (formats: llm_stub.faults, llm_stub.limits) --
    def add_fault(
        self,
        steps: list | str,
        *,
        plan_id: str | None = None,
        key: str | None = None,
        model: str | None = None,
        repeat: bool = False,
    ) -> dict:
        """Script the next attempts of matching requests, e.g. ``add_fault(["429", "ok"], plan_id="t1")``."""
        scope = scope_of(plan_id, key, model)
        return self.state.faults.add(steps, scope, repeat)

    def faults(self) -> list[dict]:
        return self.state.faults.plans()

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def set_limits(
        self,
        rpm: int | None = None,
        tpm: int | None = None,
        quota_tokens: int | None = None,
        window: float = 60.0,
    ) -> None:
        """Turn on per-key limits (None: unlimited); ``window`` < 60 quantizes them (600 RPM, window 1: 10/s)."""
        self.configure(
            requests_per_minute=rpm,
            tokens_per_minute=tpm,
            quota_tokens=quota_tokens,
            rate_limit_window=window,
        )


def start(config: StubConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> StubServer:
    """Start a stub in a background thread and return its handle."""
    return StubServer(config, host, port).start()
