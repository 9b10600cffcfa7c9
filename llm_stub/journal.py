"""The request journal: what the stub received, so tests can assert what code *sent*.

Keys are masked before they are stored; the journal is bounded so a long-running
server does not grow without end.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from .errors import mask_key

_SECRET_HEADERS = {"authorization", "api-key", "x-api-key", "openai-api-key", "cookie"}


def masked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` (names lower-case, as ``app.headers_of`` gives them) with every secret masked."""
    out = dict(headers)
    for name in _SECRET_HEADERS.intersection(out):
        scheme, _, secret = out[name].partition(" ")
        out[name] = f"{scheme} {mask_key(secret)}" if secret else mask_key(out[name])
    return out


@dataclass
class JournalEntry:
    seq: int
    request_id: str
    method: str
    path: str
    received_at: float
    headers: dict[str, str]
    body: object
    key: str
    status: int = 0
    duration: float = 0.0
    attempt: int = 0
    error_code: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class Journal:
    def __init__(self, size: int = 5000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._seq = 0

    def open(
        self,
        *,
        request_id: str,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: object,
        key: str,
        received_at: float | None = None,
    ) -> JournalEntry:
        """A new entry; ``received_at`` is when the request arrived (wall clock), now if not given."""
        with self._lock:
            self._seq += 1
            try:
                attempt = int(headers.get("x-stainless-retry-count", "0"))
            except ValueError:
                attempt = 0
            entry = JournalEntry(
                seq=self._seq,
                request_id=request_id,
                method=method,
                path=path,
                received_at=time.time() if received_at is None else received_at,
                headers=masked_headers(headers),
                body=body,
                key=mask_key(key),
                attempt=attempt,
            )
            self._entries.append(entry)
            return entry

    def entries(self, since: int = 0) -> list[dict]:
        with self._lock:
            return [e.to_dict() for e in self._entries if e.seq > since]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
