"""A guard, installed in the grading process, that keeps a submission to its own files.

It is a Python audit hook (``sys.addaudithook``): opening, listing or writing a
path outside the allowed places, or starting another program, raises
``PermissionError`` and is recorded, so the grade can say what the submission
tried. It stops honest mistakes and casual snooping at other submissions; it is
not a security boundary against code written to escape it (for that, grade
inside a container or a CI runner, as GitHub Actions does).
"""

from __future__ import annotations

import os
import site
import sys
from collections.abc import Callable, Iterable

BLOCKED_EVENTS = {
    "subprocess.Popen": "start another program",
    "os.system": "start another program",
    "os.exec": "start another program",
    "os.posix_spawn": "start another program",
    "os.spawn": "start another program",
    "os.fork": "fork the grading process",
    "os.forkpty": "fork the grading process",
    "os.kill": "send a signal to another process",
    "os.killpg": "send a signal to another process",
}
SYSTEM_READ_ROOTS = ("/usr", "/lib", "/lib64", "/etc", "/sys", "/dev", "/bin", "/sbin")
WRITE_FILES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _norm(path: str) -> str:
    return os.path.realpath(os.path.abspath(path))


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def default_read_roots(workspace: str) -> list[str]:
    """The submission's workspace, the Python installation and packages, the course's own packages."""
    roots = {
        workspace,
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        *SYSTEM_READ_ROOTS,
    }
    try:
        roots.update(site.getsitepackages())
        roots.add(site.getusersitepackages())
    except AttributeError:  # pragma: no cover - virtualenv's old site.py
        pass
    for name in ("course", "llm_stub"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            roots.add(os.path.dirname(module.__file__))
    return sorted({_norm(r) for r in roots if r})


def install(
    workspace: str,
    report: Callable[[str], None],
    read_roots: list[str] | None = None,
    write_roots: list[str] | None = None,
) -> None:
    """Confine this process: reads inside ``read_roots``, writes inside ``workspace`` (and ``write_roots``);
    no new processes."""
    workspace = _norm(workspace)
    reads = read_roots if read_roots is not None else default_read_roots(workspace)
    writes = [workspace, *(_norm(p) for p in write_roots or [])]
    own_proc = f"/proc/{os.getpid()}"
    busy = False

    def allowed(path: str, write: bool) -> bool:
        if path.startswith("/proc/"):
            part = path.split("/")[2]
            return not part.isdigit() or f"/proc/{part}" == own_proc
        if write:
            return path in WRITE_FILES or _under(path, writes)
        return _under(path, reads)

    def deny(what: str) -> None:
        report(what)
        raise PermissionError(
            f"grading sandbox: not allowed to {what}; a submission may only use its own files"
        )

    def hook(event: str, args: tuple) -> None:
        nonlocal busy
        if busy:
            return
        if event == "open" or event in ("os.listdir", "os.scandir"):
            target = args[0] if args else None
            if target is None or isinstance(target, int):
                return
            busy = True
            try:
                try:
                    path = _norm(os.fsdecode(target))
                except (TypeError, ValueError):
                    return
                write = False
                if event == "open":
                    mode = args[1] if len(args) > 1 else None
                    flags = args[2] if len(args) > 2 else 0
                    write = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
                        isinstance(flags, int) and flags & _WRITE_FLAGS
                    )
            finally:
                busy = False
            if not allowed(path, write):
                deny(f"{'write' if write else 'read'} {path}")
        elif event in BLOCKED_EVENTS:
            if event in ("os.kill", "os.killpg") and len(args) >= 1 and args[0] == os.getpid():
                return
            if called_from_submission():
                deny(BLOCKED_EVENTS[event])

    stdlib = os.path.realpath(os.path.dirname(os.__file__)) + "/"

    def in_stdlib(filename: str) -> bool:
        path = os.path.realpath(filename)
        return path.startswith(stdlib) and "-packages/" not in path

    def called_from_submission() -> bool:
        """The nearest caller outside Python's standard library is the submission's code (and not, say,
        the SDK asking ``platform`` for the processor name, which runs ``uname``)."""
        frame = sys._getframe(1)
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename.startswith("<") or filename == __file__ or in_stdlib(filename):
                frame = frame.f_back
                continue
            return _under(_norm(filename), [workspace])
        return False

    sys.addaudithook(hook)
