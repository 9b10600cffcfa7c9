"""The channel between the trusted test process and the worker that runs a submission's labs.

Both ends import this module (the worker loads it as a plain file: it imports nothing from ``course``).
Messages are length-prefixed JSON objects, at most ``MAX_FRAME`` bytes either way; nothing is ever pickled.
Every message has a ``kind``:

* ``req``: a request ``{"kind": "req", "id": N, "op": ..., ...}``; the receiver answers it once;
* ``ret`` / ``err``: the answer ``{"re": N, "v": value}`` or ``{"re": N, "e": exception}`` to an
  outstanding request of the receiver; an answer to anything else (a request never made, or answered
  already) is a protocol violation;
* ``note``: a remark the worker sends (what its audit hook refused).

A frame that is not such a message (too big, not JSON, an unknown kind or operation) is a protocol
violation too: the side that reads it stops trusting the channel (the trusted side ends the worker).

Each side serves a fixed table of operations (``Peer.handlers``). The worker serves the tests' uses of the
lab's objects (attributes, calls, comparisons: its own objects, so anything). The trusted side serves only
the short list in :mod:`course.grading.capabilities`: model requests through a client the tests passed,
the next item of an iterator the tests passed, calls of functions the tests marked as callable.

Values cross as data: ``None``, booleans, numbers, strings, lists; dicts, tuples, sets and bytes as tagged
objects; SDK objects (pydantic models of ``openai.types``) as their data and type name; exceptions as their
class name (resolved only among builtins and the public classes of ``openai``, ``httpx2``/``httpx`` and
``pydantic``; any other class becomes a local stand-in with a known base), arguments and data. Anything
else is side-specific (``Peer.encode_other`` / ``Peer.decode_other``).
"""

from __future__ import annotations

import base64
import builtins
import datetime
import decimal
import enum
import importlib
import inspect
import itertools
import json
import os
import re
import socket
import struct
import sys
import threading
import types
import typing
import uuid
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

MAX_FRAME = 16 * 1024 * 1024  # bytes of one message, in either direction
MAX_DEPTH = 100  # nesting of a value
MAX_PENDING = 64  # requests of the other side waiting or being served at once
_HEADER = struct.Struct(">I")
KINDS = ("req", "ret", "err", "note")


class ChannelClosed(Exception):
    """The other side of the channel went away (or was stopped)."""


class ProtocolError(ChannelClosed):
    """The other side sent something the protocol does not allow: the channel is no longer trusted."""


class RemoteError(Exception):
    """An exception the other side raised that could not be rebuilt as its own class."""


class PolicyError(PermissionError):
    """The trusted side refused a request of the worker."""


# ---------------------------------------------------------------------------- framing


def send_message(sock: socket.socket, lock: threading.Lock, message: dict) -> None:
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    if len(data) > MAX_FRAME:
        raise ValueError(
            f"a value of {len(data):,} bytes is too big to pass between the tests and the lab "
            f"(the limit is {MAX_FRAME:,})"
        )
    with lock:
        sock.sendall(_HEADER.pack(len(data)) + data)


def _read_exact(sock: socket.socket, n: int) -> bytes:
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise ChannelClosed("the other side closed the channel")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def recv_message(sock: socket.socket) -> dict:
    """The next message; ``ProtocolError`` for a frame that is over the size limit or not a message."""
    (size,) = _HEADER.unpack(_read_exact(sock, _HEADER.size))
    if size > MAX_FRAME:
        raise ProtocolError(f"a message of {size:,} bytes (the limit is {MAX_FRAME:,})")
    raw = _read_exact(sock, size)
    try:
        message = json.loads(raw.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError):
        raise ProtocolError("a message that is not JSON") from None
    if not isinstance(message, dict) or message.get("kind") not in KINDS:
        raise ProtocolError("a message of no known kind")
    return message


# ---------------------------------------------------------------------------- types by name

_SCALARS = {
    "int": int,
    "str": str,
    "float": float,
    "bool": bool,
    "bytes": bytes,
    "dict": dict,
    "list": list,
    "tuple": tuple,
    "set": set,
    "frozenset": frozenset,
    "None": type(None),
    "object": object,
}
_GENERICS = {"list": list, "dict": dict, "tuple": tuple, "set": set, "frozenset": frozenset, "type": type}


