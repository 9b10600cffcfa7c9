"""What a reasoning item carries in the Responses API: a summary when asked, and opaque encrypted content.

**Summaries.** ``reasoning: {"summary": "auto" | "concise" | "detailed"}`` makes a reasoning model's
``reasoning`` output item carry ``summary: [{"type": "summary_text", "text": ...}]`` parts, streamed as
``response.reasoning_summary_part.added``, ``response.reasoning_summary_text.delta``..., ``.done``,
``response.reasoning_summary_part.done`` between the item's ``output_item.added`` and ``.done`` (recorded
stream: vercel/ai ``packages/openai/src/responses/__fixtures__/openai-reasoning-encrypted-content.1.chunks.txt``;
several parts per item in ``azure-gpt5-reasoning-multi-summary-*.chunks.txt``). Each part reads
``**A short title**\\n\\nA few sentences.``, as real summaries do. The values the API accepts are
``'concise', 'detailed', and 'auto'`` (a direct observation kept in a public test table, find_string id
70538604235: ``Invalid value: 'zz_probe_summary'. Supported values are: 'concise', 'detailed', and 'auto'.``,
param ``reasoning.summary``, code ``invalid_value``). The stub's summary says only what the request and the
reply show (the question, the tool it calls and with what, the kind of answer): it never invents thoughts.
``concise`` is one part; ``detailed`` and ``auto`` (the most detailed the model offers) are two.

**Encrypted content.** ``include: ["reasoning.encrypted_content"]`` adds ``encrypted_content`` to reasoning
items (SDK docstring of ``include``: "an encrypted version of reasoning tokens in reasoning item outputs",
for using reasoning items statelessly, with ``store: false``). Real values are Fernet tokens
(``gAAAAAB…``, the recorded stream above); the stub's are built the same way (version byte 0x80, a
timestamp, a random IV, a body encrypted with a keystream, an HMAC-SHA256), with a key of the running stub,
so they are opaque to the client and verifiable by the stub that issued them. Handed back in ``input``, a
value the stub did not issue gets the real 400: ``The encrypted content gAAA...ng== could not be
verified.``, param null, code ``invalid_encrypted_content`` (openai/codex#8126, #8128, #8132). A
non-reasoning model asked for it with ``store: false`` gets ``Encrypted content is not supported with this
model.``, param ``include``, code null (microsoft/agent-framework#7534, #7483; NousResearch/hermes-agent
#24234). Whether the same request with ``store: true`` is refused too was not found; the stub accepts it
(there is no reasoning to encrypt, so nothing is added).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import time

from .errors import StubError
from .generate import Choice

SUMMARY_VALUES = ("concise", "detailed", "auto")
ENCRYPTED_INCLUDE = "reasoning.encrypted_content"
LOGPROBS_INCLUDE = "message.output_text.logprobs"


# --------------------------------------------------------------------------------------------- summary


def _quoted(text: str, words: int = 14) -> str:
    parts = " ".join(text.split()).split(" ")
    short = " ".join(parts[:words])
    return f"“{short}…”" if len(parts) > words else f"“{short}”"


def _arguments(raw: str) -> str:
    try:
        values = json.loads(raw)
    except ValueError:
        return "the arguments it needs"
    if not isinstance(values, dict) or not values:
        return "no arguments"
    shown = [f"{k} set to {json.dumps(v, ensure_ascii=False)}" for k, v in list(values.items())[:3]]
    return ", ".join(shown)


def _sentences(text: str) -> int:
    return max(
        1, sum(text.count(mark) for mark in (". ", "! ", "? ")) + (1 if text.rstrip()[-1:] in ".!?" else 0)
    )


def summary_parts(question: str, choice: Choice, detail: str, json_answer: bool) -> list[str]:
    """The summary texts of one reasoning item: what was asked and what the reply does, nothing more."""
    asked = (
        f"The user asks {_quoted(question)}." if question.strip() else "There is no user question to answer."
    )
    if choice.tool_calls:
        names = sorted({c.name for c in choice.tool_calls})
        title = f"**Calling {names[0]}**" if len(names) == 1 else "**Calling several tools**"
        plan = " ".join(f"I'll call {c.name} with {_arguments(c.arguments)}." for c in choice.tool_calls[:3])
        check = "I'll wait for the tool's result before I answer, rather than guess it."
    elif choice.refusal is not None:
        title, plan = (
            "**Declining the request**",
            "This is something I shouldn't help with, so I'll decline briefly.",
        )
        check = "I'll say so plainly without lecturing."
    elif json_answer:
        title, plan = (
            "**Filling in the requested JSON**",
            "I'll answer with one JSON object that fits the requested format.",
        )
        check = "Every field gets a value of the type the schema asks for."
    else:
        text = choice.content or ""
        n = _sentences(text)
        title = "**Answering the question**"
        plan = f"I'll answer directly, in {n} sentence{'s' if n != 1 else ''}."
        check = "I'll keep to what the question asks."
    first = f"{title}\n\n{asked} {plan}"
    if detail == "concise":
        return [first]
    return [first, f"**Checking the reply**\n\n{check}"]


# ----------------------------------------------------------------------------------- encrypted content

_VERSION = b"\x80"  # Fernet's version byte: tokens start "gAAAAA"


class Sealer:
    """Issues and verifies the opaque ``encrypted_content`` of one running stub."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._key = secret or os.urandom(32)

    def _stream(self, iv: bytes, n: int) -> bytes:
        out, counter = b"", 0
        while len(out) < n:
            out += hashlib.sha256(self._key + iv + struct.pack(">Q", counter)).digest()
            counter += 1
        return out[:n]

    def seal(self, payload: dict) -> str:
        body = json.dumps(payload, separators=(",", ":")).encode()
        iv = os.urandom(16)
        head = _VERSION + struct.pack(">Q", int(time.time())) + iv
        cipher = bytes(a ^ b for a, b in zip(body, self._stream(iv, len(body)), strict=True))
        mac = hmac.new(self._key, head + cipher, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(head + cipher + mac).decode()

    def open(self, token: str) -> dict:
        """The payload of a token this stub issued, or the real 400."""
        try:
            raw = base64.urlsafe_b64decode(token.encode())
        except (ValueError, UnicodeEncodeError):
            raw = b""
        if len(raw) > 57 and raw[:1] == _VERSION:
            head, cipher, mac = raw[:25], raw[25:-32], raw[-32:]
            if hmac.compare_digest(mac, hmac.new(self._key, head + cipher, hashlib.sha256).digest()):
                body = bytes(
                    a ^ b for a, b in zip(cipher, self._stream(head[9:25], len(cipher)), strict=True)
                )
                return json.loads(body)
        shown = f"{token[:4]}...{token[-4:]}" if len(token) > 8 else token
        raise StubError(
            400,
            f"The encrypted content {shown} could not be verified.",
            param=None,
            code="invalid_encrypted_content",
        )


def not_supported_by_model() -> StubError:
    return StubError(400, "Encrypted content is not supported with this model.", param="include", code=None)
