"""shapes: to_responses_request flattens each tool with all four keys, None where the function object has none.

Breaks: "flattened to ``{"type": "function", "name", "description", "parameters", "strict"}``, with only
the keys the ``function`` object has."
"""

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import to_responses_request as _to_responses_request


def to_responses_request(messages, tools=None):
    request = _to_responses_request(messages, None)
    request["tools"] = [
        {
            "type": "function",
            "name": tool["function"]["name"],
            "description": tool["function"].get("description"),
            "parameters": tool["function"].get("parameters"),
            "strict": tool["function"].get("strict"),
        }
        for tool in tools or []
    ]
    return request
