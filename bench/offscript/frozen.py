"""``python -m bench.offscript.frozen``: check that no experiment's request changed since the set was frozen.

A held-out set stops being one the day its requests are edited to suit the code under test. FROZEN.json holds a
fingerprint of every experiment's request (history, turns, tools, tool_choice, schema, canned results, options)
taken when the set was frozen; this command recomputes them and names every experiment that differs, was added
or was removed. Predicates (the ``judge``) are not fingerprinted: fixing a predicate that misclassifies a
reasonable answer is allowed, and README.md lists every such fix. A canned result computed by a function is
fingerprinted by the function's name only.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from .experiments import EXPERIMENTS
from .harness import Experiment

FROZEN = Path(__file__).with_name("FROZEN.json")
REQUEST_FIELDS = (
    "api",
    "history",
    "turns",
    "tools",
    "tool_choice",
    "response_format",
    "results",
    "options",
    "chain",
    "max_steps",
)


def _plain(value: Any) -> Any:
    if callable(value) and not isinstance(value, type):
        return f"callable:{getattr(value, '__name__', type(value).__name__)}"
    if isinstance(value, type):  # a pydantic class: its JSON schema is what the request sends
        return {"pydantic": value.__name__, "schema": value.model_json_schema()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def fingerprint(exp: Experiment) -> str:
    request = {name: _plain(getattr(exp, name)) for name in REQUEST_FIELDS}
    return hashlib.sha256(json.dumps(request, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    current = {exp.id: fingerprint(exp) for exp in EXPERIMENTS}
    if args == [
        "--write"
    ]:  # only when the set is frozen (or deliberately extended, with a note in README.md)
        FROZEN.write_text(json.dumps(current, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {len(current)} fingerprints to {FROZEN.name}")
        return 0
    frozen = json.loads(FROZEN.read_text(encoding="utf-8"))
    changed = sorted(i for i in current.keys() & frozen.keys() if current[i] != frozen[i])
    added, removed = sorted(current.keys() - frozen.keys()), sorted(frozen.keys() - current.keys())
    for title, ids in (("changed", changed), ("added", added), ("removed", removed)):
        if ids:
            print(f"{title} since the freeze: {', '.join(ids)}")
    if changed or added or removed:
        return 1
    print(f"{len(current)} experiments, every request as frozen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
