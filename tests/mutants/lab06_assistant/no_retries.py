"""Mistake: no retries: one 429 (a rate limit that would have passed in half a second) fails the whole turn."""

import solutions.lab06_assistant as _solution
from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    def call_model(self, messages, on_token=None):
        original = _solution.call_with_retries
        _solution.call_with_retries = lambda fn, **_: fn()
        try:
            return super().call_model(messages, on_token)
        finally:
            _solution.call_with_retries = original
