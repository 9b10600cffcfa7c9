"""loop control: run_agent allows ``max_steps`` tool rounds and then one more call for the answer.

Breaks: "At most ``max_steps`` calls to the model" (it makes up to ``max_steps + 1``).
"""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    steps = 0
    while steps <= max_steps:
        steps += 1
        response = client.chat.completions.create(model=model, messages=history, tools=tools, **options)
        message = response.choices[0].message
        history.append(assistant_to_dict(message))
        if not message.tool_calls:
            return message.content or "", history
        history.extend(execute_tool_calls(message, registry))
    raise StepLimitExceeded(max_steps, history)
