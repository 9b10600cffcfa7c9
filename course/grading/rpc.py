"""The channel between the trusted test process and the worker that runs a submission's labs.

Both ends import this module (the worker loads it as a plain file: it imports nothing from ``course``).
Messages are length-prefixed JSON; nothing is ever pickled. A value crosses as

* plain data: ``None``, booleans, numbers, strings, lists; dicts, tuples, sets and bytes as tagged objects;
* an SDK object (a pydantic model from ``openai.types``): its data and its type name, rebuilt on the other
  side by name from that package only;
* an exception: its class (builtin, ``openai``, pydantic's ``ValidationError``, or a local stand-in class
  with the same name and builtin bases for a class the other side defined), arguments and data;
* anything else: a *handle*. The receiver gets a proxy whose attribute reads, calls, iteration and
  comparisons are requests back to the owner. A function handle carries the function's name, docstring,
  signature and type hints, so that ``inspect`` and ``typing`` work on the proxy.

Either side may send requests while it waits for a reply (callbacks are re-entrant). Each side has a
*policy* for the requests it serves: the worker serves anything the tests ask; the trusted side serves
calls of the functions the tests passed, and attribute reads only on SDK and pydantic objects.
"""

from __future__ import annotations

import base64
import builtins
import enum
import importlib
import inspect
import itertools
import json
import os
import socket
import struct
import sys
import threading
import types
import typing
from typing import Any

MAX_MESSAGE = 64 * 1024 * 1024
_HEADER = struct.Struct(">I")


class ChannelClosed(Exception):
    """The other side of the channel went away."""


class RemoteError(Exception):
    """An exception the other side raised that could not be rebuilt as its own class."""


class PolicyError(PermissionError):
    """The trusted side refused a request of the worker."""


# ---------------------------------------------------------------------------- framing


def send_message(sock: socket.socket, lock: threading.Lock, message: dict) -> None:
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    if len(data) > MAX_MESSAGE:
        raise ValueError(f"a value of {len(data):,} bytes is too big to pass between the tests and the lab")
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
    (size,) = _HEADER.unpack(_read_exact(sock, _HEADER.size))
    if size > MAX_MESSAGE:
        raise ChannelClosed(f"a message of {size:,} bytes is over the limit")
    message = json.loads(_read_exact(sock, size).decode("utf-8", "surrogatepass"))
    if not isinstance(message, dict):
        raise ChannelClosed("a message that is not a JSON object")
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
        if "literal" in desc and isinstance(desc["literal"], list) and desc["literal"]:
            return typing.Literal.__getitem__(tuple(desc["literal"]))
        if "union" in desc and isinstance(desc["union"], list) and desc["union"]:
            return typing.Union.__getitem__(tuple(build_type(a, depth + 1) for a in desc["union"]))
        origin = _GENERICS.get(desc.get("generic"))
        if origin is not None:
            args = tuple(build_type(a, depth + 1) for a in desc.get("args") or [])
            return origin[args] if args else origin
    return typing.Any


# ---------------------------------------------------------------------------- exceptions

try:  # the SDK's HTTP library (``httpx``, named ``httpx2`` in some builds)
    import httpx2 as _httpx  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    try:
        import httpx as _httpx  # type: ignore[no-redef]
    except ImportError:
        _httpx = None  # type: ignore[assignment]


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _known_base(cls: type) -> str:
    """The nearest class in ``cls``'s MRO that both sides know (builtins, openai, pydantic)."""
    for base in cls.__mro__:
        if _trusted_class(base) is not None:
            return _class_name(base)
    return "builtins:Exception"


def _trusted_class(cls: type) -> type | None:
    module = getattr(cls, "__module__", "")
    if module == "builtins" or module.split(".")[0] in ("openai", "pydantic_core", "pydantic"):
        return cls
    return None


def _resolve_exception_class(name: str) -> type | None:
    """A class named ``module:qualname`` from builtins, openai or pydantic only."""
    module, _, qualname = str(name).partition(":")
    if module != "builtins" and module.split(".")[0] not in ("openai", "pydantic_core", "pydantic"):
        return None
    if any(
        part.startswith("_") and part not in ("_exceptions", "_pydantic_core")
        for part in module.split(".")[1:] + qualname.split(".")
    ):
        return None
    try:
        obj: Any = builtins if module == "builtins" else importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError, ValueError):
        return None
    return obj if isinstance(obj, type) and issubclass(obj, BaseException) else None


