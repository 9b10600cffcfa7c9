"""Lab 01 tests: messages, history, tokens, trimming and cost.

Run: ``make check LAB=1`` (your labs/) or ``pytest tests/labs/test_lab01_messages.py --impl=solutions``.
The Conversation tests go through the real SDK to the course's stub and read the
stub's journal to see exactly what your code sent.
"""

from __future__ import annotations

import math

import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course import models as course_models
from course.grading.capabilities import lab_may_call
from llm_stub.catalog import DEFAULT_MODEL

SYSTEM = "You are a patient tutor for a Python course. Keep answers short."
MODEL = DEFAULT_MODEL  # the course's default (llm_stub/data/models.toml)


@pytest.fixture(scope="module")
def lab(load_impl):
    return load_impl("lab01_messages")


def roles(messages: list[dict]) -> str:
    return ", ".join(m["role"] for m in messages) or "(none)"


def sys_msg(text: str = SYSTEM) -> dict:
    return {"role": "system", "content": text}


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict:
    return {"role": "assistant", "content": text}


def course_rule(messages: list[dict]) -> int:
    """The lab's token estimate, written out here so the tests can measure results with it."""
    return 3 + sum(4 + math.ceil(len(m.get("content") or "") / 4) for m in messages)


def sent(stub) -> list[list[dict]]:
    """The messages list of every chat request the stub received, oldest first."""
    return [body["messages"] for body in stub.requests()]


# --------------------------------------------------------------------------- build_messages
@pytest.mark.points(2)
def test_build_messages_puts_system_first_then_history_then_user(lab):
    history = [user("Hi, I'm learning Python."), assistant("Great! What would you like to know?")]
    got = lab.build_messages(SYSTEM, history, "What is a list?")
    want = [sys_msg(), *history, user("What is a list?")]
    assert isinstance(got, list), f"build_messages must return a list, it returned {type(got).__name__}"
    assert [m.get("role") for m in got] == [m["role"] for m in want], (
        f"the roles were [{roles(got)}]; expected [{roles(want)}]: one system message first, "
        "then the history in order, then the new user message"
    )
    assert got == want, f"the messages were {got!r}; expected {want!r}"


@pytest.mark.points(1)
def test_build_messages_with_empty_history(lab):
    got = lab.build_messages(SYSTEM, [], "Hello!")
    assert got == [sys_msg(), user("Hello!")], (
        f"with no history the messages should be [system, user]; they were [{roles(got)}]: {got!r}"
    )


@pytest.mark.points(1)
def test_build_messages_has_exactly_one_system_message(lab):
    history = [user("a"), assistant("b"), user("c"), assistant("d")]
    got = lab.build_messages(SYSTEM, history, "e")
    systems = [i for i, m in enumerate(got) if m.get("role") == "system"]
    assert systems == [0], (
        f"there must be exactly one system message, at index 0; found system messages at {systems} "
        f"in [{roles(got)}]"
    )


@pytest.mark.points(1)
def test_build_messages_leaves_history_unchanged(lab):
    history = [user("a"), assistant("b")]
    before = [dict(m) for m in history]
    got = lab.build_messages(SYSTEM, history, "c")
    assert history == before, (
        f"build_messages changed the caller's history to {history!r}: build a new list instead of appending to it"
    )
    # the points are for doing the job without side effects (a function that does nothing has none)
    assert got == [sys_msg(), *before, user("c")], f"build_messages returned {got!r}"


# --------------------------------------------------------------------------- Conversation
@pytest.mark.points(2)
def test_first_request_sends_system_and_user(lab, client, stub):
    conv = lab.Conversation(client, MODEL, SYSTEM)
    conv.ask("My name is Ada.")
    requests = sent(stub)
    assert len(requests) == 1, (
        f"one ask() should make exactly one API call; the stub received {len(requests)}"
    )
    assert stub.requests()[0]["model"] == MODEL, (
        f"the request used model {stub.requests()[0]['model']!r}, not {MODEL!r}"
    )
    assert requests[0] == [sys_msg(), user("My name is Ada.")], (
        f"the first request should be [system, user]; it was [{roles(requests[0])}]: {requests[0]!r}"
    )


