"""Mistake: the ticket's response_format is a plain pydantic schema without strict mode (the model may drift from it)."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import TICKET_INSTRUCTIONS, SupportTicket, call_with_retries, parse_reply
from solutions.lab06_assistant import Assistant as _Reference


class Assistant(_Reference):
    def extract_ticket(self):
        if not self.transcript():
            raise ValueError("no conversation yet")
        messages = [
            {"role": "system", "content": TICKET_INSTRUCTIONS},
            {"role": "user", "content": self.transcript()},
        ]
        fmt = {
            "type": "json_schema",
            "json_schema": {"name": "SupportTicket", "schema": SupportTicket.model_json_schema()},
        }
        completion = call_with_retries(
            lambda: self.client.chat.completions.create(
                model=self.model, messages=messages, response_format=fmt, temperature=0
            ),
            max_attempts=self.max_attempts,
            sleep=self.sleep,
        )
        self.record_usage(completion.usage)
        return parse_reply(completion, SupportTicket)
