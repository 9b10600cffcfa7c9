"""Random hex for the ids the stub hands out (``req_…``, ``chatcmpl-…``, ``resp_…``).

Ids must not repeat, but nothing about them is secret: a private generator seeded once from the OS is as
unique as ``secrets`` for this and avoids a system call per id (two per request on the hot path; profiled
in issue 18). It is the stub's own instance, so a learner's ``random.seed(0)`` does not make ids repeat.
"""

from __future__ import annotations

import os
import random

_RNG = random.Random(os.urandom(32))


def hex_id(n_bytes: int) -> str:
    """``2 * n_bytes`` lowercase hex digits, like ``secrets.token_hex(n_bytes)``."""
    return f"{_RNG.getrandbits(8 * n_bytes):0{2 * n_bytes}x}"
