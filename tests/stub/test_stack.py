"""Which HTTP stack the stub runs on (llm_stub/stack.py): the fast parts where installed, the plain ones
elsewhere, and a clear error for a part asked for that is missing. No timing here: benchmarks measure speed
(bench/stub_throughput.py); these tests check which event loop and which parser are in use."""

from __future__ import annotations

import importlib
import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from llm_stub import StubServer, stack

from .models import PLAIN

ROOT = Path(__file__).resolve().parents[2]
# Run Python with uvloop and httptools made unimportable, as in an environment without them (Windows has no
# uvloop wheel; a plain `pip install uvicorn` brings neither).
WITHOUT_FAST_PARTS = "import sys; sys.modules['uvloop'] = None; sys.modules['httptools'] = None\n"


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def _one_request_on_a_kept_connection(stub: StubServer) -> socket.socket:
    url = urlsplit(stub.base_url)
    s = socket.create_connection((url.hostname, url.port), timeout=30)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = b""
    while b'{"status":"ok"}' not in answer:
        answer += s.recv(65536)
    return s


def test_the_fast_path_is_used_where_installed():
    expected = (
        "uvloop" if sys.platform != "win32" and _importable("uvloop") else "asyncio",
        "httptools" if _importable("httptools") else "h11",
    )
    assert (stack.LOOP, stack.HTTP) == expected
    with StubServer() as stub:
        assert stub.stack == expected
        # and the objects that serve a real connection: its protocol and the loop it runs on
        with _one_request_on_a_kept_connection(stub):
            (connection,) = stub._server.server_state.connections
            assert stack.parser_name(connection) == expected[1]
            assert stack.loop_name(connection.loop) == expected[0]


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop has no Windows wheel")
def test_requirements_install_the_fast_path_here():
    # requirements.txt pins both (uvloop with a marker): an environment made from it runs the fast path
    assert (stack.LOOP, stack.HTTP) == ("uvloop", "httptools"), (
        "uvloop or httptools is missing: `pip install -r requirements.txt` installs both"
    )


def test_requirements_pin_the_fast_parts_exactly():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert any(re.fullmatch(r"httptools==[\d.]+", line) for line in lines), "httptools is not pinned"
    uvloop = [line for line in lines if line.startswith("uvloop")]
    assert len(uvloop) == 1 and re.match(r'uvloop==[\d.]+; sys_platform != "win32"', uvloop[0]), (
        "uvloop must be pinned exactly, with a marker that keeps it off Windows (it has no wheel there)"
    )


def test_plain_environment_falls_back_and_serves():
    code = WITHOUT_FAST_PARTS + (
        "from openai import OpenAI\n"
        "from llm_stub import StubServer, stack\n"
        "print(stack.LOOP, stack.HTTP)\n"
        "with StubServer() as stub:\n"
        "    print(*stub.stack)\n"
        "    client = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0)\n"
        f"    r = client.chat.completions.create(model={PLAIN!r}, messages=[{{'role': 'user', 'content': 'hi'}}])\n"
        "    print(bool(r.choices[0].message.content))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["asyncio h11", "asyncio h11", "True"], done.stdout


def test_a_missing_part_asked_for_is_a_clear_error():
    code = WITHOUT_FAST_PARTS + (
        "from llm_stub.__main__ import main\nsys.exit(main(['--port', '0', '--loop', 'uvloop', '--http', 'h11']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2
    assert "uvloop is not installed here" in done.stderr and "--loop asyncio" in done.stderr
    with pytest.raises(ValueError, match="unknown event loop"):
        stack.choose(loop="trio")


@pytest.mark.parametrize("loop", stack.INSTALLED_LOOPS)
@pytest.mark.parametrize("http", stack.INSTALLED_PARSERS)
def test_each_installed_part_can_be_chosen(loop, http):
    with StubServer(loop=loop, http=http) as stub:
        assert stub.stack == (loop, http)
        with _one_request_on_a_kept_connection(stub):
            pass