@pytest.mark.points(3)
def test_history_is_resent_on_every_call(lab, client, stub):
    conv = lab.Conversation(client, MODEL, SYSTEM)
    questions = ["My name is Ada.", "What is a Python list?", "What's my name?"]
    for q in questions:
        conv.ask(q)
    requests = sent(stub)
    assert len(requests) == 3, (
        f"three ask() calls should make three API calls; the stub received {len(requests)}"
    )
    for n, messages in enumerate(requests, start=1):
        expected = 2 * n  # system + (n - 1) earlier exchanges of 2 + the new question
        fix = (
            "resend the whole history, with both the questions and the replies"
            if len(messages) < expected
            else "that is too many: is the system message added again each turn, or a message appended twice?"
        )
        assert len(messages) == expected, (
            f"request {n} had {len(messages)} messages [{roles(messages)}]; the conversation had {expected} "
            f"(system, {n - 1} earlier user/assistant pair(s), the new question): {fix}"
        )
    last = requests[-1]
    assert [m["content"] for m in last if m["role"] == "user"] == questions, (
        f"the last request's user messages were {[m['content'] for m in last if m['role'] == 'user']!r}; "
        f"expected every question in order: {questions!r}"
    )
    assert conv.history[-1]["content"] == "Your name is Ada.", (
        f"with the history resent, the model should remember the name; it answered {conv.history[-1]['content']!r}"
    )


@pytest.mark.points(3)
def test_assistant_replies_are_appended(lab, client, stub):
    conv = lab.Conversation(client, MODEL, SYSTEM)
    first = conv.ask("Suggest a name for a black cat.")
    second = conv.ask("What did you just suggest?")
    assert isinstance(first, str) and first, f"ask() must return the reply's text; it returned {first!r}"
    want = [
        user("Suggest a name for a black cat."),
        assistant(first),
        user("What did you just suggest?"),
        assistant(second),
    ]
    assert [m.get("role") for m in conv.history] == [m["role"] for m in want], (
        f"after two questions the history was [{roles(conv.history)}]; expected [{roles(want)}]: append the user "
        "message and the assistant's reply after each call (the history holds no system message)"
    )
    assert conv.history == want, f"the history was {conv.history!r}; expected {want!r}"
    second_request = sent(stub)[1]
    replies = [m for m in second_request if m["role"] == "assistant"]
    assert replies == [assistant(first)], (
        f"the second request should carry the first reply as an assistant message; it had [{roles(second_request)}]"
    )
    assert first[:200] in second, f"the model could not see its own previous reply; it answered {second!r}"


@pytest.mark.points(2)
def test_every_request_has_one_system_message_first(lab, client, stub):
    conv = lab.Conversation(client, MODEL, SYSTEM)
    for q in ["Hello!", "What is a Python list?", "And a tuple?"]:
        conv.ask(q)
    for n, messages in enumerate(sent(stub), start=1):
        systems = [i for i, m in enumerate(messages) if m["role"] in ("system", "developer")]
        assert systems, f"request {n} had no system message: [{roles(messages)}]"
        assert systems == [0], (
            f"request {n} had system messages at positions {systems} in [{roles(messages)}]; "
            "send exactly one, first (do not store it in the history, or add it again each turn)"
        )
        assert messages[0]["content"] == SYSTEM, (
            f"request {n}'s system message was {messages[0]['content']!r}, not the conversation's system prompt"
        )


