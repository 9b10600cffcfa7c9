"""Mistake: an unbounded agent loop (while True): a model that keeps asking for tools never stops."""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    while True:
        message = (
            client.chat.completions.create(model=model, messages=history, tools=tools, **options)
            .choices[0]
            .message
        )
        history.append(assistant_to_dict(message))
        if not message.tool_calls:
            return message.content or "", history
        history.extend(execute_tool_calls(message, registry))
