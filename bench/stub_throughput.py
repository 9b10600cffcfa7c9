"""Non-streaming calls and whole streams per second: the stub against two zero-work servers replaying its bytes.

    python -m bench.stub_throughput [--questions 48] [--calls 24] [--streams 6] [--rounds 15] [--seed 18]
                                    [--fresh] [--loop uvloop|asyncio] [--http httptools|h11] [--raw-loop ...]

A seeded pool of distinct short questions is drawn, and the stub's answers to each are recorded as sent
on the wire (completion body, every SSE frame, response headers). Two yardsticks then replay, for each
request, the recorded answer to that question (found by an ``x-bench-question`` header, sent to all three
servers): the same bytes and the same chunk count, with no work per request.

* ``bench.reference_server``, on the stub's own stack (uvicorn with the loop and parser ``llm_stub.stack``
  chooses, or ``--loop``/``--http``): the ratio to it is the stub's own work (issues 18; target >= 0.9).
* ``bench.raw_server``, on raw asyncio (an ``asyncio.Protocol``, no ASGI server, on the best loop installed
  or ``--raw-loop``): the ratio to it is the distance to what a Python server can do here (issue 28; target
  >= 0.85).

Each runs in its own process; the client is the unmodified SDK in this process. Every call asks the next
question of the pool, so the stub generates each answer afresh. Small batches rotate among the three servers
so that machine noise hits all alike; the median of the per-batch ratios is reported. Each server's CPU time
per call, and this process's (the client's) while it talked to it, are reported too, with the ratios they
predict (one call at a time costs the client's CPU and the server's): on a machine busy with other work these
move much less than the rates.

The pool repeats (48 questions, asked in turn), as a learner re-running cells does, so the stub's token
counts of texts it has seen come from its cache. ``--fresh`` measures the other extreme: the answers are
recorded by a separate stub process and every call asks the measured stub a question it has never seen
(a pool as large as the run: stems x topics x asides).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

import httpx2
from openai import OpenAI

from llm_stub import catalog, stack

# A current model that does not reason at its default effort (llm_stub/data/models.toml), so the measured work is
# the stub's own (reasoning only adds a count to the usage), comparable with the figures measured before issue 22.
MODEL = catalog.plain_model()
TARGET = 0.9  # to the same-stack reference (issue 18)
RAW_TARGET = 0.85  # to the raw-asyncio server (issue 28)
# Short questions a learner might ask in lesson 1 or 2; the pool combines them with topics.
STEMS = [
    "In one sentence, what is {}?",
    "Explain {} to a beginner in two sentences.",
    "Why does {} matter when calling an LLM API?",
    "Give one example of {}.",
    "What is a common mistake with {}?",
    "Summarise {} in a short paragraph.",
]
TOPICS = [
    "a large language model",
    "a token",
    "a system prompt",
    "streaming",
    "temperature",
    "a context window",
    "structured output",
    "a JSON schema",
    "tool calling",
    "a rate limit",
    "an API key",
    "retries with backoff",
    "a chat history",
    "max_tokens",
    "a seed",
    "prompt caching",
    "a refusal",
    "the Responses API",
]


# Asides that make a question new without changing what it asks (for --fresh, which needs hundreds).
ASIDES = ["", " Keep it short.", " Use plain words.", " I am new to this.", " Assume I know Python."]


def question_pool(n: int, seed: int, asides: list[str] | None = None) -> list[str]:
    """``n`` distinct questions, the same for a given seed."""
    all_questions = [
        stem.format(topic) + aside for stem in STEMS for topic in TOPICS for aside in asides or [""]
    ]
    return random.Random(seed).sample(all_questions, min(n, len(all_questions)))


@contextmanager
def server(module: str, *args: str, path: str | None = None):
    env = None
    if path:  # run another copy of the package (e.g. `git archive HEAD llm_stub | tar -x -C DIR`)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([path, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=path,
    )
    try:
        line = proc.stdout.readline()
        yield line.split("base URL ")[1].split()[0], proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def record(base_url: str, question: str) -> dict:
    """The stub's answers to ``question`` as sent on the wire: completion body, stream frames, headers."""
    headers = {"Authorization": "Bearer sk-stub"}
    body = {"model": MODEL, "messages": [{"role": "user", "content": question}]}
    # the first call loads the encodings: seconds on a loaded machine, past httpx's 5 s default
    completion = httpx2.post(base_url + "/chat/completions", json=body, headers=headers, timeout=120)
    streamed = httpx2.post(
        base_url + "/chat/completions", json={**body, "stream": True}, headers=headers, timeout=120
    )
    frames = [part + "\n\n" for part in streamed.text.split("\n\n") if part]
    skip = {"date", "server", "transfer-encoding"}  # uvicorn writes these itself
    return {
        "completion": completion.text,
        "frames": frames,
        "completion_headers": [[k, v] for k, v in completion.headers.items() if k not in skip],
        "stream_headers": [[k, v] for k, v in streamed.headers.items() if k not in skip],
    }


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far: /proc/PID/schedstat's nanoseconds on a CPU (Linux), else the
    user + system clock ticks of /proc/PID/stat (10 ms steps: too coarse for one batch), else 0.0."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