def describe_type(tp: Any, depth: int = 0) -> Any:
    """A type hint as data: ``int`` -> "int", ``list[str]`` -> ["list", "str"], Optional/Union/Literal."""
    if depth > 8:
        return "Any"
    if tp is type(None) or tp is None:
        return "None"
    if tp is typing.Any:
        return "Any"
    for name, value in _SCALARS.items():
        if tp is value:
            return name
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Literal:
        return {"literal": [a for a in args if isinstance(a, (str, int, float, bool)) or a is None]}
    if origin is typing.Union or (hasattr(types, "UnionType") and origin is types.UnionType):
        return {"union": [describe_type(a, depth + 1) for a in args]}
    for name, value in _GENERICS.items():
        if origin is value:
            return {
                "generic": name,
                "args": [describe_type(a, depth + 1) if a is not Ellipsis else "..." for a in args],
            }
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"literal": [m.value for m in tp if isinstance(m.value, (str, int, float, bool))]}
    return "Any"


def build_type(desc: Any, depth: int = 0) -> Any:
    """The inverse of :func:`describe_type` (unknown shapes become ``Any``)."""
    if depth > 8:
        return typing.Any
    if isinstance(desc, str):
        if desc == "Any":
            return typing.Any
        if desc == "...":
            return Ellipsis
        return _SCALARS.get(desc, typing.Any)
    if isinstance(desc, dict):
        literal = desc.get("literal")
        if (
            isinstance(literal, list)
            and literal
            and all(isinstance(a, (str, int, float, bool)) for a in literal)
        ):
            return typing.Literal.__getitem__(tuple(literal))
        union = desc.get("union")
        if isinstance(union, list) and union:
            return typing.Union.__getitem__(tuple(build_type(a, depth + 1) for a in union))
        origin = _GENERICS.get(desc.get("generic"))  # type: ignore[arg-type]
        if origin is not None:
            args = tuple(build_type(a, depth + 1) for a in desc.get("args") or [])
            try:
                return origin[args] if args else origin
            except TypeError:
                return origin
    return typing.Any


# ---------------------------------------------------------------------------- exceptions

try:  # the SDK's HTTP library (``httpx``, named ``httpx2`` in some builds)
    import httpx2 as _httpx  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    try:
        import httpx as _httpx  # type: ignore[no-redef]
    except ImportError:
        _httpx = None  # type: ignore[assignment]

# Packages whose public (top-level) exception classes are rebuilt as themselves on the other side.
KNOWN_EXCEPTION_PACKAGES = ("openai", "httpx2", "httpx", "pydantic", "pydantic_core")
_CLASS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")


def _class_name(cls: type) -> str:
    """``package:Name`` for a public class of a known package or a builtin, else ``module:qualname``."""
    module = getattr(cls, "__module__", "") or ""
    top = module.split(".")[0]
    if module == "builtins":
        return f"builtins:{cls.__name__}"
    if top in KNOWN_EXCEPTION_PACKAGES:
        package = sys.modules.get(top)
        if package is not None and getattr(package, cls.__name__, None) is cls:
            return f"{top}:{cls.__name__}"
    return f"{module}:{cls.__qualname__}"


def _known_base(cls: type) -> str:
    """The nearest class in ``cls``'s MRO that both sides know (builtins, and the known packages)."""
    for base in cls.__mro__:
        name = _class_name(base)
        if resolve_exception_class(name) is base:
            return name
    return "builtins:Exception"


def resolve_exception_class(name: str) -> type | None:
    """The exception class ``package:Name`` names: a builtin, or a public class of a known package that is
    already imported on this side. Nothing is imported and no attribute path is followed."""
    module, _, qualname = str(name).partition(":")
    if not _CLASS_NAME.fullmatch(qualname) or qualname.startswith("_"):
        return None
    if module == "builtins":
        obj = getattr(builtins, qualname, None)
    elif module in KNOWN_EXCEPTION_PACKAGES and module in sys.modules:
        obj = getattr(sys.modules[module], qualname, None)
    else:
        return None
    return obj if isinstance(obj, type) and issubclass(obj, BaseException) else None


_LOCAL_CLASSES: dict[str, type] = {}
_LOCAL_LOCK = threading.Lock()


def local_exception_class(name: str, base_name: str) -> type:
    """A stand-in class for an exception class of the other side: same name and module, a builtin base."""
    with _LOCAL_LOCK:
        cls = _LOCAL_CLASSES.get(name)
        if cls is None:
            base = resolve_exception_class(base_name) or Exception
            base = next((b for b in base.__mro__ if b.__module__ == "builtins"), Exception)
            module, _, qualname = str(name).partition(":")
            short = qualname.rsplit(".", 1)[-1]
            if not short.isidentifier():
                short = "LabError"
            cls = type(short, (base,), {"__module__": module[:200], "__qualname__": qualname[:200]})
            if len(_LOCAL_CLASSES) < 10_000:
                _LOCAL_CLASSES[name] = cls
        return cls


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001
        return f"<{type(exc).__name__}>"


