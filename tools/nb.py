"""Build a notebook from a list of ("md" | "code", source) pairs: how the course's notebooks are authored.

    from tools.nb import write_notebook
    write_notebook("notebooks/00_setup.ipynb", [("md", "# Title"), ("code", "print(1)")])

Then run ``python tools/execute_notebooks.py`` on it to store the outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_notebook(path: str | Path, cells: list[tuple[str, str]]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        source = source.strip("\n")
        nb.cells.append(
            nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        )
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    nbformat.write(nb, Path(path))
