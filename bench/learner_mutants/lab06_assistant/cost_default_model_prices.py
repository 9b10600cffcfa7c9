"""hard-coded: cost prices the usage as gpt-6-luna whenever the price table knows the assistant's model.

Breaks: "``self.usage`` priced with lab 1's ``estimate_cost`` for ``self.model``" (right for gpt-6-luna only).
"""

from solutions.lab01_messages import PRICES_PER_MILLION
from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Assistant
from solutions.lab06_assistant import estimate_cost


class Assistant(_Assistant):
    @property
    def cost(self):
        if self.model not in PRICES_PER_MILLION:
            return None
        return estimate_cost(self.usage, "gpt-6-luna")
