"""Mistake: several system messages. The conversation keeps the whole list it sent (system message included)
as its history, so build_messages adds the system message again on every turn."""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Conversation


class Conversation(_Conversation):
    def ask(self, user_message: str) -> str:
        messages = build_messages(self.system_prompt, self.history, user_message)  # noqa: F405
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content or ""
        self.history = [*messages, {"role": "assistant", "content": reply}]  # the system message is now in it
        for key in self.usage:
            self.usage[key] += getattr(response.usage, key)
        return reply