# ---------------------------------------------------------------------------- function metadata


def function_meta(fn: Any, with_types: bool) -> dict:
    """Name, docstring and (``with_types``) signature and type hints of a function, as data."""
    meta: dict[str, Any] = {}
    for attr in ("__name__", "__qualname__", "__module__"):
        value = getattr(fn, attr, None)
        if isinstance(value, str):
            meta[attr.strip("_")] = value[:200]
    if "name" not in meta:
        meta["name"] = type(fn).__name__
    doc = getattr(fn, "__doc__", None)
    if isinstance(doc, str) and (inspect.isroutine(fn) or doc != type(fn).__doc__):
        meta["doc"] = doc[:20000]
    if not with_types:
        return meta
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return meta
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # noqa: BLE001 - unresolvable hints: send none
        hints = {}
    params = []
    for p in sig.parameters.values():
        entry: dict[str, Any] = {"name": p.name, "kind": int(p.kind)}
        if p.default is not inspect.Parameter.empty:
            entry["default"] = _plain(p.default)
        if p.name in hints:
            entry["type"] = describe_type(hints[p.name])
        elif isinstance(p.annotation, str):
            entry["hint"] = p.annotation[:200]
        params.append(entry)
    meta["params"] = params
    if "return" in hints:
        meta["returns"] = describe_type(hints["return"])
    return meta


