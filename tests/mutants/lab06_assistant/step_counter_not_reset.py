"""Mistake: the step counter lives on the assistant and is not reset between turns, so a later turn hits the limit early."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference
from solutions.lab06_assistant import StepLimitExceeded, assistant_to_dict, execute_tool_calls


class Assistant(_Reference):
    steps_taken = 0

    def ask(self, user_text, on_token=None):
        before = len(self.history)
        self.history.append({"role": "user", "content": user_text})
        try:
            while self.steps_taken < self.max_steps:
                self.steps_taken += 1
                message = self.call_model(self.context(), on_token).choices[0].message
                self.history.append(assistant_to_dict(message))
                if not message.tool_calls:
                    return message.content or ""
                self.history.extend(execute_tool_calls(message, self.registry))
            raise StepLimitExceeded(self.max_steps, list(self.history))
        except BaseException:
            del self.history[before:]
            raise
