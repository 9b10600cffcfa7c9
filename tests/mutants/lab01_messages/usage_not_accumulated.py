"""Mistake: ignoring usage over time. Each response's usage overwrites the total instead of being added to it."""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Conversation


class Conversation(_Conversation):
    def ask(self, user_message: str) -> str:
        messages = build_messages(self.system_prompt, self.history, user_message)  # noqa: F405
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content or ""
        self.history += [{"role": "user", "content": user_message}, {"role": "assistant", "content": reply}]
        self.usage = {key: getattr(response.usage, key) for key in self.usage}  # overwritten, not added
        return reply
