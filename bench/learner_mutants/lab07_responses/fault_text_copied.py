"""hard-coded: collect_response_stream raises ResponseFailed with the stub's own fault text, not the event's.

Breaks: "a ``response.failed`` event: raise ``ResponseFailed`` with the failed response's
``error.message`` in its message" (right only for the stub's default server error).
"""

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import ResponseFailed, ResponseStreamResult

_SERVER_ERROR = "The server had an error while processing your request. Sorry about that!"


def collect_response_stream(events):
    result = ResponseStreamResult()
    texts = []
    calls = {}
    finished = False
    for event in events:
        kind = event.type
        if kind == "response.output_text.delta":
            texts.append(event.delta)
        elif kind == "response.output_item.added" and event.item.type == "function_call":
            calls[event.output_index] = {
                "call_id": event.item.call_id,
                "name": event.item.name,
                "arguments": "",
            }
        elif kind == "response.function_call_arguments.delta":
            calls[event.output_index]["arguments"] += event.delta
        elif kind == "response.function_call_arguments.done":
            calls[event.output_index]["arguments"] = event.arguments
        elif kind in ("response.completed", "response.incomplete"):
            result.usage = event.response.usage
            result.status = event.response.status
            finished = True
        elif kind == "response.failed":
            raise ResponseFailed(f"the response failed: {_SERVER_ERROR}")
    if not finished:
        raise ResponseFailed("the stream ended before the response was complete")
    result.text = "".join(texts)
    result.tool_calls = [calls[i] for i in sorted(calls)]
    return result
