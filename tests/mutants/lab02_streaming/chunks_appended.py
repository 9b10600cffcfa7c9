"""Mistake: appending the list of deltas (not the joined text) as the assistant's content."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamResult


def streaming_chat_turn(client, model, history, user_text, on_token=None):
    history.append({"role": "user", "content": user_text})
    stream = client.chat.completions.create(
        model=model, messages=history, stream=True, stream_options={"include_usage": True}
    )
    result = StreamResult(texts=[""], finish_reasons=[None])
    pieces = []
    for chunk in stream:
        if chunk.usage is not None:
            result.usage = chunk.usage
        if chunk.choices:
            piece = chunk.choices[0].delta.content
            if piece:
                pieces.append(piece)
                if on_token:
                    on_token(piece)
            if chunk.choices[0].finish_reason:
                result.finish_reasons[0] = chunk.choices[0].finish_reason
    result.texts[0] = "".join(pieces)
    history.append({"role": "assistant", "content": pieces})
    return result
