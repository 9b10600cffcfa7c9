"""loop control: on the last allowed step run_agent raises without running that step's tool calls.

Breaks: "if the last one still asked for tools (run them and append their results first, so the history
stays valid), raise ``StepLimitExceeded``."
"""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    for step in range(1, max_steps + 1):
        response = client.chat.completions.create(model=model, messages=history, tools=tools, **options)
        message = response.choices[0].message
        history.append(assistant_to_dict(message))
        if not message.tool_calls:
            return message.content or "", history
        if step == max_steps:
            break
        history.extend(execute_tool_calls(message, registry))
    raise StepLimitExceeded(max_steps, history)