@pytest.mark.points(3)
def test_usage_is_added_up_over_calls(lab, client, stub):
    conv = lab.Conversation(client, MODEL, SYSTEM)
    for q in ["My name is Ada.", "What is a Python list?", "What's my name?"]:
        conv.ask(q)
    reported = [entry["extra"]["usage"] for entry in stub.journal()]  # what each response said
    prompts = [u["prompt_tokens"] for u in reported]
    completions = [u["completion_tokens"] for u in reported]
    want = {
        "prompt_tokens": sum(prompts),
        "completion_tokens": sum(completions),
        "total_tokens": sum(prompts) + sum(completions),
    }
    got = {k: conv.usage.get(k) for k in want}
    assert got == want, (
        f"after 3 calls usage was {got}; the three responses reported prompt tokens {prompts} and completion "
        f"tokens {completions}, so the totals are {want}: add each response's usage to the running total"
    )


@pytest.mark.points(1)
def test_options_are_passed_on(lab, client, stub, rng):
    options = {
        "temperature": rng.choice([0, 0.3, 0.7, 1.2]),
        "max_completion_tokens": rng.randint(20, 400),  # the way to cap a reply (max_tokens is deprecated)
        "seed": rng.randint(1, 10_000),
        "top_p": rng.choice([0.5, 0.9, 1]),
    }
    chosen = dict(rng.sample(sorted(options.items()), rng.randint(2, 4)))
    # the default model takes temperature and top_p only at effort none: course.models adds it (lesson 01)
    chosen = course_models.sampling_params(MODEL, **chosen)
    conv = lab.Conversation(client, MODEL, SYSTEM, **chosen)
    conv.ask("Hello!")
    conv.ask("And again?")
    for n, body in enumerate(stub.requests(), start=1):
        sent_options = {k: body.get(k) for k in chosen}
        assert sent_options == chosen, (
            f"Conversation(..., {', '.join(f'{k}={v!r}' for k, v in chosen.items())}) should send those options "
            f"on every call; request {n} had {sent_options}"
        )


@pytest.mark.points(2)
def test_ask_returns_and_remembers_the_reply_it_got(lab, client, stub, script, rng):
    questions = [f"{rng.token()} {rng.sentence()}" for _ in range(rng.randint(2, 4))]
    replies = [rng.sentence(4, 20) for _ in questions]
    script({q.split()[0]: r for q, r in zip(questions, replies, strict=True)})
    system = rng.sentence()
    model = rng.choice(course_models.current())
    conv = lab.Conversation(client, model, system)
    got = [conv.ask(q) for q in questions]
    assert got == replies, f"ask() should return each reply's text: the replies were {replies!r}; got {got!r}"
    want = [m for q, r in zip(questions, replies, strict=True) for m in (user(q), assistant(r))]
    assert conv.history == want, f"the history should be every question and its reply; got {conv.history!r}"
    bodies = stub.requests()
    assert {b["model"] for b in bodies} == {model}, f"send the conversation's model ({model!r})"
    assert all(b["messages"][0] == sys_msg(system) for b in bodies), "send the conversation's system prompt"
    assert bodies[-1]["messages"] == [sys_msg(system), *want[:-1]], (
        "the last request should carry the system prompt, every earlier question and reply, and the new question"
    )


@pytest.mark.points(1)
def test_a_reply_without_text_is_stored_as_empty(lab, client, stub, script, rng):
    question = f"{rng.token()} please help"
    script({question.split()[0]: {"refusal": rng.sentence()}})
    conv = lab.Conversation(client, MODEL, SYSTEM)
    got = conv.ask(question)
    assert got == "", (
        f'the model refused (message.content is None, message.refusal has the text): ask() should return "", '
        f"not {got!r}"
    )
    assert conv.history == [user(question), assistant("")], (
        f"a reply with no text is stored as content \"\" (never None, never the string 'None'); got {conv.history!r}"
    )


@pytest.mark.points(1)
def test_failed_call_leaves_history_and_usage_unchanged(lab, client, stub):
    conv = lab.Conversation(client, "no-such-model", SYSTEM)
    with pytest.raises(openai.NotFoundError):
        conv.ask("Hello!")
    assert conv.history == [], (
        f"the call failed but the history became {conv.history!r}: append only after a successful call, "
        "or the next request carries a question that was never answered"
    )
    assert conv.usage == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}, (
        f"the call failed but usage became {conv.usage}"
    )


