"""state across steps: ask builds the context once per turn and sends that same list at every step.

Breaks: "``call_model(self.context(), on_token)`` (the context is built again at every step, so it holds
the tool results so far)" (later steps never show the model its tool results).
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
                self.history.append(assistant_to_dict(message))
                if not message.tool_calls:
                    return message.content or ""
                self.history.extend(execute_tool_calls(message, self.registry))
            raise StepLimitExceeded(self.max_steps, list(self.history))
        except BaseException:
            del self.history[before:]
            raise
