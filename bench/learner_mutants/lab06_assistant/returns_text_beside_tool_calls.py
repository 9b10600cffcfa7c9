"""loop control: ask returns the first message that has text, even when it also carries tool calls.

Breaks: "if it has no tool calls, return its text; otherwise run them ... and append the tool messages."
"""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Assistant
from solutions.lab06_assistant import StepLimitExceeded, assistant_to_dict, execute_tool_calls


class Assistant(_Assistant):
    def ask(self, user_text, on_token=None):
        before = len(self.history)
        self.history.append({"role": "user", "content": user_text})
        try:
            for _ in range(self.max_steps):
                message = self.call_model(self.context(), on_token).choices[0].message
                self.history.append(assistant_to_dict(message))
                if message.content or not message.tool_calls:
                    return message.content or ""
                self.history.extend(execute_tool_calls(message, self.registry))
            raise StepLimitExceeded(self.max_steps, list(self.history))
        except BaseException:
            del self.history[before:]
            raise
