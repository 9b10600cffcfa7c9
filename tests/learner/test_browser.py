"""The learner's path, in a real browser: `make lab`'s JupyterLab driven by Playwright in Debian's Chromium.

One test walks what a new learner does on a fresh copy of the course: open the URL `make lab` prints (the
first lesson), run it from the Run menu, run lesson 01 and chat twice with its ChatBox, open
labs/lab01_messages.py from the file browser, run `make check LAB=1` in a JupyterLab terminal, write one lab
function in the editor, save, and check again: the score goes up. Screenshots of each step are kept as
artifacts (artifacts/browser/, git-ignored, or $BROWSER_ARTIFACTS).

Playwright's own browser download cannot be fetched here; its Python package drives the system Chromium
(`.ci/run` installs Debian's `chromium` as root). Without Chromium or Playwright the test skips, saying why.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .course_files import REPO, copy_of_the_course

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# The flags the machine's own Chromium probe uses: headless as root, and no background connections (this
# network refuses them, many at a time).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", REPO / "artifacts" / "browser"))
ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook tab in front
CHAT_INPUT = "input[placeholder='Type a message, then press Send']"  # course.widgets.ChatBox's text box
# What a learner types at the end of labs/lab01_messages.py (a later definition replaces the stub above it).
BUILD_MESSAGES = """

def build_messages(system_prompt, history, user_message):
    return [{"role": "system", "content": system_prompt}, *history, {"role": "user", "content": user_message}]
