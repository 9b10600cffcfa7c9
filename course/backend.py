"""Decide which LLM backend the course talks to, and start the embedded stub when there is no key.

``setup()`` is the first code cell of every notebook. With no usable key (or
``LLM_BACKEND=stub``) it starts the stub in a background thread and exports
``OPENAI_BASE_URL`` and ``OPENAI_API_KEY``, so the plain ``OpenAI()`` of every
lesson just works. It never prints the key.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dotenv import find_dotenv, load_dotenv

from . import models, providers
from .providers import PROVIDERS  # noqa: F401  (re-exported: provider name -> documented features)

REPLIES_DIR = Path(__file__).parent / "replies"
# Providers whose GET /v1/models/{id} carries OpenAI's shutdown_date (the SDK's Model type).
SHUTDOWN_DATE_PROVIDERS = ("OpenAI", "Azure OpenAI")
DEFAULT_MODEL = models.DEFAULT_MODEL  # the catalogue's (llm_stub/data/models.toml), with its reasons there
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
        """Whether ``model`` reasons (the course's model information, ``course.models``): no ``max_tokens``,
        sampling parameters only at effort none, reasoning tokens billed as output. False for a model the
        catalogue does not know."""
        return models.is_reasoning(self.model)

    def today(self) -> dt.date:
        """The stub's day (it can be pinned, ``llm_stub/clock.py``), else the real date."""
        return self.stub.state.config.current_date() if self.is_stub else dt.date.today()

    def deprecation(self) -> models.Deprecation | None:
        """Whether ``model`` is deprecated or shut down, when, and what replaces it.

        On OpenAI and Azure OpenAI from the provider's own ``GET /v1/models/{id}`` (its ``shutdown_date``, which
        OpenAI tells developers to read: S14 in the catalogue); elsewhere (the stub, other providers, whose model
        lists carry no such date) from the course's catalogue, for the ids it knows (``openai/<id>`` included).
        """
        if not self.is_stub and self.provider in SHUTDOWN_DATE_PROVIDERS:
            day = provider_shutdown_date(self.model)
            return models.deprecation(self.model, self.today(), shutdown_date=day) if day else None
        return models.deprecation(self.model, self.today())

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
        warning = deprecation_warning(_current)
        if warning:
            print(warning)
    return _current


def provider_shutdown_date(model: str) -> str | None:
    """``shutdown_date`` of ``model`` from the provider's ``GET /v1/models/{id}``, the field OpenAI tells
    developers to poll (S14 in the catalogue); None when it is null, missing, or the provider does not answer.
    One short request, never an exception: set-up must not fail because a provider lacks the endpoint."""
    try:
        from openai import OpenAI

        found = OpenAI(max_retries=0, timeout=5).models.retrieve(model)
    except Exception:
        return None
    value = getattr(found, "shutdown_date", None)
    return value if isinstance(value, str) and value else None


def deprecation_warning(backend: Backend) -> str | None:
    """The line ``setup()`` prints when MODEL is deprecated or shut down (nothing otherwise)."""
    found = backend.deprecation()
    return "Warning: " + found.message(backend.today()) if found is not None else None


def is_reasoning_model(model: str) -> bool:
    """True for a reasoning model of the course's catalogue (``course.models.is_reasoning``)."""
    return models.is_reasoning(model)


def start_stub(model: str = DEFAULT_MODEL) -> Backend:
    """Start the embedded stub with the course's scripted replies and point the SDK's env vars at it.

    ``model`` must be one the stub serves (an alias such as ``gpt-6.1-terra`` or a dated snapshot): anything
    else is a ConfigurationError that lists the current ones, rather than a silent switch to another model.
    """
    import llm_stub
    from llm_stub import tokenizer

    config = llm_stub.StubConfig(reply_files=[str(REPLIES_DIR)])
    if config.model(model) is None:
        current = models.current(config.current_date())
        example = next((m.snapshot for m in config.models if m.snapshot and m.row in current), "")
        raise ConfigurationError(
            f"MODEL={model!r} is not a model the built-in stub serves. Pick one of: {', '.join(current)} "
            f"(or a dated snapshot of one, e.g. {example}), or set OPENAI_API_KEY to use a provider."
        )
    tokenizer.register_offline()  # tiktoken.get_encoding(...) now works with no network, as the lessons use it
    server = llm_stub.start(config)
    os.environ["OPENAI_BASE_URL"] = server.base_url
    os.environ["OPENAI_API_KEY"] = server.api_key
    return Backend("stub", server.base_url, model, "stub", server)


def current() -> Backend | None:
    return _current
