"""Mistake: appending the question to the history before the call. When the call fails, the history keeps a
question that was never answered."""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Conversation


class Conversation(_Conversation):
    def ask(self, user_message: str) -> str:
        messages = build_messages(self.system_prompt, self.history, user_message)  # noqa: F405
        self.history.append({"role": "user", "content": user_message})
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content or ""
        self.history.append({"role": "assistant", "content": reply})
        for key in self.usage:
            self.usage[key] += getattr(response.usage, key)
        return reply
