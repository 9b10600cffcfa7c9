"""Mistake: run_batch collects the replies as they complete, so results[i] is not the reply to prompts[i]."""

import random
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

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

    result = BatchResult(results=[])
    with ThreadPoolExecutor(max_workers=max_concurrency) as pool:
        futures = {pool.submit(ask, p): i for i, p in enumerate(prompts)}
        for future in as_completed(futures):
            try:
                result.results.append(future.result())
            except Exception as exc:
                result.results.append(None)
                result.failed[futures[future]] = exc
    return result
