"""Mistake: the agent loop returns the text of a message that also carries tool calls ("Let me check ...") as the answer."""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    for _ in range(max_steps):
        message = (
            client.chat.completions.create(model=model, messages=history, tools=tools, **options)
            .choices[0]
            .message
        )
        history.append(assistant_to_dict(message))
        if message.content or not message.tool_calls:
            return message.content or "", history
        history.extend(execute_tool_calls(message, registry))
    raise StepLimitExceeded(max_steps, history)
