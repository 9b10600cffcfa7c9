"""The worker process that runs a submission's labs, and the OS sandbox around it.

The trusted test process (pytest with the course's own tests, the stub and the results recorder) never
imports a submission's code: the ``load_impl`` fixture returns a :class:`LabModule` whose attributes and
calls are requests over a socket to a *worker* process (see :mod:`course.grading.rpc`); what the worker may
ask in return is the short list in :mod:`course.grading.capabilities`.

Isolation, best first (``detect``):

* ``bwrap``: bubblewrap. The worker sees a read-only Python installation and package folder, the grader
  files it runs, a copy of the course's packages (``import course`` works, as in a learner's notebook), the
  submission's ``labs/`` (read-only), and tmpfs of limited size for its scratch folder, ``/tmp`` and
  ``/dev/shm``; nothing else: no course checkout, no tests, no solutions, no other submission. Own user,
  PID, network (none), IPC and UTS namespaces, a new session, a clean environment, resource limits; killed
  with the grader.
* ``uid``: no bwrap, but root. The worker starts as root only to load Python and the allowed packages,
  then drops to a user id of its own (one per submission) before it imports a lab; resource limits,
  its own session, and every process and leftover file of that uid is removed when the submission ends.
  Where the kernel allows it (``namespaces_work``), it also gets new mount and network namespaces: no
  network, and a tmpfs of limited size as its scratch folder; else the grader measures that folder.
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
import tempfile
import threading
import time
import types
from pathlib import Path
from typing import Any

from . import capabilities, rpc

GRADER_FILES = ("rpc.py", "labside.py", "worker.py", "sandbox.py")
COURSE_PACKAGES = ("course", "llm_stub")  # what a lab may import from the course (a copy, read-only)
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
        "bwrap (own namespaces, read-only system, no network, only its labs/, the course's packages and 64 MB "
        "scratch tmpfs; graded as root: its own user id, at most 64 processes)"
    ),
    "uid": "fallback (no bwrap): own user id, resource limits, its processes killed at the end",
    "none": "fallback (no bwrap, not root): resource limits and its own session only",
}

_probe: dict[str, Any] = {}
TMP_BYTES = 64 * 1024**2  # the worker's /tmp and /dev/shm under bwrap (tmpfs: memory)
SCRATCH_BYTES = (
    64 * 1024**2
)  # the worker's scratch folder (HOME, TMPDIR): a tmpfs, or measured (uid fallback)
SHARED_TMP = ("/tmp", "/var/tmp", "/run/lock", "/dev/shm")  # where any user may write (the uid fallback)
QUOTA_CHECK = 0.25  # seconds between two measurements of what a worker wrote (uid fallback)
SITE = "/grader/site"  # where the copy of the course's packages is, inside bwrap


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


def _succeeds(cmd: list[str]) -> bool:
    """``cmd`` runs and exits 0 within 20 s."""
    try:
        return subprocess.run(cmd, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def bwrap_works() -> bool:
    """bwrap is installed and can make the namespaces the worker needs (cached)."""
    if "ok" not in _probe:
        path = shutil.which("bwrap")
        _probe["ok"] = (
            bool(path)
            and os.environ.get("COURSE_GRADING_NO_BWRAP") != "1"
            and _succeeds(
                [path, "--unshare-all", "--unshare-user", "--die-with-parent", "--ro-bind", "/", "/", "true"]  # type: ignore[list-item]
            )
        )
    return _probe["ok"]


def namespaces_work() -> bool:
    """As root without bwrap: whether a worker can have its own mount and network namespaces and a tmpfs
    (needs CAP_SYS_ADMIN, which a container may not grant). ``COURSE_GRADING_NO_NAMESPACES=1`` says no."""
    if "ns" not in _probe:
        ok = False
        if (
            os.environ.get("COURSE_GRADING_NO_NAMESPACES") != "1"
            and hasattr(os, "geteuid")
            and os.geteuid() == 0
        ):
            probe = tempfile.mkdtemp(prefix="course-ns-probe-")
            code = (
                "import sys; sys.path.insert(0, sys.argv[1]); import worker; "
                "worker.private_namespaces(sys.argv[2], 1 << 20, [sys.argv[2]])"
            )
            try:
                ok = _succeeds([sys.executable, "-I", "-S", "-c", code, str(HERE), probe])
            finally:
                shutil.rmtree(probe, ignore_errors=True)
        _probe["ns"] = ok
    return _probe["ns"]


def describe(mode: str) -> str:
    """The isolation a worker of ``mode`` gets, in the words of the reports."""
    if mode == "uid" and namespaces_work():
        return (
            ISOLATION_TEXT["uid"]
            + "; own mount and network namespaces (no network; tmpfs of 64 MB for its scratch "
            "folder and every folder any user may write)"
        )
    return ISOLATION_TEXT[mode]


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


def copy_course_packages(dest: Path) -> Path:
    """A copy of the grader's own packages (``course``, ``llm_stub``: every file, data too), readable by every
    worker: a lab may ``from course import pricing`` as lesson 01 does, whatever those modules read."""
    import importlib

    dest.mkdir(parents=True, exist_ok=True)
    for name in COURSE_PACKAGES:
        package = importlib.import_module(name)
        source = Path(package.__file__).resolve().parent
        shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for path in [dest, *dest.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return dest


def prepare(
    root: Path, lab_files: list[Path], mode: str, uid: int | None, site: Path | None = None
) -> dict[str, Any]:
    """Fill the worker's folder (``labs/`` with the submission's files, ``scratch/``); its configuration.
    ``site``: the copy of the course's packages (``copy_course_packages``)."""
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
    return {
        "mode": mode,
        "root": str(root),
        "uid": uid,
        "site": str(site) if site else None,
        "namespaces": mode == "uid" and uid is not None and namespaces_work(),
    }


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


