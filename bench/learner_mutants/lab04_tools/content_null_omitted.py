"""shapes: assistant_to_dict dumps the message with ``exclude_none=True``, so ``content: None`` disappears.

Breaks: "Return ``{"role": "assistant", "content": message.content}`` and, when the model asked for tools,
``"tool_calls"``" (no ``content`` key on a tool-call message, and whatever other fields are set).
"""

from solutions.lab04_tools import *  # noqa: F403


def assistant_to_dict(message):
    return message.model_dump(exclude_none=True)
