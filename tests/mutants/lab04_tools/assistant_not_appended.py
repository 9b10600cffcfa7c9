"""Mistake: not echoing the assistant message (with its tool_calls) into the history before the tool results."""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    for _ in range(max_steps):
        message = (
            client.chat.completions.create(model=model, messages=history, tools=tools, **options)
            .choices[0]
            .message
        )
        if not message.tool_calls:
            history.append({"role": "assistant", "content": message.content})
            return message.content or "", history
        history.extend(execute_tool_calls(message, registry))
    raise StepLimitExceeded(max_steps, history)
