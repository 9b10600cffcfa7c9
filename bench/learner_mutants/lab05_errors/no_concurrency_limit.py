"""lesson: run_batch starts one thread per prompt, so every request is in flight at once.

Breaks: "Never more than ``max_concurrency`` requests in flight at once."
"""

import random
import time
from concurrent.futures import ThreadPoolExecutor

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import BatchResult, call_with_retries


def run_batch(
    client, prompts, *, model, max_concurrency=4, max_attempts=5, sleep=time.sleep, rand=random.random
):
    batch = BatchResult(results=[None] * len(prompts))

    def one(index):
        def ask():
            reply = client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": prompts[index]}]
            )
            return reply.choices[0].message.content or ""

        try:
            batch.results[index] = call_with_retries(ask, max_attempts=max_attempts, sleep=sleep, rand=rand)
        except Exception as exc:
            batch.failed[index] = exc

    with ThreadPoolExecutor(max_workers=max(1, len(prompts))) as pool:
        list(pool.map(one, range(len(prompts))))
    return batch
