"""The documented token approximation: lossless pieces, about 4 characters a token."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llm_stub import tokenizer


@given(st.text())
def test_pieces_join_back_to_the_text(text):
    assert "".join(tokenizer.encode(text)) == text


def test_documented_examples():
    assert tokenizer.encode(" hello") == [" hello"]
    assert len(tokenizer.encode(" understanding")) == 3
    assert tokenizer.encode("2024") == ["202", "4"]
    assert tokenizer.count("Hello, world!") == 4


def test_english_is_about_four_characters_a_token():
    text = (
        "Large language models read text as tokens, small pieces of words. Providers bill by the token, "
        "and every model has a context window measured in tokens, so it pays to know roughly how many you send."
    )
    ratio = len(text) / tokenizer.count(text)
    assert 3.5 <= ratio <= 5.5


def test_message_overhead():
    messages = [{"role": "user", "content": "hello"}]
    assert tokenizer.count_messages(messages) == 3 + 1 + 1 + 3
