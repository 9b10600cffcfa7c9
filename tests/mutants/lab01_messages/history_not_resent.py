"""Mistake: expecting the API to remember. Each call sends only the system prompt and the new question."""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Conversation


class Conversation(_Conversation):
    def ask(self, user_message: str) -> str:
        messages = build_messages(self.system_prompt, [], user_message)  # noqa: F405  (the history is not resent)
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content or ""
        self.history += [{"role": "user", "content": user_message}, {"role": "assistant", "content": reply}]
        for key in self.usage:
            self.usage[key] += getattr(response.usage, key)
        return reply
