"""lesson: Conversation.ask replaces the running usage with the last response's usage.

Breaks: "Add the response's ``usage`` ... to ``self.usage``: add, do not overwrite."
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Conversation
from solutions.lab01_messages import build_messages


class Conversation(_Conversation):
    def ask(self, user_message: str) -> str:
        messages = build_messages(self.system_prompt, self.history, user_message)
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content or ""
        self.history.append({"role": "user", "content": user_message})
        self.history.append({"role": "assistant", "content": reply})
        if response.usage is not None:
            self.usage = {
                "prompt_tokens": response.usage.prompt_tokens,
                "completion_tokens": response.usage.completion_tokens,
                "total_tokens": response.usage.total_tokens,
            }
        return reply
