"""Mistake: extract_ticket sends temperature=0 whatever the model, and a reasoning model accepts only the default
temperature while it reasons (at every effort on the models without effort none)."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import (
    TICKET_INSTRUCTIONS,
    SupportTicket,
    call_with_retries,
    parse_reply,
    strict_response_format,
)
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    def extract_ticket(self):
        if not self.transcript():
            raise ValueError("no conversation yet")
        messages = [
            {"role": "system", "content": TICKET_INSTRUCTIONS},
            {"role": "user", "content": self.transcript()},
        ]

        def attempt():
            return self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                response_format=strict_response_format(SupportTicket),
                temperature=0,
            )

        completion = call_with_retries(attempt, max_attempts=self.max_attempts, sleep=self.sleep)
        self.record_usage(completion.usage)
        return parse_reply(completion, SupportTicket)
