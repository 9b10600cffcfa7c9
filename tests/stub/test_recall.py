"""The stub answers only from the history it is sent; the developer role works like the system role.

These use the plain stub (the ``llm_stub`` fixture, no course replies): recall is generic behaviour.
"""

from __future__ import annotations

import pytest
from openai import OpenAI

from llm_stub import recall

from .models import PLAIN
from .talk import assistant, user

MODEL = PLAIN


@pytest.fixture
def sdk(llm_stub) -> OpenAI:
    return OpenAI(base_url=llm_stub.base_url, api_key=llm_stub.api_key, max_retries=0, timeout=10)


def reply(sdk: OpenAI, messages: list[dict], **kw) -> str:
    return sdk.chat.completions.create(model=MODEL, messages=messages, **kw).choices[0].message.content


# ---------------------------------------------------------------- statelessness
def test_a_name_is_remembered_only_when_the_history_is_sent(sdk):
    greeting = reply(sdk, [user("My name is Ada.")])
    assert greeting == "Nice to meet you, Ada! How can I help you today?"
    # A new request without the history: the stub cannot know.
    alone = reply(sdk, [user("What's my name?")])
    assert "don't know your name" in alone
    # The same question with the history resent.
    again = reply(sdk, [user("My name is Ada."), assistant(greeting), user("What's my name?")])
    assert again == "Your name is Ada."


def test_nothing_carries_over_between_requests(sdk):
    reply(sdk, [user("My name is Grace Hopper.")])
    reply(sdk, [user("I live in Arlington.")])
    assert "don't know" in reply(sdk, [user("Where do I live?")])
    assert "don't know" in reply(sdk, [user("What is my name?")])


def test_names_stop_at_lowercase_words():
    messages = [user("My name is Sam and I like tea."), user("What is my name?")]
    assert recall.answer_from_history(messages) == "Your name is Sam."
    messages = [user("my name is Grace Hopper, hi"), user("what's my name")]
    assert recall.answer_from_history(messages) == "Your name is Grace Hopper."


def test_the_latest_fact_wins():
    messages = [user("My name is Ada."), user("Actually, call me Lovelace."), user("What's my name?")]
    assert recall.answer_from_history(messages) == "Your name is Lovelace."


def test_favourites_and_home():
    messages = [user("My favourite colour is green. I live in Lyon."), user("What's my favourite colour?")]
    assert recall.answer_from_history(messages) == "Your favourite colour is green."
    assert (
        recall.answer_from_history([*messages[:1], user("Where do I live?")])
        == "You told me you live in Lyon."
    )
    assert recall.answer_from_history([*messages[:1], user("What is my favourite food?")]) == (
        "You haven't told me your favourite food yet."
    )


def test_its_own_previous_reply_needs_the_assistant_message(sdk):
    first = [user("Suggest a name for a black cat.")]
    said = "How about Midnight?"
    with_reply = reply(sdk, [*first, assistant(said), user("What did you just suggest?")])
    assert with_reply == "I suggested this: How about Midnight?"
    # The caller forgot to append the assistant's reply: two user messages in a row.
    without = reply(sdk, [*first, user("What did you just suggest?")])
    assert without == "I haven't suggested anything yet in this conversation. Would you like a suggestion?"


@pytest.mark.parametrize(
    "question", ["What did you recommend?", "What did you just say?", "Repeat your last answer."]
)
def test_no_reply_yet_is_said_in_the_models_voice(question):
    """Without an assistant message to refer to, the stub says it has not answered yet, as a model would; it does
    not explain the API ("only the messages sent with this request"), which a model cannot know (issue 23, §7)."""
    answer = recall.answer_from_history([user("Hi"), user(question)])
    assert answer.startswith("I haven't "), answer
    assert "request" not in answer and "sent" not in answer, answer
    if "recommend" in question:
        assert answer.endswith("Would you like a recommendation?"), answer


def test_unknown_facts_do_not_explain_the_api():
    """A fact never given gets "I don't know ..." and nothing about requests or messages sent (issue 23, §7)."""
    for question in (
        "What's my name?",
        "Where do I live?",
        "What's my favourite food?",
        "Which day did I say?",
        "What do you know about me?",
        "What's my name and where do I live?",
    ):
        answer = recall.answer_from_history([user("Hello there."), user(question)])
        assert answer and "request" not in answer and "messages you send" not in answer, (question, answer)


