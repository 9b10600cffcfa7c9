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

from dotenv import find_dotenv, load_dotenv

from . import providers
from .providers import PROVIDERS  # noqa: F401  (re-exported: provider name -> documented features)

REPLIES_DIR = Path(__file__).parent / "replies"
DEFAULT_MODEL = "gpt-4o-mini"
BACKEND_CHOICES = ("auto", "stub", "remote")


def mask(key: str | None) -> str:
    """``sk-proj-…abcd``: enough to tell keys apart, never enough to use one."""
    if not key:
        return "(not set)"
    if len(key) <= 8:
        return "*" * len(key)
    return f"{key[:3]}…{key[-4:]}"


def detect_provider(base_url: str | None, override: str | None = None) -> str:
    """The provider's name for a base URL (``override``, from LLM_PROVIDER, wins); see course/providers.py."""
    return providers.detect(base_url, override)


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
            return (
                f"LLM backend: stub (embedded, no key needed) · base URL {self.base_url} · model {self.model}"
            )
        return f"LLM backend: {self.provider} · base URL {self.base_url} · model {self.model}"

    def skip_unless_stub(self, what: str) -> bool:
        """True on the stub. On a real provider, say why the cell is skipped and return False."""
        if self.is_stub:
            return True
        print(f"Skipped on {self.provider}: {what} only works on the course's stub server.")
        return False

    @property
    def is_reasoning(self) -> bool:
        """Whether ``model`` is a reasoning model (gpt-5, o-series): no ``max_tokens``, only the default
        ``temperature``, reasoning tokens billed as output. Lessons branch on this instead of crashing."""
        return is_reasoning_model(self.model)

    def supports(self, feature: str) -> bool:
        """Whether this backend's provider supports a feature of ``course.providers.FEATURES`` (e.g. "n").

        True on the stub and OpenAI, and on providers the course does not know (benefit of the doubt).
        """
        return providers.supports(self.provider, feature)

    def warn_unsupported(self, feature: str, lesson: str | None = None) -> str | None:
        """Print one line if this provider lacks ``feature`` (or has it only in part); return that line.

        Prints nothing on the stub or OpenAI, so stored notebook outputs do not change.
        """
        line = providers.warning(self.provider, feature, lesson)
        if line:
            print(line)
        return line


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
        raise ConfigurationError(
            f"LLM_BACKEND={choice!r} is not one of {', '.join(BACKEND_CHOICES)}; fix it in .env."
        )
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
        provider = detect_provider(base_url, os.environ.get("LLM_PROVIDER"))
        _current = Backend("remote", base_url, model, provider)
        from llm_stub import tokenizer

        tokenizer.register_offline()  # exact token counts in the lessons without downloading tiktoken's files
    os.environ["MODEL"] = _current.model
    if not quiet:
        print(_current.describe())
    return _current


def is_reasoning_model(model: str) -> bool:
    """True for reasoning models: the stub's catalogue decides for the ids it serves; other ids by their name
    (``gpt-5``, ``gpt-5-mini``, ``o3``, ``o4-mini``... and their dated snapshots and ``provider/`` prefixes;
    ``gpt-5-chat-latest`` is the non-reasoning chat variant)."""
    from llm_stub.catalog import REASONING, family_of

    family = family_of(model)
    if family is not None:
        return family == REASONING
    name = model.split("/")[-1].lower()
    if name.startswith("gpt-5"):
        return "-chat" not in name
    return name[:2] in ("o1", "o3", "o4") and (len(name) == 2 or name[2] == "-")


def start_stub(model: str = DEFAULT_MODEL) -> Backend:
    """Start the embedded stub with the course's scripted replies and point the SDK's env vars at it.

    ``model`` must be one the stub serves (an alias such as ``gpt-5-mini`` or a dated snapshot): anything else
    is a ConfigurationError that lists them, rather than a silent switch to another model.
    """
    import llm_stub
    from llm_stub import tokenizer

    config = llm_stub.StubConfig(reply_files=[str(REPLIES_DIR)])
    if config.model(model) is None:
        known = ", ".join(m.id for m in config.models if m.snapshot)
        raise ConfigurationError(
            f"MODEL={model!r} is not a model the built-in stub serves. Pick one of: {known} "
            "(or a dated snapshot of one, e.g. gpt-4o-mini-2024-07-18), or set OPENAI_API_KEY to use a provider."
        )
    tokenizer.register_offline()  # tiktoken.get_encoding(...) now works with no network, as the lessons use it
    server = llm_stub.start(config)
    os.environ["OPENAI_BASE_URL"] = server.base_url
    os.environ["OPENAI_API_KEY"] = server.api_key
    return Backend("stub", server.base_url, model, "stub", server)


def current() -> Backend | None:
    return _current
