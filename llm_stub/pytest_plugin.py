"""pytest fixtures: ``llm_stub_server`` (one per session) and ``llm_stub`` (reset before each test).

Registered through the ``pytest11`` entry point, so any project that installs
``llm_stub`` can write ``def test_x(llm_stub): OpenAI(base_url=llm_stub.base_url, ...)``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import StubServer


@pytest.fixture(scope="session")
def llm_stub_server() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


@pytest.fixture
def llm_stub(llm_stub_server: StubServer) -> StubServer:
    llm_stub_server.reset()
    return llm_stub_server
