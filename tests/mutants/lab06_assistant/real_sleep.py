"""Mistake: the retries ignore the injected sleep (self.sleep) and call time.sleep: tests and demos wait for real."""

import time

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    def call_model(self, messages, on_token=None):
        sleep, self.sleep = self.sleep, time.sleep
        try:
            return super().call_model(messages, on_token)
        finally:
            self.sleep = sleep
