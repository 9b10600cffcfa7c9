"""Chat completions through the unmodified SDK over loopback: replies, usage, n, stop, truncation, seeds."""

from __future__ import annotations

import openai
import pytest

from llm_stub import tokenizer

from .models import CLASSIC, PLAIN, PLAIN_SNAPSHOT, serve, small_window

MODEL = PLAIN


def ask(client, content, **kw):
    return client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": content}], **kw)


def test_scripted_reply_and_response_shape(client):
    r = ask(client, "In one sentence, what is a large language model?")
    assert r.object == "chat.completion"
    assert r.id.startswith("chatcmpl-")
    assert r.model == PLAIN_SNAPSHOT  # the dated snapshot the alias resolved to
    choice = r.choices[0]
    assert choice.index == 0 and choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    assert choice.message.refusal is None
    assert choice.message.content.startswith("A large language model is")


def test_usage_is_exact_for_the_documented_tokenizer(client):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hello"}]
    r = client.chat.completions.create(model=MODEL, messages=messages)
    assert r.usage.prompt_tokens == tokenizer.count_messages(messages)
    assert r.usage.completion_tokens == tokenizer.count(r.choices[0].message.content)
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_content_as_a_list_of_text_parts(client):
    r = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": [{"type": "text", "text": "hello"}]}]
    )
    assert r.choices[0].message.content == "Hello! How can I help you today?"


def test_generic_reply_is_honest_about_being_the_stub(client):
    r = ask(client, "Summarise the history of the Byzantine Empire")
    text = r.choices[0].message.content
    assert "stub" in text and "Byzantine" in text


def test_recall_needs_the_history_in_the_request(client):
    alone = ask(client, "What's my name?").choices[0].message.content
    assert "don't know your name" in alone
    history = [
        {"role": "user", "content": "Hi, my name is Grace."},
        {"role": "assistant", "content": "Nice to meet you, Grace!"},
        {"role": "user", "content": "What's my name?"},
    ]
    r = client.chat.completions.create(model=MODEL, messages=history)
    assert r.choices[0].message.content == "Your name is Grace."


def test_developer_role_is_accepted(client):
    r = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "hello"}],
    )
    assert r.choices[0].finish_reason == "stop"


def test_max_tokens_truncates_with_finish_reason_length(client, stub):
    full = ask(client, "In one sentence, what is a large language model?").choices[0].message.content
    # max_completion_tokens on today's models; the old max_tokens only on the classic ones (pinned to a day one
    # is served)
    for param, model in (("max_completion_tokens", PLAIN), ("max_tokens", serve(stub, CLASSIC))):
        r = client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": "In one sentence, what is a large language model?"}],
            **{param: 5},
        )
        assert r.choices[0].finish_reason == "length"
        assert r.usage.completion_tokens == 5
        assert full.startswith(r.choices[0].message.content)
        assert r.choices[0].message.content == "".join(tokenizer.encode(full)[:5])


def test_stop_sequence_cuts_before_it(client):
    r = ask(client, "In one sentence, what is a large language model?", stop=[" trained"])
    assert r.choices[0].message.content == "A large language model is a neural network"
    assert r.choices[0].finish_reason == "stop"


def test_n_choices(client):
    r = ask(client, "hello", n=3)
    assert [c.index for c in r.choices] == [0, 1, 2]
    assert r.usage.completion_tokens == 3 * tokenizer.count(r.choices[0].message.content)


def test_seed_fixes_the_choice_among_alternatives(stub, client, tmp_path):
    replies = tmp_path / "r.yaml"
    replies.write_text(
        "- when: {contains: 'pick a colour'}\n  alternatives: [red, green, blue, yellow, purple, orange]\n"
    )
    stub.configure(reply_files=[str(replies)])
    at_zero = {ask(client, "pick a colour", temperature=0).choices[0].message.content for _ in range(5)}
    assert at_zero == {"red"}
    seeded = {
        ask(client, "pick a colour", temperature=1, seed=7).choices[0].message.content for _ in range(5)
    }
    assert len(seeded) == 1
    varied = {c.message.content for c in ask(client, "pick a colour", temperature=1, n=40).choices}
    assert len(varied) > 1


def test_context_window_exceeded_is_the_real_400(client, stub):
    long_text = "word " * 17_000  # more than a 16,385-token window
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(
            model=small_window(stub, 16_385), messages=[{"role": "user", "content": long_text}]
        )
    assert err.value.code == "context_length_exceeded"
    assert err.value.param == "messages"
    assert "maximum context length is 16385 tokens" in err.value.message


def test_max_tokens_above_the_models_output_limit(client):
    with pytest.raises(openai.BadRequestError) as err:
        ask(client, "hello", max_completion_tokens=1_000_000)
    assert err.value.param == "max_completion_tokens"


def test_every_response_carries_a_request_id(client):
    raw = client.chat.completions.with_raw_response.create(
        model=MODEL, messages=[{"role": "user", "content": "hello"}]
    )
    assert raw.headers["x-request-id"].startswith("req_")
    assert raw.parse().choices[0].message.content
