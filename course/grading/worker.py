"""The worker: the only process that imports and runs a submission's labs.

Started by :mod:`course.grading.isolation` as ``python -I -S worker.py FD CONFIG`` with this file and
``rpc.py`` (and ``sandbox.py``) beside it, inside the OS sandbox; it imports nothing from ``course``. FD
is its end of the channel to the trusted test process; CONFIG a JSON object: ``site`` (package folders
to add to the path), ``root`` (the folder holding ``labs/``), ``limits`` (rlimits), ``uid`` (drop to this
uid and gid after loading Python, when started as root without bwrap), ``preload`` (modules to import
before dropping privileges) and ``audit`` (install the audit hook that reports what the code tried).
"""

from __future__ import annotations

import json
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

PRELOAD = (
    "abc argparse ast asyncio base64 bisect calendar collections collections.abc concurrent.futures contextlib "
    "copy csv dataclasses datetime decimal difflib enum fractions functools hashlib heapq hmac inspect io "
    "itertools json logging math numbers operator pathlib pprint queue random re secrets shlex statistics "
    "string struct textwrap threading time traceback types typing typing_extensions unicodedata uuid warnings "
    "weakref zlib openai openai.types openai.types.chat pydantic httpx2 httpx tiktoken tenacity"
).split()

LIMITS = {
    "as": "RLIMIT_AS",
    "nofile": "RLIMIT_NOFILE",
    "fsize": "RLIMIT_FSIZE",
    "cpu": "RLIMIT_CPU",
    "nproc": "RLIMIT_NPROC",
    "core": "RLIMIT_CORE",
}


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


def main() -> None:
    fd = int(sys.argv[1])
    config = json.loads(sys.argv[2])
    for path in config.get("site", []):
        if path not in sys.path:
            sys.path.append(path)
    sys.path.insert(0, HERE)
    import rpc  # noqa: PLC0415 - the file beside this one

    root = config["root"]
    apply_limits(config.get("limits") or {})
    for name in config.get("preload", PRELOAD):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001,S112 - optional modules
            continue
    uid = config.get("uid")
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setgid(int(uid))
        os.setuid(int(uid))
    os.chdir(root)
    sys.path.insert(0, root)
    sys.path.remove(HERE)
    sock = socket.socket(fileno=fd)
    peer = rpc.Peer(sock, rpc.Policy(), threaded=True, where=rpc.lab_location(os.path.join(root, "labs")))

    def import_module(name: str):
        if not name.replace("_", "").isalnum():
            raise ImportError(f"no lab named {name!r}")
        module = __import__(f"labs.{name}", fromlist=["_"])
        return module

    peer.import_module = import_module  # type: ignore[method-assign]
    if config.get("audit"):
        sys.path.insert(0, HERE)
        import sandbox  # noqa: PLC0415

        sys.path.remove(HERE)
        sandbox.install(root, lambda what: peer.note(what=what), read_roots=config.get("read_roots"))
    peer.serve_forever()
    os._exit(0)


if __name__ == "__main__":
    main()