class Asker:
    """Asks the pool's questions in turn, telling the server which one (``x-bench-question``)."""

    def __init__(self, client: OpenAI, pool: list[str]) -> None:
        self.client = client
        self.pool = pool
        self.next = itertools.cycle(range(len(pool)))

    def _args(self) -> dict:
        i = next(self.next)
        return {
            "model": MODEL,
            "messages": [{"role": "user", "content": self.pool[i]}],
            "extra_headers": {"x-bench-question": str(i)},
        }

    def calls_per_second(self, calls: int) -> float:
        start = time.perf_counter()
        for _ in range(calls):
            self.client.chat.completions.create(**self._args())
        return calls / (time.perf_counter() - start)

    def streams_per_second(self, streams: int) -> float:
        start = time.perf_counter()
        for _ in range(streams):
            for _chunk in self.client.chat.completions.create(**self._args(), stream=True):
                pass
        return streams / (time.perf_counter() - start)


YARDSTICKS = {"reference": "bench.reference_server", "raw": "bench.raw_server"}


def _measure(
    args: argparse.Namespace,
    kinds: dict,
    pool: list[str],
    canned: str,
    stub_url: str,
    stub_pid: int,
    stack_args: list[str],
    raw_loop: str,
) -> tuple[dict, dict]:
    """Alternating batches against the stub and each yardstick replaying ``canned``: rates, and CPU seconds
    of each server and of this process (the SDK client) while it talked to each."""
    names = ["stub", *YARDSTICKS]
    rates: dict[str, dict[str, list[float]]] = {name: {k: [] for k in kinds} for name in names}
    cpu: dict[str, dict[str, float]] = {
        who: {k: 0.0 for k in kinds} for name in names for who in (name, "client " + name)
    }
    with (
        server(YARDSTICKS["reference"], "--canned", canned, *stack_args) as (ref_url, ref_pid),
        server(YARDSTICKS["raw"], "--canned", canned, "--loop", raw_loop) as (raw_url, raw_pid),
    ):
        pids = {"stub": stub_pid, "reference": ref_pid, "raw": raw_pid}
        urls = {"stub": stub_url, "reference": ref_url, "raw": raw_url}
        askers = {
            name: Asker(OpenAI(base_url=urls[name], api_key="sk-stub", max_retries=0), pool) for name in names
        }
        for asker in askers.values():  # warm up connections and code paths
            asker.calls_per_second(10)
            asker.streams_per_second(3)
        for r in range(args.rounds):
            # each server goes first, middle and last equally often: drifting noise hits them alike
            order = names[r % len(names) :] + names[: r % len(names)]
            if r // len(names) % 2:
                order.reverse()
            for kind, (_, method, n) in kinds.items():
                for name in order:
                    before, client_before = cpu_seconds(pids[name]), time.process_time()
                    rates[name][kind].append(getattr(askers[name], method)(n))
                    cpu[name][kind] += cpu_seconds(pids[name]) - before
                    cpu["client " + name][kind] += time.process_time() - client_before
    return rates, cpu


