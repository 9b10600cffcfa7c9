"""SDK calls per second and time to first chunk: the stub against a minimal canned-response server.

    python -m bench.stub_throughput [--calls 400] [--rounds 3]

Both servers run in their own process with the same ASGI server (uvicorn); the
client is the unmodified SDK in this process. Rounds alternate between the two so
that machine noise hits both alike; the best round of each is compared.
Target (issue 2): the stub keeps at least 80% of the reference's calls per second.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager

from openai import OpenAI

MESSAGES = [{"role": "user", "content": "hello"}]


@contextmanager
def server(module: str):
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        yield line.split("base URL ")[1].split()[0]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def calls_per_second(client: OpenAI, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    return calls / (time.perf_counter() - start)


def first_chunk_seconds(client: OpenAI, streams: int) -> float:
    times = []
    for _ in range(streams):
        start = time.perf_counter()
        stream = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
        next(iter(stream))
        times.append(time.perf_counter() - start)
        for _ in stream:
            pass
    return statistics.median(times)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    results: dict[str, dict[str, list[float]]] = {
        "stub": {"cps": [], "ttfc": []},
        "reference": {"cps": [], "ttfc": []},
    }
    with server("llm_stub") as stub_url, server("bench.reference_server") as ref_url:
        clients = {
            "stub": OpenAI(base_url=stub_url, api_key="sk-stub", max_retries=0),
            "reference": OpenAI(base_url=ref_url, api_key="sk-stub", max_retries=0),
        }
        for client in clients.values():  # warm up connections and code paths
            calls_per_second(client, 20)
        for _ in range(args.rounds):
            for name, client in clients.items():
                results[name]["cps"].append(calls_per_second(client, args.calls))
                results[name]["ttfc"].append(first_chunk_seconds(client, args.calls // 4))
    stub_cps, ref_cps = max(results["stub"]["cps"]), max(results["reference"]["cps"])
    stub_ttfc, ref_ttfc = min(results["stub"]["ttfc"]), min(results["reference"]["ttfc"])
    ratio = stub_cps / ref_cps
    print(
        f"calls/s          stub {stub_cps:7.1f}   reference {ref_cps:7.1f}   ratio {ratio:.2f} (target >= 0.80)"
    )
    print(
        f"first chunk (ms) stub {stub_ttfc * 1000:7.2f}   reference {ref_ttfc * 1000:7.2f}   ratio {ref_ttfc / stub_ttfc:.2f}"
    )
    return {"calls_per_second_ratio": ratio, "stub_cps": stub_cps, "reference_cps": ref_cps}


if __name__ == "__main__":
    main()
