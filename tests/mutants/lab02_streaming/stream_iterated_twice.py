"""Mistake: iterating a stream twice (once to call back, once to collect): the second pass sees nothing."""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import StreamResult, collect_stream


def stream_reply(client, model, messages, on_token):
    stream = client.chat.completions.create(model=model, messages=messages, stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            on_token(chunk.choices[0].delta.content)
    return collect_stream(stream).text


def streaming_chat_turn(client, model, history, user_text, on_token=None):
    history.append({"role": "user", "content": user_text})
    stream = client.chat.completions.create(
        model=model, messages=history, stream=True, stream_options={"include_usage": True}
    )
    if on_token is not None:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                on_token(chunk.choices[0].delta.content)
    result: StreamResult = collect_stream(stream)
    history.append({"role": "assistant", "content": result.text})
    return result
