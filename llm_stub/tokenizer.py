"""A deterministic approximation of a BPE tokenizer, so that ``usage`` is exact for it.

Real models count tokens with byte-pair encodings (``tiktoken``); the stub cannot
ship those, so it splits text with one documented rule that lands near the real
counts for English (about 4 characters a token):

* a run of letters, with the space before it, is one token per 6 letters
  (``" hello"`` is 1 token, ``" understanding"`` is 3);
* digits go in groups of up to 3 (``"2024"`` is 2 tokens), as cl100k does;
* every other visible character is its own token; a run of whitespace that is
  not in front of a word is one token.

The pieces join back into the original text exactly, which is what lets the stub
stream a reply token by token and cut it at ``max_tokens``.

Chat messages cost a little more than their text, as with OpenAI's models:
3 tokens per message, plus its role, plus 1 if it has a name, plus 3 to prime
the reply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

_PIECE = re.compile(r"\s?[^\W\d_]+|\d{1,3}|\s+(?=\S)|\s+|[^\s]", re.UNICODE)
_WORD_CHUNK = 6

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
TOKENS_REPLY_PRIMING = 3


def encode(text: str) -> list[str]:
    """Split ``text`` into token pieces; ``"".join(encode(t)) == t`` always holds."""
    pieces: list[str] = []
    for match in _PIECE.finditer(text):
        piece = match.group(0)
        letters = piece.lstrip()
        if letters and letters[0].isalpha() and len(letters) > _WORD_CHUNK:
            lead = piece[: len(piece) - len(letters)]
            chunks = [letters[i : i + _WORD_CHUNK] for i in range(0, len(letters), _WORD_CHUNK)]
            chunks[0] = lead + chunks[0]
            pieces.extend(chunks)
        else:
            pieces.append(piece)
    return pieces


def count(text: str) -> int:
    """The number of tokens in ``text``."""
    return len(encode(text)) if text else 0


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


def count_message(message: Mapping) -> int:
    """Tokens one chat message costs in a prompt."""
    tokens = TOKENS_PER_MESSAGE + count(str(message.get("role", "")))
    tokens += count(content_text(message.get("content")))
    if message.get("name"):
        tokens += TOKENS_PER_NAME + count(str(message["name"]))
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        tokens += count(str(function.get("name", ""))) + count(str(function.get("arguments", "")))
    if message.get("tool_call_id"):
        tokens += count(str(message["tool_call_id"]))
    return tokens


def count_messages(messages: Iterable[Mapping], tools: list | None = None) -> int:
    """Prompt tokens for a chat request: the messages, the tools' JSON, and the reply priming."""
    total = sum(count_message(m) for m in messages) + TOKENS_REPLY_PRIMING
    if tools:
        total += count(json.dumps(tools, separators=(",", ":")))
    return total