def _plain(value: Any) -> Any:
    """A default value as JSON data (anything else as its repr string)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"v": value}
    if isinstance(value, enum.Enum) and isinstance(value.value, (str, int, float, bool)):
        return {"v": value.value}
    return {"repr": repr(value)[:200]}


def make_function(call: Callable[..., Any], meta: dict) -> Any:
    """A real function that runs ``call``, with the name, docstring, signature and type hints in ``meta``."""

    def remote(*args: Any, **kwargs: Any) -> Any:
        return call(*args, **kwargs)

    name = meta.get("name") if isinstance(meta.get("name"), str) else "function"
    remote.__name__ = name if name.isidentifier() else "function"
    remote.__qualname__ = str(meta.get("qualname") or remote.__name__)
    remote.__module__ = str(meta.get("module") or "remote")
    remote.__doc__ = meta.get("doc") if isinstance(meta.get("doc"), str) else None
    params = meta.get("params")
    if isinstance(params, list):
        annotations: dict[str, Any] = {}
        parameters = []
        try:
            for p in params:
                kw: dict[str, Any] = {}
                default = p.get("default")
                if isinstance(default, dict) and "v" in default:
                    kw["default"] = default["v"]
                elif isinstance(default, dict):
                    kw["default"] = default.get("repr")
                if "type" in p:
                    kw["annotation"] = annotations[p["name"]] = build_type(p["type"])
                elif isinstance(p.get("hint"), str):
                    kw["annotation"] = annotations[p["name"]] = p["hint"]
                parameters.append(
                    inspect.Parameter(str(p["name"]), inspect._ParameterKind(int(p["kind"])), **kw)
                )
            returns = build_type(meta["returns"]) if "returns" in meta else inspect.Signature.empty
            if "returns" in meta:
                annotations["return"] = returns
            remote.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
            remote.__annotations__ = annotations
        except (TypeError, ValueError, KeyError, AttributeError):
            pass
    return remote


# ---------------------------------------------------------------------------- values as text

_TEXT_VALUES = {
    datetime.datetime: "datetime",
    datetime.date: "date",
    datetime.time: "time",
    decimal.Decimal: "decimal",
    uuid.UUID: "uuid",
}
_FROM_TEXT = {
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "decimal": decimal.Decimal,
    "uuid": uuid.UUID,
}


# ---------------------------------------------------------------------------- the peer


class _Pool:
    """At most ``size`` daemon threads serving queued jobs; at most ``limit`` jobs queued or running."""

    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        self.jobs: deque = deque()
        self.cond = threading.Condition()
        self.threads = 0
        self.idle = 0
        self.busy = 0

    def submit(self, job: Callable[[], None]) -> bool:
        with self.cond:
            if len(self.jobs) + self.busy >= self.limit:
                return False
            self.jobs.append(job)
            if self.idle:
                self.cond.notify()
            elif self.threads < self.size:
                self.threads += 1
                threading.Thread(target=self._run, name="course-grading-serve", daemon=True).start()
        return True

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.jobs:
                    self.idle += 1
                    self.cond.wait()
                    self.idle -= 1
                job = self.jobs.popleft()
                self.busy += 1
            try:
                job()
            finally:
                with self.cond:
                    self.busy -= 1


class Peer:
    """One end of the channel: sends requests and waits for their answers, serves the other side's requests
    with ``handlers`` (op -> function(message) -> (value, arguments to write back)), keeps the handles of
    this side's objects that the other side holds."""

    def __init__(self, sock: socket.socket, *, threads: int = 16, where: Any = None) -> None:
        self.sock = sock
        self.where = where  # exception -> [file, line, function] in the lab (worker side)
        self.send_lock = threading.Lock()
        self.ids = itertools.count(1)
        self.objects: dict[int, Any] = {}
        self.object_ids: dict[int, int] = {}
        self.lock = threading.RLock()
        self.cond = threading.Condition()
        self.outstanding: set[int] = set()  # ids of this side's requests that have no answer yet
        self.abandoned: set[int] = set()  # requests given up on (a time limit): their late answer is dropped
        self.replies: dict[int, dict] = {}
        self.closed: ChannelClosed | None = None
        self.on_note: Any = None  # callable(dict) for notes from the other side
        self.on_violation: Any = None  # callable(str) when the other side breaks the protocol
        self.handlers: dict[str, Callable[[dict], tuple[Any, list]]] = {}
        self.proxies: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self.pool = _Pool(threads, MAX_PENDING)
        self.max_exports = 200_000

    # -- handles ------------------------------------------------------------------------------------------
    def export(self, obj: Any) -> int:
        with self.lock:
            hid = self.object_ids.get(id(obj))
            if hid is not None and self.objects.get(hid) is obj:
                return hid
            if len(self.objects) >= self.max_exports:
                raise ValueError("too many objects passed between the tests and the lab")
            hid = next(self.ids)
            self.objects[hid] = obj
            self.object_ids[id(obj)] = hid
            return hid

    def local(self, hid: Any) -> Any:
        try:
            return self.objects[int(hid)]
        except (KeyError, TypeError, ValueError):
            raise ReferenceError(
                "an object that no longer exists (an object of an earlier test, or the lab's process was "
                "restarted)"
            ) from None

    def forget_all(self) -> None:
        with self.lock:
            self.objects.clear()
            self.object_ids.clear()

    # -- encoding -----------------------------------------------------------------------------------------
    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError("a value nested too deeply to pass between the tests and the lab")
        t = type(value)
        if value is None or t in (bool, str, int):
            return value
        if t is float:
            return (
                value
                if value == value and value not in (float("inf"), float("-inf"))
                else {"$": "float", "r": repr(value)}
            )
        if t is list:
            return [self.encode(v, depth + 1) for v in value]
        if t is dict:
            return {
                "$": "dict",
                "i": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()],
            }
        if t in (tuple, set, frozenset):
            return {"$": t.__name__, "i": [self.encode(v, depth + 1) for v in value]}
        if t is bytes:
            return {"$": "bytes", "b": base64.b64encode(value).decode()}
        if t in _TEXT_VALUES:
            return {
                "$": _TEXT_VALUES[t],
                "v": str(value) if t in (decimal.Decimal, uuid.UUID) else value.isoformat(),
            }
        if t is datetime.timedelta:
            return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
        if isinstance(value, BaseException):
            return self.encode_exception(value, depth)
        model = self._model(value)
        if model is not None:
            return model
        return self.encode_other(value, depth)

    def encode_other(self, value: Any, depth: int) -> Any:
        raise TypeError(f"a {type(value).__name__} cannot pass between the tests and the lab")

    def _model(self, value: Any) -> dict | None:
        """An SDK object (a pydantic model of ``openai.types``) as its data and type name."""
        cls = type(value)
        if not (cls.__module__ or "").startswith("openai.types") or not hasattr(value, "model_dump"):
            return None
        if getattr(cls, "__pydantic_generic_metadata__", {}).get("origin") is not None:
            return None  # a parametrised model (ParsedChatCompletion[X])
        try:
            data = value.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False)
        except Exception:  # noqa: BLE001
            return None
        return {"$": "model", "t": f"{cls.__module__}:{cls.__qualname__}", "d": data}

    def encode_exception(self, exc: BaseException, depth: int = 0) -> dict:
        cls = type(exc)
        out: dict[str, Any] = {
            "$": "exc",
            "t": _class_name(cls),
            "base": _known_base(cls),
            "str": _safe_str(exc)[:20000],
        }
        out.update(self.exception_ref(cls))
        try:
            out["args"] = [self.encode(a, depth + 1) for a in exc.args]
        except Exception:  # noqa: BLE001
            out["args"] = [out["str"]]
        attrs = {}
        for key, val in list(getattr(exc, "__dict__", {}).items())[:50]:
            if not isinstance(key, str) or key.startswith("_") or key in ("response", "request", "body"):
                continue
            try:
                attrs[key] = self.encode(val, depth + 1)
            except Exception:  # noqa: BLE001
                continue
        out["attrs"] = attrs
        if _httpx is not None:
            response = getattr(exc, "response", None)
            if isinstance(response, _httpx.Response):
                try:
                    content = response.content
                except Exception:  # noqa: BLE001
                    content = b""
                out["http"] = {
                    "status": response.status_code,
                    "headers": [[k, v] for k, v in response.headers.multi_items()],
                    "content": base64.b64encode(content).decode(),
                    "method": response.request.method if response._request is not None else "POST",
                    "url": str(response.request.url)
                    if response._request is not None
                    else "http://stub.invalid/",
                }
            request = getattr(exc, "request", None)
            if "http" not in out and isinstance(request, _httpx.Request):
                out["http"] = {"method": request.method, "url": str(request.url)}
            if hasattr(exc, "body"):
                try:
                    out["body"] = self.encode(exc.body, depth + 1)
                except Exception:  # noqa: BLE001
                    pass
            if isinstance(getattr(exc, "message", None), str):
                out["message"] = exc.message[:20000]  # type: ignore[attr-defined]
        if cls.__name__ == "ValidationError" and hasattr(exc, "errors"):
            try:
                out["errors"] = [
                    {
                        "loc": [str(x) for x in e.get("loc", ())],
                        "msg": str(e.get("msg", "")),
                        "type": str(e.get("type", "")),
                    }
                    for e in exc.errors()[:100]  # type: ignore[attr-defined]
                ]
                out["title"] = str(getattr(exc, "title", "Model"))
            except Exception:  # noqa: BLE001
                pass
        if isinstance(exc, SyntaxError):
            out["syntax"] = [exc.filename, exc.lineno, exc.offset, exc.text, exc.msg]
        if isinstance(exc, ImportError):
            out["import"] = [exc.name, exc.path]
        if isinstance(exc, SystemExit):
            out["code"] = exc.code if isinstance(exc.code, (int, str)) or exc.code is None else str(exc.code)
        if self.where is not None:
            where = self.where(exc)
            if where:
                out["where"] = where
        return out

    # -- decoding -----------------------------------------------------------------------------------------
    def decode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply")
        if value is None or isinstance(value, (bool, str, int, float)):
            return value
        if isinstance(value, list):
            return [self.decode(v, depth + 1) for v in value]
        if not isinstance(value, dict):
            raise ValueError("not a value")
        tag = value.get("$")
        if tag == "dict":
            return {self.decode(k, depth + 1): self.decode(v, depth + 1) for k, v in value["i"]}
        if tag in ("tuple", "set", "frozenset"):
            return {"tuple": tuple, "set": set, "frozenset": frozenset}[tag](
                self.decode(v, depth + 1) for v in value["i"]
            )
        if tag == "bytes":
            return base64.b64decode(value["b"])
        if tag == "float":
            return float(value["r"]) if value["r"] in ("nan", "inf", "-inf") else 0.0
        if tag in _FROM_TEXT:
            return _FROM_TEXT[tag](str(value["v"]))
        if tag == "timedelta":
            days, seconds, micros = (int(x) for x in value["v"])
            return datetime.timedelta(days=days, seconds=seconds, microseconds=micros)
        if tag == "model":
            return rebuild_model(value)
        if tag == "exc":
            return self.decode_exception(value)
        return self.decode_other(str(tag), value, depth)

    def decode_other(self, tag: str, value: dict, depth: int) -> Any:
        raise ValueError(f"unknown value tag {tag!r}")

    def exception_ref(self, cls: type) -> dict:
        """What lets the receiver rebuild ``cls`` as the class it came from (``{"h": its handle}``, or
        ``{"g": this side's handle}``); nothing by default: classes cross by name."""
        return {}

    def decode_exception(self, value: dict) -> BaseException:
        name = str(value.get("t", "builtins:Exception"))
        cls = self.exception_class(name, str(value.get("base", "builtins:Exception")), value)
        text = str(value.get("str", ""))
        try:
            args = self.decode(value.get("args", []))
        except Exception:  # noqa: BLE001
            args = [text]
        exc = self._instantiate(cls, value, args, text)
        for key, raw in (value.get("attrs") or {}).items():
            # new attributes only (``err.attempts = 3``): never one the class or its constructor defines
            if (
                isinstance(key, str)
                and key.isidentifier()
                and not key.startswith("_")
                and not hasattr(exc, key)
            ):
                try:
                    setattr(exc, key, self.decode(raw))
                except Exception:  # noqa: BLE001
                    pass
        where = value.get("where")
        if isinstance(where, list) and len(where) == 3:
            exc._course_where = where  # type: ignore[attr-defined]  # checked by the reader (course.grading.sanitize)
        return exc

    def exception_class(self, name: str, base: str, value: dict | None = None) -> type:
        """The class ``name`` (a builtin or a public class of a known package), else a stand-in."""
        return resolve_exception_class(name) or local_exception_class(name, base)

    def _instantiate(self, cls: type, value: dict, args: Any, text: str) -> BaseException:
        http = value.get("http") if isinstance(value.get("http"), dict) else {}
        try:
            import openai
        except ImportError:  # pragma: no cover
            openai = None  # type: ignore[assignment]
        if openai is not None and _httpx is not None and isinstance(cls, type):
            try:
                request = _httpx.Request(
                    str(http.get("method", "POST"))[:10], str(http.get("url", "http://stub.invalid/"))[:2000]
                )
            except Exception:  # noqa: BLE001
                request = _httpx.Request("POST", "http://stub.invalid/")
            if issubclass(cls, openai.APIStatusError):
                try:
                    response = _httpx.Response(
                        int(http.get("status", 500)),
                        headers=[(str(k), str(v)) for k, v in http.get("headers", [])][:200],
                        content=base64.b64decode(str(http.get("content", ""))),
                        request=request,
                    )
                    body = self.decode(value.get("body")) if "body" in value else None
                    return cls(str(value.get("message", text)), response=response, body=body)
                except Exception:  # noqa: BLE001 - malformed: the message only
                    exc = cls.__new__(cls)
                    BaseException.__init__(exc, text)
                    return exc
            if issubclass(cls, openai.APITimeoutError):
                return cls(request=request)
            if issubclass(cls, openai.APIConnectionError):
                return cls(message=str(value.get("message", text)), request=request)
        if cls.__name__ == "ValidationError" and cls.__module__.startswith("pydantic"):
            from pydantic_core import PydanticCustomError

            errors = value.get("errors") or [{"loc": [], "msg": text, "type": "value_error"}]
            try:
                details = [
                    {
                        "type": PydanticCustomError(
                            str(e.get("type") or "value_error"), str(e.get("msg", ""))
                        ),
                        "loc": tuple(str(x) for x in e.get("loc", ())),
                        "input": None,
                    }
                    for e in errors[:100]
                ]
                return cls.from_exception_data(str(value.get("title", "Model"))[:200], details)
            except Exception:  # noqa: BLE001
                return RemoteError(f"ValidationError: {text}")
        if "syntax" in value and issubclass(cls, SyntaxError):
            filename, lineno, offset, line, msg = (list(value["syntax"]) + [None] * 5)[:5]
            try:
                return cls(str(msg), (str(filename), int(lineno or 0), int(offset or 0), str(line)))
            except (TypeError, ValueError):
                return cls(str(msg))
        if "import" in value and issubclass(cls, ImportError):
            name, path = (list(value["import"]) + [None, None])[:2]
            return cls(
                text,
                name=name if isinstance(name, str) else None,
                path=path if isinstance(path, str) else None,
            )
        if issubclass(cls, SystemExit):
            code = value.get("code")
            return cls(code if isinstance(code, (int, str)) or code is None else str(code))
        try:
            exc = cls(*args) if isinstance(args, (list, tuple)) else cls(text)
            if _safe_str(exc) != text and cls is not KeyError:
                raise TypeError
            return exc
        except Exception:  # noqa: BLE001 - a constructor that wants other arguments: set the message only
            exc = cls.__new__(cls)
            BaseException.__init__(exc, text)
            return exc

    # -- requests -----------------------------------------------------------------------------------------
    def request(self, op: str, args: tuple = (), **fields: Any) -> Any:
        """Send a request and wait for its answer (re-entrant: this side serves requests meanwhile)."""
        if self.closed is not None:
            raise self.closed
        rid = next(self.ids)
        with self.cond:
            self.outstanding.add(rid)
        try:
            send_message(self.sock, self.send_lock, {"kind": "req", "id": rid, "op": op, **fields})
        except OSError as exc:
            self.close(ChannelClosed(f"the channel broke ({exc})"))
            raise self.closed from None  # type: ignore[misc]
        reply = self._wait(rid)
        wb = reply.get("wb")
        if isinstance(wb, list) and args:
            for original, new in zip(args, wb, strict=False):
                if new is not None and type(original) in (list, dict):
                    try:
                        sync(original, self.decode(new))
                    except Exception:  # noqa: BLE001
                        pass
        if reply["kind"] == "err":
            raise self.decode_exception(reply["e"] if isinstance(reply.get("e"), dict) else {})
        return self.decode(reply.get("v"))

    def _wait(self, rid: int) -> dict:
        with self.cond:
            try:
                while rid not in self.replies:
                    if self.closed is not None:
                        raise self.closed
                    self.cond.wait(1.0)
                return self.replies.pop(rid)
            finally:
                if rid in self.outstanding:  # given up on (a time limit): its answer may still come, once
                    self.outstanding.discard(rid)
                    self.abandoned.add(rid)
                self.replies.pop(rid, None)

    def call(self, hid: int, args: tuple, kwargs: dict) -> Any:
        return self.request(
            "call",
            args=args,
            h=hid,
            a=[self.encode(a) for a in args],
            kw={str(k): self.encode(v) for k, v in kwargs.items()},
        )

    # -- the reading loop ---------------------------------------------------------------------------------
    def close(self, why: ChannelClosed) -> None:
        with self.cond:
            if self.closed is None:
                self.closed = why
            self.cond.notify_all()

    def violation(self, reason: str) -> None:
        """The other side broke the protocol: stop reading, close, tell the owner."""
        self.close(ProtocolError(reason))
        if self.on_violation is not None:
            self.on_violation(reason)

    def serve_forever(self) -> None:
        """Read messages until the channel closes or the other side breaks the protocol."""
        while True:
            try:
                message = recv_message(self.sock)
            except ProtocolError as exc:
                self.violation(str(exc))
                return
            except (OSError, ChannelClosed) as exc:
                self.close(exc if isinstance(exc, ChannelClosed) else ChannelClosed(str(exc)))
                return
            kind = message["kind"]
            if kind in ("ret", "err"):
                rid = message.get("re")
                with self.cond:
                    accepted = type(rid) is int and rid in self.outstanding and rid not in self.replies
                    if accepted:
                        self.replies[rid] = message
                        self.outstanding.discard(rid)
                        self.cond.notify_all()
                    elif type(rid) is int and rid in self.abandoned:
                        self.abandoned.discard(rid)
                        accepted = True
                if not accepted:
                    self.violation("an answer to a request that was never made (or was answered already)")
                    return
            elif kind == "req":
                op = message.get("op")
                if type(message.get("id")) is not int or not isinstance(op, str) or op not in self.handlers:
                    self.violation(f"a request the grader does not serve ({str(op)[:40]!r})")
                    return
                if not self.pool.submit(lambda m=message: self._dispatch(m)):
                    self.violation(f"more than {MAX_PENDING} requests at once")
                    return
            elif self.on_note is not None:
                self.on_note(message)

    def note(self, **fields: Any) -> None:
        try:
            send_message(self.sock, self.send_lock, {"kind": "note", **fields})
        except (OSError, ValueError):
            pass

    def _dispatch(self, message: dict) -> None:
        rid = message["id"]
        reply: dict[str, Any]
        args: list = []
        try:
            value, args = self.handlers[message["op"]](message)
            reply = {"kind": "ret", "re": rid, "v": self.encode(value)}
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            try:
                reply = {"kind": "err", "re": rid, "e": self.encode_exception(exc)}
            except Exception as inner:  # noqa: BLE001
                reply = {
                    "kind": "err",
                    "re": rid,
                    "e": {"$": "exc", "t": "builtins:RuntimeError", "str": str(inner), "args": [str(inner)]},
                }
        if args:
            try:
                reply["wb"] = [self.encode(a) if type(a) in (list, dict) else None for a in args]
            except Exception:  # noqa: BLE001
                pass
        try:
            send_message(self.sock, self.send_lock, reply)
        except ValueError as exc:  # too big
            try:
                send_message(
                    self.sock, self.send_lock, {"kind": "err", "re": rid, "e": self.encode_exception(exc)}
                )
            except (OSError, ValueError):
                pass
        except OSError:
            pass


