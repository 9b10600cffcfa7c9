"""Mistake: expecting usage from a stream without asking for it (no stream_options include_usage): it is None."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import collect_stream


def streaming_chat_turn(client, model, history, user_text, on_token=None):
    history.append({"role": "user", "content": user_text})
    stream = client.chat.completions.create(model=model, messages=history, stream=True)
    result = collect_stream(stream)
    history.append({"role": "assistant", "content": result.text})
    return result
