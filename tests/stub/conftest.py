"""Fixtures shared by the stub's Responses tests (the session's stub and client come from tests/conftest.py)."""

from __future__ import annotations

import random

import pytest

from .test_responses import SEED


@pytest.fixture
def rng(request) -> random.Random:
    """Inputs drawn per run, reproducible from the seed each failure prints (``RESPONSES_TEST_SEED``)."""
    return random.Random(f"{SEED}:{request.node.nodeid}")
