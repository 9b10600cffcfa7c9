"""Prompt caching: a long prompt prefix seen recently is reported as ``cached_tokens``; on GPT-5.6 and later,
the part a request writes to the cache is reported as ``cache_write_tokens``.

What the stub imitates (OpenAI cookbook "Prompt Caching 201",
https://github.com/openai/openai-cookbook/blob/main/examples/Prompt_Caching_201.ipynb: caching "works
automatically for prompts containing 1024 tokens or more, with cache hits occurring in increments of 128
tokens"; "cache hits require an exact, repeated prefix match"; the current guide, S16 in the catalogue, keeps
the 1,024-token minimum and exact-prefix rule):

* the prompt is rendered as one token sequence (tools, then each message: a separator, its role, its name, its
  content and tool calls, with the model's real encoding);
* after a request is answered, every 128-token block boundary of its prompt is remembered as a prefix hash,
  per API key, model snapshot and ``prompt_cache_key`` (which the real API uses to route similar requests to
  the same cache; the SDK docstring: "Used by OpenAI to cache responses for similar requests to optimize your
  cache hit rates");
* a later request reports ``cached_tokens`` = the longest remembered prefix it repeats, counted in whole
  128-token blocks, and only when that is at least 1,024 tokens; otherwise 0;
* a remembered prefix lives ``TTL`` seconds (5 minutes) after its last use on models before GPT-5.6.
  Microsoft's prompt-caching page for the same models says caches "are typically cleared within 5-10 minutes
  of inactivity and are always removed within one hour of the cache's last use"
  (https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/prompt-caching); the stub takes the lower
  bound. On GPT-5.6 and later ``prompt_cache_options.ttl`` is a *minimum* lifetime (S1): 30 minutes by
  default, 12 hours when a Responses request asks for "12h".

Cache writes (models whose catalogue row has ``cache_options``, GPT-5.6 and later, which bill them; S16): the
implicit breakpoint sits at the end of the prompt, so a request writes the part of its prompt the cache did
not already hold: ``cache_write_tokens = prompt_tokens - cached_tokens`` for a prompt of 1,024 tokens or more
(E7: a first gpt-5.6-sol call wrote 3,207 tokens, the second read the same 3,207). ``prompt_cache_options``
``mode: "explicit"`` drops the implicit breakpoint: with no ``prompt_cache_breakpoint`` on any content part
nothing is read or written (S1: "If there are no explicit breakpoints, the request does not use prompt
caching"); with breakpoints, the cacheable prompt ends at the end of the message holding the last one. How
the real API places its implicit breakpoint, and whether its reads still come in 128-token steps, is not
documented; the stub keeps the cookbook's steps for reads.

``StubState.cache`` holds the state; ``StubState.reset()`` empties it. The clock is injectable for tests.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .tokenizer import cached_ids, content_text

BLOCK = 128
MINIMUM = 1024
TTL = 300.0  # before GPT-5.6
TTL_BY_OPTION = {"30m": 1800.0, "12h": 12 * 3600.0}  # prompt_cache_options.ttl, GPT-5.6 and later
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


@dataclass(frozen=True)
class CacheUse:
    """What one request did with the prompt cache."""

    cached: int = 0  # prompt tokens read from the cache (part of prompt_tokens)
    written: int = 0  # prompt tokens written to it (reported on models that bill writes)
    ttl: str = "30m"  # the lifetime the writes were made with ("30m" or "12h")


def has_breakpoint(message: Mapping) -> bool:
    content = message.get("content")
    return isinstance(content, list) and any(
        isinstance(part, Mapping) and part.get("prompt_cache_breakpoint") is not None for part in content
    )


class PromptCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._expires: dict[tuple[str, str, str, bytes], float] = {}
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
        options: Mapping | None = None,
        writes_billed: bool = False,
    ) -> CacheUse:
        """What this prompt reads from the cache; then remember its prefixes for the requests that follow.

        ``options`` is the request's ``prompt_cache_options`` (mode, ttl); ``writes_billed`` says whether the
        model reports cache writes (GPT-5.6 and later) and keeps entries for ``ttl`` rather than 5 minutes.
        """
        options = options or {}
        ttl_name = options.get("ttl") or "30m"
        if prompt_tokens < MINIMUM:
            return CacheUse(ttl=ttl_name)  # "1024 tokens or more": shorter ones are neither served nor stored
        tokens = rendered(messages, tools, encoding)
        cacheable, cacheable_tokens = len(tokens), prompt_tokens
        if options.get("mode") == "explicit":
            marked = [i for i, m in enumerate(messages) if has_breakpoint(m)]
            if not marked:
                return CacheUse(ttl=ttl_name)  # explicit mode without breakpoints: no prompt caching at all
            cacheable = len(rendered(messages[: marked[-1] + 1], tools, encoding))
            cacheable_tokens = min(prompt_tokens, cacheable)
        if cacheable < MINIMUM:
            return CacheUse(ttl=ttl_name)  # too short to be cached, nor worth remembering
        hashes = _block_hashes(tokens[:cacheable])
        scope = (key, model, cache_key or "")
        lifetime = TTL_BY_OPTION.get(ttl_name, TTL_BY_OPTION["30m"]) if writes_billed else TTL
        with self._lock:
            now = self.clock()
            hit = 0
            for k, digest in enumerate(hashes):
                expires = self._expires.get((*scope, digest))
                if expires is None or expires < now:
                    break
                hit = k + 1
            for digest in hashes:
                entry = (*scope, digest)
                self._expires[entry] = max(self._expires.get(entry, 0.0), now + lifetime)
            if len(self._expires) > MAX_ENTRIES:
                for old in sorted(self._expires, key=self._expires.__getitem__)[
                    : len(self._expires) - MAX_ENTRIES
                ]:
                    del self._expires[old]
        cached = hit * BLOCK
        cached = 0 if cached < MINIMUM else min(cached, cacheable_tokens)
        written = max(0, cacheable_tokens - cached) if writes_billed else 0
        return CacheUse(cached=cached, written=written, ttl=ttl_name)

    def clear(self) -> None:
        with self._lock:
            self._expires.clear()
