"""Mistake: input and output prices swapped. Completion tokens are usually the dearer ones."""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import PRICES_PER_MILLION as _PRICES


def estimate_cost(usage, model, prices=_PRICES):
    output_price, input_price = prices[model]
    get = usage.get if isinstance(usage, dict) else lambda k: getattr(usage, k)
    return (get("prompt_tokens") * input_price + get("completion_tokens") * output_price) / 1_000_000
