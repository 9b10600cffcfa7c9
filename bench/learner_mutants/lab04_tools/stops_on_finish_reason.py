"""loop control: run_agent stops when ``finish_reason`` is not "tool_calls", not when the tool calls are gone.

Breaks: "no tool calls: return ...; otherwise append the tool messages ... and go to the next step" (a
message with tool calls and ``finish_reason`` "stop", as a forced ``tool_choice`` gives, ends the loop
with its calls unanswered).
"""

from solutions.lab04_tools import *  # noqa: F403
from solutions.lab04_tools import StepLimitExceeded, assistant_to_dict, execute_tool_calls


def run_agent(client, model, messages, tools, registry, max_steps=5, **options):
    history = list(messages)
    for _ in range(max_steps):
        response = client.chat.completions.create(model=model, messages=history, tools=tools, **options)
        choice = response.choices[0]
        history.append(assistant_to_dict(choice.message))
        if choice.finish_reason != "tool_calls":
            return choice.message.content or "", history
        history.extend(execute_tool_calls(choice.message, registry))
    raise StepLimitExceeded(max_steps, history)
