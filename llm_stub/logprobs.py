"""Token log probabilities for a reply the stub wrote: one entry per token, consistent with the text.

Chat Completions returns them with ``logprobs: true`` (``top_logprobs`` alternatives per token, 0 to 20);
the Responses API with ``include: ["message.output_text.logprobs"]`` (and its own ``top_logprobs``). The
shapes are the real API's:

* Chat Completions: ``choices[i].logprobs = {"content": [{"token", "logprob", "bytes", "top_logprobs":
  [{"token", "logprob", "bytes"}]}], "refusal": null}``; in a stream the role chunk carries
  ``{"content": [], "refusal": null}`` and every content chunk the entries of its own tokens (recorded
  gpt-4o chunks kept in openai/openai-go ``streamaccumulator_test.go``; a gpt-4o-mini body quoted in
  tsaichris/NLP-final ``logP/example_usage.py``: ``{'token': 'I', 'bytes': [73], 'logprob': -0.263...,
  'top_logprobs': []}``);
* Responses: an ``output_text`` part's ``logprobs`` are ``LogProb`` objects (token, logprob, bytes,
  top_logprobs with bytes); the ``response.output_text.delta``/``.done`` events carry ``ResponseLogProb``
  objects (token, logprob, top_logprobs without bytes): the OpenAPI schemas ``OutputTextContent``,
  ``LogProb``, ``TopLogProb``, ``ResponseTextDeltaEvent`` and ``ResponseLogProb``.

What is consistent, and tested: the tokens are the reply's own tokens in the model's encoding (joined they
are the text; ``bytes`` are each token's UTF-8 bytes; a token that is part of a character is written
``bytes:\\xe2\\x80``, as the real API does); every ``logprob`` is <= 0; the chosen token is the first of its
``top_logprobs``, with the same value; the alternatives are other real tokens of the encoding, in
descending order, and all the probabilities at one position add up to at most 1. The values are drawn
from a hash of the request, so the same request gets the same numbers; they are not a model's.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from functools import lru_cache

from .tokenizer import get_encoding, token_ids

# Common tokens offered as alternatives (each kept only if it is a single token of the encoding).
_COMMON = (
    " the",
    " a",
    " and",
    " to",
    " of",
    " is",
    " in",
    " it",
    " that",
    " you",
    " I",
    " for",
    " on",
    " with",
    ",",
    ".",
    ":",
    "!",
    "?",
    "\n",
    " The",
    " A",
    " This",
    " It",
    " be",
    " can",
    " are",
    " as",
    " or",
    " this",
)


@dataclass(frozen=True)
class TokenLogprob:
    token: str
    logprob: float
    bytes: list[int]
    top: tuple[tuple[str, float, list[int]], ...]  # (token, logprob, bytes), the chosen token first

    def chat(self) -> dict:
        """A ``ChatCompletionTokenLogprob`` (and Responses ``LogProb``: the same four fields)."""
        return {
            "token": self.token,
            "logprob": self.logprob,
            "bytes": self.bytes,
            "top_logprobs": [{"token": t, "logprob": lp, "bytes": b} for t, lp, b in self.top],
        }

    def event(self) -> dict:
        """A Responses ``ResponseLogProb`` (stream events): no ``bytes``."""
        return {
            "token": self.token,
            "logprob": self.logprob,
            "top_logprobs": [{"token": t, "logprob": lp} for t, lp, _ in self.top],
        }


def _token_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes:" + "".join(f"\\x{b:02x}" for b in raw)


@lru_cache(maxsize=64)
def _single_tokens(encoding: str) -> tuple[str, ...]:
    enc = get_encoding(encoding)
    return tuple(t for t in _COMMON if len(enc.encode_ordinary(t)) == 1)


def _alternatives(token: str, encoding: str) -> list[str]:
    """Other single tokens that could have stood here: the same word cased or spaced differently, then
    common tokens."""
    enc = get_encoding(encoding)
    variants = []
    stripped = token.lstrip(" ")
    for v in (
        token.lower(),
        token.capitalize(),
        stripped if stripped != token else " " + token,
        token.upper(),
    ):
        if v and v != token and v not in variants and len(enc.encode_ordinary(v)) == 1:
            variants.append(v)
    return variants + [t for t in _single_tokens(encoding) if t != token and t not in variants]


def _rounded(value: float) -> float:
    return float(f"{value:.8g}")


def for_pieces(pieces: list[str], encoding: str, top: int, seed: bytes) -> list[list[TokenLogprob]]:
    """The entries of each piece of a reply (a piece is one token, or the tokens of one character).

    ``seed`` fixes the values (a hash of the request); ``top`` is the number of ``top_logprobs`` (0-20).
    """
    base = hashlib.sha256(seed).digest()
    enc = get_encoding(encoding)
    out: list[list[TokenLogprob]] = []
    position = 0
    for piece in pieces:
        entries = []
        for raw in enc.decode_tokens_bytes(token_ids(piece, encoding)):
            # one generator per position: the values do not depend on how many alternatives were asked for
            rng = random.Random(base + position.to_bytes(4, "big"))
            position += 1
            token = _token_text(raw)
            # most tokens are near-certain, a few are real choices: a skewed draw
            p = 1.0 - 0.6 * rng.random() ** 4
            chosen = _rounded(math.log(p))
            ranked: list[tuple[str, float, list[int]]] = [(token, chosen, list(raw))]
            left = 1.0 - p
            for alt in _alternatives(token, encoding)[: max(0, top - 1)]:
                share = left * (0.3 + 0.4 * rng.random())
                left -= share
                # below the chosen token and below the previous alternative: the list stays in order
                q = min(share, math.exp(ranked[-1][1]) * 0.9)
                ranked.append((alt, _rounded(math.log(max(q, 1e-12))), list(alt.encode())))
            entries.append(TokenLogprob(token, chosen, list(raw), tuple(ranked[:top])))
        out.append(entries)
    return out
