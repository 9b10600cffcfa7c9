"""Mistake: run_batch keeps only the successful replies, so a failed prompt vanishes and every later result shifts."""

import random
import time

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import BatchResult
from solutions.lab05_errors import run_batch as _run_batch


def run_batch(
    client, prompts, *, model, max_concurrency=4, max_attempts=5, sleep=time.sleep, rand=random.random
):
    full = _run_batch(
        client,
        prompts,
        model=model,
        max_concurrency=max_concurrency,
        max_attempts=max_attempts,
        sleep=sleep,
        rand=rand,
    )
    return BatchResult(results=[r for r in full.results if r is not None], failed=full.failed)
