"""Shared fixtures: a stub server with the course's replies, an SDK client, and the lab implementation.

Tests never reach a real provider: LLM_BACKEND is forced to ``stub`` here, and
the notebook kernels that nbval starts inherit it.
"""

from __future__ import annotations

import importlib
import os
import secrets
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest
from openai import OpenAI

os.environ["LLM_BACKEND"] = "stub"
os.environ.pop("OPENAI_API_KEY", None)
os.environ.pop("OPENAI_BASE_URL", None)

from course.backend import REPLIES_DIR  # noqa: E402
from llm_stub import StubConfig, StubServer, warmup  # noqa: E402

IMPLEMENTATIONS = ("labs", "solutions")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--impl",
        choices=IMPLEMENTATIONS,
        default=os.environ.get("LAB_IMPL", "labs"),
        help="which implementation the lab tests grade: your labs/ (default) or the reference solutions/",
    )


@pytest.fixture(scope="session")
def impl_package(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--impl")


@pytest.fixture(scope="session")
def load_impl(impl_package: str) -> Callable[[str], ModuleType]:
    """``load_impl("lab01_messages")`` imports that module from labs/ or solutions/.

    While grading (``COURSE_WORKER`` set by the grader) the submission's code never runs in this process:
    the module returned is a proxy to a sandboxed worker process (course.grading.isolation)."""
    if os.environ.get("COURSE_WORKER"):
        from course.grading.isolation import load_remote

        return load_remote

    def load(module: str) -> ModuleType:
        return importlib.import_module(f"{impl_package}.{module}")

    return load


@pytest.fixture(scope="session")
def stub_server() -> Iterator[StubServer]:
    # while grading, the control endpoints need a per-run secret that only this (trusted) process knows
    token = secrets.token_urlsafe(24) if os.environ.get("COURSE_WORKER") else None
    with StubServer(StubConfig(reply_files=[str(REPLIES_DIR)], control_token=token)) as server:
        # the stub loads its tables in the background; wait for them once here, so that no test's first request
        # (10 s client timeout) includes a warm-up that takes longer on a busy machine (a lab 01 test timed out
        # at a load average of 12)
        warmup.warm_in_background().join(timeout=300)
        yield server


@pytest.fixture
def stub(stub_server: StubServer) -> StubServer:
    """The course's stub, reset (settings, journal, limits, fault plans) before each test."""
    stub_server.reset()
    return stub_server


@pytest.fixture
def client(stub: StubServer) -> OpenAI:
    """An unmodified SDK client pointed at the stub, with the SDK's retries off so tests see every error."""
    return OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=10)
