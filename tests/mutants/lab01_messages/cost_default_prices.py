"""Mistake: estimate_cost looks prices up in the module's table, ignoring the prices it is given."""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import PRICES_PER_MILLION
from solutions.lab01_messages import estimate_cost as _estimate_cost


def estimate_cost(usage, model, prices=PRICES_PER_MILLION):
    return _estimate_cost(usage, model, {**prices, **PRICES_PER_MILLION})
