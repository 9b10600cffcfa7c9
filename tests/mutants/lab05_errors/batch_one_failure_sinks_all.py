"""Mistake: run_batch lets one prompt's final error escape, so a single 400 throws away the whole batch."""

import random
import time
from concurrent.futures import ThreadPoolExecutor

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import BatchResult, call_with_retries


def run_batch(
    client, prompts, *, model, max_concurrency=4, max_attempts=5, sleep=time.sleep, rand=random.random
):
    def ask(prompt):
        return call_with_retries(
            lambda: (
                client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}])
                .choices[0]
                .message.content
            ),
            max_attempts=max_attempts,
            sleep=sleep,
            rand=rand,
        )

    with ThreadPoolExecutor(max_workers=max_concurrency) as pool:
        return BatchResult(results=list(pool.map(ask, prompts)))
