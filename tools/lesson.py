"""Build a lesson: sync its jupytext pair, re-execute it on the stub, store its outputs.

    python -m tools.lesson 01                  # or 01_messages, or a path to either file of the pair (01b: 01b_...)
    python -m tools.lesson 01 03 06            # several, one after the other
    python -m tools.lesson all                 # every lesson (notebooks/src/[0-9]*.py)
    python -m tools.lesson --check [NN ...]    # only say whether each pair's cells agree (no execution)
    python -m tools.lesson --sync-only NN      # sync the pair, keep the stored outputs as they are
    python -m tools.lesson --model gpt-6.1-terra NN   # execute on another stub model, store nothing
    python -m tools.lesson --model gpt-6.1-terra --out /tmp/terra NN   # ... and keep the executed copy there

A lesson is a jupytext pair (see jupytext.toml): ``notebooks/src/NN_name.py``, a percent-format script
(``# %%`` code cells, ``# %% [markdown]`` text cells), and ``notebooks/NN_name.ipynb``, the same cells
with stored outputs. The ``.py`` is the source. If you edited the notebook instead (in JupyterLab without
jupytext's extension, say) and its cells are newer than the script's, the script is rewritten from the
notebook first, so no edit is lost either way.

Building writes the notebook from the script (cell ids ``cell-00``, ``cell-01``... so diffs stay small),
executes it in a fresh kernel from ``notebooks/`` on the embedded stub (``LLM_BACKEND=stub``, no key, no
base URL, ``MODEL`` the course's default: never a real provider), and stores outputs, execution counts and
widget state without editor noise (``tools/clean_notebooks.py``). ``make test`` then checks the outputs
with nbval.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from llm_stub import catalog
from tools.clean_notebooks import clean, dumps

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SOURCES = NOTEBOOKS / "src"
FORMAT = "py:percent"
DEFAULT_MODEL = catalog.DEFAULT_MODEL  # the course's default (reading the catalogue starts no stub)
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def lessons() -> list[str]:
    """Every lesson's name (``00_setup``...), from the sources."""
    return sorted(p.stem for p in SOURCES.glob("[0-9]*.py"))


def resolve(arg: str) -> str:
    """``01``, ``01_messages``, ``notebooks/01_messages.ipynb`` or ``notebooks/src/01_messages.py`` → name."""
    stem = Path(arg).stem
    matches = [n for n in lessons() if n == stem or n.split("_", 1)[0] == stem]
    if len(matches) != 1:
        raise SystemExit(f"no single lesson matches {arg!r}; lessons: {', '.join(lessons())}")
    return matches[0]


def source_path(name: str) -> Path:
    return SOURCES / f"{name}.py"


def notebook_path(name: str) -> Path:
    return NOTEBOOKS / f"{name}.ipynb"


