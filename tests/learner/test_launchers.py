"""How a learner starts the course: the README's first screen, `make lab`'s Jupyter settings (.jupyter/),
the JupyterLab terminal, the learner's and the maintainers' installs, and the one-click routes (Codespaces,
Binder through repo2docker's own build plan, Colab badges). The real-browser walk is test_browser.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from traitlets.config import Config

from .course_files import REPO, copy_of_the_course, repository_url

FIRST_LESSON = "/lab/tree/notebooks/00_setup.ipynb"
MAINTAINER_TOOLS = {
    "pytest-xdist",
    "nbval",
    "jupytext",
    "mutmut",
    "ruff",
    "playwright",
    "jupyter-repo2docker",
}


def owner_name() -> str:
    return repository_url().removeprefix("https://github.com/")


def requirements(name: str) -> tuple[list[str], list[Requirement]]:
    """(the option lines, the requirements) of a requirements file."""
    lines = [line.strip() for line in (REPO / name).read_text().splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    return [line for line in lines if line.startswith("-")], [
        Requirement(line) for line in lines if not line.startswith("-")
    ]


# -- the README ------------------------------------------------------------------------------------------


def test_the_readme_starts_with_the_two_commands_and_says_whose_each_is():
    readme = (REPO / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block and readme.index("```bash") < readme.index("\n## "), (
        "the two commands come before any section"
    )
    lines = block.group(1).strip().splitlines()
    assert [line.split("#")[0].strip() for line in lines] == ["make lab", "make test"]
    assert "learner" in lines[0], "say that `make lab` is the learner's command"
    assert "maintainer" in lines[1] and "not your labs" in lines[1], (
        "say that `make test` is the maintainers' (it grades the solutions, not the learner's labs)"
    )
    first_screen = readme[: readme.index("## The course")]
    for needed in ("git", "Python 3.11", "venv", "make check LAB=1", "python -m course check 1", "Terminal"):
        assert needed in first_screen, f"the README's first screen should mention {needed!r}"
    assert "jupyter lab" in first_screen and "Windows" in first_screen, "what to run on Windows without make"
    assert f"{FIRST_LESSON}?token=" in first_screen, "show the URL `make lab` prints"


def test_the_readme_badges_point_at_the_repository_and_open_the_first_lesson():
    readme = (REPO / "README.md").read_text()
    head = readme[: readme.index("```bash")]
    repo = owner_name()
    assert f"](https://codespaces.new/{repo}?quickstart=1)" in head
    assert f"](https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/notebooks/00_setup.ipynb)" in head
    assert f"](https://colab.research.google.com/github/{repo}/blob/main/notebooks/00_setup.ipynb)" in head
    others = set(re.findall(r"github\.com/([\w.-]+/[\w.-]+?)(?:/|\?|\))", readme)) | set(
        re.findall(r"(?:codespaces\.new|mybinder\.org/v2/gh)/([\w.-]+/[\w.-]+?)(?:/|\?|\))", readme)
    )
    course_links = {o for o in others if o.endswith("llm-api-basics")}
    assert course_links == {repo}, f"every launch link should use {repo}: {course_links}"


# -- `make lab` and its Jupyter settings ---------------------------------------------------------------------


def server_config() -> Config:
    config = Config()
    path = REPO / ".jupyter" / "jupyter_server_config.py"
    exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})
    return config


def test_make_lab_runs_jupyterlab_with_the_course_settings_and_the_learner_install_only():
    dry = subprocess.run(
        ["make", "-n", "-W", "requirements.txt", "lab"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert f'JUPYTER_CONFIG_PATH="{REPO}/.jupyter"' in dry and "jupyter lab" in dry, dry
    assert "-r requirements.txt" in dry and "requirements-dev.txt" not in dry, (
        "`make lab` installs the learner's requirements only"
    )
    dry_test = subprocess.run(
        ["make", "-n", "-W", "requirements-dev.txt", "test"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "-r requirements-dev.txt" in dry_test, "`make test` installs the maintainers' tools too"


def test_the_server_opens_the_repository_root_at_the_first_lesson():
    config = server_config()
    assert Path(config.ServerApp.root_dir) == REPO, "the file browser starts at the repository root"
    assert config.LabApp.default_url == FIRST_LESSON, "the printed URL opens 00_setup"


def test_the_news_popup_is_off_in_the_course_settings_not_in_home():
    page = json.loads((REPO / ".jupyter" / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"] is True


@pytest.mark.skipif(os.name == "nt" or shutil.which("bash") is None, reason="the bash terminal is POSIX only")
def test_a_terminal_starts_at_the_root_with_the_course_python(tmp_path):
    shell = server_config().ServerApp.terminado_settings["shell_command"]
    assert shell[0] == "bash" and "-l" not in shell, "a login shell would reset PATH"
    env = {
        "HOME": str(tmp_path),  # no ~/.bashrc: the course's rc file alone
        "PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if ".venv" not in p),
        "MAKELEVEL": "1",  # as inherited from `make lab`
        "TERM": "dumb",
    }
    done = subprocess.run(
        [*shell, "-c", 'echo "$PWD|$(command -v python)|${MAKELEVEL-unset}"'],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    where, python, makelevel = done.stdout.strip().splitlines()[-1].split("|")
    assert Path(where) == REPO, "the terminal starts in the course folder, wherever the file browser is"
    assert Path(python) == REPO / ".venv" / "bin" / "python", "with the course's .venv active"
    assert makelevel == "unset", "a `make` typed in the terminal is a top-level make"


# -- the two installs ------------------------------------------------------------------------------------------


def test_learner_and_maintainer_requirements_are_split_and_pinned_exactly():
    learner_options, learner = requirements("requirements.txt")
    dev_options, dev = requirements("requirements-dev.txt")
    assert learner_options == ["-e ."], "requirements.txt: the pins and the course itself"
    assert dev_options == ["-r requirements.txt"], "requirements-dev.txt adds to the learner's install"
    for req in learner + dev:
        assert [s.operator for s in req.specifier] == ["=="], f"pin {req.name} exactly"
    names = {r.name.lower() for r in learner}
    assert not names & MAINTAINER_TOOLS, f"maintainers' tools in requirements.txt: {names & MAINTAINER_TOOLS}"
    assert {r.name.lower() for r in dev} >= MAINTAINER_TOOLS
    assert not names & {r.name.lower() for r in dev}, "a package is pinned in one file only"
    assert {"pytest", "hypothesis"} <= names, "`make check` runs the lab tests: pytest and hypothesis"


def test_the_packaging_lists_every_package_and_data_folder():
    """setuptools warns ("Package would be ignored") about a folder it finds but was not told about."""
    import tomllib

    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    data = setuptools["package-data"]
    for folder in ("llm_stub/data", "course/replies"):
        package = folder.replace("/", ".")
        assert package in data, f"package-data should list {package}"
        files = [p for p in (REPO / folder).iterdir() if p.is_file() and p.suffix != ".py"]
        assert all(any(p.match(pattern) for pattern in data[package]) for p in files), (
            f"every data file of {folder} is packaged"
        )


# -- one click: Codespaces, Binder ------------------------------------------------------------------------------


def test_codespaces_installs_like_a_learner_and_starts_make_lab():
    text = re.sub(r"^\s*//.*$", "", (REPO / ".devcontainer" / "devcontainer.json").read_text(), flags=re.M)
    config = json.loads(text)
    assert "make .venv/.installed" in config["postCreateCommand"], (
        "the learner's install, through the Makefile"
    )
    assert "make lab" in config["postStartCommand"] and "&" in config["postStartCommand"]
    assert "jupyter server list" in config["postAttachCommand"], "print the link (with its token) to click"
    assert 8888 in config["forwardPorts"]


def test_binder_uses_the_learner_pins_and_the_course_settings():
    binder = REPO / ".binder"
    assert (binder / "requirements.txt").read_text().splitlines()[-1] == "-r ../requirements.txt"
    runtime = (binder / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.(1[1-9])", runtime), f"Python 3.11+ for the pins: {runtime}"
    for script in ("postBuild", "start"):
        assert os.access(binder / script, os.X_OK), f".binder/{script} must be executable"
    start = (binder / "start").read_text()
    assert "JUPYTER_CONFIG_PATH=" in start and ".jupyter" in start and start.rstrip().endswith('exec "$@"')


def test_repo2docker_plans_the_binder_image_from_the_binder_folder(tmp_path):
    """repo2docker's own build plan (the Dockerfile it would build; rendering it needs no Docker)."""
    executable = Path(sys.executable).with_name("repo2docker")
    if not executable.exists():
        pytest.skip("jupyter-repo2docker is not installed (pip install -r requirements-dev.txt)")
    done = subprocess.run(
        [str(executable), "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan", str(REPO)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    plan = done.stdout + done.stderr
    assert done.returncode == 0, plan[-3000:]
    assert "Building conda environment for python=3.11" in plan
    assert 'pip install --no-cache-dir -r ".binder/requirements.txt"' in plan
    copy_all = plan.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    assert copy_all < plan.index('-r ".binder/requirements.txt"'), "the repository is in place before `-e .`"
    assert "./.binder/postBuild" in plan
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/.binder/start"' in plan
    assert "pip install --no-cache-dir ." not in plan, (
        "the course is installed once, editable, by requirements"
    )


def test_one_command_repoints_every_launch_link(tmp_path):
    from tools.launch_links import current, repoint

    copy = copy_of_the_course(tmp_path / "fork")
    old = current()
    changed = repoint(old, "a-school/llm-course", root=copy)
    assert "pyproject.toml" in changed and "README.md" in changed
    assert len([c for c in changed if c.startswith("notebooks/src/")]) == len(
        list((REPO / "notebooks/src").glob("[0-9]*.py"))
    )
    for rel in changed:
        text = (copy / rel).read_text()
        assert f"/{old}/" not in text and f"/{old}?" not in text and f'/{old}"' not in text, rel
        assert "a-school/llm-course" in text
