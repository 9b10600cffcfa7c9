"""caller's data: run_agent appends the whole tool conversation to the caller's ``messages`` list.

Breaks: "Start from a copy of ``messages`` (don't change the caller's list)."
"""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = messages
    for _ in range(max_steps):
        response = client.chat.completions.create(model=model, messages=history, tools=tools, **options)
        message = response.choices[0].message
        history.append(assistant_to_dict(message))
        if not message.tool_calls:
            return message.content or "", history
        history.extend(execute_tool_calls(message, registry))
    raise StepLimitExceeded(max_steps, history)
