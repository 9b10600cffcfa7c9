"""Mistake: the context keeps the last three turns, whatever the token budget says."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    def context(self):
        starts = [i for i, m in enumerate(self.history) if m["role"] == "user"]
        kept = self.history[starts[-3] :] if len(starts) >= 3 else list(self.history)
        return [{"role": "system", "content": self.system_prompt}, *kept]
