"""Write notebooks from their sources here, then execute them on the stub to store outputs.

    python notebooks/src/build.py 00_setup [01_messages ...]   (no names: all)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tools.execute_notebooks import execute  # noqa: E402
from tools.nb import write_notebook  # noqa: E402


def build(name: str) -> None:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target = HERE.parent / f"{name}.ipynb"
    write_notebook(target, module.CELLS)
    execute(target)


if __name__ == "__main__":
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("[0-9]*.py"))
    for n in names:
        build(n)
