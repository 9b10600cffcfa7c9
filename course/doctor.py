"""``python -m course doctor``: check the set-up and say how to fix each problem."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import models as course_models
from . import providers
from .backend import SHUTDOWN_DATE_PROVIDERS, ConfigurationError, mask, setup

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Finding:
    ok: bool
    what: str
    fix: str = ""
    warn: bool = False  # works today, but needs attention (a deprecated model)

    def line(self) -> str:
        mark = "FAIL" if not self.ok else "warn" if self.warn else "ok  "
        shown = self.fix and (not self.ok or self.warn)
        return f"[{mark}] {self.what}" + (f"\n       fix: {self.fix}" if shown else "")


def pinned_versions(requirements: Path = REPO / "requirements.txt") -> dict[str, str]:
    pins = {}
    if requirements.exists():
        for line in requirements.read_text().splitlines():
            m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
            if m:
                pins[m.group(1)] = m.group(2)
    return pins


def check_python() -> Finding:
    ok = sys.version_info >= (3, 11)
    return Finding(ok, f"Python {sys.version.split()[0]} (3.11+ needed)", "install Python 3.11 or newer")


def check_packages(
    names: tuple[str, ...] = ("openai", "jupyterlab", "ipywidgets", "python-dotenv", "pydantic", "pytest"),
) -> list[Finding]:
    pins = pinned_versions()
    findings = []
    for name in names:
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            findings.append(
                Finding(
                    False, f"{name} is not installed", "run `make lab` or `pip install -r requirements.txt`"
                )
            )
            continue
        want = pins.get(name)
        ok = want is None or have == want
        findings.append(
            Finding(
                ok, f"{name} {have}" + (f" (pinned {want})" if want else ""), f"pip install {name}=={want}"
            )
        )
    return findings


def check_backend() -> list[Finding]:
    env_file = REPO / ".env"
    findings = [
        Finding(
            True,
            ".env found"
            if env_file.exists()
            else "no .env: the course runs on the built-in stub (copy .env.example to use a real provider)",
        )
    ]
    try:
        backend = setup(quiet=True)
    except ConfigurationError as err:
        return [*findings, Finding(False, "configuration", str(err))]
    key = os.environ.get("OPENAI_API_KEY")
    findings.append(
        Finding(
            True, f"backend: {backend.describe()}; key {mask(key) if not backend.is_stub else '(stub key)'}"
        )
    )
    findings.append(check_provider(backend.provider))
    try:
        from openai import OpenAI

        client = OpenAI(max_retries=0, timeout=10)
        listed = list(client.models.list())
        models = {m.id for m in listed}
        findings.append(Finding(True, f"{backend.base_url} answers ({len(models)} models)"))
        identity = check_server_identity(backend.provider, {getattr(m, "owned_by", "") for m in listed})
        if identity is not None:
            findings.append(identity)
        findings.append(
            Finding(
                backend.model in models or not models,
                f"model {backend.model} is available",
                f"set MODEL in .env to one of: {', '.join(sorted(models)[:8])}",
            )
        )
        shutdown = next((getattr(m, "shutdown_date", None) for m in listed if m.id == backend.model), None)
        findings.append(check_model_lifecycle(backend, shutdown))
    except Exception as err:  # any failure here is a finding, not a crash
        name = type(err).__name__
        hint = {
            "AuthenticationError": "the key was refused: check OPENAI_API_KEY in .env",
            "APIConnectionError": "the base URL does not answer: check OPENAI_BASE_URL and your network",
            "NotFoundError": "this provider has no /models endpoint at that base URL: check OPENAI_BASE_URL",
        }.get(name, "see the error above")
        findings.append(Finding(False, f"{backend.base_url} did not answer: {name}: {str(err)[:200]}", hint))
    return findings


def check_model_lifecycle(backend, shutdown_date: str | None = None) -> Finding:
    """Is MODEL deprecated or shut down? On OpenAI and Azure OpenAI from the ``shutdown_date`` its model list
    gave (OpenAI tells developers to read it: S14 in the catalogue); on the stub and other providers, whose lists
    carry no such date, from the catalogue."""
    today = backend.today()
    if backend.is_stub or backend.provider not in SHUTDOWN_DATE_PROVIDERS:
        found = course_models.deprecation(backend.model, today)
    else:
        found = (
            course_models.deprecation(backend.model, today, shutdown_date=shutdown_date)
            if shutdown_date
            else None
        )
    if found is None:
        return Finding(True, f"model {backend.model}: no shutdown announced")
    current = ", ".join(course_models.current(today)[:6])
    fix = f"set MODEL in .env to {found.replacement or 'a current model'}" + (
        f" (current: {current})" if current else ""
    )
    return Finding(not found.shut_down, found.message(today), fix, warn=not found.shut_down)


def check_provider(provider: str) -> Finding:
    """Name the detected provider and the course features it lacks (from course/providers.py)."""
    if providers.lookup(provider) is None:
        return Finding(
            True,
            f"provider: {provider} (not in the course's table: set LLM_PROVIDER in .env if it is one of "
            f"{', '.join(p for p in providers.PROVIDERS if p != 'stub')}; see docs/providers.md)",
        )
    missing = providers.gaps(provider)
    if not missing:
        return Finding(True, f"provider: {provider} (supports every feature the lessons use)")
    parts = [f"{feature} {support.level}" for feature, support in missing.items()]
    return Finding(
        True,
        f"provider: {provider}; lessons will note where it differs: {', '.join(parts)} (see docs/providers.md)",
    )


def check_server_identity(provider: str, owners: set[str]) -> Finding | None:
    """vLLM is only guessed from port 8000, which `make stub` and other servers use too: check /v1/models.

    vLLM lists its models as owned_by "vllm"; when none is, say so and how to name the provider.
    """
    if provider != "vLLM" or not owners or "vllm" in {o.lower() for o in owners if o}:
        return None
    return Finding(
        True,
        f"provider: this server does not look like vLLM (its models are owned by {', '.join(sorted(owners))}); "
        "if it is the course's stub (make stub) set LLM_PROVIDER=stub in .env, otherwise name it with LLM_PROVIDER",
    )


def run() -> int:
    findings = [check_python(), *check_packages(), *check_backend()]
    for f in findings:
        print(f.line())
    bad = sum(not f.ok for f in findings)
    print(f"\n{len(findings) - bad} ok, {bad} to fix." if bad else f"\nAll {len(findings)} checks passed.")
    return 1 if bad else 0
