"""hard-coded: estimate_cost prices every known model at the docstring example's gpt-6-luna rates.

Breaks: "prompt tokens at the input price, completion at the output price" of ``model`` (right for
gpt-6-luna only).
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import PRICES_PER_MILLION, _get


def estimate_cost(usage, model, prices=PRICES_PER_MILLION):
    if model not in prices:
        raise ValueError(f"no price for model {model!r}")
    prompt, completion = _get(usage, "prompt_tokens"), _get(usage, "completion_tokens")
    return (prompt * 0.10 + completion * 0.50) / 1_000_000
