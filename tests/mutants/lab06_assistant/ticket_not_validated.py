"""Mistake: the ticket's JSON is trusted as it is (json.loads + model_construct): no validation, refusals crash."""

import json

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import (
    TICKET_INSTRUCTIONS,
    SupportTicket,
    call_with_retries,
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
        completion = call_with_retries(
            lambda: self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                response_format=strict_response_format(SupportTicket),
                temperature=0,
            ),
            max_attempts=self.max_attempts,
            sleep=self.sleep,
        )
        self.record_usage(completion.usage)
        return SupportTicket.model_construct(**json.loads(completion.choices[0].message.content))
