"""streaming: streaming_chat_turn hands every piece to on_token, but only once the whole stream is read.

Breaks: "If ``on_token`` is given, call it with each non-empty piece of text as it arrives."
"""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import collect_stream


def streaming_chat_turn(client, model, history, user_text, on_token=None):
    history.append({"role": "user", "content": user_text})
    stream = client.chat.completions.create(
        model=model, messages=history, stream=True, stream_options={"include_usage": True}
    )
    pieces: list[str] = []

    def keeping(chunks):
        for chunk in chunks:
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            yield chunk

    result = collect_stream(keeping(stream))
    if on_token is not None:
        for piece in pieces:
            on_token(piece)
    history.append({"role": "assistant", "content": result.text})
    return result
