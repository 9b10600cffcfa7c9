"""streaming: collect_stream only skips the content of the finish chunk, so a tool-call delta adds "None".

Breaks: "Never crash and never add the text "None"" (every chunk without content but not finishing,
such as a tool-call delta, adds the word None).
"""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamResult


def collect_stream(stream):
    result = StreamResult()
    for chunk in stream:
        if chunk.usage is not None:
            result.usage = chunk.usage
        for choice in chunk.choices:
            while len(result.texts) <= choice.index:
                result.texts.append("")
                result.finish_reasons.append(None)
            if choice.finish_reason is None:  # the finish chunk is the one with content None
                result.texts[choice.index] += str(choice.delta.content)
            else:
                result.finish_reasons[choice.index] = choice.finish_reason
    return result
