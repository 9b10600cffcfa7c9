"""Exact tokens with the real encodings, offline: lossless pieces, tiktoken's counts, the cookbook's overhead."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import tiktoken
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_stub import tokenizer

tokenizer.register_offline()  # load both encodings from the shipped files (and let tiktoken find them offline)


@settings(deadline=None)
@given(st.text())
def test_pieces_join_back_to_the_text(text):
    assert "".join(tokenizer.encode(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_pieces_are_single_tokens(text):
    # each piece is one token id decoded on its own (ASCII never splits a character across tokens)
    ids = tokenizer.token_ids(text)
    assert tokenizer.encode(text) == [tokenizer.get_encoding().decode([i]) for i in ids]


@settings(deadline=None)
@given(st.text())
def test_count_is_tiktokens_count(text):
    for name in tokenizer.ENCODINGS:
        assert tokenizer.count(text, name) == len(tiktoken.get_encoding(name).encode_ordinary(text))


def test_known_counts():
    # tiktoken's own README example: "hello world" is [15339, 1917] in cl100k_base
    assert tokenizer.token_ids("hello world", "cl100k_base") == [15339, 1917]
    assert tokenizer.count(" understanding") == 1
    assert tokenizer.encode("Hello, world!") == ["Hello", ",", " world", "!"]


def test_models_get_their_encodings():
    for model in (
        "gpt-4o-mini",
        "gpt-4o-2024-08-06",
        "gpt-4.1-nano",
        "gpt-5-mini",
        "o3",
        "o4-mini-2025-04-16",
    ):
        assert tokenizer.encoding_name_for(model) == "o200k_base", model
    for model in ("gpt-3.5-turbo", "gpt-3.5-turbo-0125", "gpt-4"):
        assert tokenizer.encoding_name_for(model) == "cl100k_base", model
    assert tokenizer.encoding_name_for("some-local-model") == "o200k_base"


def test_special_token_text_is_ordinary_text():
    assert tokenizer.count("<|endoftext|>") > 1  # a user may type it; it is not the special token


def test_message_overhead():
    messages = [{"role": "user", "content": "hello"}]
    assert tokenizer.count_messages(messages) == 3 + 1 + 1 + 3
    named = [{"role": "user", "name": "ada", "content": "hello"}]
    assert tokenizer.count_messages(named) == 3 + 1 + 1 + 1 + tokenizer.count("ada") + 3


def test_tools_follow_the_cookbook_approximation():
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the weather.",
            "parameters": {
                "type": "object",
                "properties": {"unit": {"type": "string", "description": "Unit.", "enum": ["c", "f"]}},
            },
        },
    }
    c = tokenizer.count
    expected = 7 + c("get_weather:Get the weather") + 3 + 3 + (-3) + (3 + c("c")) + (3 + c("f"))
    expected += c("unit:string:Unit") + 12
    assert tokenizer.count_tools([tool]) == expected


def test_encodings_load_without_network(tmp_path):
    # a fresh interpreter with every connection refused and an empty tiktoken cache still counts exactly
    code = textwrap.dedent(
        """
        import socket
        def refuse(*a, **k):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from llm_stub import tokenizer
        tokenizer.register_offline()
        import tiktoken
        print(tiktoken.encoding_for_model("gpt-4o-mini").encode("hello world"),
              tiktoken.encoding_for_model("gpt-3.5-turbo").encode("hello world"))
        """
    )
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[24912, 2375] [15339, 1917]"
