"""The worker process that runs a submission's labs, and the OS sandbox around it.

The trusted test process (pytest with the course's own tests, the stub and the results recorder) never
imports a submission's code: the ``load_impl`` fixture returns a :class:`LabModule` whose attributes and
calls are requests over a socket to a *worker* process (see :mod:`course.grading.rpc`).

Isolation, best first (``detect``):

* ``bwrap``: bubblewrap. The worker sees a read-only Python installation and package folder, the three
  grader files it runs, the submission's ``labs/`` (read-only) and a private scratch folder, and nothing
  else: no course, no tests, no solutions, no other submission. Own user, PID, network (none), IPC and
  UTS namespaces, a new session, a clean environment, resource limits; killed with the grader.
* ``uid``: no bwrap, but root. The worker starts as root only to load Python and the allowed packages,
  then drops to a user id of its own (one per submission) before it imports a lab; resource limits,
  its own session, and every process of that uid is killed when the submission ends.
* ``none``: neither. Resource limits and its own session only (said in the report).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time
import types
from pathlib import Path
from typing import Any

from . import rpc

GRADER_FILES = ("rpc.py", "worker.py", "sandbox.py")
HERE = Path(__file__).resolve().parent
BASE_UID = 61000  # the uid fallback's users: BASE_UID + a run's slot * UID_SLOT + the submission's index
UID_SLOT = 1000  # user ids a run may use (one per submission)
UID_SLOTS = (
    1000  # runs that may grade at once without sharing a user id (killing one's would kill the other's)
)


def run_uid_base() -> int:
    """The first user id of a grading run: random, so two runs on one machine do not kill each other's workers."""
    return BASE_UID + UID_SLOT * secrets.randbelow(UID_SLOTS)


SANDBOX_ROOT = "/submission"  # where the worker's folder is mounted inside bwrap
DEFAULT_LIMITS = {
    "as": 3 * 1024**3,  # bytes of address space
    "nofile": 256,
    "fsize": 64 * 1024**2,  # bytes per file written
    "cpu": 600,  # seconds of CPU per worker
    "core": 0,
}
NPROC_LIMIT = 64  # processes and threads of the worker's own uid (whenever it has one: own_uid)
ISOLATION_TEXT = {
    "bwrap": (
        "bwrap (own namespaces, read-only system, no network, only its labs/ and a scratch folder; "
        "graded as root: its own user id, at most 64 processes)"
    ),
    "uid": "fallback (no bwrap): own user id, resource limits, its processes killed at the end",
    "none": "fallback (no bwrap, not root): resource limits and its own session only",
}

_probe: dict[str, Any] = {}
TMP_BYTES = 64 * 1024**2  # the worker's /tmp (memory) under bwrap


