"""loop control: ask allows ``max_steps`` rounds of tools and then one more request for the answer.

Breaks: "at most ``self.max_steps`` times: ``call_model(...)``" (up to ``max_steps + 1`` requests a turn).
"""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Assistant
from solutions.lab06_assistant import StepLimitExceeded, assistant_to_dict, execute_tool_calls


class Assistant(_Assistant):
    def ask(self, user_text, on_token=None):
        before = len(self.history)
        self.history.append({"role": "user", "content": user_text})
        try:
            for _ in range(self.max_steps + 1):
                message = self.call_model(self.context(), on_token).choices[0].message
                self.history.append(assistant_to_dict(message))
                if not message.tool_calls:
                    return message.content or ""
                self.history.extend(execute_tool_calls(message, self.registry))
            raise StepLimitExceeded(self.max_steps, list(self.history))
        except BaseException:
            del self.history[before:]
            raise
