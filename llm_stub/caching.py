"""Prompt caching: a long prompt prefix seen recently is reported as ``cached_tokens``.

What the stub imitates (OpenAI cookbook "Prompt Caching 201",
https://github.com/openai/openai-cookbook/blob/main/examples/Prompt_Caching_201.ipynb: caching "works
automatically for prompts containing 1024 tokens or more, with cache hits occurring in increments of 128
tokens"; "cache hits require an exact, repeated prefix match"):

* the prompt is rendered as one token sequence (tools, then each message: a separator, its role, its name, its
  content and tool calls, with the model's real encoding);
* after a request is answered, every 128-token block boundary of its prompt is remembered as a prefix hash,
  per API key, model snapshot and ``prompt_cache_key`` (which the real API uses to route similar requests to
  the same cache; the SDK docstring: "Used by OpenAI to cache responses for similar requests to optimize your
  cache hit rates");
* a later request reports ``cached_tokens`` = the longest remembered prefix it repeats, counted in whole
  128-token blocks, and only when that is at least 1,024 tokens; otherwise 0;
* a remembered prefix is kept ``TTL`` seconds (5 minutes) after its last use. Microsoft's prompt-caching page
  for the same models says caches "are typically cleared within 5-10 minutes of inactivity and are always
  removed within one hour of the cache's last use"
  (https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/prompt-caching); the stub takes the lower
  bound. Extended retention (``prompt_cache_retention="24h"`` in the SDK) is not modelled.

``StubState.cache`` holds the state; ``StubState.reset()`` empties it. The clock is injectable for tests.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from array import array
from collections.abc import Callable, Mapping

from .tokenizer import cached_ids, content_text

BLOCK = 128
MINIMUM = 1024
TTL = 300.0
MAX_ENTRIES = (
    200_000  # prefix hashes kept at most (oldest dropped first): bounds memory on a long-running stub
)

_SEPARATOR = -1  # stands for the message-boundary tokens of the chat format; never a real token id


def rendered(messages: list[Mapping], tools: list | None, encoding: str) -> list[int]:
    """The prompt as one token sequence, in the order the model reads it."""
    out: list[int] = []
    if tools:
        out += cached_ids(json.dumps(tools, sort_keys=True, separators=(",", ":"), default=str), encoding)
    for m in messages:
        out.append(_SEPARATOR)
        out += cached_ids(str(m.get("role", "")), encoding)
        if m.get("name"):
            out += cached_ids(str(m["name"]), encoding)
        out.append(_SEPARATOR)
        out += cached_ids(content_text(m.get("content")), encoding)
        for call in m.get("tool_calls") or []:
            function = (call.get("function") or {}) if isinstance(call, Mapping) else {}
            out += cached_ids(f"{function.get('name', '')}{function.get('arguments', '')}", encoding)
        if m.get("tool_call_id"):
            out += cached_ids(str(m["tool_call_id"]), encoding)
    return out


def _block_hashes(tokens: list[int]) -> list[bytes]:
    """The running hash of the prefix at each whole block: entry k covers tokens[: (k + 1) * BLOCK]."""
    running = hashlib.sha256()
    out = []
    for end in range(BLOCK, len(tokens) + 1, BLOCK):
        running.update(array("q", tokens[end - BLOCK : end]).tobytes())
        out.append(running.copy().digest())
    return out


class PromptCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._seen: dict[tuple[str, str, str, bytes], float] = {}
        self._lock = threading.Lock()

    def lookup_and_store(
        self,
        *,
        key: str,
        model: str,
        cache_key: str | None,
        messages: list[Mapping],
        tools: list | None,
        encoding: str,
        prompt_tokens: int,
    ) -> int:
        """``cached_tokens`` for this prompt; then remember its prefixes for the requests that follow."""
        if prompt_tokens < MINIMUM:
            return 0  # "prompts containing 1024 tokens or more": shorter ones are neither served nor stored
        tokens = rendered(messages, tools, encoding)
        if len(tokens) < MINIMUM:
            return 0  # too short to be cached, nor worth remembering
        hashes = _block_hashes(tokens)
        scope = (key, model, cache_key or "")
        with self._lock:
            now = self.clock()
            hit = 0
            for k, digest in enumerate(hashes):
                seen = self._seen.get((*scope, digest))
                if seen is None or now - seen > TTL:
                    break
                hit = k + 1
            for digest in hashes:
                self._seen[(*scope, digest)] = now
            if len(self._seen) > MAX_ENTRIES:
                for old in sorted(self._seen, key=self._seen.__getitem__)[: len(self._seen) - MAX_ENTRIES]:
                    del self._seen[old]
        cached = hit * BLOCK
        if cached < MINIMUM:
            return 0
        return min(cached, prompt_tokens)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
