"""Mistake: run_batch starts every request at once (one thread per prompt), ignoring max_concurrency: a burst of 429s."""

from solutions.lab05_errors import *  # noqa: F403
from solutions.lab05_errors import run_batch as _run_batch


def run_batch(client, prompts, *, model, max_concurrency=4, max_attempts=5, sleep=None, rand=None):
    kwargs = {k: v for k, v in (("sleep", sleep), ("rand", rand)) if v is not None}
    return _run_batch(
        client, prompts, model=model, max_concurrency=len(prompts), max_attempts=max_attempts, **kwargs
    )