# --------------------------------------------------------------------------- estimate_tokens
@pytest.mark.points(2)
@pytest.mark.parametrize(
    ("messages", "want"),
    [
        ([], 3),
        ([user("Hello!")], 9),
        ([{"role": "assistant", "content": None}], 7),
        ([sys_msg("Be brief."), user("What is a token?")], 3 + (4 + 3) + (4 + 4)),
    ],
    ids=["empty", "hello", "none-content", "system-and-user"],
)
def test_estimate_tokens_follows_the_rule(lab, messages, want):
    got = lab.estimate_tokens(messages)
    assert got == want, (
        f"estimate_tokens({messages!r}) returned {got!r}; the rule gives {want}: 3, plus for each message "
        "4 + ceil(len(content) / 4)"
    )


@pytest.mark.points(1)
def test_estimate_tokens_is_close_to_the_reported_usage(lab, client):
    messages = [
        sys_msg(),
        user("What is the difference between a list and a tuple in Python?"),
        assistant("A list is mutable: you can add, remove and change items. A tuple is immutable."),
        user("When would I choose a tuple, then?"),
    ]
    reported = client.chat.completions.create(model=MODEL, messages=messages).usage.prompt_tokens
    got = lab.estimate_tokens(messages)
    assert abs(got - reported) <= 0.3 * reported, (
        f"estimate_tokens gave {got} for a conversation the API counted as {reported} prompt tokens"
    )


@pytest.mark.points(1)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    contents=st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=8),
    roles_=st.lists(st.sampled_from(["system", "user", "assistant", "tool"]), min_size=8, max_size=8),
)
def test_estimate_tokens_follows_the_rule_on_any_messages(lab, contents, roles_):
    messages = [{"role": r, "content": c} for r, c in zip(roles_, contents, strict=False)]
    before = [dict(m) for m in messages]
    got = lab.estimate_tokens(messages)
    want = 3 + sum(4 + math.ceil(len(c or "") / 4) for c in contents)
    assert got == want, f"estimate_tokens({messages!r}) returned {got}; the rule gives {want}"
    assert messages == before, "estimate_tokens changed the messages it measured"


