"""Mistake: the tools are never sent with the request, so the model cannot call them (it guesses instead)."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    def call_model(self, messages, on_token=None):
        registry, self.registry = self.registry, {}
        try:
            return super().call_model(messages, on_token)
        finally:
            self.registry = registry
