"""hard-coded: estimate_cost looks prices up in the lab's own table, whatever ``prices`` the caller passed.

Breaks: "Dollars for one ``usage`` with ``model``" priced from ``prices`` (only the table's own model
names and prices come out right; a caller's table is ignored).
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import PRICES_PER_MILLION, _get


def estimate_cost(usage, model, prices=PRICES_PER_MILLION):
    if model not in PRICES_PER_MILLION:
        raise ValueError(f"unknown model {model!r}")
    prompt, completion = _get(usage, "prompt_tokens"), _get(usage, "completion_tokens")
    input_price, output_price = PRICES_PER_MILLION[model]
    return (prompt * input_price + completion * output_price) / 1_000_000
