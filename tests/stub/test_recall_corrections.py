"""Recall when facts change, compete or come from the instructions (issue 24, round 5), on both APIs.

Inputs are drawn per run from the seeded ``rng`` (the seed is printed with a failure: replay with
``RESPONSES_TEST_SEED``). One test per clause: a correction wins (also one that does not repeat the noun, and it
replaces only a value of its own kind); the latest value wins without a correction mark; an allergy is not a diet;
counts change by what is said later; a name is spelled from the history; the system and developer messages tell
facts; a value the assistant restated counts; what was never said is unknown, never a neighbouring fact. The same
history gives the same answer through Chat Completions, a Responses input list (developer role, input_text parts,
``instructions``) and a ``previous_response_id`` chain.
"""

from __future__ import annotations

import re

import pytest
from openai import OpenAI

from llm_stub import recall
from llm_stub.knowledge import fold

from .models import PLAIN
from .talk import ask, assistant, sloppy, user, why


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


EVENTS = ["dentist appointment", "haircut", "meeting with sam", "interview", "yoga class", "exam", "flight"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
COLOURS = ["blue", "green", "teal", "purple", "orange", "yellow", "maroon"]
FOODS = ["peanuts", "shellfish", "sesame", "kiwi", "soy", "eggs", "strawberries"]
DIETS = ["vegetarian", "vegan", "pescatarian"]
SURNAMES = [
    "Wisniewska",
    "Okonkwo",
    "Raghunathan",
    "Nakamura",
    "Szczepanski",
    "Oyelaran",
    "Kowalczyk",
    "Haugland",
]
PLACES = ["Porto", "Lisbon", "Leeds", "Krakow", "Valencia", "Galway", "Bristol", "Lyon"]
JOBS = ["nurse", "plumber", "architect", "pharmacist", "accountant", "paramedic"]


def first_word(event: str) -> str:
    return event.split()[0]


# ---------------------------------------------------------------- corrections
def test_a_correction_without_the_noun_gives_the_latest_day(rng):
    for _ in range(8):
        event = rng.choice(EVENTS)
        old, new = rng.sample(range(1, 29), 2)
        said = rng.choice([f"my {event} is on the {ordinal(old)}", f"i have a {event} on the {ordinal(old)}",
                           f"the {event} is on the {ordinal(old)}"])  # fmt: skip
        fix = rng.choice([f"actually make it the {ordinal(new)}", f"sorry, the {ordinal(new)}",
                          f"oh wait it got moved to the {ordinal(new)}", f"they changed it, it's the {ordinal(new)} now"])  # fmt: skip
        question = rng.choice(
            [f"when's my {first_word(event)}?", f"when is my {event}?", f"whens the {first_word(event)}"]
        )
        got = ask([sloppy(rng, said, btw=0.2), fix], question)
        assert re.search(rf"\b{ordinal(new)}", got) and not re.search(rf"\b{ordinal(old)}", got), why(
            f"{said!r} then {fix!r}: the {ordinal(new)}", got
        )


def test_a_correction_without_the_noun_gives_the_latest_weekday_or_time(rng):
    for _ in range(8):
        event = rng.choice(EVENTS)
        if rng.random() < 0.5:
            old, new = rng.sample(DAYS, 2)
            said, fix = f"my {event} is on {old}", rng.choice([f"actually make it {new}", f"no wait, {new}"])
            question = f"when's my {first_word(event)}?"
        else:
            old, new = (f"{h}pm" for h in rng.sample(range(1, 10), 2))
            said, fix = (
                f"my {event} is at {old}",
                rng.choice([f"no wait, {new}", f"oops, {new}", f"make it {new}"]),
            )
            question = f"what time is my {first_word(event)}?"
        got = ask([said], question) and ask([said, fix], question)
        assert new in got.lower() and old not in got.lower(), why(f"{said!r} then {fix!r}: {new}", got)


def test_a_number_correction_keeps_its_unit(rng):
    for _ in range(4):
        old, new = rng.sample(range(300, 2000, 50), 2)
        unit = rng.choice(["euros", "dollars", "pounds"])
        got = ask(
            [f"my budget is {old} {unit}", rng.choice([f"actually make it {new}", f"no wait, {new}"])],
            "what's my budget?",
        )
        assert f"{new} {unit}" in got and str(old) not in got, why(f"{old} {unit}, then {new}", got)


def test_a_time_correction_changes_the_time_inside_a_date(rng):
    for _ in range(4):
        event, day = rng.choice(EVENTS), ordinal(rng.randint(1, 28))
        old, new = (f"{h}pm" for h in rng.sample(range(1, 10), 2))
        got = ask([f"my {event} is on the {day} at {old}", rng.choice([f"no wait, {new}", f"sorry, {new}"])],
                  f"when's my {first_word(event)}?")  # fmt: skip
        assert day in got and new in got and old not in got, why(f"the {day} at {old}, then {new}", got)


def test_a_name_corrected_right_after_it_was_given_is_the_new_one(rng):
    for _ in range(4):
        pet, (old, new) = (
            rng.choice(["dog", "cat", "rabbit"]),
            rng.sample(["max", "rex", "mochi", "pip", "luna"], 2),
        )
        fix = rng.choice(
            [f"oops, it's {new}", f"sorry, {rng.choice(['his', 'her'])} name is {new}", f"no wait, {new}"]
        )
        got = ask([f"my {pet} is called {old}", fix], f"what's my {pet} called?")
        assert new.capitalize() in got and old.capitalize() not in got, why(f"{old}, then {fix!r}", got)


def test_someone_elses_event_is_not_the_users(rng):
    for _ in range(4):
        who, (a, b) = rng.choice(["brother's", "mum's", "sister's", "friend's"]), rng.sample(range(1, 28), 2)
        said = f"my {who} wedding is on the {ordinal(a)} and my birthday is on the {ordinal(b)}"
        got = ask([said], "when's my birthday?")
        assert re.search(rf"\b{ordinal(b)}", got) and not re.search(rf"\b{ordinal(a)}", got), why(
            f"{said!r}: the user's birthday", got
        )
        got = ask([said], f"when is my {who} wedding?")
        assert ordinal(a) in got, why(f"{said!r}: the {who} wedding", got)


def test_a_second_correction_wins_over_the_first(rng):
    for _ in range(6):
        first, second, third = rng.sample(COLOURS, 3)
        history = [f"my favourite colour is {first}", rng.choice([f"actually no, it's {second}", f"sorry i meant {second}"]),
                   rng.choice([f"scratch that, {third}", f"no wait, {third}", f"hmm actually {third}"])]  # fmt: skip
        got = ask(
            [sloppy(rng, h, btw=0.2) for h in history],
            rng.choice(["what's my favourite colour?", "whats my fav colour"]),
        )
        assert third in got and first not in got and second not in got, why(
            f"{history}: {third} is the latest", got
        )


def test_a_correction_replaces_only_a_value_of_its_own_kind(rng):
    for _ in range(6):
        exam_day, interview_day, new_day = rng.sample(DAYS, 3)
        history = [f"i have an exam on {exam_day} and my interview is on {interview_day}",
                   f"my haircut is at {rng.randint(1, 5)}pm", f"sorry, make it {new_day}"]  # fmt: skip
        got = ask(history, "when is my interview?")
        assert new_day in got and interview_day not in got, why(
            f"{history}: the interview moved to {new_day}", got
        )
        got = ask(history, "when is my exam?")
        assert exam_day in got, why(f"{history}: the exam did not move", got)


def test_a_word_that_is_no_value_of_the_last_fact_changes_nothing(rng):
    for _ in range(6):
        name = rng.choice(["Ada", "Tomasz", "Ines", "Priya", "Marco"])
        aside = rng.choice(["actually, can you make it shorter?", "no thanks", "actually python", "ok cool",
                            "sorry, never mind"])  # fmt: skip
        got = ask([f"my name is {name}", "what's a good editor for code?", aside], "what's my name?")
        assert name in got, why(f"{aside!r} corrects no name", got)


def test_the_latest_value_wins_without_a_correction_mark(rng):
    for _ in range(6):
        old, new = rng.sample(COLOURS, 2)
        noun = rng.choice(["colour", "color"])
        got = ask(
            [f"my favourite {noun} is {old}", f"my favourite {noun} is {new}"], f"what's my favourite {noun}?"
        )
        assert new in got and old not in got, why(f"{old} then {new}: the later one", got)
        a, b = rng.sample(range(100, 999), 2)
        got = ask([f"my gym locker is {a}", f"my gym locker is {b}"], "what's my gym locker?")
        assert str(b) in got and str(a) not in got, why(f"locker {a} then {b}: the later one", got)


# ---------------------------------------------------------------- facts of similar kinds
def test_an_allergy_is_not_a_diet(rng):
    for _ in range(6):
        food, diet = rng.choice(FOODS), rng.choice(DIETS)
        said = rng.choice(
            [[f"i'm {diet} and i'm allergic to {food}"], [f"im {diet} btw", f"also allergic to {food}"]]
        )
        got = ask([sloppy(rng, s, btw=0.2) for s in said], "what am i allergic to?")
        assert food in got and diet not in got, why(f"{said}: the allergy only", got)
        got = ask([f"i'm {diet}"], "what am i allergic to?")
        assert "haven't told me about any allergies" in got and f"allergic to {diet}" not in got, why(
            "no allergy", got
        )


def test_what_one_cannot_eat_gives_allergy_and_diet(rng):
    for _ in range(6):
        food, diet = rng.choice(FOODS), rng.choice(DIETS)
        got = ask(
            [f"im {diet} and allergic to {food}"],
            rng.choice(["what can't i eat?", "is there anything i can't eat?"]),
        )
        assert food in got and diet in got, why("both restrictions", got)


# ---------------------------------------------------------------- counts that change
def test_a_count_grows_by_what_is_said_later(rng):
    for _ in range(6):
        n = rng.randint(1, 4)
        news, added = rng.choice([("we just had twins!", 2), ("update: we just had a baby girl", 1),
                                  ("we had triplets lol", 3)])  # fmt: skip
        got = ask([f"i have {n} kids", news], "how many kids do i have?")
        assert str(n + added) in got, why(f"{n} kids, then {news!r}: {n + added}", got)
        pet = rng.choice(["dog", "cat", "rabbit"])
        got = ask(
            [f"we have {n} {pet}s", f"we adopted another {pet} yesterday"], f"how many {pet}s do i have?"
        )
        assert str(n + 1) in got, why(f"{n} {pet}s and another: {n + 1}", got)


def test_someone_elses_new_child_or_pet_changes_no_count_of_the_users(rng):
    for _ in range(4):
        n, who = (
            rng.randint(1, 4),
            rng.choice(["my sister", "my neighbour", "she", "our friend", "my brother"]),
        )
        news, noun = rng.choice([(f"{who} just had twins", "kids"), (f"{who} got another dog", "dogs")])
        got = ask([f"i have {n} {noun}", news], f"how many {noun} do i have?")
        assert "then" not in got and str(n + 1) not in got and str(n + 2) not in got, why(
            f"{news!r} is not the user's", got
        )


def test_a_count_on_the_way_is_told_not_added(rng):
    for _ in range(4):
        n, more = rng.randint(1, 3), rng.randint(2, 3)
        got = ask([f"i've got {n} kids", f"and {more} more on the way lol"], "how many kids do i have?")
        told = str(n) if n > 1 else "a kid"
        assert told in got and f"{more} more on the way" in got and str(n + more) not in got, why(
            "not born yet", got
        )


def test_a_request_for_more_changes_no_count(rng):
    for _ in range(4):
        n, pet = rng.randint(1, 4), rng.choice(["dog", "cat", "rabbit"])
        request = rng.choice(["give me 2 more", f"can you suggest two more {pet} names?", "show me 3 more examples",
                              "could i have another one?"])  # fmt: skip
        got = ask([f"we have {n} {pet}s", request], f"how many {pet}s do i have?")
        told = str(n) if n > 1 else f"a {pet}"
        assert told in got and "then" not in got, why(f"{request!r} is a request, not a new {pet}", got)


# ---------------------------------------------------------------- spelling, instructions, everyday phrasing
def test_a_name_is_spelled_from_the_history_not_the_question(rng):
    for _ in range(6):
        surname = rng.choice(SURNAMES)
        said = rng.choice(
            [f"my surname is {surname}", f"my last name is {surname.lower()} btw", f"hi im Ana {surname}"]
        )
        got = ask(
            [said],
            rng.choice(["how do you spell my surname?", "can you spell my last name", "spell my surname"]),
        )
        assert "-".join(surname.upper()) in got, why(f"{said!r}: {surname} letter by letter", got)


def test_facts_in_the_system_or_developer_message_are_recalled(rng):
    for _ in range(6):
        place, job = rng.choice(PLACES), rng.choice(JOBS)
        role = rng.choice(["system", "developer"])
        text = rng.choice([f"The user lives in {place} and works as a {job}.",
                           f"You are a helpful assistant. The customer's name is Ines. She lives in {place} and works as a {job}.",
                           f"Context: the user lives in {place}. They work as a {job}."])  # fmt: skip
        head = [{"role": role, "content": text}]
        got = ask([], rng.choice(["where do i live?", "where do i live"]), head)
        assert fold(place) in fold(got), why(f"{role}: {text!r}", got)
        got = ask([], "what's my job?", head)
        assert job in got, why(f"{role}: {text!r}", got)


def test_the_user_overrides_the_instructions(rng):
    old, new = rng.sample(PLACES, 2)
    got = ask(
        [f"i just moved to {new.lower()} actually"],
        "where do i live?",
        [{"role": "system", "content": f"The user lives in {old}."}],
    )
    assert fold(new) in fold(got) and fold(old) not in fold(got), why(
        f"the system said {old}, the user later {new}", got
    )


def test_home_and_origin_in_one_sentence_are_told_apart(rng):
    for _ in range(6):
        origin, home = rng.sample(PLACES, 2)
        said = sloppy(rng, rng.choice([f"I'm from {origin} originally but live in {home} now",
                                       f"hey I'm originally from {origin} but I live in {home} now"]), btw=0.2)  # fmt: skip
        got = ask([said], "where do i live?")
        assert fold(home) in fold(got) and fold(origin) not in fold(got), why(
            f"{said!r}: lives in {home}", got
        )
        got = ask([said], "where am i from?")
        assert fold(origin) in fold(got), why(f"{said!r}: from {origin}", got)


def test_a_pet_with_its_age_in_one_breath_is_recalled(rng):
    pet, name, age = rng.choice(["cat", "dog"]), rng.choice(["mochi", "pepper", "rex"]), rng.randint(2, 14)
    got = ask([f"my {pet} {name} is {age}"], f"how old is my {pet}?")
    assert str(age) in got, why(f"{pet} {name} is {age}", got)
    got = ask([f"my {pet} {name} is {age}"], f"what's my {pet} called?")
    assert name.capitalize() in got, why(f"{pet} {name}", got)


def test_a_value_the_assistant_restated_is_recalled(rng):
    code = str(rng.randint(1000, 9999))
    noun = rng.choice(["locker code", "hotel room number", "booking reference"])
    messages = [user(f"remember my {noun} please"), assistant("Of course, what is it?"), user(code),
                assistant(f"Got it: your {noun} is {code}."), user(f"what's my {noun}?")]  # fmt: skip
    got = recall.answer_from_history(messages) or ""
    assert code in got, why(f"the assistant restated {code}", got)


def test_a_date_the_assistant_confirmed_is_recalled(rng):
    event, day = rng.choice(["checkup", "dentist", "interview", "haircut"]), ordinal(rng.randint(1, 28))
    messages = [user(f"can you note my {event} date? it's the {day}"), assistant(f"Noted: your {event} is on the {day}."),
                user(f"when's my {event}?")]  # fmt: skip
    got = recall.answer_from_history(messages) or ""
    assert day in got, why(f"the assistant confirmed the {day}", got)


def test_a_pronoun_later_in_the_instructions_is_the_user(rng):
    name, place = rng.choice(["Kenji", "Ines", "Tomasz", "Aoife"]), rng.choice(PLACES)
    text = rng.choice([f"The user's name is {name} and {rng.choice(['he', 'she', 'they'])} lives in {place}.",
                       f"The user's name is {name}. {rng.choice(['He', 'She'])} lives in {place}."])  # fmt: skip
    got = ask([], "where do i live?", [{"role": rng.choice(["system", "developer"]), "content": text}])
    assert fold(place) in fold(got), why(f"{text!r}", got)


def test_the_latest_move_wins(rng):
    first, second, third = rng.sample(PLACES, 3)
    history = [
        f"i live in {first}",
        f"we moved to {second} in may",
        rng.choice([f"and now we're in {third}", f"we're in {third} now"]),
    ]
    got = ask([sloppy(rng, h, btw=0.2) for h in history], "where do i live?")
    assert fold(third) in fold(got) and fold(first) not in fold(got) and fold(second) not in fold(got), why(
        f"{history}", got
    )


def test_what_was_never_said_is_unknown_and_no_neighbour_is_given(rng):
    name, place = rng.choice(["rex", "mochi", "biscuit"]), rng.choice(PLACES)
    got = ask([f"my dog is called {name}", f"i live in {place}"], "what's my wife's name?")
    assert "haven't told" in got and name.capitalize() not in got, why("no wife was named", got)
    day = ordinal(rng.randint(1, 28))
    got = ask([f"my anniversary is on the {day} of may"], "when's my birthday?")
    assert day not in got and re.search("haven't told|can't find", got), why("no birthday was given", got)


def test_a_question_about_no_event_of_the_users_is_left_alone(rng):
    question = rng.choice(
        ["when's the next train to leeds?", "what time is the match tonight?", "when is the sale?"]
    )
    got = ask([f"my {rng.choice(EVENTS)} is on {rng.choice(DAYS)}"], question)
    assert "haven't told" not in got and "your" not in got.lower(), why(
        f"{question!r} asks about no date of the user's", got
    )


# ---------------------------------------------------------------- both APIs
@pytest.fixture
def sdk(llm_stub) -> OpenAI:
    return OpenAI(base_url=llm_stub.base_url, api_key=llm_stub.api_key, max_retries=0, timeout=10)


def _scene(rng) -> tuple[str, list[str], str, str]:
    """(a system text, what the user says, the question, the expected value) with a correction in it."""
    event, (old, new) = rng.choice(EVENTS), rng.sample(DAYS, 2)
    place = rng.choice(PLACES)
    said = [f"my {event} is on {old}", f"actually make it {new}"]
    return (
        f"The user lives in {place}.",
        said,
        f"when's my {first_word(event)}? and where do i live?",
        new + "|" + place,
    )


def _check(got: str, expected: str, what: str) -> None:
    for value in expected.split("|"):
        assert fold(value) in fold(got), why(f"{what}: {value}", got)


def test_recall_on_chat_completions(sdk, rng):
    system, said, question, expected = _scene(rng)
    messages = [{"role": "system", "content": system}]
    for s in said:
        messages += [user(s), assistant("Noted.")]
    got = (
        sdk.chat.completions.create(model=PLAIN, messages=[*messages, user(question)])
        .choices[0]
        .message.content
    )
    _check(got or "", expected, "Chat Completions")


def test_recall_on_a_responses_input_list_with_developer_role_and_parts(sdk, rng):
    system, said, question, expected = _scene(rng)
    items: list[dict] = [
        {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": system}]}
    ]
    for s in said:
        items += [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": s}]},
                  {"role": "assistant", "content": "Noted."}]  # fmt: skip
    items.append({"role": "user", "content": question})
    _check(sdk.responses.create(model=PLAIN, input=items).output_text, expected, "Responses input list")


def test_recall_on_the_responses_api_with_instructions(sdk, rng):
    system, said, question, expected = _scene(rng)
    items = [{"role": "user", "content": s} for s in said] + [{"role": "user", "content": question}]
    got = sdk.responses.create(model=PLAIN, instructions=system, input=items).output_text
    _check(got, expected, "Responses with instructions")


def test_recall_through_a_previous_response_id_chain(sdk, rng):
    system, said, question, expected = _scene(rng)
    first = sdk.responses.create(
        model=PLAIN, input=[{"role": "developer", "content": system}, {"role": "user", "content": said[0]}]
    )
    second = sdk.responses.create(model=PLAIN, input=said[1], previous_response_id=first.id)
    third = sdk.responses.create(model=PLAIN, input=question, previous_response_id=second.id)
    _check(third.output_text, expected, "previous_response_id chain")