# --------------------------------------------------------------------------- split_turns
@pytest.mark.points(2)
def test_split_turns_starts_a_turn_at_each_user_message(lab):
    u1, a1, u2, a2, u3 = user("u1"), assistant("a1"), user("u2"), assistant("a2"), user("u3")
    got = lab.split_turns([u1, a1, u2, a2, u3])
    assert got == [[u1, a1], [u2, a2], [u3]], f"split_turns([u1, a1, u2, a2, u3]) returned {got!r}"
    tool = {"role": "tool", "tool_call_id": "call_1", "content": "18°C"}
    calling = {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1"}]}
    got = lab.split_turns([a1, u1, calling, tool, a2, u2])
    assert got == [[a1], [u1, calling, tool, a2], [u2]], (
        f"a turn holds everything up to the next user message (tool calls and results too), and messages before "
        f"the first user message form their own turn; got {got!r}"
    )


# --------------------------------------------------------------------------- trim_history
@lab_may_call
def words(messages: list[dict]) -> int:
    """A simple counter for the trimming tests: one token per word of content."""
    return sum(len((m.get("content") or "").split()) for m in messages)


CONVERSATION = [
    sys_msg("one two three"),  # 3
    user("u1 u1"),  # turn 1: 2 + 2 = 4
    assistant("a1 a1"),
    user("u2 u2 u2"),  # turn 2: 3 + 3 = 6
    assistant("a2 a2 a2"),
    user("u3"),  # turn 3: 1 + 1 = 2
    assistant("a3"),
]


@pytest.mark.points(1)
def test_trim_keeps_everything_when_it_fits(lab):
    got = lab.trim_history(CONVERSATION, 1000, words)
    assert got == CONVERSATION, f"with a budget of 1000 nothing should be dropped; got [{roles(got)}]"
    got = lab.trim_history(CONVERSATION, 15, words)
    assert got == CONVERSATION, (
        f"the whole conversation costs exactly 15, a budget of 15 fits it; got [{roles(got)}]"
    )


@pytest.mark.points(3)
def test_trim_keeps_the_system_message_first(lab):
    for budget in (3, 5, 11, 14):
        got = lab.trim_history(CONVERSATION, budget, words)
        assert got and got[0] == CONVERSATION[0], (
            f"with a budget of {budget} the result was [{roles(got)}]: the system message must always be kept, first"
        )
        assert sum(m["role"] == "system" for m in got) == 1, f"one system message, not [{roles(got)}]"


@pytest.mark.points(3)
def test_trim_respects_the_budget_counting_the_system_message(lab):
    for budget in range(3, 16):
        got = lab.trim_history(CONVERSATION, budget, words)
        assert words(got) <= budget, (
            f"with a budget of {budget} the result costs {words(got)}: [{roles(got)}]. Measure the whole list, "
            "system message included"
        )
        # within the budget, but not by dropping what always stays (an empty list costs nothing)
        assert got and got[0] == CONVERSATION[0], (
            f"with a budget of {budget} the result [{roles(got)}] lost the system message, which always stays"
        )


@pytest.mark.points(3)
def test_trim_keeps_the_newest_whole_turns(lab):
    cases = {
        3: [CONVERSATION[0]],
        4: [CONVERSATION[0]],
        5: [CONVERSATION[0], *CONVERSATION[5:]],
        10: [CONVERSATION[0], *CONVERSATION[5:]],
        11: [CONVERSATION[0], *CONVERSATION[3:]],
        14: [CONVERSATION[0], *CONVERSATION[3:]],
    }
    for budget, want in cases.items():
        got = lab.trim_history(CONVERSATION, budget, words)
        if got and got[0].get("role") == "system" and len(got) > 1 and got[1].get("role") != "user":
            pytest.fail(
                f"with a budget of {budget} the result [{roles(got)}] starts with an {got[1]['role']} message "
                "whose question was dropped: drop whole turns, never half of one"
            )
        assert got == want, (
            f"with a budget of {budget} the result was [{roles(got)}]; expected [{roles(want)}]: the system "
            "message, then as many of the NEWEST whole turns as fit"
        )


@pytest.mark.points(1)
def test_trim_raises_when_the_system_message_alone_is_too_big(lab):
    with pytest.raises(ValueError):
        lab.trim_history(CONVERSATION, 2, words)


@pytest.mark.points(1)
def test_trim_leaves_its_input_unchanged(lab):
    messages = [dict(m) for m in CONVERSATION]
    got = lab.trim_history(messages, 5, words)
    assert messages == CONVERSATION, "trim_history changed the list it was given: return a new list"
    want = [CONVERSATION[0], *CONVERSATION[5:]]
    assert got == want, f"with a budget of 5 the result was [{roles(got)}]; expected [{roles(want)}]"


@pytest.mark.points(1)
def test_trim_uses_estimate_tokens_by_default(lab):
    messages = [
        sys_msg(),
        *[m for i in range(30) for m in (user(f"question {i} " * 10), assistant(f"answer {i} " * 20))],
    ]
    got = lab.trim_history(messages, 500)
    assert course_rule(got) <= 500, (
        f"with the default counter (estimate_tokens) the result should cost at most 500; it costs {course_rule(got)}"
    )
    assert course_rule(messages[:1] + messages[-4:]) <= 500 and len(got) > 5, (
        f"with a budget of 500 several turns fit; the result kept only [{roles(got)}]"
    )
    assert got[0] == messages[0] and got[1]["role"] == "user" and got[-1] == messages[-1], (
        f"the result should be the system message and the newest whole turns; got [{roles(got)}]"
    )


def _conversations():
    text = st.text(alphabet="abc ", min_size=0, max_size=12)
    turn = st.tuples(
        text, st.lists(st.sampled_from(["assistant", "tool"]), min_size=0, max_size=3), text
    ).map(lambda t: [user(t[0])] + [{"role": r, "content": t[2]} for r in t[1]])
    return st.tuples(st.booleans(), text, st.lists(turn, max_size=6))


@pytest.mark.points(3)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conv=_conversations(), budget=st.integers(min_value=0, max_value=60))
def test_trim_properties_on_random_conversations(lab, conv, budget):
    has_system, system_text, turns = conv
    system = [sys_msg(system_text)] if has_system else []
    messages = system + [m for t in turns for m in t]

    @lab_may_call
    def count(ms: list[dict]) -> int:
        return len(ms) + sum(len(m["content"]) for m in ms)

    if count(system) > budget:
        with pytest.raises(ValueError):
            lab.trim_history(messages, budget, count)
        return
    got = lab.trim_history(messages, budget, count)
    assert got[: len(system)] == system, f"the system message must come first; got [{roles(got)}]"
    kept = got[len(system) :]
    n = next(
        (k for k in range(len(turns) + 1) if [m for t in turns[len(turns) - k :] for m in t] == kept), None
    )
    assert n is not None, (
        f"after the system message the result must be the newest whole turns, in order; got [{roles(got)}] "
        f"from [{roles(messages)}]"
    )
    assert count(got) <= budget, f"the result costs {count(got)}, over the budget of {budget}"
    if n < len(turns):
        bigger = system + turns[len(turns) - n - 1] + kept
        assert count(bigger) > budget, (
            f"the result kept {n} turn(s) but one more would also fit the budget of {budget}: keep as many as fit"
        )


