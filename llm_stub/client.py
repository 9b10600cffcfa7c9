"""A small Python client for the control endpoints, for tests and notebooks."""

from __future__ import annotations

from typing import Any

import httpx2

from .faults import scope_of

TOKEN_HEADER = "x-stub-control-token"


class StubControl:
    """Talk to a running stub's control endpoints, given its base URL (``http://host:port/v1``)."""

    def __init__(self, base_url: str, timeout: float = 10.0, token: str | None = None) -> None:
        root = base_url.rstrip("/")
        if root.endswith("/v1"):
            root = root[: -len("/v1")]
        self.root = root
        headers = {TOKEN_HEADER: token} if token else {}
        self._http = httpx2.Client(base_url=root + "/_stub", timeout=timeout, headers=headers)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"stub control {method} {path}: {response.status_code} {response.text}")
        return response.json()

    def journal(self, since: int = 0, path: str | None = "/v1/chat/completions") -> list[dict]:
        """Requests the stub received (newest last); by default only chat completions."""
        entries = self._call("GET", "/journal", params={"since": since})["entries"]
        return [e for e in entries if path is None or e["path"] == path]

    def requests(self, since: int = 0) -> list[dict]:
        """The JSON bodies of the chat-completion requests received."""
        return [e["body"] for e in self.journal(since)]

    def clear_journal(self) -> None:
        self._call("DELETE", "/journal")

    def config(self) -> dict:
        return self._call("GET", "/config")

    def configure(self, **changes: Any) -> dict:
        return self._call("PATCH", "/config", json=changes)

    def reset(self) -> None:
        self._call("POST", "/reset")

    # -- fault plans (format: see llm_stub.faults) -------------------------------
    def add_fault(
        self,
        steps: list | str,
        *,
        plan_id: str | None = None,
        key: str | None = None,
        model: str | None = None,
        repeat: bool = False,
    ) -> dict:
        """Script the next attempts, e.g. ``add_fault(["429", "429", "ok"], plan_id="demo")``."""
        scope = scope_of(plan_id, key, model)
        return self._call("POST", "/faults", json={"scope": scope, "steps": steps, "repeat": repeat})

    def faults(self) -> list[dict]:
        """The fault plans, with how many steps each has used (``taken``) and what each request got (``log``)."""
        return self._call("GET", "/faults")["plans"]

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def close(self) -> None:
        self._http.close()
