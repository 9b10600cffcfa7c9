"""lesson: streaming_chat_turn streams without ``stream_options={"include_usage": True}``.

Breaks: "Stream the reply (``stream=True``) and ask for usage" (``result.usage`` is always None).
"""

from solutions.lab02_streaming import *  # noqa: F403
from solutions.lab02_streaming import collect_stream


def streaming_chat_turn(client, model, history, user_text, on_token=None):
    history.append({"role": "user", "content": user_text})
    stream = client.chat.completions.create(model=model, messages=history, stream=True)

    def passing_on(chunks):
        for chunk in chunks:
            if on_token is not None and chunk.choices and chunk.choices[0].delta.content:
                on_token(chunk.choices[0].delta.content)
            yield chunk

    result = collect_stream(passing_on(stream))
    history.append({"role": "assistant", "content": result.text})
    return result
