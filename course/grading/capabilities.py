"""What the worker may ask of the trusted test process: a short, fixed list of operations, nothing else.

The tests hand a lab plain data, SDK objects, and these; each is rebuilt in the worker
(:mod:`course.grading.labside`), and only the operations below come back to this process:

``http`` (and ``read`` / ``close`` of its answer's body)
    A model request through a client the tests passed. The worker's SDK client has a transport that sends
    the request here; this side sends it with the *tests'* client (its base URL, key, headers, transport) if
    it is one of ``ENDPOINTS`` under that client's own base URL, with only the JSON body, the SDK's attempt
    number and idempotency key, and a bounded timeout taken from the worker's request. No base URL, header,
    query, transport or option of the worker reaches the network.
``next``
    The next item of an iterator the tests passed (a stream of chunks, a generator).
``call``
    A call of a function the tests marked with :func:`lab_may_call` (a tool, an injected ``sleep``, a
    clock), with data as arguments.

No attribute of an object of this process is read, set or called by name for the worker, and nothing the
worker sends is unpickled or evaluated: its values are data (JSON), SDK objects rebuilt by type name from
``openai.types`` without validation code, exceptions of known classes or stand-ins, and handles to its own
objects.
"""

from __future__ import annotations

import base64
import collections.abc
import enum
import json
import re
import threading
from typing import Any

from . import rpc
from .remote import RemoteObject, proxy_class

# The endpoints the labs use, relative to the tests' client's base URL: (method, path pattern).
ENDPOINTS = (
    ("POST", re.compile(r"chat/completions")),
    ("POST", re.compile(r"responses")),
    ("GET", re.compile(r"responses/[A-Za-z0-9_-]{1,200}")),
)
MAX_TIMEOUT = 60.0  # seconds: the longest any one HTTP request of the worker may take here
MAX_BODY = rpc.MAX_FRAME // 2  # bytes of a request or a non-streamed response body
MAX_OPEN_RESPONSES = 32
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_MARK = "__lab_may_call__"


def lab_may_call(fn: Any) -> Any:
    """Mark ``fn`` (a function, a method, a callable object) as one that lab code may call while grading.

    Use it on every function a test hands to lab code to be *called* (a tool, an injected ``sleep`` or
    ``clock``, an ``on_token``); a function the lab only inspects needs no mark. Without the grader it
    changes nothing. Returns ``fn`` itself when it can carry the mark, else a wrapper with its name,
    docstring and signature.
    """
    try:
        setattr(fn, _MARK, True)
        return fn
    except (AttributeError, TypeError):
        pass
    target = getattr(fn, "__func__", None)
    if target is not None and getattr(fn, "__self__", None) is not None and not isinstance(target, type):
        try:  # a bound method: mark its function (every instance's method)
            setattr(target, _MARK, True)
            return fn
        except (AttributeError, TypeError):
            pass
    import functools

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    try:
        functools.update_wrapper(wrapper, fn)
    except (AttributeError, TypeError):
        pass
    setattr(wrapper, _MARK, True)
    return wrapper


def may_call(fn: Any) -> bool:
    """The tests marked ``fn`` with :func:`lab_may_call` (a class is never a callback: its instances may be)."""
    return callable(fn) and not isinstance(fn, type) and getattr(fn, _MARK, False) is True


