"""Notebook hygiene: strip metadata noise, keep outputs and execution counts.

    python tools/clean_notebooks.py notebooks/*.ipynb           # clean in place
    python tools/clean_notebooks.py --check notebooks/*.ipynb   # report, change nothing (exit 1 on problems)

The course's notebooks are committed *with* their outputs: they read well on
GitHub, and nbval re-runs them and compares (it needs the outputs and the
execution counts). What must not be committed is what an editor adds while
you work: timings (``execution``, ``ExecuteTime``), UI state (``collapsed``,
``scrolled``, ``jupyter.outputs_hidden``), editor metadata (``vscode``,
``interpreter``, ``colab``...). This removes exactly that, so a notebook you ran
by hand in JupyterLab or VS Code comes back to what ``python -m tools.lesson NN``
writes. It also refuses notebooks with unexecuted code cells (execution count
``null``): build them with ``python -m tools.lesson NN``.

Standard library only (it runs as a pre-commit hook in an environment with no
packages). Output is byte-compatible with nbformat's writer (indent 1, sorted
keys, UTF-8), so a clean notebook is left untouched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# Notebook-level metadata worth keeping: the kernel to run it with, the language, and the widget state
# that lets GitHub and nbviewer render widget outputs. Everything else is an editor's.
NOTEBOOK_METADATA_KEEP = frozenset({"kernelspec", "language_info", "widgets"})
# Cell-level metadata worth keeping: tags (nbval reads nbval-skip, nbval-ignore-output, raises-exception...)
# and authoring intent. Timings, collapse/scroll state and editor ids are dropped.
CELL_METADATA_KEEP = frozenset({"tags", "editable", "deletable", "slideshow"})


def dumps(nb: dict[str, Any]) -> str:
    """Serialise like nbformat.write does, so clean notebooks round-trip byte for byte."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": ")) + "\n"


def noise(nb: dict[str, Any]) -> list[str]:
    """What would be stripped, as human-readable paths (empty: the notebook is clean)."""
    found = [f"metadata.{k}" for k in sorted(nb.get("metadata", {})) if k not in NOTEBOOK_METADATA_KEEP]
    for i, cell in enumerate(nb.get("cells", [])):
        found += [
            f"cells[{i}].metadata.{k}"
            for k in sorted(cell.get("metadata", {}))
            if k not in CELL_METADATA_KEEP
        ]
    return found


def unexecuted(nb: dict[str, Any]) -> list[int]:
    """Indexes of code cells that were never run (no execution count)."""
    return [
        i
        for i, cell in enumerate(nb.get("cells", []))
        if cell.get("cell_type") == "code" and cell.get("source") and cell.get("execution_count") is None
    ]


def clean(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook without metadata noise (a new dict; outputs and execution counts untouched)."""
    nb = json.loads(json.dumps(nb))
    nb["metadata"] = {k: v for k, v in nb.get("metadata", {}).items() if k in NOTEBOOK_METADATA_KEEP}
    for cell in nb.get("cells", []):
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in CELL_METADATA_KEEP}
    return nb


def process(path: Path, *, check: bool) -> list[str]:
    """Clean one notebook (or only report, with check); return the problems found."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    problems = [f"{path}: metadata noise {item}" for item in noise(nb)]
    problems += [
        f"{path}: cells[{i}] is a code cell with no execution count (run: python -m tools.lesson {path.stem})"
        for i in unexecuted(nb)
    ]
    cleaned = dumps(clean(nb))
    if cleaned != text:
        if not noise(nb):
            problems.append(f"{path}: not in nbformat's layout (indent 1, sorted keys)")
        if not check:
            path.write_text(cleaned, encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report problems, change nothing")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(Path("notebooks").glob("*.ipynb"))
    problems = []
    for path in paths:
        problems += process(path, check=args.check)
    for line in problems:
        print(line)
    if problems and not args.check:
        print("(metadata noise was stripped; unexecuted cells need a rebuild)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
