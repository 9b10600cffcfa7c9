"""``python -m bench`` (or ``make bench``): every benchmark, each printing ratios measured in one run."""

from __future__ import annotations

import importlib

BENCHMARKS = ["bench.stub_throughput", "bench.ratelimit_batch"]

if __name__ == "__main__":
    for name in BENCHMARKS:
        print(f"== {name}")
        importlib.import_module(name).main([])
