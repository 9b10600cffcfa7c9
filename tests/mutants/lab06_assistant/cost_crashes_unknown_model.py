"""Mistake: the cost of a model the price table does not know raises instead of saying "unknown" (None)."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference
from solutions.lab06_assistant import estimate_cost


class Assistant(_Reference):
    @property
    def cost(self):
        return estimate_cost(self.usage, self.model)
