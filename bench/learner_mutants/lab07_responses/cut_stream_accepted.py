"""lesson: collect_response_stream returns whatever it read when the stream ends without a terminal event.

Breaks: "a stream that ends without any of these terminal events ...: raise ``ResponseFailed`` too; a
half-read answer must not pass for a whole one."
"""

from solutions.lab07_responses import *  # noqa: F403
from solutions.lab07_responses import ResponseFailed, ResponseStreamResult


def collect_response_stream(events):
    result = ResponseStreamResult()
    texts = []
    calls = {}
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
        elif kind == "response.failed":
            error = event.response.error
            raise ResponseFailed(f"the response failed: {error.message if error else 'no reason given'}")
    result.text = "".join(texts)
    result.tool_calls = [calls[i] for i in sorted(calls)]
    return result
