"""Mistake: forgetting to append the assistant's reply. Only the user messages go into the history."""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Conversation


class Conversation(_Conversation):
    def ask(self, user_message: str) -> str:
        messages = build_messages(self.system_prompt, self.history, user_message)  # noqa: F405
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content or ""
        self.history.append({"role": "user", "content": user_message})  # ... and the reply is never appended
        for key in self.usage:
            self.usage[key] += getattr(response.usage, key)
        return reply
