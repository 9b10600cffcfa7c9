"""hard-coded: context trims to 1000 tokens, the default budget, whatever ``budget`` the assistant was given.

Breaks: "the newest turns ... whose tokens, with the system message, fit in ``self.budget``."
"""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Assistant
from solutions.lab06_assistant import trim_history


class Assistant(_Assistant):
    def context(self):
        return trim_history([{"role": "system", "content": self.system_prompt}, *self.history], 1000)
