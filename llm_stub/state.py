"""Everything one running stub holds: its settings, journal, reply book, limiters and fault plans."""

from __future__ import annotations

import threading

from .caching import PromptCache
from .config import StubConfig
from .faults import FaultBook
from .journal import Journal
from .limits import RateLimiter
from .replies import DEFAULT_REPLY_FILE, ReplyBook


class StubState:
    def __init__(self, config: StubConfig | None = None) -> None:
        self.initial = (config or StubConfig()).copy()
        self.config = self.initial.copy()
        self.journal = Journal(self.config.journal_size)
        self.limits = RateLimiter(self.config)
        self.faults = FaultBook()
        self.cache = PromptCache()  # remembered prompt prefixes (caching.py), per key and model
        self._lock = threading.Lock()
        self.book = self._load_book()

    def _load_book(self) -> ReplyBook:
        return ReplyBook.load([*self.config.reply_files, DEFAULT_REPLY_FILE])

    def configure(self, changes: dict) -> list[str]:
        """Change settings at run time; reply files are reloaded when they change."""
        with self._lock:
            rejected = self.config.update(changes)
            if "reply_files" in changes:
                self.book = self._load_book()
            self.limits.config = self.config
            return rejected

    def reset(self) -> None:
        """Back to the settings the server started with; journal, buckets and plans emptied."""
        with self._lock:
            self.config = self.initial.copy()
            self.journal.clear()
            self.limits = RateLimiter(self.config)
            self.faults.reset()
            self.cache.clear()
            self.book = self._load_book()
