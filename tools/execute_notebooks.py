"""Execute notebooks in place on the embedded stub, so their stored outputs are what nbval expects.

    python tools/execute_notebooks.py notebooks/01_messages.ipynb [...]

Runs each notebook in a fresh kernel from the notebooks/ folder with LLM_BACKEND=stub
(never a real provider), keeps outputs and execution counts (nbval needs them) and
drops metadata noise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    os.environ["LLM_BACKEND"] = "stub"
    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.pop("OPENAI_BASE_URL", None)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        coalesce_streams=True,  # one output per cell and stream, not one per printed token
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    print(f"executed {path}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        execute(Path(arg))
