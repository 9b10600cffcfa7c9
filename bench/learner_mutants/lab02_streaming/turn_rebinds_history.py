"""lesson: streaming_chat_turn builds a new list (``history = history + [...]``) and appends to that.

Breaks: "append ... to ``history`` (the same list object: the caller keeps using it for the next turn)."
"""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import collect_stream


def streaming_chat_turn(client, model, history, user_text, on_token=None):
    history = history + [{"role": "user", "content": user_text}]
    stream = client.chat.completions.create(
        model=model, messages=history, stream=True, stream_options={"include_usage": True}
    )

    def passing_on(chunks):
        for chunk in chunks:
            if on_token is not None and chunk.choices and chunk.choices[0].delta.content:
                on_token(chunk.choices[0].delta.content)
            yield chunk

    result = collect_stream(passing_on(stream))
    history.append({"role": "assistant", "content": result.text})
    return result