@pytest.mark.points(1)
def test_trim_at_the_budget_and_one_under(lab, rng):
    system = sys_msg(rng.words(rng.randint(1, 5)))
    turns = [[user(rng.words(rng.randint(1, 6))), assistant(rng.words(rng.randint(1, 6)))] for _ in range(5)]
    messages = [system, *[m for t in turns for m in t]]
    keep = rng.randint(1, 4)
    fits = [system, *[m for t in turns[-keep:] for m in t]]
    budget = words(fits)
    got = lab.trim_history(messages, budget, words)
    assert got == fits, (
        f"the system message and the newest {keep} turn(s) cost exactly {budget}, the budget: keep them "
        f"(<= budget fits); got [{roles(got)}]"
    )
    got = lab.trim_history(messages, budget - 1, words)
    assert got == [system, *[m for t in turns[-(keep - 1) :] for m in t]] if keep > 1 else got == [system], (
        f"one token under that budget the oldest of those turns no longer fits; got [{roles(got)}]"
    )


@pytest.mark.points(1)
def test_trim_returns_a_new_list(lab, rng):
    messages = [sys_msg("a b"), user("c d"), assistant("e")]
    budget = rng.randint(100, 1000)
    got = lab.trim_history(messages, budget, words)
    assert got == messages and got is not messages, "when everything fits, return an equal NEW list"
    got.append(user("x"))
    assert messages == [sys_msg("a b"), user("c d"), assistant("e")], (
        "changing the returned list changed the caller's messages: return a new list"
    )


@pytest.mark.points(1)
def test_build_messages_returns_a_new_list_each_time(lab, rng):
    history = [user(rng.sentence()), assistant(rng.sentence())]
    system, question = rng.sentence(), rng.sentence()
    got = lab.build_messages(system, history, question)
    assert got == [sys_msg(system), *history, user(question)], f"got {got!r}"
    got.append(user("extra"))
    got[0] = sys_msg("changed")
    assert history == [user(history[0]["content"]), assistant(history[1]["content"])] and len(history) == 2, (
        "changing the list build_messages returned changed the caller's history: build a new list"
    )


# --------------------------------------------------------------------------- estimate_cost
@pytest.mark.points(2)
def test_estimate_cost_of_a_usage_dict(lab):
    got = lab.estimate_cost(
        {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}, "gpt-6-luna"
    )
    assert got == pytest.approx(0.00035), (
        f"1000 prompt + 500 completion tokens on gpt-6-luna cost (1000 * 0.10 + 500 * 0.50) / 1e6 = $0.00035; "
        f"estimate_cost returned {got!r}"
    )


