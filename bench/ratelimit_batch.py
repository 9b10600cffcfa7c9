"""Throughput of the lab 5 solution's batch runner under a requests-per-minute limit.

    python -m bench.ratelimit_batch [--rpm 600] [--n 200] [--concurrency 4] [--max-attempts 50]

A stub limited to R requests per minute per key (a continuously refilling bucket) answers N prompts
sent by ``solutions.lab05_errors.run_batch`` (a thread pool of ``--concurrency`` workers, each request
retried with backoff that honours ``retry-after-ms``). The bucket is drained first, so the run starts
from an empty bucket and the best any client can do is N requests at R per minute: the ideal time is
N / R minutes. Printed: the ratio ideal / measured (1.0 is perfect; the target is at least 0.9), the
429s the batch met, and the prompts that failed for good (the target is none).
"""

from __future__ import annotations

import argparse
import time

from openai import OpenAI

from llm_stub import StubConfig, StubServer
from llm_stub.catalog import DEFAULT_MODEL
from solutions.lab05_errors import run_batch

MODEL = DEFAULT_MODEL  # the course's default (llm_stub/data/models.toml)


def drain(client: OpenAI) -> int:
    """Spend the bucket's burst so the measured run starts from an empty bucket; return requests sent."""
    import openai

    sent = 0
    while True:
        sent += 1
        try:
            client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "drain"}])
        except openai.RateLimitError:
            return sent


def measure(rpm: int, n: int, concurrency: int, max_attempts: int) -> dict:
    with StubServer(StubConfig(requests_per_minute=rpm)) as stub:
        client = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=30)
        drained = drain(client)
        since = stub.journal()[-1]["seq"]
        prompts = [f"Summarise item {i} in one line." for i in range(n)]
        start = time.perf_counter()
        result = run_batch(
            client, prompts, model=MODEL, max_concurrency=concurrency, max_attempts=max_attempts
        )
        elapsed = time.perf_counter() - start
        statuses = [e["status"] for e in stub.journal(since)]
    ideal = n / rpm * 60.0
    return {
        "rpm": rpm,
        "n": n,
        "concurrency": concurrency,
        "drained": drained,
        "ideal_s": ideal,
        "elapsed_s": elapsed,
        "ratio": ideal / elapsed,
        "ok": sum(r is not None for r in result.results),
        "failed": len(result.failed),
        "429s": statuses.count(429),
        "requests": len(statuses),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.ratelimit_batch", description=__doc__.splitlines()[0])
    p.add_argument(
        "--rpm", type=int, default=600, help="requests per minute the stub allows (default 600 = 10/s)"
    )
    p.add_argument("--n", type=int, default=200, help="prompts in the batch (default 200: an ideal of 20 s)")
    p.add_argument("--concurrency", type=int, default=4, help="the batch's concurrency limit (default 4)")
    p.add_argument("--max-attempts", type=int, default=50, help="attempts per prompt (default 50)")
    args = p.parse_args(argv)
    r = measure(args.rpm, args.n, args.concurrency, args.max_attempts)
    print(
        f"ratelimit_batch: {r['n']} prompts at {r['rpm']} RPM, concurrency {r['concurrency']} "
        f"(bucket drained first: {r['drained']} requests)"
    )
    print(
        f"  ideal {r['ideal_s']:.1f} s, measured {r['elapsed_s']:.1f} s: ratio {r['ratio']:.3f} (target >= 0.9)"
    )
    print(
        f"  answered {r['ok']}/{r['n']}, failed for good {r['failed']} (target 0), "
        f"429s met {r['429s']} in {r['requests']} requests"
    )
    return 0 if r["ratio"] >= 0.9 and r["failed"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
