"""Mistake: cost prices every model at one model's rates (the first of lab 1's table, the course's default)."""

from solutions.lab01_messages import PRICES_PER_MILLION, estimate_cost
from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    @property
    def cost(self):
        if self.model not in PRICES_PER_MILLION:
            return None
        return estimate_cost(self.usage, next(iter(PRICES_PER_MILLION)))
