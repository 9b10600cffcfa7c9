"""loop control: run_agent counts the tool calls it ran, not the model calls, against ``max_steps``.

Breaks: "At most ``max_steps`` calls to the model" (with parallel calls the loop gives up after fewer
model calls than allowed).
"""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    calls_run = 0
    while True:
        response = client.chat.completions.create(model=model, messages=history, tools=tools, **options)
        message = response.choices[0].message
        history.append(assistant_to_dict(message))
        if not message.tool_calls:
            return message.content or "", history
        history.extend(execute_tool_calls(message, registry))
        calls_run += len(message.tool_calls)
        if calls_run >= max_steps:
            raise StepLimitExceeded(max_steps, history)
