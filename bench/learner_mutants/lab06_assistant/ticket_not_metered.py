"""lesson: extract_ticket makes its request (with retries) but never records its usage.

Breaks: "retried like ``call_model`` (``call_with_retries``) and metered (``record_usage``)" (the ticket's
tokens and call are missing from the meter and the cost).
"""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import (
    TICKET_INSTRUCTIONS,
    SupportTicket,
    call_with_retries,
    parse_reply,
    strict_response_format,
)
from solutions.lab06_assistant import Assistant as _Assistant


class Assistant(_Assistant):
    def extract_ticket(self):
        if not self.transcript():
            raise ValueError("there is no conversation to turn into a ticket yet")
        messages = [
            {"role": "system", "content": TICKET_INSTRUCTIONS},
            {"role": "user", "content": self.transcript()},
        ]

        def attempt():
            return self.client.chat.completions.create(
                model=self.model, messages=messages, response_format=strict_response_format(SupportTicket)
            )

        completion = call_with_retries(attempt, max_attempts=self.max_attempts, sleep=self.sleep)
        return parse_reply(completion, SupportTicket)
