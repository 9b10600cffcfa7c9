"""Decide which LLM backend the course talks to, and start the embedded stub when there is no key.

``setup()`` is the first code cell of every notebook. With no usable key (or
``LLM_BACKEND=stub``) it starts the stub in a background thread and exports
``OPENAI_BASE_URL`` and ``OPENAI_API_KEY``, so the plain ``OpenAI()`` of every
lesson just works. It never prints the key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from dotenv import find_dotenv, load_dotenv

REPLIES_DIR = Path(__file__).parent / "replies"
DEFAULT_MODEL = "gpt-4o-mini"
BACKEND_CHOICES = ("auto", "stub", "remote")

# Known OpenAI-compatible providers, recognised by their base URL's host (or port for local servers).
PROVIDERS: list[tuple[str, str]] = [
    ("openai.azure.com", "Azure OpenAI"),
    ("api.groq.com", "Groq"),
    ("openrouter.ai", "OpenRouter"),
    (":11434", "Ollama"),
    ("api.openai.com", "OpenAI"),
]


def mask(key: str | None) -> str:
    """``sk-proj-…abcd``: enough to tell keys apart, never enough to use one."""
    if not key:
        return "(not set)"
    if len(key) <= 8:
        return "*" * len(key)
    return f"{key[:3]}…{key[-4:]}"


def detect_provider(base_url: str | None) -> str:
    if not base_url:
        return "OpenAI"
    parsed = urlparse(base_url)
    where = f"{parsed.hostname or ''}:{parsed.port or ''}"
    for needle, name in PROVIDERS:
        if needle in where:
            return name
    if parsed.hostname in ("localhost", "127.0.0.1") and parsed.port == 8000:
        return "vLLM or another local server"
    return "an OpenAI-compatible provider"


class ConfigurationError(RuntimeError):
    """The .env settings cannot work; the message says how to fix them."""


@dataclass
class Backend:
    kind: str  # "stub" or "remote"
    base_url: str
    model: str
    provider: str
    stub: Any = None  # the llm_stub.StubServer when kind == "stub"

    @property
    def is_stub(self) -> bool:
        return self.kind == "stub"

    def describe(self) -> str:
        if self.is_stub:
            return f"LLM backend: stub (embedded, no key needed) · base URL {self.base_url} · model {self.model}"
        return f"LLM backend: {self.provider} · base URL {self.base_url} · model {self.model}"

    def client(self, **options: Any):
        """An ``OpenAI`` client for this backend (the same as a plain ``OpenAI()`` after setup)."""
        from openai import OpenAI

        return OpenAI(**options)

    def skip_unless_stub(self, what: str) -> bool:
        """True on the stub. On a real provider, say why the cell is skipped and return False."""
        if self.is_stub:
            return True
        print(f"Skipped on {self.provider}: {what} only works on the course's stub server.")
        return False


_current: Backend | None = None


def setup(*, env_file: str | None = None, quiet: bool = False, reset: bool = False) -> Backend:
    """Load ``.env``, choose the backend, start the stub if needed, print one line, return the backend."""
    global _current
    if _current is not None and not reset:
        if not quiet:
            print(_current.describe())
        return _current
    if _current is not None and _current.stub is not None:
        _current.stub.stop()
    load_dotenv(env_file or find_dotenv(usecwd=True), override=False)
    choice = (os.environ.get("LLM_BACKEND") or "auto").strip().lower()
    if choice not in BACKEND_CHOICES:
        raise ConfigurationError(f"LLM_BACKEND={choice!r} is not one of {', '.join(BACKEND_CHOICES)}; fix it in .env.")
    key = os.environ.get("OPENAI_API_KEY", "").strip()
    model = os.environ.get("MODEL", "").strip() or DEFAULT_MODEL
    if choice == "stub" or (choice == "auto" and not key):
        _current = start_stub(model)
    else:
        if not key:
            raise ConfigurationError(
                "LLM_BACKEND=remote but OPENAI_API_KEY is not set. Add it to .env (copy .env.example), "
                "or set LLM_BACKEND=stub to use the built-in stub."
            )
        base_url = os.environ.get("OPENAI_BASE_URL", "").strip() or "https://api.openai.com/v1"
        _current = Backend("remote", base_url, model, detect_provider(base_url))
    os.environ["MODEL"] = _current.model
    if not quiet:
        print(_current.describe())
    return _current


def start_stub(model: str = DEFAULT_MODEL) -> Backend:
    """Start the embedded stub with the course's scripted replies and point the SDK's env vars at it."""
    import llm_stub

    config = llm_stub.StubConfig(reply_files=[str(REPLIES_DIR)])
    if config.model(model) is None:
        model = DEFAULT_MODEL
    server = llm_stub.start(config)
    os.environ["OPENAI_BASE_URL"] = server.base_url
    os.environ["OPENAI_API_KEY"] = server.api_key
    return Backend("stub", server.base_url, model, "stub", server)


def current() -> Backend | None:
    return _current
