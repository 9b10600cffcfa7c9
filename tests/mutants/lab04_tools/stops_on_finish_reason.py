"""Mistake: the agent loop stops when finish_reason is not "tool_calls", instead of when the message has no tool calls."""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    for _ in range(max_steps):
        choice = client.chat.completions.create(
            model=model, messages=history, tools=tools, **options
        ).choices[0]
        history.append(assistant_to_dict(choice.message))
        if choice.finish_reason != "tool_calls":
            return choice.message.content or "", history
        history.extend(execute_tool_calls(choice.message, registry))
    raise StepLimitExceeded(max_steps, history)