_LOCAL_CLASSES: dict[str, type] = {}
_LOCAL_LOCK = threading.Lock()


def local_exception_class(name: str, base_name: str) -> type:
    """A stand-in class for an exception class of the other side: same name and module, a known base."""
    with _LOCAL_LOCK:
        cls = _LOCAL_CLASSES.get(name)
        if cls is None:
            base = _resolve_exception_class(base_name) or Exception
            try:
                if base.__module__.startswith(("openai", "pydantic")):
                    base = next(b for b in base.__mro__ if b.__module__ == "builtins")
            except StopIteration:  # pragma: no cover
                base = Exception
            module, _, qualname = name.partition(":")
            cls = type(qualname.rsplit(".", 1)[-1], (base,), {"__module__": module, "__qualname__": qualname})
            _LOCAL_CLASSES[name] = cls
        return cls


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001
        return f"<{type(exc).__name__}>"


# ---------------------------------------------------------------------------- proxies


class RemoteObject:
    """A handle to an object of the other side; every use is a request to it."""

    __slots__ = ("_rpc_peer", "_rpc_id", "_rpc_type", "__weakref__")

    def __init__(self, peer: Peer, hid: int, type_name: str) -> None:
        object.__setattr__(self, "_rpc_peer", peer)
        object.__setattr__(self, "_rpc_id", hid)
        object.__setattr__(self, "_rpc_type", type_name)

    def _rpc(self, op: str, **fields: Any) -> Any:
        return self._rpc_peer.request(op, h=self._rpc_id, **fields)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_rpc"):
            raise AttributeError(name)
        return self._rpc("getattr", n=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._rpc("setattr", n=name, v=self._rpc_peer.encode(value))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._rpc_peer.call(self._rpc_id, args, kwargs)

    def __iter__(self) -> Any:
        return self._rpc("iter")

    def __next__(self) -> Any:
        return self._rpc("next")

    def __len__(self) -> int:
        return self._rpc("len")

    def __bool__(self) -> bool:
        return bool(self._rpc("bool"))

    def __getitem__(self, key: Any) -> Any:
        return self._rpc("getitem", k=self._rpc_peer.encode(key))

    def __contains__(self, key: Any) -> bool:
        return bool(self._rpc("contains", k=self._rpc_peer.encode(key)))

    def __eq__(self, other: Any) -> bool:
        peer = self._rpc_peer
        if isinstance(other, RemoteObject) and other._rpc_peer is peer:
            return other._rpc_id == self._rpc_id or self._rpc("eq", o=peer.encode(other))
        if peer.policy.judges_equality():
            # only a built-in value (a list, dict, str, number... or a subclass, read through the built-in
            # type's own methods) can equal this side's value; any other object cannot
            builtin, value = self._rpc("builtin")
            return builtin and value == other
        return self._rpc("eq", o=peer.encode(other))

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._rpc("hash")

    def __enter__(self) -> Any:
        return self._rpc("enter")

    def __exit__(self, *exc: Any) -> Any:
        return self._rpc("exit")

    def __instancecheck__(self, obj: Any) -> bool:
        return bool(self._rpc("isinstance", o=self._rpc_peer.encode(obj)))

    def __subclasscheck__(self, cls: Any) -> bool:
        return bool(self._rpc("issubclass", o=self._rpc_peer.encode(cls)))

    def __repr__(self) -> str:
        try:
            return self._rpc("repr")
        except Exception:  # noqa: BLE001
            return f"<{self._rpc_type} (in the lab's process)>"

    def __str__(self) -> str:
        try:
            return self._rpc("str")
        except Exception:  # noqa: BLE001
            return self.__repr__()

    def __float__(self) -> float:
        return float(self._rpc("float"))

    def __int__(self) -> int:
        return int(self._rpc("int"))

    def __dir__(self) -> list[str]:
        return list(self._rpc("dir"))


_PROXY_CLASSES: dict[str, type] = {}


def _proxy_class(type_name: str) -> type:
    """A RemoteObject subclass named like the remote type, so messages read ``ReviewClassification``."""
    cls = _PROXY_CLASSES.get(type_name)
    if cls is None:
        short = type_name.rsplit(".", 1)[-1].rsplit(":", 1)[-1] or "RemoteObject"
        if not short.isidentifier():
            short = "RemoteObject"
        cls = type(short, (RemoteObject,), {"__slots__": ()})
        _PROXY_CLASSES[type_name] = cls
    return cls


def _function_meta(fn: Any, with_types: bool) -> dict:
    meta: dict[str, Any] = {}
    for attr in ("__name__", "__qualname__", "__module__"):
        value = getattr(fn, attr, None)
        if isinstance(value, str):
            meta[attr.strip("_")] = value
    if "name" not in meta:
        meta["name"] = type(fn).__name__
    doc = getattr(fn, "__doc__", None)
    if isinstance(doc, str) and not (
        inspect.isclass(type(fn)) and doc == type(fn).__doc__ and not inspect.isroutine(fn)
    ):
        meta["doc"] = doc
    elif inspect.isroutine(fn) and isinstance(doc, str):
        meta["doc"] = doc
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
        elif p.annotation is not inspect.Parameter.empty and isinstance(p.annotation, str):
            entry["hint"] = p.annotation
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


def make_function(peer: Peer, hid: int, meta: dict, type_name: str) -> Any:
    """A real function that calls the remote one, with its name, docstring, signature and type hints."""

    def remote(*args: Any, **kwargs: Any) -> Any:
        return peer.call(hid, args, kwargs)

    name = meta.get("name") if isinstance(meta.get("name"), str) else "function"
    remote.__name__ = name if name.isidentifier() else "function"
    remote.__qualname__ = str(meta.get("qualname") or remote.__name__)
    remote.__module__ = str(meta.get("module") or "remote")
    remote.__doc__ = meta.get("doc") if isinstance(meta.get("doc"), str) else None
    remote._rpc_peer = peer  # type: ignore[attr-defined]
    remote._rpc_id = hid  # type: ignore[attr-defined]
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
        except (TypeError, ValueError, KeyError):
            pass
    return remote


# ---------------------------------------------------------------------------- the peer


class Policy:
    """What a side serves to the other; the default serves everything (the worker's policy)."""

    def check_getattr(self, obj: Any, name: str) -> None:
        return None

    def check_call(self, obj: Any, args: tuple, kwargs: dict) -> None:
        return None

    def check_use(self, obj: Any, op: str) -> None:
        return None

    def function_types(self) -> bool:
        """Send signatures and type hints with function handles."""
        return False

    def judges_equality(self) -> bool:
        """Compare the other side's objects with this side's values here, not by the other side's ``__eq__``."""
        return False


_DUNDERS_ALWAYS = {"__name__", "__qualname__", "__doc__", "__module__"}


class TrustedPolicy(Policy):
    """The tests' side: the worker may call what the tests gave it, and read attributes of SDK objects and
    pydantic models only (no private names, no way to the tests' modules, the stub or its journal)."""

    BLOCKED_CLIENT_NAMES = {"post", "get", "put", "patch", "delete", "request", "get_api_list"}

    @staticmethod
    def _sdk_or_model(obj: Any) -> bool:
        cls = obj if isinstance(obj, type) else type(obj)
        module = getattr(cls, "__module__", "") or ""
        if module.split(".")[0] == "openai":
            return True
        try:
            from pydantic import BaseModel

            return isinstance(cls, type) and issubclass(cls, BaseModel)
        except ImportError:  # pragma: no cover
            return False

    def check_getattr(self, obj: Any, name: str) -> None:
        if name in _DUNDERS_ALWAYS:
            return
        if name.startswith("_") or not self._sdk_or_model(obj):
            raise PolicyError(
                f"the grader does not let lab code read {name!r} of a {type(obj).__name__} the tests gave it"
            )
        if name in self.BLOCKED_CLIENT_NAMES and type(obj).__module__.startswith("openai"):
            raise PolicyError(f"the grader does not let lab code use the client's {name}()")

    def check_call(self, obj: Any, args: tuple, kwargs: dict) -> None:
        owner = getattr(obj, "__self__", None)
        if getattr(obj, "__name__", "") in ("with_options", "copy") and type(owner).__module__.startswith(
            "openai"
        ):
            bad = {"base_url", "http_client", "websocket_base_url"} & set(kwargs)
            if bad:
                raise PolicyError(
                    f"the grader does not let lab code change the client's {', '.join(sorted(bad))}"
                )
        if isinstance(obj, type) and not self._sdk_or_model(obj) and not issubclass(obj, BaseException):
            raise PolicyError(f"the grader does not let lab code create a {obj.__name__}")

    def check_use(self, obj: Any, op: str) -> None:
        if op in ("setattr", "dir") and not self._sdk_or_model(obj):
            raise PolicyError(
                f"the grader does not let lab code change a {type(obj).__name__} the tests gave it"
            )
        if op == "setattr" and not isinstance(obj, object):  # pragma: no cover
            raise PolicyError("no")

    def function_types(self) -> bool:
        return True

    def judges_equality(self) -> bool:
        # a lab's object must not decide that it equals what the tests expect (an ``__eq__`` that always says
        # True would pass every ``assert result == expected``)
        return True


class Peer:
    """One end of the channel: sends requests, serves the other side's requests, keeps the handles."""

    def __init__(self, sock: socket.socket, policy: Policy, *, threaded: bool, where: Any = None) -> None:
        self.sock = sock
        self.policy = policy
        self.threaded = threaded  # serve requests in threads (the worker) or in the waiting thread (trusted)
        self.where = where  # exception -> [file, line, function] in the lab (worker side)
        self.send_lock = threading.Lock()
        self.ids = itertools.count(1)
        self.objects: dict[int, Any] = {}
        self.object_ids: dict[int, int] = {}
        self.lock = threading.RLock()
        self.replies: dict[int, dict] = {}
        self.waiting = threading.Condition()
        self.closed: BaseException | None = None
        self.on_note: Any = None  # callable(dict) for notes (violations) from the other side
        self.on_writeback: Any = None
        self.proxies: dict[int, Any] = {}
        self.shadow_classes: dict[type, int] = {}  # stand-ins for the other side's pydantic classes
        self.sends_model_classes = (
            threaded and isinstance(policy, Policy) and not isinstance(policy, TrustedPolicy)
        )

    # -- handles ------------------------------------------------------------------------------------------
    def export(self, obj: Any) -> int:
        with self.lock:
            hid = self.object_ids.get(id(obj))
            if hid is not None and self.objects.get(hid) is obj:
                return hid
            hid = next(self.ids)
            self.objects[hid] = obj
            self.object_ids[id(obj)] = hid
            return hid

    def local(self, hid: Any) -> Any:
        try:
            return self.objects[int(hid)]
        except (KeyError, TypeError, ValueError):
            raise ReferenceError(
                "an object that no longer exists (the lab's process was restarted?)"
            ) from None

    # -- encoding -----------------------------------------------------------------------------------------
    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > 200:
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
        if isinstance(value, RemoteObject) and value._rpc_peer is self:
            return {"$": "ref", "h": value._rpc_id}
        if callable(value) and getattr(value, "_rpc_peer", None) is self and not isinstance(value, type):
            return {"$": "ref", "h": value._rpc_id}
        if isinstance(value, BaseException):
            return self.encode_exception(value, depth)
        if (
            isinstance(value, dict) and not hasattr(value, "model_dump") and not callable(value)
        ):  # dict subclasses cross as dicts
            return {
                "$": "dict",
                "i": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()],
            }
        if (
            isinstance(value, (list, tuple))
            and not hasattr(value, "_fields")
            and not hasattr(value, "model_dump")
            and not callable(value)  # a callable list (a test's recording ``sleep``) is a function
        ):
            return (
                [self.encode(v, depth + 1) for v in value]
                if isinstance(value, list)
                else {
                    "$": "tuple",
                    "i": [self.encode(v, depth + 1) for v in value],
                }
            )
        shadow = self._shadow_value(value)
        if shadow is not None:
            return shadow
        model = self._model(value)
        if model is not None:
            return model
        return self._handle(value)

    # -- lab pydantic classes given to the SDK (``client.chat.completions.parse(response_format=Model)``) --
    # The worker sends such a class as its JSON schema; the trusted side makes a stand-in class with that
    # schema for the SDK; instances of the stand-in (and ParsedChatCompletion[stand-in]) go back as data
    # and are rebuilt in the worker with the lab's own class.
    def _model_class(self, value: Any) -> dict | None:
        try:
            from pydantic import BaseModel
        except ImportError:  # pragma: no cover
            return None
        if not (isinstance(value, type) and issubclass(value, BaseModel)) or value.__module__.startswith(
            "openai"
        ):
            return None
        if value in self.shadow_classes:
            return None
        try:
            schema = value.model_json_schema()
        except Exception:  # noqa: BLE001
            return None
        return {"$": "modelclass", "h": self.export(value), "name": value.__name__, "schema": schema}

    def _shadow_value(self, value: Any) -> dict | None:
        cls = type(value)
        hid = self.shadow_classes.get(cls)
        if hid is not None:
            return {"$": "modelinst", "c": hid, "d": value.model_dump(mode="json", warnings=False)}
        meta = getattr(cls, "__pydantic_generic_metadata__", None) or {}
        origin, args = meta.get("origin"), meta.get("args") or ()
        if (
            origin is not None
            and args
            and args[0] in self.shadow_classes
            and cls.__module__.startswith("openai")
        ):
            return {
                "$": "parsed",
                "t": _class_name(origin),
                "c": self.shadow_classes[args[0]],
                "d": value.model_dump(mode="json", warnings=False),
            }
        return None

    def _shadow_class(self, value: dict) -> Any:
        hid = int(value["h"])
        with self.lock:
            for cls, known in self.shadow_classes.items():
                if known == hid:
                    return cls
        from pydantic import BaseModel, ConfigDict

        schema = value.get("schema") if isinstance(value.get("schema"), dict) else {}
        name = str(value.get("name") or "Model")
        if not name.isidentifier():
            name = "Model"

        def model_json_schema(cls: Any, *args: Any, **kwargs: Any) -> dict:
            return json.loads(json.dumps(schema))

        cls = type(
            name,
            (BaseModel,),
            {
                "model_config": ConfigDict(extra="allow"),
                "__module__": "labs",
                "__doc__": schema.get("description"),
            },
        )
        cls.model_json_schema = classmethod(model_json_schema)  # type: ignore[method-assign]
        with self.lock:
            self.shadow_classes[cls] = hid
        return cls

    def _model(self, value: Any) -> dict | None:
        cls = type(value)
        if not cls.__module__.startswith("openai.types") or not hasattr(value, "model_dump"):
            return None
        if getattr(cls, "__pydantic_generic_metadata__", {}).get("origin") is not None:
            return None  # a parametrised model (ParsedChatCompletion[X]): a handle
        try:
            data = value.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False)
        except Exception:  # noqa: BLE001
            return None
        return {"$": "model", "t": _class_name(cls), "d": data}

    def _handle(self, value: Any) -> dict:
        hid = self.export(value)
        if isinstance(value, type) and issubclass(value, BaseException):
            return {
                "$": "handle",
                "h": hid,
                "kind": "excclass",
                "t": _class_name(value),
                "base": _known_base(value),
            }
        type_name = f"{type(value).__module__}.{type(value).__qualname__}"
        if isinstance(value, type):
            return {"$": "handle", "h": hid, "kind": "class", "t": f"{value.__module__}.{value.__qualname__}"}
        if inspect.isroutine(value) or (
            callable(value)
            and not isinstance(value, type)
            and type(value).__module__ != "builtins"
            and not hasattr(value, "__iter__")
        ):
            return {
                "$": "handle",
                "h": hid,
                "kind": "function",
                "t": type_name,
                "meta": _function_meta(
                    value,
                    self.policy.function_types()
                    and not str(getattr(value, "__module__", "") or "").startswith("openai"),
                ),
            }
        return {"$": "handle", "h": hid, "kind": "object", "t": type_name}

    def encode_exception(self, exc: BaseException, depth: int = 0) -> dict:
        cls = type(exc)
        out: dict[str, Any] = {
            "$": "exc",
            "t": _class_name(cls),
            "base": _known_base(cls),
            "str": _safe_str(exc)[:20000],
        }
        try:
            out["args"] = [self.encode(a, depth + 1) for a in exc.args]
        except Exception:  # noqa: BLE001
            out["args"] = [out["str"]]
        attrs = {}
        for key, val in list(getattr(exc, "__dict__", {}).items())[:50]:
            if key.startswith("_") or key in ("response", "request", "body"):
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
            if hasattr(exc, "message") and isinstance(exc.message, str):
                out["message"] = exc.message
        if cls.__name__ == "ValidationError" and hasattr(exc, "errors"):
            try:
                out["errors"] = [
                    {
                        "loc": [str(x) for x in e.get("loc", ())],
                        "msg": str(e.get("msg", "")),
                        "type": str(e.get("type", "")),
                    }
                    for e in exc.errors()[:100]
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
        if depth > 200:
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
        if tag == "ref":
            return self.local(value["h"])
        if tag == "handle":
            return self._proxy(value)
        if tag == "model":
            return self._rebuild_model(value)
        if tag == "modelclass":
            return self._shadow_class(value)
        if tag in ("modelinst", "parsed"):
            cls = self.local(value.get("c"))
            data = value.get("d")
            if tag == "modelinst":
                return cls.model_validate(data)
            origin = self._rebuild_model({"t": value.get("t"), "d": {}}, build=False)
            try:
                return origin[cls].model_validate(data)
            except Exception:  # noqa: BLE001
                return origin[cls].construct(**data)
        if tag == "exc":
            return self.decode_exception(value)
        raise ValueError(f"unknown value tag {tag!r}")

    def _proxy(self, value: dict) -> Any:
        hid = int(value["h"])
        with self.lock:
            known = self.proxies.get(hid)
            if known is not None:
                return known
        kind = value.get("kind")
        type_name = str(value.get("t", "object"))
        if kind == "excclass":
            proxy: Any = self.exception_class(type_name, str(value.get("base", "builtins:Exception")))
        elif kind == "function":
            proxy = make_function(self, hid, value.get("meta") or {}, type_name)
        else:
            proxy = _proxy_class(type_name)(self, hid, type_name)
        with self.lock:
            self.proxies[hid] = proxy
        return proxy

    def exception_class(self, name: str, base: str) -> type:
        return _resolve_exception_class(name) or local_exception_class(name, base)

    def _rebuild_model(self, value: dict, build: bool = True) -> Any:
        module, _, qualname = str(value.get("t", "")).partition(":")
        if not module.startswith("openai.types") or any(
            p.startswith("_") for p in module.split(".") + qualname.split(".")
        ):
            raise ValueError(f"not an SDK type: {module}")
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
        return construct(**data)

    def decode_exception(self, value: dict) -> BaseException:
        name = str(value.get("t", "builtins:Exception"))
        cls = self.exception_class(name, str(value.get("base", "builtins:Exception")))
        text = str(value.get("str", ""))
        try:
            args = self.decode(value.get("args", []))
        except Exception:  # noqa: BLE001
            args = [text]
        exc = self._instantiate(cls, value, args, text)
        for key, raw in (value.get("attrs") or {}).items():
            if isinstance(key, str) and not key.startswith("_"):
                try:
                    setattr(exc, key, self.decode(raw))
                except Exception:  # noqa: BLE001
                    pass
        if "where" in value and isinstance(value["where"], list) and len(value["where"]) == 3:
            try:
                exc._course_where = [str(value["where"][0]), int(value["where"][1]), str(value["where"][2])]  # type: ignore[attr-defined]
            except (TypeError, ValueError):
                pass
        return exc

    def _instantiate(self, cls: type, value: dict, args: Any, text: str) -> BaseException:
        http = value.get("http") or {}
        try:
            import openai
        except ImportError:  # pragma: no cover
            openai = None  # type: ignore[assignment]
        if openai is not None and _httpx is not None and isinstance(cls, type):
            request = _httpx.Request(
                str(http.get("method", "POST")), str(http.get("url", "http://stub.invalid/"))
            )
            if issubclass(cls, openai.APIStatusError):
                response = _httpx.Response(
                    int(http.get("status", 500)),
                    headers=[(str(k), str(v)) for k, v in http.get("headers", [])],
                    content=base64.b64decode(http.get("content", "")),
                    request=request,
                )
                body = self.decode(value.get("body")) if "body" in value else None
                return cls(str(value.get("message", text)), response=response, body=body)
            if issubclass(cls, openai.APITimeoutError):
                return cls(request=request)
            if issubclass(cls, openai.APIConnectionError):
                return cls(message=str(value.get("message", text)), request=request)
        if cls.__name__ == "ValidationError" and cls.__module__.startswith("pydantic"):
            from pydantic_core import PydanticCustomError

            errors = value.get("errors") or [{"loc": [], "msg": text, "type": "value_error"}]
            details = [
                {
                    "type": PydanticCustomError(str(e.get("type") or "value_error"), str(e.get("msg", ""))),
                    "loc": tuple(e.get("loc", ())),
                    "input": None,
                }
                for e in errors
            ]
            return cls.from_exception_data(str(value.get("title", "Model")), details)
        if "syntax" in value and issubclass(cls, SyntaxError):
            filename, lineno, offset, line, msg = (list(value["syntax"]) + [None] * 5)[:5]
            return cls(str(msg), (filename, lineno, offset, line))
        if "import" in value and issubclass(cls, ImportError):
            name, path = (list(value["import"]) + [None, None])[:2]
            return cls(text, name=name, path=path)
        if issubclass(cls, SystemExit):
            return cls(value.get("code"))
        try:
            exc = cls(*args) if isinstance(args, (list, tuple)) else cls(text)
            if _safe_str(exc) != text and cls not in (KeyError,):
                raise TypeError
            return exc
        except Exception:  # noqa: BLE001 - a constructor that wants other arguments: set the message only
            exc = cls.__new__(cls)
            BaseException.__init__(exc, text)
            return exc

    # -- requests -----------------------------------------------------------------------------------------
    def call(self, hid: int, args: tuple, kwargs: dict) -> Any:
        return self.request(
            "call",
            h=hid,
            a=[self._argument(a) for a in args],
            kw={k: self._argument(v) for k, v in kwargs.items()},
            args=args,
        )

    def _argument(self, value: Any) -> Any:
        """A call's argument; the worker sends its own pydantic classes as schemas (for the SDK's parse())."""
        if self.sends_model_classes:
            described = self._model_class(value)
            if described is not None:
                return described
        return self.encode(value)

    def request(self, op: str, args: tuple = (), **fields: Any) -> Any:
        if self.closed is not None:
            raise ChannelClosed(str(self.closed))
        rid = next(self.ids)
        message = {"k": "req", "id": rid, "op": op, **fields}
        send_message(self.sock, self.send_lock, message)
        reply = self._wait(rid)
        if reply.get("wb") and args and self.on_writeback is not False:
            for original, new in zip(args, reply["wb"], strict=False):
                if new is not None and type(original) in (list, dict):
                    try:
                        sync(original, self.decode(new))
                    except Exception:  # noqa: BLE001
                        pass
        if reply["k"] == "err":
            raise self.decode_exception(reply["e"])
        return self.decode(reply.get("v"))

    def _wait(self, rid: int) -> dict:
        if self.threaded:
            with self.waiting:
                while rid not in self.replies:
                    if self.closed is not None:
                        raise ChannelClosed(str(self.closed))
                    self.waiting.wait(1.0)
                return self.replies.pop(rid)
        while True:
            with self.lock:
                if rid in self.replies:
                    return self.replies.pop(rid)
            message = self._receive()
            if message.get("k") in ("ret", "err"):
                if message.get("re") == rid:
                    return message
                with self.lock:
                    self.replies[int(message.get("re", -1))] = message
            else:
                self._dispatch(message)

    def _receive(self) -> dict:
        try:
            return recv_message(self.sock)
        except (OSError, ValueError, ChannelClosed) as exc:
            self.closed = exc if isinstance(exc, ChannelClosed) else ChannelClosed(str(exc))
            raise self.closed from None

    def serve_forever(self) -> None:
        """Read messages until the channel closes (the worker's main loop)."""
        while True:
            try:
                message = self._receive()
            except ChannelClosed:
                with self.waiting:
                    self.waiting.notify_all()
                return
            if message.get("k") in ("ret", "err"):
                with self.waiting:
                    self.replies[int(message.get("re", -1))] = message
                    self.waiting.notify_all()
            else:
                threading.Thread(target=self._dispatch, args=(message,), daemon=True).start()

    def note(self, **fields: Any) -> None:
        try:
            send_message(self.sock, self.send_lock, {"k": "note", **fields})
        except OSError:
            pass

    def _dispatch(self, message: dict) -> None:
        if message.get("k") == "note":
            if self.on_note is not None:
                self.on_note(message)
            return
        if message.get("k") != "req":
            return
        rid = message.get("id")
        reply: dict[str, Any]
        args: list = []
        try:
            value, args = self._serve(message)
            reply = {"k": "ret", "re": rid, "v": self.encode(value)}
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            if isinstance(exc, (KeyboardInterrupt,)) and not self.threaded:
                raise
            if not self.threaded and type(exc).__name__ == "TestTimeout":
                raise
            try:
                reply = {"k": "err", "re": rid, "e": self.encode_exception(exc)}
            except Exception as inner:  # noqa: BLE001
                reply = {
                    "k": "err",
                    "re": rid,
                    "e": {"$": "exc", "t": "builtins:RuntimeError", "str": str(inner), "args": [str(inner)]},
                }
        if args and message.get("op") == "call":
            try:
                reply["wb"] = [self.encode(a) if type(a) in (list, dict) else None for a in args]
            except Exception:  # noqa: BLE001
                pass
        try:
            send_message(self.sock, self.send_lock, reply)
        except (OSError, ValueError) as exc:
            if isinstance(exc, ValueError):
                send_message(
                    self.sock, self.send_lock, {"k": "err", "re": rid, "e": self.encode_exception(exc)}
                )

    def _serve(self, message: dict) -> tuple[Any, list]:
        op = message.get("op")
        if op == "import":
            return self.import_module(str(message.get("m"))), []
        if op == "ping":
            return "pong", []
        obj = self.local(message.get("h"))
        policy = self.policy
        if op == "call":
            args = [self.decode(a) for a in message.get("a") or []]
            kwargs = {str(k): self.decode(v) for k, v in (message.get("kw") or {}).items()}
            policy.check_call(obj, tuple(args), kwargs)
            return obj(*args, **kwargs), args
        if op == "getattr":
            name = str(message.get("n"))
            policy.check_getattr(obj, name)
            return getattr(obj, name), []
        policy.check_use(obj, op)
        if op == "setattr":
            setattr(obj, str(message.get("n")), self.decode(message.get("v")))
            return None, []
        if op == "iter":
            return iter(obj), []
        if op == "next":
            return next(obj), []
        if op == "len":
            return len(obj), []
        if op == "bool":
            return bool(obj), []
        if op == "getitem":
            return obj[self.decode(message.get("k"))], []
        if op == "contains":
            return self.decode(message.get("k")) in obj, []
        if op == "eq":
            return bool(obj == self.decode(message.get("o"))), []
        if op == "builtin":
            return builtin_value(obj), []
        if op == "hash":
            return hash(obj), []
        if op == "enter":
            return obj.__enter__(), []
        if op == "exit":
            return obj.__exit__(None, None, None), []
        if op == "isinstance":
            return isinstance(self.decode(message.get("o")), obj), []
        if op == "issubclass":
            other = self.decode(message.get("o"))
            return isinstance(other, type) and issubclass(other, obj), []
        if op == "repr":
            return repr(obj)[:100000], []
        if op == "str":
            return str(obj)[:1000000], []
        if op == "float":
            return float(obj), []
        if op == "int":
            return int(obj), []
        if op == "dir":
            return [n for n in dir(obj) if isinstance(n, str)], []
        raise ValueError(f"unknown request {op!r}")

    def import_module(self, name: str) -> Any:
        raise PolicyError("this side imports nothing for the other")


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
    "ChannelClosed",
    "Peer",
    "Policy",
    "PolicyError",
    "RemoteError",
    "RemoteObject",
    "TrustedPolicy",
    "lab_location",
    "recv_message",
    "send_message",
    "sys",
]