def rebuild_model(value: dict, build: bool = True) -> Any:
    """An SDK object from its type name (a class of ``openai.types`` only) and data (not validated: the
    SDK's own ``construct``, as it builds responses)."""
    module, _, qualname = str(value.get("t", "")).partition(":")
    parts = module.split(".")
    if parts[:2] != ["openai", "types"] or not all(
        p.isidentifier() and not p.startswith("_") for p in parts + qualname.split(".")
    ):
        raise ValueError(f"not an SDK type: {module}:{qualname}")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    from pydantic import BaseModel

    if not (isinstance(obj, type) and issubclass(obj, BaseModel)):
        raise ValueError(f"not an SDK model: {qualname}")
    if not build:
        return obj
    data = value.get("d")
    if not isinstance(data, dict):
        raise ValueError("model data is not an object")
    construct = getattr(obj, "construct", None) or obj.model_construct
    return construct(**{str(k): v for k, v in data.items()})


_BUILTIN_READERS: tuple[tuple[type, Any], ...] = (
    (bool, bool.__bool__),
    (int, int.__index__),
    (float, float.__float__),
    (str, str.__str__),
    (bytes, lambda b: bytes(memoryview(b))),
    (list, lambda v: list(list.__iter__(v))),
    (tuple, lambda v: tuple(tuple.__iter__(v))),
    (dict, lambda v: dict(dict.items(v))),
    (frozenset, lambda v: frozenset(frozenset.__iter__(v))),
    (set, lambda v: set(set.__iter__(v))),
)


