"""Mistake: tool calls are not executed: the turn ends on the assistant message that asked for them (empty answer)."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference
from solutions.lab06_assistant import assistant_to_dict


class Assistant(_Reference):
    def ask(self, user_text, on_token=None):
        self.history.append({"role": "user", "content": user_text})
        message = self.call_model(self.context(), on_token).choices[0].message
        self.history.append(assistant_to_dict(message))
        return message.content or ""
