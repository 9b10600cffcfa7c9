"""lesson: run_batch records a prompt that failed for good as "" in ``results`` instead of None.

Breaks: "A prompt that fails for good ...: its ``results[i]`` is None" ("" is also what a reply without text
gives, so the two can no longer be told apart).
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
            batch.results[index] = ""
            batch.failed[index] = exc

    with ThreadPoolExecutor(max_workers=max(1, max_concurrency)) as pool:
        list(pool.map(one, range(len(prompts))))
    return batch