def cells(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """What pairing must keep equal: each cell's type and source (outputs live in the notebook only)."""
    return [(c.cell_type, c.source) for c in nb.cells]


def read_source(name: str) -> nbformat.NotebookNode:
    return jupytext.read(source_path(name), fmt=FORMAT)


def write_source(name: str, nb: nbformat.NotebookNode) -> None:
    """Write the percent script from a notebook's cells (no header: jupytext.toml says what to keep)."""
    nb = nbformat.from_dict(nb)
    nb.metadata = {"jupytext": {"notebook_metadata_filter": "-all", "cell_metadata_filter": "tags,-all"}}
    source_path(name).write_text(jupytext.writes(nb, fmt=FORMAT), encoding="utf-8")


def differences(name: str) -> list[str]:
    """Human-readable differences between the cells of a lesson's script and its notebook (empty: in sync)."""
    src, ipynb = source_path(name), notebook_path(name)
    if not src.exists() or not ipynb.exists():
        return [
            f"{name}: {src.relative_to(REPO) if not src.exists() else ipynb.relative_to(REPO)} is missing"
        ]
    a, b = cells(read_source(name)), cells(nbformat.read(ipynb, as_version=4))
    found = []
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            first = x[1].splitlines()[0] if x[1] else "(empty)"
            found.append(f"{name}: cell {i} differs ({x[0]} in the script, starting {first[:60]!r})")
    if len(a) != len(b):
        found.append(f"{name}: the script has {len(a)} cells, the notebook {len(b)}")
    return found


def sync(name: str) -> nbformat.NotebookNode:
    """Bring the script up to date if the notebook's cells were edited later; return the lesson's cells."""
    src, ipynb = source_path(name), notebook_path(name)
    if ipynb.exists() and differences(name) and ipynb.stat().st_mtime > src.stat().st_mtime:
        write_source(name, nbformat.read(ipynb, as_version=4))
        print(f"{src.relative_to(REPO)}: rewritten from the notebook, whose cells were edited later")
    nb = read_source(name)
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        cell.metadata = {k: v for k, v in cell.metadata.items() if k == "tags"}
    return nb


def execute(nb: nbformat.NotebookNode, *, model: str = DEFAULT_MODEL) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel on the embedded stub, from notebooks/ (the lessons' working folder)."""
    saved = {k: os.environ.get(k) for k in ("LLM_BACKEND", "OPENAI_API_KEY", "OPENAI_BASE_URL", "MODEL")}
    os.environ.update(LLM_BACKEND="stub", MODEL=model)
    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.pop("OPENAI_BASE_URL", None)
    try:
        NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            coalesce_streams=True,  # one output per cell and stream, not one per printed token
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        ).execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def build(name: str, *, run: bool = True, model: str | None = None, out: Path | None = None) -> None:
    nb = sync(name)
    target = notebook_path(name)
    if model:  # a trial on another model: executed, never stored in notebooks/
        execute(nb, model=model)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.ipynb").write_text(
                dumps(clean(json.loads(nbformat.writes(nb)))), encoding="utf-8"
            )
        print(f"{name}: executed without error on MODEL={model}" + (f" (written to {out})" if out else ""))
        return
    if run:
        execute(nb)
    elif target.exists():  # keep the stored outputs of cells whose source did not change
        old = nbformat.read(target, as_version=4)
        stored = {(c.cell_type, c.source): c for c in old.cells}
        for cell in nb.cells:
            if cell.cell_type == "code" and (prev := stored.get(("code", cell.source))) is not None:
                cell.outputs, cell.execution_count = prev.outputs, prev.execution_count
        nb.metadata.update({k: v for k, v in old.metadata.items() if k in ("language_info", "widgets")})
    # nbformat's writer splits sources and outputs into lines (what GitHub and reviewers expect); then no noise.
    target.write_text(dumps(clean(json.loads(nbformat.writes(nb)))), encoding="utf-8")
    os.utime(source_path(name))  # the script stays the newer file: the next build takes it as the source
    print(f"{target.relative_to(REPO)}: {'built and executed' if run else 'synced'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="NN, NN_name, a path, or 'all' (--check: default all)")
    parser.add_argument("--check", action="store_true", help="only report pairs whose cells disagree")
    parser.add_argument("--sync-only", action="store_true", help="sync, do not execute")
    parser.add_argument(
        "--model", help="execute on this stub model, store nothing in notebooks/ (e.g. gpt-6.1-terra)"
    )
    parser.add_argument("--out", type=Path, help="with --model: write the executed notebooks to this folder")
    args = parser.parse_args(argv)
    names = lessons() if not args.lessons or args.lessons == ["all"] else [resolve(a) for a in args.lessons]
    if args.check:
        problems = [p for n in names for p in differences(n)]
        print("\n".join(problems) or f"{len(names)} lesson pairs in sync")
        return 1 if problems else 0
    if not args.lessons:
        parser.error("name the lessons to build (NN ... or all)")
    for name in names:
        build(name, run=not args.sync_only, model=args.model, out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
