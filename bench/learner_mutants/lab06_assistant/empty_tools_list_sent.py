"""lesson: call_model always sends ``tools=[...]``, an empty list when the assistant has no tools.

Breaks: "``tools=[...]`` when there are tools (no ``tools`` key at all when there are none: an empty list
is a 400)."
"""

from solutions.lab06_assistant import *  # noqa: F403
from solutions.lab06_assistant import Assistant as _Assistant
from solutions.lab06_assistant import call_with_retries, function_to_tool


class Assistant(_Assistant):
    def call_model(self, messages, on_token=None):
        request = {
            "model": self.model,
            "messages": messages,
            "stream_options": {"include_usage": True},
            "tools": [function_to_tool(f) for f in self.registry.values()],
            **self.options,
        }

        def attempt():
            with self.client.chat.completions.stream(**request) as stream:
                for event in stream:
                    if event.type == "content.delta" and event.delta and on_token is not None:
                        on_token(event.delta)
                return stream.get_final_completion()

        completion = call_with_retries(attempt, max_attempts=self.max_attempts, sleep=self.sleep)
        self.record_usage(completion.usage)
        return completion
