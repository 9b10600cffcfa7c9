"""Mistake: call_model enters client.chat.completions.stream(...) (which sends the request) OUTSIDE the
function it retries, and retries only the reading of the stream: a 429 then reaches the caller."""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Reference
from solutions.lab06_assistant import call_with_retries, function_to_tool


class Assistant(_Reference):
    def call_model(self, messages, on_token=None):
        request = {
            "model": self.model,
            "messages": messages,
            "stream_options": {"include_usage": True},
            **self.options,
        }
        if self.registry:
            request["tools"] = [function_to_tool(f) for f in self.registry.values()]
        with self.client.chat.completions.stream(**request) as stream:

            def attempt():
                for event in stream:
                    if event.type == "content.delta" and event.delta and on_token is not None:
                        on_token(event.delta)
                return stream.get_final_completion()

            completion = call_with_retries(attempt, max_attempts=self.max_attempts, sleep=self.sleep)
        self.record_usage(completion.usage)
        return completion