class TrustedPeer(rpc.Peer):
    """The tests' end of the channel: test objects go out as the capabilities above; the lab's objects come
    back as proxies (:class:`~course.grading.remote.RemoteObject`)."""

    def __init__(self, sock: Any, *, on_incident: Any = None) -> None:
        super().__init__(sock, threads=16)
        self.on_incident = on_incident  # callable(str): a request refused, for the report's notes
        self.kinds: dict[int, str] = {}  # handle -> what the worker may do with it
        self.responses: dict[int, tuple[Any, Any]] = {}  # stream id -> (response, its pieces)
        self.responses_lock = threading.Lock()
        self.stream_ids = iter(range(1, 1 << 62))
        self.handlers = {
            "http": self._serve_http,
            "read": self._serve_read,
            "close": self._serve_close,
            "next": self._serve_next,
            "call": self._serve_call,
        }

    # -- the handles the worker holds ----------------------------------------------------------------------
    def grant(self, kind: str, obj: Any) -> int:
        hid = self.export(obj)
        with self.lock:
            self.kinds[hid] = kind
        return hid

    def granted(self, hid: Any, *kinds: str) -> Any:
        obj = self.local(hid)
        with self.lock:
            kind = self.kinds.get(int(hid))
        if kinds and kind not in kinds:
            raise rpc.PolicyError(f"the grader does not let lab code use a {kind or 'value'} that way")
        return obj

    def end_of_test(self) -> None:
        """Forget every handle of this test and close the answers still open."""
        with self.responses_lock:
            responses, self.responses = list(self.responses.values()), {}
        for response, _ in responses:
            try:
                response.close()
            except Exception:  # noqa: BLE001,S110
                pass
        with self.lock:
            self.forget_all()
            self.kinds.clear()

    def refuse(self, what: str) -> rpc.PolicyError:
        if self.on_incident is not None:
            self.on_incident(f"refused: {what}")
        return rpc.PolicyError(f"the grader does not let lab code {what}")

    # -- what the tests hand to lab code ---------------------------------------------------------------------
    def encode_other(self, value: Any, depth: int) -> Any:
        if isinstance(value, RemoteObject) and value._rpc_peer is self:
            return {"$": "ref", "h": value._rpc_id}
        if getattr(value, "_course_peer", None) is self and isinstance(
            getattr(value, "_course_handle", None), int
        ):
            return {"$": "ref", "h": value._course_handle}  # the lab's own function or exception class
        import openai
        from pydantic import BaseModel

        if isinstance(value, openai.OpenAI):
            return {
                "$": "client",
                "h": self.grant("client", value),
                "base_url": str(value.base_url),
                "max_retries": int(value.max_retries),
                "timeout": _timeout(value.timeout),
            }
        if may_call(value):
            return {
                "$": "callback",
                "h": self.grant("callback", value),
                "meta": rpc.function_meta(value, True),
            }
        if isinstance(value, type) and issubclass(value, BaseModel):
            if (value.__module__ or "").startswith("openai.types"):
                return {"$": "sdkclass", "t": f"{value.__module__}:{value.__qualname__}"}
            return self._model_class(value)
        if isinstance(value, BaseModel):
            return {
                "$": "modelinst",
                "c": self._model_class(type(value)),
                "d": self.encode(value.model_dump(mode="json", by_alias=True, warnings=False), depth + 1),
            }
        if isinstance(value, type) and issubclass(value, BaseException):
            return {
                "$": "excclass",
                "t": rpc._class_name(value),
                "base": rpc._known_base(value),
                **self.exception_ref(value),
            }
        if isinstance(value, enum.Enum):
            return self.encode(value.value, depth + 1)
        if isinstance(value, collections.abc.Mapping) and not callable(value):
            return {
                "$": "dict",
                "i": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()],
            }
        if isinstance(value, (list, tuple)) and not callable(value):
            items = [self.encode(v, depth + 1) for v in value]
            return items if isinstance(value, list) else {"$": "tuple", "i": items}
        if isinstance(value, collections.abc.Iterator):
            return {"$": "iter", "h": self.grant("iter", value)}
        if callable(value):
            return {"$": "function", "meta": rpc.function_meta(value, True)}
        raise TypeError(
            f"the grader cannot hand a {type(value).__name__} to lab code: pass data, SDK objects, a client, a "
            "pydantic class, an iterator, or a function marked with lab_may_call"
        )

    def _model_class(self, cls: type) -> dict:
        try:
            schema = cls.model_json_schema()  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001
            raise TypeError(
                f"the grader cannot hand {cls.__name__} to lab code: no JSON schema ({exc})"
            ) from None
        return {"$": "modelclass", "h": self.grant("modelclass", cls), "name": cls.__name__, "schema": schema}

    def exception_ref(self, cls: type) -> dict:
        if getattr(cls, "_course_peer", None) is self and isinstance(
            getattr(cls, "_course_handle", None), int
        ):
            return {"h": cls._course_handle}  # a stand-in of the lab's own class: the worker uses its class
        if rpc.resolve_exception_class(rpc._class_name(cls)) is None:
            return {"g": self.grant("excclass", cls)}  # the tests' own class: it comes back as itself
        return {}

    def exception_class(self, name: str, base: str, value: dict | None = None) -> type:
        hid = (value or {}).get("h")
        if isinstance(hid, int):
            try:
                cls = self.granted(hid, "excclass")
                if isinstance(cls, type) and issubclass(cls, BaseException):
                    return cls
            except (ReferenceError, rpc.PolicyError):
                pass
        cls = super().exception_class(name, base, value)
        if issubclass(cls, KeyboardInterrupt):
            # raised here as itself, a lab's KeyboardInterrupt would stop the whole test run instead of failing
            # one test: it is an error like any other
            if self.on_incident is not None:
                self.on_incident(
                    "lab code raised KeyboardInterrupt: recorded as an error of the test it was in"
                )
            cls = rpc.local_exception_class("lab:KeyboardInterrupt", "builtins:Exception")
        return cls

    # -- what the lab hands back -----------------------------------------------------------------------------
    def decode_other(self, tag: str, value: dict, depth: int) -> Any:
        if tag == "handle":
            return self._proxy(value)
        if tag == "ref":
            return self.granted(value.get("h"))
        if tag == "modelinst":
            cls = self.granted(value.get("c"), "modelclass")
            return cls.model_validate(self.decode(value.get("d"), depth + 1))
        raise rpc.ProtocolError(f"a value of an unknown kind ({tag[:40]!r})")

    def _proxy(self, value: dict) -> Any:
        hid = int(value["h"])
        with self.lock:
            known = self.proxies.get(hid)
        if known is not None:
            return known
        kind = value.get("kind")
        type_name = str(value.get("t", "object"))[:300]
        proxy: Any
        if kind == "excclass":
            proxy = self.exception_class(type_name, str(value.get("base", "builtins:Exception")))
            if proxy.__module__ != "builtins" and rpc.resolve_exception_class(type_name) is None:
                proxy._course_handle = hid  # a stand-in: the worker uses its own class when it comes back
                proxy._course_peer = self
        elif kind == "function":
            meta = value.get("meta") if isinstance(value.get("meta"), dict) else {}
            proxy = rpc.make_function(lambda *a, **kw: self.call(hid, a, kw), meta)
            proxy._course_handle = hid
            proxy._course_peer = self
        elif kind in ("class", "object"):
            proxy = proxy_class(type_name)(self, hid, type_name)
        else:
            raise rpc.ProtocolError("a handle of an unknown kind")
        with self.lock:
            self.proxies[hid] = proxy
        return proxy

    # -- the operations the worker may request ---------------------------------------------------------------
    def _serve_call(self, message: dict) -> tuple[Any, list]:
        fn = self.granted(message.get("h"), "callback")
        args = [self.decode(a) for a in message.get("a") or []]
        kwargs = {str(k): self.decode(v) for k, v in (message.get("kw") or {}).items()}
        return fn(*args, **kwargs), args

    def _serve_next(self, message: dict) -> tuple[Any, list]:
        return next(self.granted(message.get("h"), "iter")), []

    def _serve_http(self, message: dict) -> tuple[Any, list]:
        client = self.granted(message.get("h"), "client")
        method = str(message.get("method", "")).upper()
        url = str(message.get("url", ""))
        base = str(client.base_url)
        if not base.endswith("/"):
            base += "/"
        if not url.startswith(base):
            raise self.refuse(f"send a request to {url[:200]} (only to the tests' own server, {base})")
        path = url[len(base) :]
        if not any(method == m and pattern.fullmatch(path) for m, pattern in ENDPOINTS):
            raise self.refuse(f"send {method} {path[:200]} (the labs use only {_endpoint_list()})")
        body = _json_body(message.get("body"), method)
        headers = message.get("headers") if isinstance(message.get("headers"), dict) else {}
        response = send(client, method, path, body, headers, message.get("timeout"))
        return self._answer(response), []

    def _answer(self, response: Any) -> dict:
        head = {
            "status": response.status_code,
            "headers": [[k, v] for k, v in response.headers.multi_items()],
        }
        if "text/event-stream" not in response.headers.get("content-type", ""):
            try:
                content = b"".join(_capped(response.iter_bytes(), MAX_BODY))
            finally:
                response.close()
            return {**head, "body": base64.b64encode(content).decode()}
        with self.responses_lock:
            if len(self.responses) >= MAX_OPEN_RESPONSES:
                response.close()
                raise self.refuse(f"keep more than {MAX_OPEN_RESPONSES} streamed responses open at once")
            sid = next(self.stream_ids)
            self.responses[sid] = (response, iter(response.iter_raw()))
        return {**head, "stream": sid}

    def _serve_read(self, message: dict) -> tuple[Any, list]:
        sid = message.get("s")
        with self.responses_lock:
            entry = self.responses.get(sid) if type(sid) is int else None
        if entry is None:
            raise rpc.PolicyError("that response is closed")
        response, pieces = entry
        try:
            piece = next(pieces, None)
        except BaseException:
            self._drop(sid)
            raise
        if piece is None:
            self._drop(sid)
            return None, []
        return base64.b64encode(piece).decode(), []

    def _serve_close(self, message: dict) -> tuple[Any, list]:
        sid = message.get("s")
        if type(sid) is int:
            self._drop(sid)
        return None, []

    def _drop(self, sid: int) -> None:
        with self.responses_lock:
            entry = self.responses.pop(sid, None)
        if entry is not None:
            try:
                entry[0].close()
            except Exception:  # noqa: BLE001,S110
                pass


