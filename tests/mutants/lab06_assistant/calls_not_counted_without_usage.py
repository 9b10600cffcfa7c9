"""Mistake: record_usage counts a call only when the response has usage (a server that sends none is not metered)."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    def record_usage(self, usage):
        if usage is None:
            return
        self.calls += 1
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            self.usage[name] += getattr(usage, name, 0) or 0
