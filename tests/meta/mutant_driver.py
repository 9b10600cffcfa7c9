"""Run one lab's tests against each of its mutants, in one Python process (one pytest run per mutant).

    python tests/meta/mutant_driver.py RESULTS.jsonl TEST_FILE LAB_MODULE MUTANT.py [MUTANT.py ...]

Run from the repository root. Each mutant is loaded as ``labs.<LAB_MODULE>`` (so the tests' ``load_impl``
returns it) and the lab's test file runs with ``-x`` until the first failure.

A mutant is a module that imports the solution and redefines a name or two. Like a learner's module, its
own functions must call each other: when a mutant redefines ``retry_delay``, the ``call_with_retries`` it
takes from the solution must call the mutant's ``retry_delay``. So each mutant gets a fresh copy of
``solutions.<LAB_MODULE>`` (its ``from solutions... import`` reads that copy), and every name the mutant
redefines is rebound in the copy too; the original solution module is put back afterwards. One JSON line per mutant:
``{"mutant": path, "caught": bool, "exit": pytest's exit code, "failed": [node ids]}``. Starting a new
interpreter per mutant would cost more than the tests themselves.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import re
import sys
import time

import pytest

from course.grading.runner import GRADING_PLUGINS


class _Failures:
    """Records failures; runs first the tests whose source names a function the mutant overrides (with
    ``-x``, the run stops at the first failure, so this is what makes a caught mutant quick)."""

    def __init__(self, changed: set[str]) -> None:
        self.failed: list[str] = []
        self.changed = changed

    def _uses_changed(self, item: pytest.Item) -> bool:
        try:
            source = inspect.getsource(getattr(item, "function", None))
        except (OSError, TypeError):
            return False
        return any(re.search(rf"\b{re.escape(name)}\b", source) for name in self.changed)

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if self.changed:
            items.sort(key=lambda item: not self._uses_changed(item))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed.append(report.nodeid)


def name_of(module) -> str:
    return module.__name__


def fresh_solution(lab_module: str):
    """A new copy of ``solutions.<lab_module>`` in sys.modules; returns (copy, what was there before)."""
    name = f"solutions.{lab_module}"
    before = sys.modules.get(name)
    spec = importlib.util.find_spec(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module, before


class SolutionAsWritten:
    """What a mutant's ``_solution`` means: the solution's own definitions, before the mutant's are bound.

    A mutant written as a wrapper (``def f(x): return _solution.f(x)[:1]``) means the solution's own ``f``;
    once ``f`` is rebound in the copy it imported from, ``_solution.f`` would be the mutant itself (an endless
    recursion that "catches" the mutant for the wrong reason). Every other name (classes, helpers) is the copy's,
    so exceptions and types stay the ones the tests see.
    """

    def __init__(self, copy, originals: dict) -> None:
        object.__setattr__(self, "_copy", copy)
        object.__setattr__(self, "_originals", originals)

    def __getattr__(self, key: str):  # noqa: ANN204
        return self._originals[key] if key in self._originals else getattr(self._copy, key)

    def __setattr__(self, key: str, value) -> None:  # noqa: ANN001
        # a mutant that patches the module (``_solution.call_with_retries = ...``) patches what its code runs
        self._originals.pop(key, None)
        setattr(self._copy, key, value)


def rebind(solution, mutant) -> set[str]:
    """Make the solution copy's own functions see the mutant's definitions; return the names rebound."""
    rebound = set()
    for key, value in vars(mutant).items():
        if key.startswith("__") or not hasattr(solution, key):
            continue
        if getattr(solution, key) is not value:
            setattr(solution, key, value)
            rebound.add(key)
    return rebound


def main(argv: list[str]) -> int:
    results, test_file, lab_module, *mutants = argv
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("COURSE_TEST_TIMEOUT", "20")
    importlib.import_module("labs")
    try:  # a caught mutant needs one failing example, not the smallest one
        from hypothesis import Phase, settings

        settings.register_profile(
            "mutants", phases=[Phase.explicit, Phase.reuse, Phase.generate], database=None
        )
        settings.load_profile("mutants")
    except ImportError:  # pragma: no cover
        pass
    name = f"labs.{lab_module}"
    with open(results, "a", encoding="utf-8") as out:
        for path in mutants:
            solution, before = fresh_solution(lab_module)
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
                originals = dict(vars(solution))
                rebound = rebind(solution, module)
                if getattr(module, "_solution", None) is not None:
                    module._solution = SolutionAsWritten(solution, {k: originals[k] for k in rebound})
            except Exception as exc:  # a mutant that does not import is caught by any test that loads it
                _restore(lab_module, before)
                out.write(
                    json.dumps({"mutant": path, "caught": True, "exit": -1, "failed": [repr(exc)]}) + "\n"
                )
                out.flush()
                continue
            changed = {
                name
                for name, obj in vars(module).items()
                if not name.startswith("__") and getattr(obj, "__module__", None) == name_of(module)
            }
            failures = _Failures(changed)
            started = time.monotonic()
            code = pytest.main(
                [
                    test_file,
                    "--impl=labs",
                    "-x",
                    "-q",
                    "--no-header",
                    "--tb=native",
                    *GRADING_PLUGINS,
                    "-o",
                    "addopts=",
                ],
                plugins=[failures],
            )
            out.write(
                json.dumps(
                    {
                        "mutant": path,
                        "caught": bool(failures.failed),
                        "exit": int(code),
                        "failed": failures.failed,
                        "seconds": round(time.monotonic() - started, 2),
                    }
                )
                + "\n"
            )
            out.flush()
            sys.modules.pop(name, None)
            _restore(lab_module, before)
    return 0


def _restore(lab_module: str, before) -> None:
    name = f"solutions.{lab_module}"
    if before is None:
        sys.modules.pop(name, None)
    else:
        sys.modules[name] = before


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
