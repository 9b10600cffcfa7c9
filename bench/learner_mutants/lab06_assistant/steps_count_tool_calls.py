"""loop control: ask counts the tool calls it ran, not the model requests, against ``max_steps``.

Breaks: "still asking for tools after ``self.max_steps`` requests: raise ``StepLimitExceeded``" (two
parallel calls use up two steps).
"""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Assistant
from solutions.lab06_assistant import StepLimitExceeded, assistant_to_dict, execute_tool_calls


class Assistant(_Assistant):
    def ask(self, user_text, on_token=None):
        before = len(self.history)
        self.history.append({"role": "user", "content": user_text})
        try:
            calls_run = 0
            while True:
                message = self.call_model(self.context(), on_token).choices[0].message
                self.history.append(assistant_to_dict(message))
                if not message.tool_calls:
                    return message.content or ""
                self.history.extend(execute_tool_calls(message, self.registry))
                calls_run += len(message.tool_calls)
                if calls_run >= self.max_steps:
                    raise StepLimitExceeded(self.max_steps, list(self.history))
        except BaseException:
            del self.history[before:]
            raise
