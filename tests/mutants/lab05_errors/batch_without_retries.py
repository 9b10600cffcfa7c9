"""Mistake: run_batch calls the API once per prompt with no retries, so every transient 429 or 503 is a lost answer."""

import random
import time
from concurrent.futures import ThreadPoolExecutor

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import BatchResult


def run_batch(
    client, prompts, *, model, max_concurrency=4, max_attempts=5, sleep=time.sleep, rand=random.random
):
    result = BatchResult(results=[None] * len(prompts))

    def one(i):
        try:
            reply = client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": prompts[i]}]
            )
            result.results[i] = reply.choices[0].message.content
        except Exception as exc:
            result.failed[i] = exc

    with ThreadPoolExecutor(max_workers=max_concurrency) as pool:
        list(pool.map(one, range(len(prompts))))
    return result
