"""loop control: run_agent returns as soon as the message has text, even when it also carries tool calls.

Breaks: "no tool calls: return ``(message.content, history)``; otherwise append the tool messages ... and
go to the next step" (a "Let me check that." with calls is returned as the answer).
"""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    for _ in range(max_steps):
        response = client.chat.completions.create(model=model, messages=history, tools=tools, **options)
        message = response.choices[0].message
        history.append(assistant_to_dict(message))
        if message.content or not message.tool_calls:
            return message.content or "", history
        history.extend(execute_tool_calls(message, registry))
    raise StepLimitExceeded(max_steps, history)
