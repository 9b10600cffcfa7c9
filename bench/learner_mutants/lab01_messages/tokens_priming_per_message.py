"""lesson: estimate_tokens adds the reply priming (3) once per message instead of once per request.

Breaks: "the whole request costs ``TOKENS_REPLY_PRIMING`` (3) more" (``estimate_tokens([])`` is 0, and two
messages cost 3 too many; the one-message example of the docstring still gives 9).
"""

import math

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import CHARS_PER_TOKEN, TOKENS_PER_MESSAGE, TOKENS_REPLY_PRIMING


def estimate_tokens(messages):
    total = 0
    for message in messages:
        text = message.get("content") or ""
        total += TOKENS_REPLY_PRIMING + TOKENS_PER_MESSAGE + math.ceil(len(text) / CHARS_PER_TOKEN)
    return total