def _open_parents(mounts: list[str]) -> list[str]:
    """``mounts`` (bwrap arguments) after ``--dir`` arguments that make every folder above a mount point,
    mode 0755.

    bwrap makes the folders above a mount point itself, mode 0700 and owned by root: a worker that drops to
    its own uid could not reach its Python (``/root/.pyenv/...``) or its labs. Only these empty folders are
    made: nothing else of the real ``/root`` is in the sandbox."""
    parents: set[str] = set()
    i = 0
    while i < len(mounts):
        skip = _DEST_AFTER.get(mounts[i])
        if skip is None:
            i += 1
            continue
        dest = mounts[i + skip]
        parents.update(str(p) for p in Path(dest).parents if str(p) != "/")
        i += skip + 1
    made = [
        arg
        for p in sorted(parents, key=lambda p: (p.count("/"), p))
        for arg in ("--perms", "0755", "--dir", p)
    ]
    return [*made, *mounts]


def _python_binds(paths: set[str]) -> list[str]:
    """bwrap arguments that show the Python installation and packages at their paths: each folder bound at its
    real path, and a symbolic link where a path goes through one outside the folders bound (a venv whose
    site-packages is a link elsewhere)."""
    real = {p: os.path.realpath(p) for p in paths if p and os.path.isdir(p)}
    bound = sorted({r for r in real.values() if not r.startswith("/usr/")})
    args = [arg for r in bound for arg in ("--ro-bind", r, r)]
    for path, target in sorted(real.items()):
        if path != target and not any(path.startswith(b + "/") for b in bound):
            args += ["--symlink", target, path]
    return args


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
        self.trouble: str | None = None  # why the worker was stopped by the grader (protocol, quota)
        self.lock = threading.RLock()
        self.namespaces = (
            self.mode == "uid" and self.config.get("uid") is not None and bool(config.get("namespaces"))
        )
        self.watch: threading.Thread | None = None

    # -- process --------------------------------------------------------------------------------------
    def command(self, fd: int) -> list[str]:
        python = os.path.realpath(sys.executable)
        limits = dict(DEFAULT_LIMITS, **(self.config.get("limits") or {}))
        inner: dict[str, Any] = {"site": site_dirs(), "limits": limits, "audit": True}
        uid = self.config.get("uid")
        site = self.config.get("site")
        if uid is None:  # a worker that drops to its own uid loads the whole list before it does
            inner["preload"] = ["openai", "openai.types.chat", "pydantic"]
        if self.mode == "bwrap":
            inner["root"] = SANDBOX_ROOT
            inner["site"] = [*site_dirs(), *([SITE] if site else [])]
            inner["read_roots"] = sorted(
                {SANDBOX_ROOT, "/usr", "/grader", sys.base_prefix, sys.prefix, *site_dirs()}
            )
            inner["write_roots"] = ["/tmp"]
            inner["tmpfs"] = bwrap_has("--size")
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
            # The tmpfs come first: a folder bound later (a Python or a venv under /tmp, as in the Classroom
            # recipe) is mounted on top of them, never hidden by them.
            cmd = [
                shutil.which("bwrap") or "bwrap",
                *namespaces,
                "--die-with-parent",
                "--new-session",
                "--clearenv",
                *self._tmpfs("/tmp", TMP_BYTES, uid),
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                *self._tmpfs("/dev/shm", TMP_BYTES, uid),
            ]
            mounts = ["--ro-bind", "/usr", "/usr"]
            for link in ("/lib", "/lib64", "/bin", "/sbin"):
                if os.path.islink(link):
                    mounts += ["--symlink", os.readlink(link), link]
                elif os.path.isdir(link):
                    mounts += ["--ro-bind", link, link]
            mounts += _python_binds(
                {sys.base_prefix, sys.prefix, os.path.dirname(os.path.dirname(python)), *site_dirs()}
            )
            for name in GRADER_FILES:
                mounts += ["--ro-bind", str(HERE / name), f"/grader/{name}"]
            if site:
                mounts += ["--ro-bind", str(site), SITE]
            mounts += [
                "--ro-bind",
                str(self.root / "labs"),
                f"{SANDBOX_ROOT}/labs",
                *self._tmpfs(f"{SANDBOX_ROOT}/scratch", SCRATCH_BYTES, uid),
                "--chdir",
                SANDBOX_ROOT,
            ]
            if uid is not None:
                mounts = _open_parents(mounts)
            cmd += mounts
            for key, value in self._env(f"{SANDBOX_ROOT}/scratch", f"{SANDBOX_ROOT}/scratch/tmp").items():
                cmd += ["--setenv", key, value]
            return [*cmd, python, "-I", "-S", "/grader/worker.py", str(fd), json.dumps(inner)]
        inner["root"] = str(self.root)
        if site:
            inner["site"] = [*site_dirs(), str(site)]
        inner["read_roots"] = sorted(
            {
                str(self.root),
                "/usr",
                str(HERE),
                sys.base_prefix,
                sys.prefix,
                *site_dirs(),
                *([str(site)] if site else []),
            }
        )
        if self.mode == "uid":
            inner["uid"] = uid
            inner["limits"]["nproc"] = NPROC_LIMIT
            if self.namespaces:
                keep = {
                    str(self.root),
                    str(HERE),
                    sys.prefix,
                    sys.base_prefix,
                    os.path.dirname(os.path.dirname(python)),
                    *site_dirs(),
                    *([str(site)] if site else []),
                }
                inner["namespaces"] = {
                    "scratch": str(self.root / "scratch"),
                    "size": SCRATCH_BYTES,
                    "keep": sorted(keep),
                }
                inner["tmpfs"] = True
        return [python, "-I", "-S", str(HERE / "worker.py"), str(fd), json.dumps(inner)]

    @staticmethod
    def _tmpfs(dest: str, size: int, uid: int | None) -> list[str]:
        """A tmpfs of ``size`` bytes (bwrap 0.5+ knows --size) at ``dest``, writable by a worker's own uid."""
        return [
            *(["--size", str(size)] if bwrap_has("--size") else []),
            *(["--perms", "1777"] if uid is not None and bwrap_has("--perms") else []),
            "--tmpfs",
            dest,
        ]

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
        if self.mode != "bwrap" and not self.namespaces and (self.watch is None or not self.watch.is_alive()):
            self.watch = threading.Thread(target=self._watch_disk, name="course-grading-quota", daemon=True)
            self.watch.start()

    def _note(self, message: dict) -> None:
        if self.on_note is not None:
            self.on_note(message)

    def incident(self, text: str) -> None:
        """Something the grader refused or stopped: for the report's notes."""
        self._note({"incident": str(text)[:500]})

    def violated(self, reason: str) -> None:
        """The worker broke the protocol (or a limit the grader measures): it is stopped, and the test it was
        in fails with the reason."""
        with self.lock:
            if self.trouble is None:
                self.trouble = reason
        self.incident(reason)
        proc = self.proc
        if proc is not None:
            try:
                if self.mode != "none":
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.kill()
            except (ProcessLookupError, PermissionError, OSError):
                pass

    def _watch_disk(self) -> None:
        """Without bwrap or namespaces, what the worker writes is measured: its scratch folder and, with a uid
        of its own, its files in the folders any user may write. Over SCRATCH_BYTES, the worker is stopped
        (files are also capped at 64 MB each by RLIMIT_FSIZE)."""
        uid = self.config.get("uid")
        while self.proc is not None or self.peer is not None:
            time.sleep(QUOTA_CHECK)
            proc = self.proc
            if proc is None or proc.poll() is not None:
                continue
            used = folder_bytes(self.root / "scratch")
            if uid is not None:
                used += sum(folder_bytes(Path(p), owner=int(uid)) for p in SHARED_TMP)
            if used > SCRATCH_BYTES:
                self.violated(
                    f"the lab wrote more than {SCRATCH_BYTES // 1024**2} MB to disk (its scratch space): its "
                    "process was stopped"
                )

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
        """Kill the worker and everything it started, remove what it left behind; its exit code (None: it was
        killed)."""
        with self.lock:
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
                remove_files_of(int(self.config["uid"]))
            if self.mode != "bwrap" and not self.namespaces:
                empty_folder(self.root / "scratch")
            if peer is not None:
                peer.close(rpc.ChannelClosed("the lab's process was stopped"))
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
        trouble = self.trouble
        code = self.stop()
        if trouble is not None:
            how = f"was stopped by the grader: {trouble}"
        elif code is None:
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

    def end_of_test(self) -> str | None:
        """Between tests: forget the test's handles; replace a worker that ended. Returns why the worker had to
        be replaced (the test it ended in does not pass), else None."""
        why = None
        if self.peer is not None:
            self.peer.end_of_test()
        if not self.alive() and self.proc is not None:
            why = self.crashed().args[0]
            self.restarts += 1
        self.trouble = None
        if self.proc is None:
            self.ready()
        return why


