"""lesson: Conversation.ask stores and returns None when the reply has no text (a refusal).

Breaks: "it is None when the reply has no text (a refusal, for one): store and return "" then."
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Conversation
from solutions.lab01_messages import build_messages


class Conversation(_Conversation):
    def ask(self, user_message: str) -> str:
        messages = build_messages(self.system_prompt, self.history, user_message)
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content
        self.history.append({"role": "user", "content": user_message})
        self.history.append({"role": "assistant", "content": reply})
        if response.usage is not None:
            for key in self.usage:
                self.usage[key] += getattr(response.usage, key)
        return reply
