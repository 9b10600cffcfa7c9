"""Mistake: ask() stores and returns message.content as it is, so a reply with no text (a refusal) puts
content None in the history."""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Reference
from solutions.lab01_messages import build_messages


class Conversation(_Reference):
    def ask(self, user_message):
        messages = build_messages(self.system_prompt, self.history, user_message)
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content
        self.history.append({"role": "user", "content": user_message})
        self.history.append({"role": "assistant", "content": reply})
        for name in self.usage:
            self.usage[name] += getattr(response.usage, name)
        return reply
