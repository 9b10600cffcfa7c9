"""lesson: run_batch appends each reply as its request finishes (``as_completed``), not at its prompt's index.

Breaks: "``result.results[i]`` is the reply ... to ``prompts[i]``: the input order, whatever order the
answers came back in" (and ``failed`` keys follow the finishing order too).
"""

import random
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import BatchResult, call_with_retries


def run_batch(
    client, prompts, *, model, max_concurrency=4, max_attempts=5, sleep=time.sleep, rand=random.random
):
    def ask(prompt):
        reply = client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}])
        return reply.choices[0].message.content or ""

    batch = BatchResult(results=[])
    with ThreadPoolExecutor(max_workers=max(1, max_concurrency)) as pool:
        futures = [
            pool.submit(
                call_with_retries, lambda p=p: ask(p), max_attempts=max_attempts, sleep=sleep, rand=rand
            )
            for p in prompts
        ]
        for future in as_completed(futures):
            try:
                batch.results.append(future.result())
            except Exception as exc:
                batch.failed[len(batch.results)] = exc
                batch.results.append(None)
    return batch