@pytest.mark.points(2)
def test_estimate_cost_prices_input_and_output_separately(lab):
    prompt_only = lab.estimate_cost({"prompt_tokens": 1_000_000, "completion_tokens": 0}, "gpt-6.2-sol")
    completion_only = lab.estimate_cost({"prompt_tokens": 0, "completion_tokens": 1_000_000}, "gpt-6.2-sol")
    assert (prompt_only, completion_only) == (pytest.approx(2.00), pytest.approx(10.00)), (
        f"a million prompt tokens on gpt-6.2-sol should cost $2.00 and a million completion tokens $10.00; got "
        f"${prompt_only} and ${completion_only}: prompt tokens use the input price, completion the output price, "
        "and prices are per MILLION tokens"
    )


@pytest.mark.points(1)
def test_estimate_cost_accepts_the_sdk_usage_object(lab, client):
    usage = client.chat.completions.create(model=MODEL, messages=[user("Hello!")]).usage
    price_in, price_out = {"gpt-6-luna": (0.10, 0.50)}[MODEL]  # the lab's table (labs/lab01_messages.py)
    want = (usage.prompt_tokens * price_in + usage.completion_tokens * price_out) / 1_000_000
    got = lab.estimate_cost(usage, MODEL)
    assert got == pytest.approx(want), (
        f"for response.usage {usage.to_dict()} the cost is {want!r}; got {got!r}"
    )


@pytest.mark.points(1)
def test_estimate_cost_uses_the_prices_given(lab):
    got = lab.estimate_cost(
        {"prompt_tokens": 2_000_000, "completion_tokens": 1_000_000}, "my-model", {"my-model": (1.0, 3.0)}
    )
    assert got == pytest.approx(5.0), (
        f"with prices (1.0, 3.0) per million, 2M + 1M tokens cost $5.00; got {got!r}"
    )


@pytest.mark.points(1)
def test_estimate_cost_rejects_an_unknown_model(lab):
    with pytest.raises(ValueError, match="no-such-model"):
        lab.estimate_cost({"prompt_tokens": 1, "completion_tokens": 1}, "no-such-model")


@pytest.mark.points(2)
def test_estimate_cost_with_random_prices_and_usage(lab, rng):
    from openai.types import CompletionUsage

    for _ in range(10):
        own, other = rng.distinct_words(2)
        model = rng.choice([own, "gpt-6-luna", "gpt-6.2-sol"])
        price_in, price_out = round(rng.uniform(0.01, 20), 3), round(rng.uniform(0.01, 80), 3)
        prompt, completion = rng.randint(0, 3_000_000), rng.randint(0, 500_000)
        prices = {model: (price_in, price_out), other: (rng.uniform(0, 9), rng.uniform(0, 9))}
        want = (prompt * price_in + completion * price_out) / 1_000_000
        usage = rng.choice(
            [
                {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
                CompletionUsage(
                    prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
                ),
            ]
        )
        got = lab.estimate_cost(usage, model, prices)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (
            f"{prompt} prompt + {completion} completion tokens at ${price_in} in / ${price_out} out per million "
            f"cost ${want:.6f}; estimate_cost({type(usage).__name__}, {model!r}, prices) returned {got!r}: "
            "use the prices you are given, input price for prompt tokens, output price for completion tokens"
        )


@pytest.mark.points(1)
def test_estimate_cost_rejects_a_model_missing_from_the_prices_given(lab, rng):
    name, other = rng.distinct_words(2)
    with pytest.raises(ValueError, match=name):
        lab.estimate_cost({"prompt_tokens": 1, "completion_tokens": 1}, name, {other: (1.0, 2.0)})
    with pytest.raises(ValueError, match="gpt-6-luna"):
        lab.estimate_cost({"prompt_tokens": 1, "completion_tokens": 1}, "gpt-6-luna", {name: (1.0, 2.0)})
