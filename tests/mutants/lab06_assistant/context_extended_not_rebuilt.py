"""Mistake: the context is built once per turn, then extended with each step's messages, never trimmed again, so
a turn whose tool results fill the budget sends more than the budget holds."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference
from solutions.lab06_assistant import StepLimitExceeded, assistant_to_dict, execute_tool_calls


class Assistant(_Reference):
    def ask(self, user_text, on_token=None):
        before = len(self.history)
        self.history.append({"role": "user", "content": user_text})
        context = self.context()
        try:
            for _ in range(self.max_steps):
                message = self.call_model(context, on_token).choices[0].message
                self.history.append(assistant_to_dict(message))
                if not message.tool_calls:
                    return message.content or ""
                results = execute_tool_calls(message, self.registry)
                self.history.extend(results)
                context = [*context, assistant_to_dict(message), *results]
            raise StepLimitExceeded(self.max_steps, list(self.history))
        except BaseException:
            del self.history[before:]
            raise
