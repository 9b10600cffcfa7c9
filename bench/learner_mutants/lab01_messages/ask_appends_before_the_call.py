"""lesson: Conversation.ask appends the user message before the call, so a failed call leaves it behind.

Breaks: "If the call raises, let the exception propagate and leave ``history`` and ``usage`` unchanged."
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Conversation


class Conversation(_Conversation):
    def ask(self, user_message: str) -> str:
        self.history.append({"role": "user", "content": user_message})
        messages = [{"role": "system", "content": self.system_prompt}, *self.history]
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content or ""
        self.history.append({"role": "assistant", "content": reply})
        if response.usage is not None:
            for key in self.usage:
                self.usage[key] += getattr(response.usage, key)
        return reply