def cpu_ratio(per_call: dict, yardstick: str, kind: str) -> float:
    """The ratio of rates the CPU times predict: one call at a time costs the client's and the server's CPU."""
    spent = {name: per_call[name][kind] + per_call["client " + name][kind] for name in ("stub", yardstick)}
    return spent[yardstick] / spent["stub"] if spent["stub"] else float("nan")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=48, help="distinct questions in the pool")
    parser.add_argument("--seed", type=int, default=18, help="draws the pool")
    parser.add_argument("--calls", type=int, default=24, help="non-streaming calls per batch")
    parser.add_argument("--streams", type=int, default=6, help="streams per batch")
    parser.add_argument("--rounds", type=int, default=15, help="batches per server, alternating")
    parser.add_argument("--stub-path", help="import llm_stub from this directory (before/after comparisons)")
    parser.add_argument("--fresh", action="store_true", help="never ask the measured stub a question twice")
    parser.add_argument("--loop", choices=stack.LOOPS, help="the stub's event loop (default: its own choice)")
    parser.add_argument(
        "--http", choices=stack.PARSERS, help="the stub's HTTP parser (default: its own choice)"
    )
    parser.add_argument(
        "--raw-loop",
        choices=["auto", *stack.LOOPS],
        default="auto",
        help="the raw yardstick's loop (auto: best)",
    )
    parser.add_argument(
        "--stub-module",
        default="llm_stub",
        help="run the stub with `python -m MODULE --port 0` (other stacks)",
    )
    args = parser.parse_args(argv)
    stack_args = [
        *(["--loop", args.loop] if args.loop else []),
        *(["--http", args.http] if args.http else []),
    ]
    if args.fresh:  # one question per call, warm-ups included
        args.questions = (args.calls + args.streams) * args.rounds + 13
        pool = question_pool(args.questions, args.seed, ASIDES)
        if len(pool) < args.questions:
            parser.error(
                f"--fresh needs {args.questions} questions; the pool has {len(pool)}: lower --rounds"
            )
    else:
        pool = question_pool(args.questions, args.seed)
    kinds = {
        "create": ("calls/s", "calls_per_second", args.calls),
        "stream": ("streams/s", "streams_per_second", args.streams),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json") as canned:
        if args.fresh:  # recorded by another process: the measured stub has seen none of the questions
            with server(args.stub_module, *stack_args, path=args.stub_path) as (recorder_url, _):
                recorded = [record(recorder_url, q) for q in pool]
        with server(args.stub_module, *stack_args, path=args.stub_path) as (stub_url, stub_pid):
            if not args.fresh:
                recorded = [record(stub_url, q) for q in pool]
            json.dump({"answers": recorded}, canned)
            canned.flush()
            rates, cpu = _measure(
                args, kinds, pool, canned.name, stub_url, stub_pid, stack_args, args.raw_loop
            )
    ratios = {
        (yardstick, k): statistics.median(
            s / r for s, r in zip(rates["stub"][k], rates[yardstick][k], strict=True)
        )
        for yardstick in YARDSTICKS
        for k in kinds
    }
    best = {name: {k: max(v) for k, v in r.items()} for name, r in rates.items()}
    chunks = [len(a["frames"]) - 1 for a in recorded]  # without [DONE]
    per_call = {
        name: {k: cpu[name][k] / (n * args.rounds) * 1000 for k, (_, _, n) in kinds.items()} for name in cpu
    }
    print(
        f"{len(pool)} distinct questions (seed {args.seed}{', each asked once' if args.fresh else ''}); "
        "the reference replays the stub's bytes for each: "
        f"{min(chunks)}-{max(chunks)} chunks per stream (median {statistics.median(chunks):g}) + [DONE]"
    )
    for kind, (unit, _, _) in kinds.items():
        what = "call" if kind == "create" else "stream"
        print(
            f"{kind:6} median ratio to the same-stack reference {ratios['reference', kind]:.2f} (target >= "
            f"{TARGET}), to raw asyncio {ratios['raw', kind]:.2f} (target >= {RAW_TARGET})\n"
            f"       best {unit}: stub {best['stub'][kind]:6.1f}, reference {best['reference'][kind]:6.1f}, raw "
            f"{best['raw'][kind]:6.1f}\n       CPU ms per {what}, server + client: "
            + ", ".join(
                f"{name} {per_call[name][kind]:.3f} + {per_call['client ' + name][kind]:.3f}"
                for name in ("stub", *YARDSTICKS)
            )
            + "; as ratios (less hurt by the machine's other load): "
            + ", ".join(f"{y} {cpu_ratio(per_call, y, kind):.2f}" for y in YARDSTICKS)
        )
    return {
        "create_ratio": ratios["reference", "create"],
        "stream_ratio": ratios["reference", "stream"],
        "create_raw_ratio": ratios["raw", "create"],
        "stream_raw_ratio": ratios["raw", "stream"],
        "chunks": chunks,
        "cpu_ms": per_call,
        "cpu_ratios": {(y, k): cpu_ratio(per_call, y, k) for y in YARDSTICKS for k in kinds},
        "best": best,
    }


if __name__ == "__main__":
    main()
