"""Mistake: the history is trimmed without the system prompt, so the assistant forgets who it is."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference
from solutions.lab06_assistant import trim_history


class Assistant(_Reference):
    def context(self):
        return trim_history(list(self.history), self.budget)