@pytest.mark.parametrize(
    "question",
    [
        "What did you say?",
        "Repeat your last answer.",
        "What was your previous suggestion?",
        "what did you recommend",
    ],
)
def test_questions_about_its_last_reply(question):
    messages = [user("Hi"), assistant("Hello! " + "x" * 300), user(question)]
    answer = recall.answer_from_history(messages)
    lead = {"What did you say?": "Here is what I said: ", "Repeat your last answer.": "Sure: "}.get(
        question, "I suggested this: " if "suggest" in question else "I recommended this: "
    )
    assert answer.startswith(lead + "Hello!") and answer.endswith("...") and len(answer) < 270, answer


def test_earlier_questions():
    messages = [
        user("What is a list?"),
        assistant("A sequence."),
        user("And a tuple?"),
        assistant("Immutable."),
    ]
    assert (
        recall.answer_from_history([*messages, user("What was my first question?")])
        == 'You asked: "What is a list?"'
    )
    assert (
        recall.answer_from_history([*messages, user("What was my last question?")])
        == 'You asked: "And a tuple?"'
    )
    assert "first message" in recall.answer_from_history([user("What was my first question?")])


def test_no_recall_for_ordinary_questions():
    assert recall.answer_from_history([user("My name is Ada."), user("What is Python?")]) is None
    assert recall.answer_from_history([{"role": "system", "content": "Be brief."}]) is None


def test_generic_reply_counts_the_user_messages_it_was_sent(sdk):
    text = reply(sdk, [user("first"), assistant("ok"), user("Tell me about zebras in detail")])
    assert "(stub reply)" in text and "2 user messages" in text


# ---------------------------------------------------------------- developer role
def test_developer_role_is_accepted(sdk, llm_stub):
    messages = [{"role": "developer", "content": "Answer briefly."}, user("hello")]
    assert reply(sdk, messages) == "Hello! How can I help you today?"
    assert llm_stub.requests()[-1]["messages"][0]["role"] == "developer"


@pytest.mark.parametrize("role", ["system", "developer"])
def test_instructions_about_the_user_are_recalled(sdk, role):
    messages = [
        {"role": role, "content": "The user's name is Grace. Address her by name."},
        user("What's my name?"),
    ]
    assert reply(sdk, messages) == "Your name is Grace."


@pytest.mark.parametrize("role", ["system", "developer"])
def test_scripted_rules_match_system_and_developer_instructions(sdk, llm_stub, tmp_path, role):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        '- when: {contains: "how do I open a file"}\n'
        '  system: {contains: "pirate"}\n'
        '  reply: "Arr, ye call open() on it, matey."\n'
        '- when: {contains: "how do I open a file"}\n'
        '  reply: "Use open(path) inside a with block."\n'
    )
    llm_stub.configure(reply_files=[str(rules)])
    pirate = [{"role": role, "content": "You are a pirate."}, user("How do I open a file?")]
    assert reply(sdk, pirate) == "Arr, ye call open() on it, matey."
    assert reply(sdk, [user("How do I open a file?")]) == "Use open(path) inside a with block."


# ---------------------------------------------------------------- temperature and seed
def test_alternatives_vary_with_temperature_and_are_fixed_by_a_seed(sdk, llm_stub, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        '- when: {contains: "name a colour"}\n'
        "  alternatives: [Red., Green., Blue., Yellow., Purple., Orange.]\n"
    )
    llm_stub.configure(reply_files=[str(rules)])
    ask = [user("Name a colour.")]
    assert {reply(sdk, ask, temperature=0) for _ in range(3)} == {"Red."}
    assert reply(sdk, ask) == "Red."
    seeded = [reply(sdk, ask, temperature=1, seed=s) for s in range(12)]
    assert len(set(seeded)) > 1
    assert seeded == [reply(sdk, ask, temperature=1, seed=s) for s in range(12)]


@pytest.mark.parametrize("pattern", recall._PATTERNS, ids=lambda p: p.pattern[:40])
def test_every_recall_question_passes_the_quick_word_check(pattern):
    """``answer_from_history`` makes one quick search first; every recall question must pass it."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(st.from_regex(pattern))
    def check(text: str) -> None:
        assert recall._MAY_ASK.search(text), (
            f"{text!r} asks {pattern.pattern!r} but fails {recall._MAY_ASK.pattern!r}"
        )

    check()


# ---------------------------------------------------------------- learners' typing (issue 24)
@pytest.mark.parametrize(
    "asked", ["whats my name", "whats my name?", "what's my name", "so whats my name again"]
)
def test_a_question_typed_without_an_apostrophe_is_recalled(sdk, asked):
    history = [user("im tomasz btw"), assistant("Nice to meet you!"), user(asked)]
    assert reply(sdk, history).startswith("Your name is Tomasz.")


def test_several_recall_questions_in_one_message_each_get_an_answer(sdk):
    history = [
        user("im tomasz btw, my cat mochi is 3"), assistant("Nice to meet you!"),
        user("book the vet for the 12th"), assistant("Done."),
        user("actually make it the 15th"), assistant("Changed."),
        user("whats my name and how old is mochi? and what date did i say"),
    ]  # fmt: skip
    said = reply(sdk, history)
    assert "Your name is Tomasz." in said and "Mochi is 3" in said, said
    assert "You said the 15th (you changed it from the 12th)." in said, said


# ---------------------------------------------------------------- everyday phrasings (issue 24)
PETS = ["dog", "cat", "puppy", "kitten", "rabbit", "hamster"]
PET_NAMES = ["rex", "biscuit", "mochi", "pepper", "luna", "Max", "Olive", "nugget"]


def _sloppy(rng, text: str) -> str:
    """A learner's typing: sometimes lowercase, sometimes without the apostrophes."""
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.5:
        text = text.replace("'", "")
    return text


