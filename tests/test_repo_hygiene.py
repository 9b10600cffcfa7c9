"""Repository hygiene: no secret in any file git would commit, clean notebooks, valid CI and dev-container files.

Everything here reads files only (no network). Files are the ones git tracks plus the untracked ones it
would pick up (``git ls-files --cached --others --exclude-standard``), so a key pasted into a notebook
fails here before it is ever committed; ignored files (your ``.env``) are never read.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent

# What a leaked credential looks like. Bodies are long on purpose: real keys are 32+ random characters
# (OpenAI sk-proj-/sk-..., Groq gsk_..., OpenRouter sk-or-v1-..., Anthropic sk-ant-...), while the course's
# placeholders (sk-stub, sk-proj-..., gsk_...) and the short fake keys in tests are not.
SECRET_PATTERNS: dict[str, re.Pattern[str]] = {
    "an sk-... API key (OpenAI, OpenRouter, Anthropic)": re.compile(
        r"\bsk-(?:proj-|svcacct-|admin-|or-v1-|ant-api\d\d-)?[A-Za-z0-9_\-]{32,}"
    ),
    "a Groq key (gsk_...)": re.compile(r"\bgsk_[A-Za-z0-9]{32,}"),
    "an AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "a Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "a GitHub token": re.compile(r"\b(?:ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{30,}"),
    "a long bearer token": re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=\-]{32,}"),
    "a private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
}
# A match containing one of these words is an obvious fake, not a leak.
FAKE_MARKERS = ("stub", "fake", "example", "dummy", "placeholder", "xxxx", "test", "redacted", "your")

NOTEBOOK_DIR = "notebooks/"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def repo_files() -> list[str]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: nothing to say about what would be committed")
    names = git("ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    return sorted({n for n in names if n and (REPO / n).is_file()})


def read_text(name: str) -> str | None:
    data = (REPO / name).read_bytes()
    if b"\0" in data[:8192]:
        return None  # binary
    return data.decode("utf-8", errors="replace")


def find_secrets(text: str) -> list[tuple[str, str]]:
    """(what, masked match) for every key-shaped string in ``text`` that is not an obvious fake."""
    found = []
    for what, pattern in SECRET_PATTERNS.items():
        for m in pattern.finditer(text):
            token = m.group(0)
            if any(marker in token.lower() for marker in FAKE_MARKERS):
                continue
            found.append((what, f"{token[:6]}…{token[-3:]} (line {text.count(chr(10), 0, m.start()) + 1})"))
    return found


# --- secrets ------------------------------------------------------------------------------------------------


def test_the_secret_patterns_catch_real_shapes_and_spare_placeholders():
    # Built at run time so that this file itself holds no key-shaped literal.
    body = "Zq8" * 16
    leaks = [
        "sk-" + body,
        "sk-proj-" + body,
        "sk-or-v1-" + "a1" * 32,
        "gsk_" + body,
        "AKIA" + "Q7" * 8,
        "Authorization: Bearer " + body,
        "-----BEGIN RSA " + "PRIVATE KEY-----",
    ]
    for leak in leaks:
        assert find_secrets(f"x = '{leak}'\n"), f"not caught: {leak[:12]}..."
    placeholders = [
        "sk-stub",
        "OPENAI_API_KEY=sk-proj-...",
        "OPENAI_API_KEY=gsk_...",
        "sk-or-...",
        "api_key='sk-real-looking-key-123456'",
        "Authorization: Bearer sk-stub",
        "Authorization: Bearer $OPENAI_API_KEY",
        "sk-" + "fake" + body,
    ]
    for text in placeholders:
        assert not find_secrets(text), f"false alarm on {text!r}"


def test_no_file_git_would_commit_contains_a_key(repo_files):
    leaks = []
    for name in repo_files:
        text = read_text(name)
        if text is None:
            continue
        leaks += [f"{name}: {what} {where}" for what, where in find_secrets(text)]
    assert not leaks, (
        "These files contain what looks like a real credential (notebook outputs and logs included). "
        "Remove it, rotate the key at your provider, and keep keys in .env only:\n  " + "\n  ".join(leaks)
    )


def test_dotenv_is_ignored_and_not_tracked(repo_files):
    assert ".env" not in repo_files and not git("ls-files", "--", ".env").strip(), (
        ".env is tracked: git rm --cached .env"
    )
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO).returncode == 0
    assert ignored, "add .env to .gitignore: it holds your API key"
    assert subprocess.run(["git", "check-ignore", "-q", "notebooks/.env"], cwd=REPO).returncode == 0


def test_env_example_holds_no_value_that_could_be_a_secret():
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        if "KEY" in name or "TOKEN" in name or "SECRET" in name:
            assert value == "", (
                f".env.example sets {name}: leave it empty (the blocks below show the shape, commented)"
            )


# --- notebooks ----------------------------------------------------------------------------------------------


def notebooks(repo_files: list[str]) -> list[str]:
    return [
        n for n in repo_files if n.startswith(NOTEBOOK_DIR) and n.endswith(".ipynb") and "checkpoint" not in n
    ]


def test_every_notebook_has_stored_outputs_and_no_metadata_noise(repo_files):
    sys.path.insert(0, str(REPO))
    from tools.clean_notebooks import dumps, noise, unexecuted

    found = notebooks(repo_files)
    assert found, "no notebooks found under notebooks/"
    problems = []
    for name in found:
        text = (REPO / name).read_text(encoding="utf-8")
        nb = json.loads(text)
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        if code and not any(c.get("outputs") for c in code):
            problems.append(
                f"{name}: no stored outputs at all (build it: python -m tools.lesson {Path(name).stem})"
            )
        problems += [
            f"{name}: cells[{i}] is a code cell that never ran (execution_count is null)"
            for i in unexecuted(nb)
        ]
        problems += [f"{name}: {item}" for item in noise(nb)]
        if not noise(nb) and dumps(nb) != text:
            problems.append(f"{name}: not written in nbformat's layout")
    assert not problems, (
        "Notebooks are committed with outputs (nbval needs them) and without editor metadata. "
        "Fix with: python tools/clean_notebooks.py notebooks/*.ipynb\n  " + "\n  ".join(problems)
    )


def test_the_notebook_cleaner_keeps_outputs_and_counts_and_strips_noise():
    sys.path.insert(0, str(REPO))
    from tools.clean_notebooks import clean, noise

    output = {"name": "stdout", "output_type": "stream", "text": ["hi\n"]}
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 3,
                "id": "cell-00",
                "metadata": {
                    "tags": ["nbval-ignore-output"],
                    "execution": {"iopub.status.busy": "2026"},
                    "scrolled": True,
                },
                "outputs": [output],
                "source": ["print('hi')"],
            }
        ],
        "metadata": {"kernelspec": {"name": "python3"}, "vscode": {"interpreter": {}}, "widgets": {}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    assert noise(nb) == ["metadata.vscode", "cells[0].metadata.execution", "cells[0].metadata.scrolled"]
    cleaned = clean(nb)
    assert noise(cleaned) == []
    assert cleaned["cells"][0]["outputs"] == [output] and cleaned["cells"][0]["execution_count"] == 3
    assert cleaned["cells"][0]["metadata"] == {"tags": ["nbval-ignore-output"]}
    assert set(cleaned["metadata"]) == {"kernelspec", "widgets"}


# --- CI, pre-commit, dev container ----------------------------------------------------------------------------


def load_yaml(relative: str) -> dict:
    path = REPO / relative
    assert path.exists(), f"{relative} is missing"
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), f"{relative} is not a YAML mapping"
    return data


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    assert on is not None, "the workflow has no `on:` triggers"
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    return on


def steps(workflow: dict) -> list[dict]:
    jobs = workflow.get("jobs") or {}
    assert jobs, "the workflow has no jobs"
    found = []
    for name, job in jobs.items():
        assert job.get("runs-on"), f"job {name} has no runs-on"
        assert job.get("steps"), f"job {name} has no steps"
        found += job["steps"]
    return found


def check_actions_pinned(all_steps: list[dict]) -> None:
    for step in all_steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", step["uses"]), (
                f"pin the action to a version tag or commit: {step['uses']}"
            )


def test_test_workflow_runs_make_test_on_push_and_pull_request():
    workflow = load_yaml(".github/workflows/test.yml")
    on = triggers(workflow)
    assert "push" in on and "pull_request" in on
    all_steps = steps(workflow)
    runs = [s.get("run", "") for s in all_steps]
    assert any(re.search(r"(^|\s)make test\b", r) for r in runs), "a step must run the README's `make test`"
    setup = [s for s in all_steps if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert setup and setup[0].get("with", {}).get("cache") == "pip", "set up Python with the pip cache"
    versions = workflow["jobs"]["test"].get("strategy", {}).get("matrix", {}).get("python-version", [])
    assert "3.11" in [str(v) for v in versions]
    check_actions_pinned(all_steps)
    readme = (REPO / "README.md").read_text()
    assert "make test" in readme, (
        "the README's test command is `make test`; keep the workflow and README in step"
    )


def test_canary_workflow_upgrades_openai_runs_the_tests_and_reports():
    workflow = load_yaml(".github/workflows/canary.yml")
    on = triggers(workflow)
    assert "workflow_dispatch" in on, "the canary must be runnable by hand"
    schedule = on.get("schedule")
    assert schedule and all(len(str(entry["cron"]).split()) == 5 for entry in schedule), (
        "schedule needs cron entries"
    )
    all_steps = steps(workflow)
    runs = [s.get("run", "") for s in all_steps]
    install = next(i for i, r in enumerate(runs) if "requirements" in r or ".venv/.installed" in r)
    upgrade = next(i for i, r in enumerate(runs) if re.search(r"pip install (-U|--upgrade) .*\bopenai\b", r))
    tests = next(i for i, r in enumerate(runs) if re.search(r"make test\b|pytest", r))
    assert install < upgrade < tests, "install the pins, then upgrade openai, then run the tests"
    assert any("GITHUB_STEP_SUMMARY" in r for r in runs), "the canary reports to the job summary"
    check_actions_pinned(all_steps)


def test_canary_report_lists_what_broke(tmp_path):
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="3" failures="1" errors="0" skipped="1">'
        '<testcase classname="tests.stub.test_chat" name="test_ok"/>'
        '<testcase classname="tests.stub.test_chat" name="test_broken">'
        '<failure message="AttributeError: ChatCompletion has no attribute | choices">trace</failure></testcase>'
        '<testcase classname="tests.labs.test_x" name="test_skip"><skipped/></testcase>'
        "</testsuite></testsuites>"
    )
    script = REPO / ".github/scripts/canary_report.py"
    args = [sys.executable, str(script), "--junit", str(junit), "--pinned", "3.57.0", "--newest", "3.60.0"]
    out = subprocess.run(args + ["--outcome", "failure"], capture_output=True, text=True, check=True).stdout
    assert "openai 3.60.0 (pinned: 3.57.0)" in out
    assert "3 tests: 1 passed, 1 failed, 0 errors, 1 skipped." in out
    assert "tests.stub.test_chat::test_broken" in out and "has no attribute \\| choices" in out
    missing = subprocess.run(
        [sys.executable, str(script), "--junit", str(tmp_path / "none.xml"), "--outcome", "failure"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "No test report" in missing


def test_canary_lists_sdk_models_the_catalogue_lacks(tmp_path):
    """The canary compares the newest SDK's ChatModel with llm_stub/data/models.toml (issue 22)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("canary_report", REPO / ".github/scripts/canary_report.py")
    canary = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(canary)
    from llm_stub import catalog

    known = catalog.CATALOGUE.known_ids()
    assert canary.catalogue_gaps(canary.chat_model_ids(), known) == [], (
        "the pinned SDK's ids are all catalogued"
    )
    assert canary.catalogue_gaps(["gpt-9-nova", *sorted(known)[:3]], known) == ["gpt-9-nova"]
    junit = tmp_path / "none.xml"
    out = subprocess.run(
        [sys.executable, str(REPO / ".github/scripts/canary_report.py"), "--junit", str(junit), "--models"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    assert "Every ChatModel id is in llm_stub/data/models.toml." in out
    workflow = load_yaml(".github/workflows/canary.yml")
    assert any("--models" in s.get("run", "") for s in steps(workflow)), "the canary's report lists the gaps"


def test_pre_commit_config_pins_its_hooks():
    config = load_yaml(".pre-commit-config.yaml")
    hooks = {}
    for repo in config["repos"]:
        if repo["repo"] != "local":
            assert re.fullmatch(r"v?\d+(\.\d+)+", str(repo.get("rev", ""))), (
                f"pin {repo['repo']} to a release tag"
            )
        for hook in repo["hooks"]:
            hooks[hook["id"]] = (repo, hook)
    assert {"ruff-check", "ruff-format", "gitleaks", "clean-notebooks"} <= set(hooks)
    assert "--check" in hooks["ruff-format"][1].get("args", []), (
        "ruff-format checks, it does not rewrite on commit"
    )
    ruff_pin = re.search(r"^ruff==(\S+)", (REPO / "requirements-dev.txt").read_text(), re.M)
    assert ruff_pin, "requirements-dev.txt pins ruff"
    assert hooks["ruff-check"][0]["rev"] == f"v{ruff_pin.group(1)}", (
        "the ruff hook and requirements-dev.txt disagree"
    )
    entry = hooks["clean-notebooks"][1]["entry"].split()
    assert (REPO / entry[-1]).exists(), f"the notebook hook runs {entry[-1]}, which does not exist"


def test_devcontainer_opens_the_course_ready_to_run():
    path = REPO / ".devcontainer/devcontainer.json"
    assert path.exists()
    text = re.sub(r"^\s*//.*$", "", path.read_text(), flags=re.M)  # devcontainer.json may carry // comments
    config = json.loads(text)
    assert "python" in config.get("image", "") and "3.11" in config["image"], "a Python 3.11 image"
    post = config.get("postCreateCommand")
    post = (
        " ".join(post)
        if isinstance(post, list)
        else json.dumps(post)
        if isinstance(post, dict)
        else str(post)
    )
    assert "make .venv/.installed" in post, (
        "postCreateCommand installs the learner's pins (the Makefile's step)"
    )
    assert 8888 in config.get("forwardPorts", []), "forward JupyterLab's port 8888"
    extensions = config["customizations"]["vscode"]["extensions"]
    assert {"ms-python.python", "ms-toolsai.jupyter"} <= set(extensions)
