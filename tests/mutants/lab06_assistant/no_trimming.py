"""Mistake: the whole history is sent every time: no trimming to the token budget (the prompt grows until it fails)."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    def context(self):
        return [{"role": "system", "content": self.system_prompt}, *self.history]
