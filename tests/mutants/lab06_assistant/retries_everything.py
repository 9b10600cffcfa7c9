"""Mistake: every error is retried, a 400 too: the same wrong request is sent again and again."""

import solutions.lab06_assistant as _solution
from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference


def _retry_all(fn, *, max_attempts=5, sleep=None, **_):
    for attempt in range(1, max_attempts + 1):
        try:
            return fn()
        except Exception:
            if attempt == max_attempts:
                raise
            sleep(0.5)


class Assistant(_Reference):
    def call_model(self, messages, on_token=None):
        original = _solution.call_with_retries
        _solution.call_with_retries = _retry_all
        try:
            return super().call_model(messages, on_token)
        finally:
            _solution.call_with_retries = original