def send(client: Any, method: str, path: str, body: dict | None, headers: dict, timeout: Any) -> Any:
    """Send one request with the tests' ``client``, as its SDK would (base URL, key, default headers,
    transport), with SDK retries off (the lab's SDK retries); the answer's body is not read yet."""
    from openai._models import FinalRequestOptions

    httpx = rpc._httpx
    limits = {"connect": MAX_TIMEOUT, "read": MAX_TIMEOUT, "write": MAX_TIMEOUT, "pool": MAX_TIMEOUT}
    if isinstance(timeout, dict):
        for key in limits:
            value = timeout.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                limits[key] = min(float(value), MAX_TIMEOUT)
    options: dict[str, Any] = {
        "method": method.lower(),
        "url": "/" + path,
        "timeout": httpx.Timeout(**limits),
        "max_retries": 0,
    }
    if body is not None:
        options["json_data"] = body
    key = headers.get("idempotency-key")
    if isinstance(key, str) and _IDEMPOTENCY_KEY.fullmatch(key):
        options["idempotency_key"] = key
    try:
        retries = max(0, min(100, int(str(headers.get("x-stainless-retry-count", "0")))))
    except ValueError:
        retries = 0
    prepared = client._prepare_options(FinalRequestOptions.construct(**options))
    request = client._build_request(prepared, retries_taken=retries)
    client._prepare_request(request)
    return client._send_request(request, stream=True)


def _json_body(raw: Any, method: str) -> dict | None:
    if raw is None:
        return None
    if method == "GET" or not isinstance(raw, str) or len(raw) > MAX_BODY * 4 // 3 + 4:
        raise rpc.PolicyError("the grader does not let lab code send that body")
    try:
        body = json.loads(base64.b64decode(raw, validate=True))
    except (ValueError, RecursionError):
        raise rpc.PolicyError("the grader sends only JSON request bodies") from None
    if not isinstance(body, dict):
        raise rpc.PolicyError("the grader sends only JSON objects as request bodies")
    return body


def _capped(pieces: Any, limit: int) -> Any:
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > limit:
            raise rpc.PolicyError(f"a response of more than {limit:,} bytes")
        yield piece


def _timeout(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    fields = {k: getattr(value, k, None) for k in ("connect", "read", "write", "pool")}
    if any(isinstance(v, (int, float)) for v in fields.values()):
        return {k: float(v) if isinstance(v, (int, float)) else None for k, v in fields.items()}
    return None


def _endpoint_list() -> str:
    return ", ".join(f"{m} {p.pattern}" for m, p in ENDPOINTS)


__all__ = ["ENDPOINTS", "TrustedPeer", "lab_may_call", "may_call", "send"]
