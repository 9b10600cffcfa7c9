"""Mistake: prices read as per 1,000 tokens when the table gives them per million: every cost is 1000 times too high."""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import PRICES_PER_MILLION as _PRICES


def estimate_cost(usage, model, prices=_PRICES):
    if model not in prices:
        raise ValueError(f"no price for {model}")
    input_price, output_price = prices[model]
    get = usage.get if isinstance(usage, dict) else lambda k: getattr(usage, k)
    return (get("prompt_tokens") * input_price + get("completion_tokens") * output_price) / 1_000
