"""JupyterLab as the course runs it (`make lab`, Binder): the course's own settings, not the learner's.

`make lab` points Jupyter here with JUPYTER_CONFIG_PATH=.jupyter (Binder's `.binder/start` does the same),
so the learner's home folder is left alone. Jupyter reads this file, and labconfig/page_config.json beside it.
"""

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository

c = get_config()  # noqa: F821 (Jupyter defines get_config when it loads this file)

# The file browser opens at the repository, so labs/, docs/ and README.md are one click away; the URL the
# server prints (and the browser opens) is the first lesson.
c.ServerApp.root_dir = str(ROOT)
c.LabApp.default_url = "/lab/tree/notebooks/00_setup.ipynb"

# A terminal starts at the repository with the course's .venv active, so `make check LAB=1` and
# `python -m course check 1` work in it. Jupyter's default is a login shell, which resets PATH; this one is
# an interactive shell that reads the learner's ~/.bashrc and then .jupyter/terminal.bashrc.
if os.name == "nt":
    activate = ROOT / ".venv" / "Scripts" / "activate.bat"
    c.ServerApp.terminado_settings = {"shell_command": ["cmd.exe", "/K", f'cd /d "{ROOT}" && "{activate}"']}
elif shutil.which("bash"):
    c.ServerApp.terminado_settings = {
        "shell_command": ["bash", "--rcfile", str(ROOT / ".jupyter" / "terminal.bashrc"), "-i"]
    }
