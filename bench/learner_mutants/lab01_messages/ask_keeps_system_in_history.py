"""lesson: Conversation.ask stores the whole request (system message included) as the new history.

Breaks: "``history``: the user and assistant messages so far (no system message)"; every later request
then carries one more system message (the lesson's "several system messages" bug).
"""

from solutions.lab01_messages import *  # noqa: F403
from solutions.lab01_messages import Conversation as _Conversation
from solutions.lab01_messages import build_messages


class Conversation(_Conversation):
    def ask(self, user_message: str) -> str:
        messages = build_messages(self.system_prompt, self.history, user_message)
        response = self.client.chat.completions.create(model=self.model, messages=messages, **self.options)
        reply = response.choices[0].message.content or ""
        self.history = [*messages, {"role": "assistant", "content": reply}]
        if response.usage is not None:
            for key in self.usage:
                self.usage[key] += getattr(response.usage, key)
        return reply