def bwrap_has(flag: str) -> bool:
    """This bwrap knows ``flag`` (``--size`` and ``--perms`` for a tmpfs came in bwrap 0.5)."""
    if "help" not in _probe:
        try:
            _probe["help"] = subprocess.run(
                ["bwrap", "--help"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            _probe["help"] = ""
    return flag in _probe["help"]


def bwrap_works() -> bool:
    """bwrap is installed and can make the namespaces the worker needs (cached)."""
    if "ok" not in _probe:
        path = shutil.which("bwrap")
        ok = False
        if path and os.environ.get("COURSE_GRADING_NO_BWRAP") != "1":
            try:
                ok = (
                    subprocess.run(
                        [
                            path,
                            "--unshare-all",
                            "--unshare-user",
                            "--die-with-parent",
                            "--ro-bind",
                            "/",
                            "/",
                            "true",
                        ],
                        capture_output=True,
                        timeout=20,
                    ).returncode
                    == 0
                )
            except (OSError, subprocess.TimeoutExpired):
                ok = False
        _probe["ok"] = ok
    return _probe["ok"]


def own_uid(mode: str) -> bool:
    """Whether each submission's worker runs under a user id of its own (``run_uid_base``), with a limit on its
    processes: whenever the grader is root (root itself is exempt from RLIMIT_NPROC, in a sandbox or not).
    Under bwrap the worker starts as root in its namespaces and drops to that uid after loading Python."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return False
    return mode == "uid" or (mode == "bwrap" and bwrap_has("--perms"))  # folders the uid may enter


def detect() -> str:
    """``bwrap``, ``uid`` or ``none`` (``COURSE_GRADING_NO_BWRAP=1`` forces the fallback)."""
    if bwrap_works():
        return "bwrap"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return "uid"
    return "none"


def site_dirs() -> list[str]:
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    return sorted(p for p in paths if p and os.path.isdir(p))


def prepare(root: Path, lab_files: list[Path], mode: str, uid: int | None) -> dict[str, Any]:
    """Fill the worker's folder (``labs/`` with the submission's files, ``scratch/``); its configuration."""
    labs = root / "labs"
    labs.mkdir(parents=True, exist_ok=True)
    (labs / "__init__.py").write_text("")
    for path in lab_files:
        shutil.copyfile(path, labs / path.name)
    (root / "scratch" / "tmp").mkdir(parents=True, exist_ok=True)
    if uid is not None:
        for path in [root, *root.rglob("*")]:
            os.chown(path, uid, uid)
        os.chmod(root, 0o700)
    else:
        os.chmod(root, 0o755)
    return {"mode": mode, "root": str(root), "uid": uid}


def others_can_read(path: Path) -> bool:
    """Whether a user other than the owner may reach and read ``path`` (every parent searchable by others)."""
    try:
        path = path.resolve()
        if not path.stat().st_mode & 0o004:
            return False
        return all(parent.stat().st_mode & 0o001 for parent in path.parents)
    except OSError:
        return False


class WorkerCrashed(Exception):
    """The lab's process ended (or was stopped) during a test."""


_DEST_AFTER = {"--ro-bind": 2, "--bind": 2, "--symlink": 2, "--tmpfs": 1, "--proc": 1, "--dev": 1, "--dir": 1}


def _open_parents(cmd: list[str], first: int) -> list[str]:
    """``cmd`` with every folder above a mount point made first, mode 0755.

    bwrap makes the folders above a mount point itself, mode 0700 and owned by root: a worker that drops to
    its own uid could not reach its Python (``/root/.pyenv/...``) or its labs. Only these empty folders are
    made: nothing else of the real ``/root`` is in the sandbox."""
    parents: set[str] = set()
    i = first
    while i < len(cmd):
        skip = _DEST_AFTER.get(cmd[i])
        if skip is None:
            i += 1
            continue
        dest = cmd[i + skip]
        parents.update(str(p) for p in Path(dest).parents if str(p) != "/")
        i += skip + 1
    made = [
        arg
        for p in sorted(parents, key=lambda p: (p.count("/"), p))
        for arg in ("--perms", "0755", "--dir", p)
    ]
    return [*cmd[:first], *made, *cmd[first:]]


class Worker:
    """One worker process and its channel (trusted side)."""

    def __init__(self, config: dict[str, Any], on_note: Any = None) -> None:
        self.config = config
        self.mode = config.get("mode", "none")
        self.root = Path(config["root"])
        self.on_note = on_note
        self.proc: subprocess.Popen | None = None
        self.peer: _TrustedPeer | None = None
        self.modules: dict[str, Any] = {}
        self.import_crashes: dict[str, str] = {}
        self.restarts = 0
        self.current_import: str | None = None

    # -- process --------------------------------------------------------------------------------------
    def command(self, fd: int) -> list[str]:
        python = os.path.realpath(sys.executable)
        limits = dict(DEFAULT_LIMITS, **(self.config.get("limits") or {}))
        inner: dict[str, Any] = {"site": site_dirs(), "limits": limits, "audit": True}
        uid = self.config.get("uid")
        if uid is None:  # a worker that drops to its own uid loads the whole list before it does
            inner["preload"] = ["openai", "openai.types.chat", "pydantic"]
        if self.mode == "bwrap":
            inner["root"] = SANDBOX_ROOT
            inner["read_roots"] = sorted(
                {SANDBOX_ROOT, "/usr", "/grader", sys.base_prefix, sys.prefix, *site_dirs()}
            )
            if uid is None:  # a user namespace: the worker is uid 65534 inside, the grader's uid outside
                namespaces = ["--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534"]
            else:  # the grader is root: no user namespace, and the worker drops to its own uid itself
                namespaces = [
                    *(
                        "--unshare-ipc",
                        "--unshare-pid",
                        "--unshare-net",
                        "--unshare-uts",
                        "--unshare-cgroup-try",
                    ),
                    *("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"),  # for that drop, then gone
                ]
                inner["uid"] = uid
                inner["limits"]["nproc"] = NPROC_LIMIT
            cmd = [
                shutil.which("bwrap") or "bwrap",
                *namespaces,
                "--die-with-parent",
                "--new-session",
                "--clearenv",
                "--ro-bind",
                "/usr",
                "/usr",
            ]
            for link in ("/lib", "/lib64", "/bin", "/sbin"):
                if os.path.islink(link):
                    cmd += ["--symlink", os.readlink(link), link]
                elif os.path.isdir(link):
                    cmd += ["--ro-bind", link, link]
            for path in sorted(
                {sys.base_prefix, sys.prefix, os.path.dirname(os.path.dirname(python)), *site_dirs()}
            ):
                if path and os.path.isdir(path) and not path.startswith("/usr/"):
                    cmd += ["--ro-bind", path, path]
            for name in GRADER_FILES:
                cmd += ["--ro-bind", str(HERE / name), f"/grader/{name}"]
            cmd += [
                "--ro-bind",
                str(self.root / "labs"),
                f"{SANDBOX_ROOT}/labs",
                "--bind",
                str(self.root / "scratch"),
                f"{SANDBOX_ROOT}/scratch",
                *(["--size", str(TMP_BYTES)] if bwrap_has("--size") else []),
                *(
                    ["--perms", "1777"] if uid is not None and bwrap_has("--perms") else []
                ),  # /tmp for the uid
                "--tmpfs",
                "/tmp",
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                "--chdir",
                SANDBOX_ROOT,
            ]
            for key, value in self._env(f"{SANDBOX_ROOT}/scratch", "/tmp").items():
                cmd += ["--setenv", key, value]
            if uid is not None:
                cmd = _open_parents(cmd, first=len(namespaces) + 1)
            return [*cmd, python, "-I", "-S", "/grader/worker.py", str(fd), json.dumps(inner)]
        inner["root"] = str(self.root)
        inner["read_roots"] = sorted(
            {str(self.root), "/usr", str(HERE), sys.base_prefix, sys.prefix, *site_dirs()}
        )
        if self.mode == "uid":
            inner["uid"] = uid
            inner["limits"]["nproc"] = NPROC_LIMIT
        return [python, "-I", "-S", str(HERE / "worker.py"), str(fd), json.dumps(inner)]

    def _env(self, home: str, tmp: str) -> dict[str, str]:
        return {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": home,
            "TMPDIR": tmp,
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "LLM_BACKEND": "stub",
        }

    def start(self) -> None:
        parent, child = socket.socketpair()
        try:
            env = self._env(str(self.root / "scratch"), str(self.root / "scratch" / "tmp"))
            self.proc = subprocess.Popen(
                self.command(child.fileno()),
                pass_fds=[child.fileno()],
                env=env,
                cwd=str(self.root) if self.mode != "bwrap" else "/",
                stdin=subprocess.DEVNULL,
                # its own session, except without bwrap or uid: then the grader's kill of the test process's
                # group takes the worker with it
                start_new_session=self.mode != "none",
            )
        finally:
            child.close()
        self.peer = _TrustedPeer(parent, self)
        self.modules = {}

    def _note(self, message: dict) -> None:
        if self.on_note is not None:
            self.on_note(message)

    def alive(self) -> bool:
        return (
            self.proc is not None
            and self.proc.poll() is None
            and self.peer is not None
            and self.peer.closed is None
        )

    def ensure(self) -> _TrustedPeer:
        if not self.alive():
            if self.proc is not None:
                self.stop()
                self.restarts += 1
            self.start()
        assert self.peer is not None
        return self.peer

    def ready(self) -> None:
        """Start the worker if needed and wait until it answers (outside any test's time limit)."""
        try:
            self.ensure().request("ping")
        except (WorkerCrashed, rpc.ChannelClosed, OSError):
            self.stop()

    def stop(self) -> int | None:
        """Kill the worker and everything it started; its exit code (None: it was killed)."""
        proc, peer = self.proc, self.peer
        code = None
        if proc is not None:
            try:
                code = proc.wait(timeout=0.5) if proc.poll() is None else proc.returncode
            except subprocess.TimeoutExpired:
                code = None
            try:
                if self.mode != "none":
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.kill()
            except (ProcessLookupError, PermissionError, OSError):
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover
                pass
        if self.config.get("uid") is not None:
            kill_uid(int(self.config["uid"]))
        if peer is not None:
            if peer.closed is None:
                peer.closed = rpc.ChannelClosed("the lab's process was stopped")
            try:
                peer.sock.close()
            except OSError:
                pass
        self.proc = None
        self.peer = None
        self.modules = {}
        return code

    # -- labs -----------------------------------------------------------------------------------------
    def module(self, name: str) -> Any:
        if name in self.import_crashes:
            raise WorkerCrashed(self.import_crashes[name])
        peer = self.ensure()
        handle = self.modules.get(name)
        if handle is None:
            self.current_import = name
            try:
                handle = peer.request("import", m=name)
            finally:
                self.current_import = None
            self.modules[name] = handle
        return handle

    def crashed(self) -> WorkerCrashed:
        importing = self.current_import
        code = self.stop()
        if code is None:
            how = "was stopped"
        elif code < 0:
            try:
                how = f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        else:
            how = (
                f"exited (exit code {code}): a lab that calls os._exit() or ends the interpreter another way"
            )
        if importing is not None:
            message = f"the lab's process {how} while importing labs/{importing}.py"
            self.import_crashes[importing] = message
        else:
            message = f"the lab's process {how} during this test"
        return WorkerCrashed(message)


class _TrustedPeer(rpc.Peer):
    def __init__(self, sock: socket.socket, worker: Worker) -> None:
        super().__init__(sock, rpc.TrustedPolicy(), threaded=True)
        self.worker = worker
        self.on_note = worker._note
        # the worker's requests (the client's calls, the tests' callbacks) are served in threads, so that a
        # lab running requests in parallel really runs them in parallel
        threading.Thread(target=self.serve_forever, name="course-grading-channel", daemon=True).start()

    def _wait(self, rid: int) -> dict:
        try:
            return super()._wait(rid)
        except rpc.ChannelClosed:
            raise self.worker.crashed() from None
        except BaseException:
            importing = self.worker.current_import
            self.worker.stop()  # interrupted mid-request (the test's time limit): the worker's state is unknown
            if importing is not None:
                self.worker.import_crashes[importing] = (
                    f"importing labs/{importing}.py did not finish within a test's time limit"
                )
            raise


def kill_uid(uid: int) -> None:
    """SIGKILL every process whose real or effective uid is ``uid`` (twice, for processes that fork)."""
    for _ in range(3):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as f:
                    for line in f:
                        if line.startswith("Uid:"):
                            ids = line.split()[1:3]
                            if str(uid) in ids:
                                os.kill(int(entry), signal.SIGKILL)
                                found = True
                            break
            except (OSError, ValueError):
                continue
        if not found:
            return
        time.sleep(0.05)


class LabModule(types.ModuleType):
    """What ``load_impl`` returns while grading: a module whose attributes live in the worker."""

    def __init__(self, worker: Worker, name: str) -> None:
        super().__init__(f"labs.{name}")
        object.__setattr__(self, "_worker", worker)
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        worker: Worker = object.__getattribute__(self, "_worker")
        handle = worker.module(object.__getattribute__(self, "_name"))
        return getattr(handle, attr)


_worker: Worker | None = None


def grading_worker() -> Worker | None:
    """The worker of this test process, when the grader configured one (``COURSE_WORKER``)."""
    global _worker
    if _worker is None:
        raw = os.environ.get("COURSE_WORKER")
        if not raw:
            return None
        _worker = Worker(json.loads(raw), on_note=_on_note)
        import atexit

        atexit.register(_worker.stop)
    return _worker


_note_sink: list[Any] = []


def _on_note(message: dict) -> None:
    for sink in _note_sink:
        sink(message)


def load_remote(name: str) -> LabModule:
    worker = grading_worker()
    if worker is None:
        raise RuntimeError("no grading worker configured")
    return LabModule(worker, name)


def end_of_test() -> None:
    """Called by the plugin after each test: a broken worker is replaced now, between tests."""
    if _worker is not None and not _worker.alive():
        if _worker.proc is not None:
            _worker.stop()
            _worker.restarts += 1
        _worker.ready()


__all__ = [
    "ISOLATION_TEXT",
    "LabModule",
    "Worker",
    "WorkerCrashed",
    "detect",
    "grading_worker",
    "load_remote",
    "threading",
]
