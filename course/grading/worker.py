"""The worker: the only process that imports and runs a submission's labs.

Started by :mod:`course.grading.isolation` as ``python -I -S worker.py FD CONFIG`` with this file, ``rpc.py``,
``labside.py`` and ``sandbox.py`` beside it, inside the OS sandbox; it imports nothing from the grader. FD is
its end of the channel to the trusted test process; CONFIG a JSON object: ``site`` (package folders to add
to the path: the Python packages, and a copy of the course's own packages so that a lab may ``import
course``), ``root`` (the folder holding ``labs/``), ``limits`` (rlimits), ``uid`` (drop to this uid and gid
after loading Python, when started as root), ``namespaces`` (as root without bwrap: a private tmpfs of
``scratch_bytes`` on ``scratch`` and no network, in new mount and network namespaces), ``preload`` (modules
to import before dropping privileges) and ``audit`` (install the audit hook that reports what the code
tried).
"""

from __future__ import annotations

import json
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

PRELOAD = (
    "abc argparse ast asyncio base64 bisect calendar collections collections.abc concurrent.futures contextlib "
    "copy csv ctypes dataclasses datetime decimal difflib enum fractions functools hashlib heapq hmac inspect io "
    "itertools json logging math numbers operator pathlib pprint queue random re secrets shlex statistics "
    "string struct textwrap threading time traceback types typing typing_extensions unicodedata uuid warnings "
    "weakref zlib openai openai.types openai.types.chat openai.types.responses pydantic httpx2 httpx tiktoken "
    "tenacity tempfile glob shutil fnmatch pickle"
).split()

LIMITS = {
    "as": "RLIMIT_AS",
    "nofile": "RLIMIT_NOFILE",
    "fsize": "RLIMIT_FSIZE",
    "cpu": "RLIMIT_CPU",
    "nproc": "RLIMIT_NPROC",
    "core": "RLIMIT_CORE",
}
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 16384, 1 << 18


def apply_limits(limits: dict) -> None:
    import resource

    for key, value in limits.items():
        name = LIMITS.get(key)
        if name and hasattr(resource, name) and value is not None:
            which = getattr(resource, name)
            try:
                resource.setrlimit(which, (int(value), int(value)))
            except (ValueError, OSError):
                pass


SHARED_TMP = ("/tmp", "/var/tmp", "/run/lock", "/dev/shm")  # where any user may write
MS_BIND = 4096


def private_namespaces(scratch: str, size: int, keep: list[str] = ()) -> None:  # type: ignore[assignment]
    """New mount and network namespaces (as root): no network (a loopback that is down); a tmpfs of ``size``
    bytes on ``scratch`` and on each folder any user may write (``SHARED_TMP``), so that what the lab writes
    cannot fill the grader's disk; and a small tmpfs over each folder above a path of ``keep`` that other
    users may not enter (``/root``), so that the worker's own uid reaches its Python there and nothing else.
    The folders of ``keep`` (the worker's own, its Python: a Classroom recipe keeps its venv under /tmp) are
    bound back on top of those tmpfs, as bwrap does."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def mount(source: bytes | None, target: str, kind: bytes | None, flags: int, data: bytes | None) -> None:
        if libc.mount(source, target.encode(), kind, flags, data) != 0:
            raise OSError(ctypes.get_errno(), f"mount {target}")

    def cover(folder: str, options: bytes) -> None:
        """A tmpfs on ``folder``; the paths of ``keep`` under it bound back."""
        under = [p for p in keep if p.startswith(folder.rstrip("/") + "/")]
        under = [p for p in under if not any(p != q and p.startswith(q + "/") for q in under)]
        held = {p: os.open(p, os.O_RDONLY | os.O_DIRECTORY) for p in under}  # reachable once hidden
        mount(b"tmpfs", folder, b"tmpfs", MS_NOSUID | MS_NODEV, options)
        for path, fd in held.items():
            os.makedirs(path, mode=0o755, exist_ok=True)
            mount(f"/proc/self/fd/{fd}".encode(), path, None, MS_BIND | MS_REC, None)
            os.close(fd)

    if libc.unshare(CLONE_NEWNS | CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    mount(b"none", "/", None, MS_REC | MS_PRIVATE, None)
    keep = sorted({os.path.realpath(p) for p in keep if p and os.path.isdir(p)})
    os.umask(0o022)
    sized = f"size={int(size)},mode=1777".encode()
    for shared in SHARED_TMP:
        if os.path.isdir(shared) and not os.path.islink(shared):
            cover(shared, sized)
    closed = set()
    for path in keep:
        parts = path.split("/")[1:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/" + "/".join(parts[:depth])
            if not os.stat(folder).st_mode & 0o001:  # others may not enter it
                closed.add(folder)
                break
    for folder in sorted(closed):
        cover(folder, b"size=1048576,mode=0755")
    mount(b"tmpfs", scratch, b"tmpfs", MS_NOSUID | MS_NODEV, sized)


def main() -> None:
    fd = int(sys.argv[1])
    config = json.loads(sys.argv[2])
    for path in config.get("site", []):
        if path not in sys.path:
            sys.path.append(path)
    sys.path.insert(0, HERE)
    import labside  # noqa: PLC0415 - the files beside this one
    import rpc  # noqa: PLC0415,F401

    root = config["root"]
    namespaces = config.get("namespaces")
    if namespaces and os.getuid() == 0:
        private_namespaces(namespaces["scratch"], namespaces["size"], namespaces.get("keep", []))
    apply_limits(config.get("limits") or {})
    for name in config.get("preload", PRELOAD):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001,S112 - optional modules
            continue
    try:
        labside.warm_up()
    except Exception:  # noqa: BLE001,S110 - only a head start
        pass
    uid = config.get("uid")
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setgid(int(uid))
        os.setuid(int(uid))
    tmp = os.environ.get("TMPDIR")
    if tmp:
        try:
            os.makedirs(tmp, exist_ok=True)
        except OSError:
            pass
    os.chdir(root)
    sys.path.insert(0, root)
    sys.path.remove(HERE)
    sock = socket.socket(fileno=fd)
    peer = labside.WorkerPeer(sock, where=rpc.lab_location(os.path.join(root, "labs")))

    def import_module(name: str):
        if not name.replace("_", "").isalnum():
            raise ImportError(f"no lab named {name!r}")
        return __import__(f"labs.{name}", fromlist=["_"])

    peer.import_module = import_module
    if config.get("tmpfs"):
        peer.quota_paths = [p for p in (os.environ.get("HOME"), "/tmp", "/dev/shm", "/var/tmp") if p]
    if config.get("audit"):
        sys.path.insert(0, HERE)
        import sandbox  # noqa: PLC0415

        sys.path.remove(HERE)
        sandbox.install(
            root,
            lambda what: peer.note(what=str(what)[:500]),
            read_roots=config.get("read_roots"),
            write_roots=config.get("write_roots"),
        )
    peer.serve_forever()
    os._exit(0)


if __name__ == "__main__":
    main()
