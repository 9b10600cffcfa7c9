"""Fixtures shared by the stub's tests (the session's stub and client come from tests/conftest.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import openai
import pytest

from llm_stub import StubConfig, StubServer

from .test_responses import SEED


@pytest.fixture
def rng(request) -> random.Random:
    """Inputs drawn per run, reproducible from the seed each failure prints (``RESPONSES_TEST_SEED``)."""
    return random.Random(f"{SEED}:{request.node.nodeid}")


@pytest.fixture(scope="module")
def plain_client() -> Iterator[openai.OpenAI]:
    """An SDK client on a stub of the test module's own, without the course's replies: what the stub's own
    reading of a request answers (a learner's own prompts and tools)."""
    with StubServer(StubConfig()) as server:
        yield openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=30)
