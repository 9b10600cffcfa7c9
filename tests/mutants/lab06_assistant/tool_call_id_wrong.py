"""Mistake: tool results sent back with a made-up tool_call_id, not the id of the call they answer (a 400)."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference
from solutions.lab06_assistant import StepLimitExceeded, assistant_to_dict, execute_tool_calls


class Assistant(_Reference):
    def ask(self, user_text, on_token=None):
        self.history.append({"role": "user", "content": user_text})
        for _ in range(self.max_steps):
            message = self.call_model(self.context(), on_token).choices[0].message
            self.history.append(assistant_to_dict(message))
            if not message.tool_calls:
                return message.content or ""
            for i, result in enumerate(execute_tool_calls(message, self.registry)):
                self.history.append({**result, "tool_call_id": f"call_{i}"})
        raise StepLimitExceeded(self.max_steps, list(self.history))
