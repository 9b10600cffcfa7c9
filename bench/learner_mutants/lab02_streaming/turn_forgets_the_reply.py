"""lesson: streaming_chat_turn shows the reply but never appends it to the history.

Breaks: "When the stream has ended, append ``{"role": "assistant", "content": <the full reply>}`` to
``history``" (the lesson's classic streaming bug).
"""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import collect_stream


def streaming_chat_turn(client, model, history, user_text, on_token=None):
    history.append({"role": "user", "content": user_text})
    stream = client.chat.completions.create(
        model=model, messages=history, stream=True, stream_options={"include_usage": True}
    )

    def passing_on(chunks):
        for chunk in chunks:
            if on_token is not None and chunk.choices and chunk.choices[0].delta.content:
                on_token(chunk.choices[0].delta.content)
            yield chunk

    return collect_stream(passing_on(stream))
