"""Exact tokens with the real encodings, offline: lossless pieces, tiktoken's counts, the cookbook's overhead."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import tiktoken
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_stub import catalog, tokenizer

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
    # tiktoken's table (tiktoken/model.py) agrees with the catalogue for every id it serves, snapshots included
    for m in catalog.DEFAULT_MODELS:
        assert tokenizer.encoding_name_for(m.id) == m.encoding, m.id
    assert {m.encoding for m in catalog.DEFAULT_MODELS} == {"o200k_base", "cl100k_base"}
    # names tiktoken 0.14 does not know yet (gpt-6-luna: fact sheet section 6) and other providers' models
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
        print(tiktoken.get_encoding("o200k_base").encode("hello world"),
              tiktoken.get_encoding("cl100k_base").encode("hello world"))
        """
    )
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[24912, 2375] [15339, 1917]"
