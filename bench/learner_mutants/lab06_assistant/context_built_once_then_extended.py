"""state across steps: ask trims the context once per turn, then appends each step's messages to that list.

Breaks: "the context is built again at every step" within ``self.budget`` (once the tool results grow, the
requests exceed the budget instead of dropping older turns).
"""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Assistant
from solutions.lab06_assistant import StepLimitExceeded, assistant_to_dict, execute_tool_calls


class Assistant(_Assistant):
    def ask(self, user_text, on_token=None):
        before = len(self.history)
        self.history.append({"role": "user", "content": user_text})
        try:
            messages = self.context()
            for _ in range(self.max_steps):
                message = self.call_model(messages, on_token).choices[0].message
                step = [assistant_to_dict(message)]
                if message.tool_calls:
                    step += execute_tool_calls(message, self.registry)
                self.history.extend(step)
                messages.extend(step)
                if not message.tool_calls:
                    return message.content or ""
            raise StepLimitExceeded(self.max_steps, list(self.history))
        except BaseException:
            del self.history[before:]
            raise