def test_a_pet_named_while_saying_you_have_it_is_recalled(rng):
    for _ in range(12):
        pet, name = rng.choice(PETS), rng.choice(PET_NAMES)
        said = rng.choice([
            f"we have a {pet} called {name}", f"i've got a {pet} named {name} lol", f"we have a {pet}, {name}.",
            f"I have a {pet} called {name} and two kids", f"our {pet} is called {name}", f"my {pet} is named {name}",
        ])  # fmt: skip
        asked = _sloppy(rng, rng.choice([f"what's my {pet}'s name?", f"what is my {pet} called"]))
        got = recall.answer_from_history([user(said), assistant("Nice!"), user(asked)])
        assert got == f"Your {pet}'s name is {name[:1].upper() + name[1:]}.", (said, asked, got)


def test_a_job_said_without_an_apostrophe_and_its_employer_are_recalled(rng):
    for _ in range(8):
        job = rng.choice(["nurse", "teacher", "developer", "pharmacist", "barista"])
        place = rng.choice(["St Mary's", "Acme", "Brightline", "Lisbon"])
        said = rng.choice([f"im a {job} at {place}", f"i'm a {job} at {place}", f"I am a {job} for {place}"])
        messages = [user(said), assistant("Good to know.")]
        job_reply = recall.answer_from_history([*messages, user(_sloppy(rng, "What's my job?"))])
        assert job_reply == f"You told me you work as a {job}.", (said, job_reply)
        where = recall.answer_from_history([*messages, user(_sloppy(rng, "Where do I work?"))])
        assert where == f"You told me you work at {place}.", (said, where)


def test_a_lowercase_place_after_a_job_is_not_taken_as_an_employer():
    # "at night" is no employer: asked, the stub says it was not told rather than "you work at Night"
    messages = [user("im a nurse at night mostly"), user("where do i work?")]
    assert recall.answer_from_history(messages) == "I don't know where you work: you haven't told me yet."


def test_a_correction_replaces_the_value_it_names(rng):
    for _ in range(12):
        old, new = rng.sample(["green", "blue", "red", "purple", "teal", "yellow"], 2)
        thing = rng.choice(["colour", "color"])
        fix = rng.choice([
            f"actually my favourite {thing} is {new}, not {old}", f"actually its {new} not {old}",
            f"sorry, it's {new}, not {old}", f"no wait, not {old} but {new}", f"oops not {old}, {new}",
        ])  # fmt: skip
        messages = [user(f"my favourite {thing} is {old}"), assistant("Noted."), user(fix)]
        got = recall.answer_from_history([*messages, user(_sloppy(rng, f"what's my favourite {thing}?"))])
        assert got == f"Your favourite {thing} is {new}.", (fix, got)


def test_a_not_that_names_no_earlier_value_changes_nothing():
    messages = [user("i live in porto"), user("not tonight, tomorrow"), user("where do i live?")]
    assert recall.answer_from_history(messages) == "You told me you live in Porto."


def test_what_it_was_not_told_it_says_in_a_models_voice(rng):
    """A real model says it was not told; it never explains the API ("I only see the messages sent...")."""
    questions = ["what's my dog's name?", "whats my favourite film", "where do i live?", "what's my name?",
                 "how old is my son?", "what do you know about me?", "which date did i say?", "what do i do for work?"]  # fmt: skip
    for question in rng.sample(questions, 6):
        got = recall.answer_from_history([user("hi there"), assistant("Hello!"), user(question)])
        assert got and "haven't told me" in got, (question, got)
        for api_talk in ("request", "messages", "conversation", "sent"):
            assert api_talk not in got, f"{question!r} got {got!r}: a model doesn't explain the API"
