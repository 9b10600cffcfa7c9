"""Mistake: run_batch sends the prompts one after another, never in parallel: correct, but max_concurrency times slower."""

import random
import time

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import run_batch as _run_batch


def run_batch(
    client, prompts, *, model, max_concurrency=4, max_attempts=5, sleep=time.sleep, rand=random.random
):
    return _run_batch(
        client, prompts, model=model, max_concurrency=1, max_attempts=max_attempts, sleep=sleep, rand=rand
    )