"""

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -r requirements-dev.txt)"
)
pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (as root: apt-get install chromium)"
    ),
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed"),
    pytest.mark.skipif(
        not (REPO / ".venv" / ".installed").exists(), reason="no .venv: run the suite with `make test`"
    ),
]


@dataclass
class Lab:
    """A `make lab` server running on a fresh copy of the course."""

    root: Path
    url: str  # the URL the server printed, with the token filled in
    log: Path
    console: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    root = copy_of_the_course(tmp_path / "course")
    (root / ".venv").symlink_to(REPO / ".venv")  # the suite's environment: make installs nothing
    # The copy's files are newer than the shared environment's stamp: without this, the `make check` typed in
    # the terminal would reinstall, re-pointing the suite's editable install at this soon-deleted copy.
    installed = (REPO / ".venv" / ".installed").stat().st_mtime
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        os.utime(root / name, (installed - 60, installed - 60))
    home = tmp_path / "jupyter"  # the learner's own JupyterLab settings and workspaces, kept out of ~
    settings = home / "settings" / "@jupyterlab" / "terminal-extension"
    settings.mkdir(parents=True)
    # Screen-reader mode: the terminal also writes its rows as text into the page, where the test reads them.
    (settings / "plugin.jupyterlab-settings").write_text('{"screenReaderMode": true}')
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "PYTEST_", "MAKE", "MFLAGS")) and k not in ("MODEL",)
    }
    env.update(
        LLM_BACKEND="stub",
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )
    token = secrets.token_hex(16)
    port = free_port()
    log = tmp_path / "make-lab.log"
    # The Makefile's own command; -o keeps make from reinstalling into the shared .venv.
    command = [
        "make",
        "-o",
        ".venv/.installed",
        "lab",
        f"LAB_ARGS=--no-browser --ServerApp.ip=127.0.0.1 --port={port} --IdentityProvider.token={token}",
    ]
    with log.open("w") as out:
        server = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        printed = wait_for_url(log, server)
        yield Lab(root, printed.replace("token=...", f"token={token}"), log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make, JupyterLab, its kernels and terminals: our group only
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_for_url(log: Path, server: subprocess.Popen, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/\S*", log.read_text())
        if found:
            return found.group(0)
        if server.poll() is not None:
            break
        time.sleep(0.3)
    pytest.fail(f"`make lab` printed no URL within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def run_all_cells(page) -> None:
    """Once the kernel is ready, Run → Run All Cells; then wait until every code cell of the front notebook
    has run. (Asked before the kernel is up, JupyterLab would first ask which kernel to start.)"""
    # The status bar reads "No Kernel | Idle" for a moment before the kernel starts: wait for the kernel.
    page.wait_for_function(
        "() => /\\(ipykernel\\) \\| Idle/.test(document.querySelector('#jp-main-statusbar').textContent)",
        timeout=90_000,
    )
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    page.wait_for_function(
        """(active) => {
            const prompts = [...document.querySelectorAll(active + ' .jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        arg=ACTIVE,
        timeout=240_000,
    )


def errors_shown(page) -> list[str]:
    """The text of every error output in the front notebook (a traceback, as JupyterLab shows it)."""
    return page.eval_on_selector_all(
        f"{ACTIVE} .jp-OutputArea-output",
        """outputs => outputs
            .filter(o => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.error'
                         || /Traceback \\(most recent call last\\)/.test(o.textContent))
            .map(o => o.textContent.slice(0, 500))""",
    )


def open_from_file_browser(page, *names: str) -> None:
    """Double-click each name in turn, starting from the file browser's root folder."""
    if not page.locator(".jp-FileBrowser").is_visible():
        page.click(".jp-SideBar [data-id='filebrowser']")
    page.click(".jp-FileBrowser .jp-BreadCrumbs-home")
    for name in names:
        page.dblclick(f".jp-FileBrowser .jp-DirListing-itemText > span:text-is('{name}')")


def chat(page, text: str) -> str:
    """Type into the ChatBox, press Send, and return the assistant's reply (the conversation's new last row)."""
    box = page.locator(CHAT_INPUT).locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
    conversation = box.locator(".widget-html").first
    replies = "el => [...el.querySelectorAll('b')].filter(b => b.textContent === 'assistant').length"
    before = conversation.evaluate(replies)
    page.fill(CHAT_INPUT, text)
    page.click(f"{ACTIVE} button.widget-button:text-is('Send')")
    page.wait_for_function(
        f"([el, before]) => ({replies})(el) > before",
        arg=[conversation.element_handle(), before],
        timeout=60_000,
    )
    rows = conversation.locator("div").all_inner_texts()
    assert rows[-2] == f"user: {text}", f"the ChatBox should show the message sent last; it shows {rows[-2:]}"
    return rows[-1].removeprefix("assistant:").strip()


def terminal_run(page, command: str, done: str, timeout: float = 300_000) -> str:
    """Type a command into the front terminal (after `clear`: the page holds only the rows on screen) and
    return the screen once a row matches ``done``."""
    rows = ".jp-Terminal:not(.lm-mod-hidden) .xterm-accessibility-tree > div"
    page.click(".jp-Terminal:not(.lm-mod-hidden) .xterm")
    page.keyboard.type("clear\n")
    page.wait_for_function(
        "([rows, done]) => ![...document.querySelectorAll(rows)].some(row => new RegExp(done).test(row.textContent))",
        arg=[rows, done],
    )
    page.keyboard.type(command + "\n")
    page.wait_for_function(
        "([rows, done]) => [...document.querySelectorAll(rows)].some(row => new RegExp(done).test(row.textContent))",
        arg=[rows, done],
        timeout=timeout,
    )
    return terminal_text(page)


def terminal_text(page) -> str:
    return "\n".join(
        page.eval_on_selector_all(
            ".jp-Terminal:not(.lm-mod-hidden) .xterm-accessibility-tree > div",
            "rows => rows.map(row => row.textContent)",
        )
    )


def score(screen: str) -> tuple[int, int]:
    totals = re.findall(r"^\s*Total\s+(\d+) / (\d+) points", screen, re.M)
    assert totals, f"`make check LAB=1` printed no 'Total ... points' line:\n{screen[-2000:]}"
    return int(totals[-1][0]), int(totals[-1][1])


def widget_errors(console: list[str]) -> list[str]:
    """Errors (not warnings: JupyterLab warns about slow plugins, Chromium about its GPU) from the widgets."""
    return [
        line
        for line in console
        if line.startswith(("error:", "pageerror:")) and re.search(r"widget|comm\b|model", line, re.I)
    ]


def test_a_learner_runs_lessons_chats_and_checks_a_lab_in_jupyterlab(lab: Lab) -> None:
    seed = int(os.environ.get("BROWSER_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    names = (REPO / "llm_stub" / "data" / "given_names.txt").read_text().split("\n", 3)[3].split()
    name = rng.choice(names)
    print(f"seed {seed} (BROWSER_SEED={seed} repeats this run): the learner is called {name}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = 0

    def screenshot(page, what: str) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=str(ARTIFACTS / f"{shot}_{what}.png"))

    assert "/lab/tree/notebooks/00_setup.ipynb?token=" in lab.url, (
        f"`make lab` should print a URL that opens the first lesson; it printed {lab.url}"
    )
    sync_playwright = playwright_api.sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.on(
                "console",
                lambda m: (
                    lab.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
                ),
            )
            page.on("pageerror", lambda exc: lab.console.append(f"pageerror: {exc}"))

            # 1. The printed URL opens 00_setup, with no news pop-up over it; Run All Cells.
            page.goto(lab.url)
            page.wait_for_selector(f"{ACTIVE} .jp-Cell", timeout=90_000)
            assert page.locator(".lm-TabBar-tabLabel:text-is('00_setup.ipynb')").count() == 1
            run_all_cells(page)
            assert not page.locator(".jp-toast-container:has-text('Jupyter news')").count(), (
                "JupyterLab's news pop-up is showing: .jupyter/labconfig/page_config.json should disable it"
            )
            assert errors_shown(page) == [], f"00_setup shows errors: {errors_shown(page)}"
            screenshot(page, "00_setup_ran")

            # 2. Lesson 01 from the file browser, run through; two turns in its ChatBox.
            open_from_file_browser(page, "notebooks", "01_messages.ipynb")
            page.wait_for_selector(".lm-TabBar-tab.lm-mod-current:has-text('01_messages.ipynb')")
            page.wait_for_selector(f"{ACTIVE} .jp-Cell")
            page.wait_for_timeout(1000)  # the status bar turns to the new notebook's kernel
            run_all_cells(page)
            assert errors_shown(page) == [], f"01_messages shows errors: {errors_shown(page)}"
            page.locator(CHAT_INPUT).scroll_into_view_if_needed()
            first = chat(page, f"Hi! My name is {name}.")
            second = chat(page, "What is my name?")
            screenshot(page, "01_chatbox_two_turns")
            assert name in second, (
                f"the ChatBox should resend the history, so the reply to 'What is my name?' names {name}; "
                f"it said {second!r} (first reply: {first!r})"
            )

            # 3. The lab file from the file browser.
            open_from_file_browser(page, "labs", "lab01_messages.py")
            editor = page.locator(".jp-FileEditor:not(.lm-mod-hidden) .cm-content")
            editor.wait_for()
            # the editor is shown before the file's text arrives (an empty document on a busy machine): wait for it
            playwright_api.expect(editor).to_contain_text("def build_messages", timeout=30_000)
            screenshot(page, "lab01_open")

            # 4. `make check LAB=1` in a JupyterLab terminal: the untouched lab scores nothing.
            page.click(".lm-MenuBar-itemLabel:text-is('File')")
            page.hover(".lm-Menu-itemLabel:text-is('New')")
            page.click(".lm-Menu-itemLabel:text-is('Terminal')")
            page.wait_for_selector(".jp-Terminal:not(.lm-mod-hidden) .xterm-accessibility-tree")
            screen = terminal_run(page, "make check LAB=1", r"^\s*Total\s+\d+ / \d+ points")
            got, out_of = score(screen)
            assert got < out_of, f"an untouched lab 01 should not score full marks:\n{screen}"

            # 5. Write build_messages in the editor, save, check again: the score goes up.
            page.click(".lm-TabBar-tabLabel:text-is('lab01_messages.py')")
            editor.click()
            page.keyboard.press("Control+End")
            page.keyboard.insert_text(BUILD_MESSAGES)
            page.keyboard.press("Control+s")
            saved = lab.root / "labs" / "lab01_messages.py"
            deadline = time.monotonic() + 15
            while "return [" not in saved.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert "return [" in saved.read_text(), "Ctrl+S in the editor did not save labs/lab01_messages.py"
            screenshot(page, "lab01_edited")
            page.click(".lm-TabBar-tabLabel:text-is('Terminal 1')")
            screen = terminal_run(page, "make check LAB=1", r"^\s*Total\s+[1-9]\d* / \d+ points")
            after, _ = score(screen)
            screenshot(page, "terminal_make_check")
            assert after > got, f"the score should rise once build_messages is written:\n{screen}"
            print(
                f"make check LAB=1: {got} / {out_of} points untouched, {after} / {out_of} with build_messages"
            )
        except Exception:
            screenshot(page, "failure")
            raise
        finally:
            browser.close()
    assert widget_errors(lab.console) == [], f"the browser console logged widget errors: {lab.console}"
    assert not [line for line in lab.console if line.startswith("pageerror")], lab.console
    errors = [line for line in lab.console if not line.startswith("warning:")]
    print(f"screenshots in {ARTIFACTS}; the browser console's errors: {errors or 'none'}")
