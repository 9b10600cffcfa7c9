"""The tests' view of a lab's objects: proxies whose every use is a request to the worker that owns them.

A lab's ``Conversation``, ``StreamResult`` or class stays in the worker; the trusted side holds a
:class:`RemoteObject` (or, for a lab's function, a real function with its name, docstring and signature;
for a lab's exception class, a local stand-in class). Reading an attribute, calling, iterating or comparing
asks the worker, and what comes back is data. Equality is judged here: a lab's object equals one of the
tests' values only if the worker reports a built-in value (read through the built-in type's own methods)
that equals it, so a lab's ``__eq__`` never decides that it matches what a test expects.
"""

from __future__ import annotations

from typing import Any


class RemoteObject:
    """A handle to an object of the lab's process."""

    __slots__ = ("_rpc_peer", "_rpc_id", "_rpc_type", "__weakref__")

    def __init__(self, peer: Any, hid: int, type_name: str) -> None:
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
        return self._rpc("getitem", key=self._rpc_peer.encode(key))

    def __contains__(self, key: Any) -> bool:
        return bool(self._rpc("contains", key=self._rpc_peer.encode(key)))

    def __eq__(self, other: Any) -> bool:
        peer = self._rpc_peer
        if isinstance(other, RemoteObject) and other._rpc_peer is peer:
            # two of the lab's own objects: the lab's classes compare them (as they would without the grader)
            return other._rpc_id == self._rpc_id or self._rpc("eq", o=peer.encode(other)) is True
        # against the tests' value: only a built-in value (a list, dict, str, number... or a subclass, read
        # through the built-in type's own methods) can equal it; any other object cannot
        found = self._rpc("builtin")
        if not (isinstance(found, (list, tuple)) and len(found) == 2 and found[0] is True):
            return False
        return found[1] == other

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        value = self._rpc("hash")
        if type(value) is not int:
            raise TypeError("unhashable lab object")
        return value

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
            return str(self._rpc("repr"))
        except Exception:  # noqa: BLE001
            return f"<{self._rpc_type} (in the lab's process)>"

    def __str__(self) -> str:
        try:
            return str(self._rpc("str"))
        except Exception:  # noqa: BLE001
            return self.__repr__()

    def __float__(self) -> float:
        value = self._rpc("float")
        if type(value) not in (int, float):
            raise TypeError("not a number")
        return float(value)

    def __int__(self) -> int:
        value = self._rpc("int")
        if type(value) is not int:
            raise TypeError("not an integer")
        return value

    def __index__(self) -> int:
        return self.__int__()

    def __dir__(self) -> list[str]:
        names = self._rpc("dir")
        return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


_PROXY_CLASSES: dict[str, type] = {}


def proxy_class(type_name: str) -> type:
    """A RemoteObject subclass named like the remote type, so messages read ``ReviewClassification``."""
    cls = _PROXY_CLASSES.get(type_name)
    if cls is None:
        short = type_name.rsplit(".", 1)[-1].rsplit(":", 1)[-1] or "RemoteObject"
        if not short.isidentifier():
            short = "RemoteObject"
        cls = type(short, (RemoteObject,), {"__slots__": ()})
        if len(_PROXY_CLASSES) < 10_000:
            _PROXY_CLASSES[type_name] = cls
    return cls
