"""Exact usage: prompt_tokens is tiktoken's count plus the cookbook's chat overhead, for varied conversations.

The expected numbers are computed here independently of the stub's code: plain ``tiktoken`` (its encodings
registered offline by llm_stub.tokenizer) and the cookbook's ``num_tokens_from_messages`` rule (3 tokens per
message, every string field encoded, +1 for a name, +3 to prime the reply). Inputs are random per run; the
seed is in every assertion message.
"""

from __future__ import annotations

import random

import tiktoken

from llm_stub import tokenizer

from . import models
from .models import PLAIN, serve

tokenizer.register_offline()
SEED = random.randrange(2**32)

WORDS = (
    "the river token model budget cache prompt Paris Lisbon 2024 3.14 naïve café 日本語 emoji 👍🏽 "
    "don't it's \n tabs\t URL https://example.com/a?b=c JSON {\"a\": [1, 2]} <|endoftext|> ---"
).split(" ")


def encoding_for(model: str) -> tiktoken.Encoding:
    """tiktoken's own mapping; names it does not know yet (GPT-5.6, GPT-6) fall back to o200k_base, as tiktoken
    0.14 users report for gpt-6-luna (fact sheet section 6, dev.to/prasadrandika)."""
    try:
        return tiktoken.encoding_for_model(model)
    except KeyError:
        return tiktoken.get_encoding("o200k_base")


def cookbook_count(messages: list[dict], model: str) -> int:
    """OpenAI cookbook, How_to_count_tokens_with_tiktoken.ipynb, num_tokens_from_messages (the o200k generation and later)."""
    encoding = encoding_for(model)
    num_tokens = 0
    for message in messages:
        num_tokens += 3
        for key, value in message.items():
            num_tokens += len(encoding.encode(value, disallowed_special=()))
            if key == "name":
                num_tokens += 1
    return num_tokens + 3


def random_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 60)))


def random_conversation(rng: random.Random) -> list[dict]:
    messages: list[dict] = []
    if rng.random() < 0.6:
        messages.append({"role": rng.choice(["system", "developer"]), "content": random_text(rng)})
    for turn in range(rng.randint(1, 4)):
        user = {"role": "user", "content": random_text(rng)}
        if rng.random() < 0.3:
            user["name"] = rng.choice(["ada", "bob_2", "Grace"])
        messages.append(user)
        if turn < 3 and rng.random() < 0.7:
            messages.append({"role": "assistant", "content": random_text(rng)})
    if messages[-1]["role"] != "user":
        messages.append({"role": "user", "content": random_text(rng)})
    return messages


def test_prompt_tokens_match_tiktoken_for_20_random_conversations(client, stub):
    rng = random.Random(SEED)
    every = [m.id for m in models.catalog.DEFAULT_MODELS]
    for i in range(20):
        model = serve(stub, rng.choice(every))
        messages = random_conversation(rng)
        r = client.chat.completions.create(model=model, messages=messages)
        expected = cookbook_count(messages, model)
        assert r.usage.prompt_tokens == expected, f"seed={SEED} conversation {i} on {model}: {messages!r}"


def test_completion_tokens_are_the_reply_counted_with_the_models_encoding(client, stub):
    rng = random.Random(SEED)
    for encoding_name in ("o200k_base", "cl100k_base"):
        model = serve(stub, rng.choice(models.ids(lambda m, e=encoding_name: m.encoding == e)))
        messages = [{"role": "user", "content": random_text(rng)}]
        r = client.chat.completions.create(model=model, messages=messages, **models.at_effort_none(model))
        encoding = encoding_for(model)
        expected = len(encoding.encode(r.choices[0].message.content, disallowed_special=()))
        # a model that cannot stop reasoning (no effort none) also bills its hidden reasoning tokens
        details = r.usage.completion_tokens_details
        hidden = (details.reasoning_tokens or 0) if details else 0
        assert r.usage.completion_tokens - hidden == expected, f"seed={SEED} model={model}"
        assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_cl100k_and_o200k_models_count_differently(client, stub):
    # "naïve 日本語" splits differently in the two encodings, so one message tells them apart
    messages = [{"role": "user", "content": "naïve 日本語 tokenization of 👍🏽 emoji"}]
    old = models.ids(lambda m: m.encoding == "cl100k_base")[0]
    counts = {}
    for m in (old, PLAIN):
        counts[m] = client.chat.completions.create(
            model=serve(stub, m), messages=messages
        ).usage.prompt_tokens
        assert counts[m] == cookbook_count(messages, m), m
    assert counts[old] != counts[PLAIN]


def test_streamed_pieces_are_real_tokens(client):
    rng = random.Random(SEED)
    messages = [{"role": "user", "content": rng.choice(["Name a river.", "What is a token?", "hello"])}]
    stream = client.chat.completions.create(
        model=PLAIN, messages=messages, stream=True, stream_options={"include_usage": True}
    )
    pieces, usage = [], None
    for chunk in stream:
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.content:
                pieces.append(choice.delta.content)
    encoding = tiktoken.get_encoding("o200k_base")
    text = "".join(pieces)
    assert pieces == [encoding.decode([t]) for t in encoding.encode(text)], f"seed={SEED}"
    assert usage is not None and usage.completion_tokens == len(pieces)


def test_tools_add_the_documented_approximation(client):
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Get the current weather in a city.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {"type": "string", "description": "The city."},
                        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                    },
                    "required": ["city"],
                },
            },
        }
    ]
    messages = [{"role": "user", "content": "Tell me a joke."}]
    with_tools = client.chat.completions.create(model=PLAIN, messages=messages, tools=tools)
    without = client.chat.completions.create(model=PLAIN, messages=messages)
    assert with_tools.usage.prompt_tokens - without.usage.prompt_tokens == tokenizer.count_tools(tools)
    assert tokenizer.count_tools(tools) > 20
