"""Mistake: the agent loop counts tool calls against max_steps instead of requests to the model (parallel calls use up the limit early)."""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    used = 0
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
        used += len(message.tool_calls)
        if used >= max_steps:
            raise StepLimitExceeded(max_steps, history)
