"""Mistake: forgetting to store the streamed reply in the history: the next turn lacks what the assistant said."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import collect_stream


def streaming_chat_turn(client, model, history, user_text, on_token=None):
    history.append({"role": "user", "content": user_text})
    stream = client.chat.completions.create(
        model=model, messages=history, stream=True, stream_options={"include_usage": True}
    )
    return collect_stream(stream)
