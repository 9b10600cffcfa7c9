"""streaming: collect_stream reads ``choices[0]`` of every chunk into one text, so n=2 choices get mixed.

Breaks: "``result.texts[i]`` is the full text of choice ``i`` ... keep them apart by ``choice.index``."
"""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamResult


def collect_stream(stream):
    text = ""
    finish_reason = None
    usage = None
    seen = False
    for chunk in stream:
        if chunk.usage is not None:
            usage = chunk.usage
        if not chunk.choices:
            continue
        seen = True
        choice = chunk.choices[0]
        text += choice.delta.content or ""
        if choice.finish_reason is not None:
            finish_reason = choice.finish_reason
    if not seen:
        return StreamResult(usage=usage)
    return StreamResult(texts=[text], finish_reasons=[finish_reason], usage=usage)
