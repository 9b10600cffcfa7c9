"""Mistake: the agent loop stops when finish_reason is not "tool_calls", instead of when the message has no tool calls."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference
from solutions.lab06_assistant import StepLimitExceeded, assistant_to_dict, execute_tool_calls


class Assistant(_Reference):
    def ask(self, user_text, on_token=None):
        before = len(self.history)
        self.history.append({"role": "user", "content": user_text})
        try:
            for _ in range(self.max_steps):
                choice = self.call_model(self.context(), on_token).choices[0]
                self.history.append(assistant_to_dict(choice.message))
                if choice.finish_reason != "tool_calls":
                    return choice.message.content or ""
                self.history.extend(execute_tool_calls(choice.message, self.registry))
            raise StepLimitExceeded(self.max_steps, list(self.history))
        except BaseException:
            del self.history[before:]
            raise
