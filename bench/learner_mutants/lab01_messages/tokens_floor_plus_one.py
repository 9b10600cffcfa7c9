"""lesson: estimate_tokens rounds up with ``len // 4 + 1`` instead of ``math.ceil(len / 4)``.

Breaks: "``ceil(len(content) / CHARS_PER_TOKEN)``" (one token too many whenever the length is a multiple of
4, the empty content included; "Hello!" still gives 9).
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import CHARS_PER_TOKEN, TOKENS_PER_MESSAGE, TOKENS_REPLY_PRIMING


def estimate_tokens(messages):
    total = TOKENS_REPLY_PRIMING
    for message in messages:
        text = message.get("content") or ""
        total += TOKENS_PER_MESSAGE + len(text) // CHARS_PER_TOKEN + 1
    return total
