"""Mistake: run_batch does not pass sleep (and rand) on to call_with_retries, so its waits cannot be controlled or tested."""

import random
import time

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import run_batch as _run_batch


def run_batch(
    client, prompts, *, model, max_concurrency=4, max_attempts=5, sleep=time.sleep, rand=random.random
):
    return _run_batch(
        client, prompts, model=model, max_concurrency=max_concurrency, max_attempts=max_attempts
    )