class _TrustedPeer(capabilities.TrustedPeer):
    def __init__(self, sock: socket.socket, worker: Worker) -> None:
        super().__init__(sock, on_incident=worker.incident)
        self.worker = worker
        self.on_note = worker._note
        self.on_violation = lambda reason: worker.violated(f"it broke the grading protocol ({reason})")
        # the worker's requests (the client's calls, the tests' callbacks) are served in threads, so that a
        # lab running requests in parallel really runs them in parallel
        threading.Thread(target=self.serve_forever, name="course-grading-channel", daemon=True).start()

    def request(self, op: str, args: tuple = (), **fields: Any) -> Any:
        try:
            return super().request(op, args, **fields)
        except rpc.ProtocolError as exc:
            if self.worker.trouble is None:
                self.worker.violated(f"it broke the grading protocol ({exc})")
            raise self.worker.crashed() from None

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


def folder_bytes(folder: Path, owner: int | None = None, limit: int = 20_000) -> int:
    """Bytes of the files under ``folder`` (of ``owner`` only, and inside folders of ``owner``, when given),
    counting at most ``limit`` entries: a measurement, quick enough to repeat several times a second."""
    total, seen = 0, 0
    stack = [str(folder)]
    while stack and seen < limit:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if owner is not None and info.st_uid != owner:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                total += info.st_blocks * 512 if hasattr(info, "st_blocks") else info.st_size
    return total


def remove_files_of(uid: int) -> None:
    """Remove what user ``uid`` left in the folders any user may write (the uid fallback's worker)."""
    for folder in SHARED_TMP:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue


def empty_folder(folder: Path) -> None:
    """Remove everything inside ``folder`` (the worker's scratch), keeping the folder and its ``tmp``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
                if entry.name == "tmp":
                    os.makedirs(entry.path, exist_ok=True)
            else:
                os.unlink(entry.path)
        except OSError:
            continue


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


def end_of_test() -> str | None:
    """Called by the plugin after each test: the test's handles are forgotten, a broken worker is replaced now
    (between tests). Returns why the worker had to be replaced, if it had."""
    if _worker is None:
        return None
    return _worker.end_of_test()


__all__ = [
    "ISOLATION_TEXT",
    "LabModule",
    "Worker",
    "WorkerCrashed",
    "describe",
    "detect",
    "grading_worker",
    "load_remote",
]
