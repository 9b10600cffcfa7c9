"""Mistake: not streaming: the user stares at nothing until the whole reply is there, then gets it at once."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference
from solutions.lab06_assistant import call_with_retries, function_to_tool


class Assistant(_Reference):
    def call_model(self, messages, on_token=None):
        request = {"model": self.model, "messages": messages, **self.options}
        if self.registry:
            request["tools"] = [function_to_tool(f) for f in self.registry.values()]
        completion = call_with_retries(
            lambda: self.client.chat.completions.create(**request),
            max_attempts=self.max_attempts,
            sleep=self.sleep,
        )
        if on_token is not None and completion.choices[0].message.content:
            on_token(completion.choices[0].message.content)
        self.record_usage(completion.usage)
        return completion
