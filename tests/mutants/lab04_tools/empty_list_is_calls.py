"""Mistake: the agent loop treats an empty tool_calls list as tool calls (checks `is not None`), and asks the model again."""

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
        if message.tool_calls is None:
            return message.content or "", history
        history.extend(execute_tool_calls(message, registry))
    raise StepLimitExceeded(max_steps, history)
