"""Mistake: the ticket request is left off the meter: it costs money too."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    def extract_ticket(self):
        record, self.record_usage = self.record_usage, lambda usage: None
        try:
            return super().extract_ticket()
        finally:
            self.record_usage = record