def builtin_value(obj: Any) -> tuple[bool, Any]:
    """``(True, the plain value)`` for a built-in value or an instance of a subclass of one, read through the
    built-in type's own methods (a subclass's ``__iter__``, ``__int__`` or ``items`` cannot change it);
    ``(False, None)`` for any other object."""
    for kind, read in _BUILTIN_READERS:
        if isinstance(obj, kind):
            return True, read(obj)
    return False, None


def sync(original: Any, new: Any) -> None:
    """Make ``original`` (a list or dict) equal to ``new`` in place, keeping nested containers' identity."""

    def merge(old: Any, value: Any) -> Any:
        if type(old) is type(value) and type(value) in (list, dict):
            sync(old, value)
            return old
        return value

    if type(original) is list and type(new) is list:
        merged = [merge(original[i] if i < len(original) else None, v) for i, v in enumerate(new)]
        if (
            merged != original
            or len(merged) != len(original)
            or any(a is not b for a, b in zip(merged, original, strict=False))
        ):
            original[:] = merged
    elif type(original) is dict and type(new) is dict:
        for key in [k for k in original if k not in new]:
            del original[key]
        for key, value in new.items():
            original[key] = merge(original.get(key), value)


def lab_location(labs_dir: str) -> Any:
    """A function: exception -> [``labs/x.py``, line, function] of its innermost frame in ``labs_dir``."""
    prefix = os.path.realpath(labs_dir) + os.sep

    def where(exc: BaseException) -> list | None:
        found = None
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if os.path.realpath(filename).startswith(prefix):
                code = tb.tb_frame.f_code
                name = getattr(code, "co_qualname", code.co_name)
                if name.endswith(".__init__"):
                    name = name[: -len(".__init__")]
                found = [
                    "labs/" + os.path.relpath(os.path.realpath(filename), prefix[:-1]),
                    tb.tb_lineno,
                    name,
                ]
            tb = tb.tb_next
        if found is None and isinstance(exc, SyntaxError) and exc.filename:
            path = os.path.realpath(exc.filename)
            if path.startswith(prefix):
                found = ["labs/" + os.path.relpath(path, prefix[:-1]), exc.lineno or 0, "<module>"]
        return found

    return where


__all__ = [
    "MAX_FRAME",
    "ChannelClosed",
    "Peer",
    "PolicyError",
    "ProtocolError",
    "RemoteError",
    "builtin_value",
    "function_meta",
    "lab_location",
    "make_function",
    "rebuild_model",
    "recv_message",
    "resolve_exception_class",
    "send_message",
]
