"""Recall of what users say about themselves in everyday phrasing (issue 24), on both APIs.

Inputs are drawn per run from the seeded ``rng`` (the seed is printed with a failure: replay with
``RESPONSES_TEST_SEED``). Each test is one clause of the contract: the fact is recalled from the history sent,
the latest statement wins, a fact about someone else is never the user's, the stub's own earlier words are
quoted, and what was never said is said to be unknown.
"""

from __future__ import annotations

import re

import pytest
from openai import OpenAI

from llm_stub import knowledge, recall

from .models import PLAIN
from .talk import ask, assistant, sloppy, user, why


def cap(word: str) -> str:
    return word[:1].upper() + word[1:]


NAMES = ["biscuit", "rex", "mochi", "pepper", "luna", "nugget", "olive", "ziggy", "bramble", "pip"]
PETS = ["dog", "cat", "rabbit", "hamster", "beagle", "parrot", "tortoise", "kitten"]


# ---------------------------------------------------------------- pets and other things named
def test_a_pet_named_in_passing_is_recalled_by_its_kind(rng):
    for _ in range(10):
        pet, name = rng.choice(PETS), rng.choice(NAMES)
        said = rng.choice([f"we've got a {pet} called {name}", f"i have a little {pet} named {name}",
                           f"my {pet}'s name is {name}", f"our {pet} is called {name}", f"we adopted a {pet} called {name}"])  # fmt: skip
        if "adopted" in said:
            said = said.replace("adopted", "have")
        question = rng.choice(
            [f"what's my {pet}'s name?", f"whats the name of my {pet}", f"what is my {pet} called?"]
        )
        got = ask([sloppy(rng, said)], question)
        assert cap(name) in got, why(f"{said!r} then {question!r} should give {cap(name)}", got)


def test_several_pets_of_one_kind_are_all_named(rng):
    for _ in range(6):
        first, second = rng.sample(NAMES, 2)
        kind = rng.choice(["cats", "dogs", "rabbits", "kids"])
        count = rng.choice(["two", "2"])
        got = ask([f"i have {count} {kind}, {first} and {second}"], f"what are my {kind} called?")
        assert cap(first) in got and cap(second) in got, why(f"both {kind} are named", got)


def test_two_pets_named_in_one_message_are_not_crossed(rng):
    for _ in range(6):
        (a, b), (x, y) = rng.sample(["rabbit", "hamster", "dog", "cat", "parrot"], 2), rng.sample(NAMES, 2)
        said = f"we have a {a} named {x} and a {b} named {y}"
        got = ask([said], f"what's the {b} called?")
        assert cap(y) in got and cap(x) not in got, why(f"{said!r}: the {b} is {cap(y)}", got)


def test_someone_elses_pet_is_not_the_users(rng):
    for _ in range(6):
        who, pet, name = (
            rng.choice(["sister", "brother", "neighbour", "friend"]),
            rng.choice(PETS),
            rng.choice(NAMES),
        )
        said = rng.choice([f"my {who} has a {pet} called {name}", f"she has a {pet} named {name}"])
        got = ask([said], f"what's my {pet}'s name?")
        assert cap(name) not in got, why(f"{said!r} names someone else's {pet}", got)


# ---------------------------------------------------------------- jobs
JOBS = ["paramedic", "data analyst", "nurse", "plumber", "architect", "pharmacist", "software engineer"]


def test_a_job_in_everyday_phrasing_is_recalled(rng):
    for _ in range(8):
        job = rng.choice(JOBS)
        a = "an" if job[0] in "aeiou" else "a"
        said = rng.choice([f"i work as {a} {job}", f"i'm {a} {job} at a bank", f"im {a} {job} these days",
                           f"i've been working as {a} {job} for 6 years"])  # fmt: skip
        got = ask(
            [sloppy(rng, said)], rng.choice(["what's my job?", "what do i do for a living?", "whats my job"])
        )
        assert job in got, why(f"{said!r} gives the job {job!r}", got)


def test_a_job_said_by_what_one_does_is_recalled(rng):
    for _ in range(6):
        verb, what = rng.choice(
            [("teaching", "maths"), ("nursing", ""), ("coding", "python"), ("driving", "buses")]
        )
        said = f"been {verb} {what} for {rng.randint(2, 30)} years".replace("  ", " ")
        got = ask([said], "what's my job?")
        assert verb in got and "haven't told" not in got, why(f"{said!r} says what the user does", got)


def test_an_employer_written_in_lower_case_is_recalled_when_it_is_a_known_company(rng):
    for _ in range(4):
        company = rng.choice(["spotify", "microsoft", "amazon", "nvidia"])
        got = ask([f"i'm a designer at {company}"], "where do i work?")
        assert company in got.lower(), why(f"{company} is the employer", got)


# ---------------------------------------------------------------- home
PLACES = ["leeds", "porto", "lyon", "bristol", "krakow", "valencia", "glasgow", "munich"]


def test_home_in_everyday_phrasing_is_recalled(rng):
    for _ in range(10):
        place = rng.choice(PLACES)
        said = rng.choice([f"i'm based in {place}", f"we moved to {place} last year", f"living in {place} these days",
                           f"we live in {place}", f"btw i relocated to {place}"])  # fmt: skip
        got = ask(
            [sloppy(rng, said)],
            rng.choice(["where do i live?", "which city do i live in?", "where am i based?"]),
        )
        assert knowledge.city(place).name in got, why(f"{said!r} gives the home {place}", got)


def test_where_a_relative_lives_is_not_the_users_home(rng):
    for _ in range(6):
        theirs, mine = rng.sample(PLACES, 2)
        who = rng.choice(["sister", "mum", "brother", "best friend"])
        got = ask([f"my {who} lives in {theirs}"], "where do i live?")
        assert knowledge.city(theirs).name not in got, why(f"the {who}'s city is not the user's home", got)
        got = ask([f"my {who} lives in {theirs}. i live in {mine}"], "where do i live?")
        assert knowledge.city(mine).name in got and knowledge.city(theirs).name not in got, why(
            "the user's own city", got
        )


# ---------------------------------------------------------------- food
FOODS = ["shellfish", "peanuts", "gluten", "dairy", "eggs", "sesame", "mushrooms"]


def test_allergies_and_foods_one_cannot_eat_are_recalled(rng):
    for _ in range(8):
        food = rng.choice(FOODS)
        said = rng.choice(
            [f"i'm allergic to {food}", f"i can't eat {food}", f"fyi im severely allergic to {food}"]
        )
        question = rng.choice(
            ["what am i allergic to?", "is there anything i can't eat?", "any food restrictions i mentioned?"]
        )
        got = ask([sloppy(rng, said)], question)
        assert food in got, why(f"{said!r} then {question!r}", got)


def test_a_diet_is_recalled(rng):
    for _ in range(6):
        diet = rng.choice(["vegan", "vegetarian", "pescatarian", "lactose intolerant", "coeliac"])
        got = ask(
            [sloppy(rng, f"i'm {diet}")],
            rng.choice(["what's my diet?", "any dietary requirements i told you?"]),
        )
        assert diet in got, why(f"the diet {diet!r}", got)


def test_a_relatives_allergy_is_not_the_users(rng):
    food = rng.choice(FOODS)
    got = ask(
        [f"my {rng.choice(['son', 'daughter', 'husband'])} is allergic to {food}"], "what am i allergic to?"
    )
    assert food not in got, why("someone else's allergy", got)


# ---------------------------------------------------------------- dates and counts
MONTHS = ["january", "march", "may", "june", "september", "november"]


def test_a_birthday_or_anniversary_is_recalled(rng):
    for _ in range(8):
        day, month = rng.randint(1, 28), rng.choice(MONTHS)
        event = rng.choice(["birthday", "anniversary"])
        owner = "our" if event == "anniversary" else "my"
        said = rng.choice([f"{owner} {event}'s on {day} {month}", f"{owner} {event} is on the {day}th of {month}",
                           f"{owner} {event} is {month} {day}"])  # fmt: skip
        got = ask([sloppy(rng, said)], f"when's {owner} {event}?")
        assert re.search(rf"\b{day}(?:th)?\b", got) and month in got.lower(), why(f"{said!r}", got)


def test_counts_are_summed_with_their_parts(rng):
    for _ in range(8):
        kids, pets = rng.randint(1, 5), rng.randint(2, 4)
        pet = rng.choice(["dogs", "cats", "rabbits"])
        said = f"i've got {kids} {'kid' if kids == 1 else 'kids'} and {pets} {pet}"
        got = ask(
            [said], rng.choice(["how many pets and kids in total?", "how many kids and pets do i have?"])
        )
        assert re.search(rf"\b{kids + pets}\b", got) and str(pets) in got, why(
            f"{said!r}: {kids + pets} with parts", got
        )
        got = ask([said], "how many pets do i have?")
        assert re.search(rf"\b{pets}\b", got) and pet in got, why(f"{said!r}: {pets} pets", got)


# ---------------------------------------------------------------- spelling
SURNAMES = ["Wiśniewski", "Nakamura", "O'Connor", "Müller", "Fitzgerald", "Ødegaard"]


def test_a_surname_is_spelled_letter_by_letter(rng):
    for _ in range(6):
        surname = rng.choice(SURNAMES)
        said = rng.choice(
            [f"my surname is {surname}", f"my last name's {surname}", f"my name is Ana {surname}"]
        )
        got = ask([said], rng.choice(["how do you spell my surname?", "can you spell my last name?"]))
        letters = "-".join(c.upper() for c in surname if c.isalpha())
        assert letters in got, why(f"{surname} spelled {letters}", got)


# ---------------------------------------------------------------- corrections
def test_the_latest_statement_wins_for_every_kind(rng):
    (old_place, new_place), (old_job, new_job) = rng.sample(PLACES, 2), rng.sample(JOBS, 2)
    old_food, new_food = rng.sample(FOODS, 2)
    cases = [
        ([f"i live in {old_place}", f"i moved to {new_place} last month"], "where do i live?",
         knowledge.city(new_place).name, knowledge.city(old_place).name),
        ([f"i work as a {old_job}", f"actually i'm a {new_job} now"], "what's my job?", new_job, old_job),
        (["my favourite colour is red", "sorry, i meant blue"], "what's my favourite colour?", "blue", "red"),
        (["my birthday is on the 12th of may", "actually it's the 15th, not the 12th"], "when's my birthday?", "15", "12"),
        ([f"my dog is called {cap(NAMES[0])}", f"sorry, his name is {NAMES[1]}, not {NAMES[0]}"],
         "what's my dog's name?", cap(NAMES[1]), cap(NAMES[0])),
    ]  # fmt: skip
    for history, question, new, old in cases:
        got = ask([sloppy(rng, h) for h in history], question)
        assert new.lower() in got.lower() and old.lower() not in got.lower(), why(
            f"{history}: only {new!r}", got
        )
    assert old_food != new_food


def test_a_correction_of_a_number_said_is_the_answer(rng):
    for _ in range(4):
        old, new = rng.sample(range(2, 13), 2)
        history = [f"book a table for {old} people on friday", rng.choice([f"no wait, make that {new} people",
                                                                          f"sorry, make it {new}"])]  # fmt: skip
        got = ask(history, "how many people did i say?")
        assert got.startswith(f"You said {new}"), why(f"the corrected {new}", got)


def test_a_correction_that_is_no_value_changes_nothing(rng):
    colour = rng.choice(["red", "green", "teal"])
    for fix in ("make it quick please", "sorry, i meant to ask something else", "actually make it shorter"):
        got = ask([f"my favourite colour is {colour}", fix], "what's my favourite colour?")
        assert got == f"Your favourite colour is {colour}.", why(f"{fix!r} corrects nothing", got)


# ---------------------------------------------------------------- the assistant's own words
def test_a_name_the_assistant_came_up_with_is_quoted(rng):
    for _ in range(4):
        made_up = rng.choice(["Flour Power", "Crumb & Co", "Rise Up", "The Daily Loaf"])
        style = rng.choice(["**{}**", "*{}*", '"{}"'])
        messages = [user("suggest a name for my bakery"), assistant(f"How about {style.format(made_up)}? It's catchy."),
                    user("thanks"), assistant("You're welcome!")]  # fmt: skip
        question = rng.choice(["what was the name you came up with?", "what name did you suggest?",
                               "remind me the name you suggested"])  # fmt: skip
        got = recall.answer_from_history([*messages, user(question)]) or ""
        assert made_up in got and "**" not in got, why(f"{question!r} quotes {made_up!r}", got)


def test_what_the_assistant_said_about_a_topic_is_quoted(rng):
    tips = ["keep a fixed bedtime", "avoid screens an hour before bed", "keep the room cool"]
    rng.shuffle(tips)
    messages = [user("tips for sleeping?"), assistant(f"{cap(tips[0])}, {tips[1]}, and {tips[2]}."),
                user("ok"), assistant("Anything else?")]  # fmt: skip
    for topic, tip in (("screens", "avoid screens"), ("bedtime", "fixed bedtime"), ("room", "room cool")):
        got = recall.answer_from_history([*messages, user(f"remind me what you said about {topic}")]) or ""
        low = got.lower()
        assert tip in low and all(t not in low for t in tips if tip not in t), why(
            f"the {topic} tip alone", got
        )
    got = recall.answer_from_history([*messages, user("what did you say about coffee?")]) or ""
    assert "can't find" in got, why("nothing was said about coffee", got)


# ---------------------------------------------------------------- a fact plus data
def test_a_day_trip_from_home_lists_towns_within_reach(rng):
    place = rng.choice(["leeds", "lyon", "porto", "munich", "glasgow"])
    got = ask([f"i'm based in {place}"], rng.choice(["where could i go for a day trip from home?",
                                                     "any day trip ideas near me?"]))  # fmt: skip
    home = knowledge.city(place)
    assert f"within about 150 km of {home.name}" in got, why("the distance is said", got)
    towns = re.findall(r"([^,:]+?) \((\d+) km\)", got.split(":", 1)[1])
    assert 1 <= len(towns) <= 5, why("a short list", got)
    for _town, km in towns:
        assert 25 <= int(km) <= 150, why("each town within reach, none in the same town", got)


def test_a_day_trip_without_a_home_asks_where_the_user_lives():
    got = ask(["hi"], "any day trip ideas from where i live?")
    assert "where do you live" in got.lower(), why("the stub asks", got)


# ---------------------------------------------------------------- honest when absent
def test_a_fact_never_given_is_said_to_be_unknown(rng):
    question = rng.choice(["what am i allergic to?", "when's my birthday?", "how many kids do i have?",
                           "how do you spell my surname?"])  # fmt: skip
    got = ask(["hello there"], question)
    assert "haven't told me" in got, why("nothing was said", got)


def test_a_fact_said_in_a_phrasing_not_read_is_not_denied(rng):
    """The history talks about it in words the stub did not read: "I can't find", not "you haven't told me"."""
    said, question = rng.choice([("we live in a tiny flat near the harbour", "where do i live?"),
                                 ("gluten makes me really ill", "is there anything i can't eat?")])  # fmt: skip
    got = ask([said], question)
    assert "can't find" in got and "haven't told" not in got, why(f"{said!r} may say it", got)


# ---------------------------------------------------------------- both APIs
@pytest.fixture
def sdk(llm_stub) -> OpenAI:
    return OpenAI(base_url=llm_stub.base_url, api_key=llm_stub.api_key, max_retries=0, timeout=10)


def test_recall_on_chat_completions(sdk, rng):
    food = rng.choice(FOODS)
    messages = [user(f"hi, btw i'm allergic to {food}"), assistant("Noted!"), user("what am i allergic to?")]
    got = sdk.chat.completions.create(model=PLAIN, messages=messages).choices[0].message.content
    assert food in got, why("Chat Completions history", got)


def test_recall_on_the_responses_api_input_list(sdk, rng):
    place = rng.choice(PLACES)
    items = [{"role": "user", "content": f"we moved to {place} last year"}, {"role": "assistant", "content": "Nice!"},
             {"role": "user", "content": "where do i live now?"}]  # fmt: skip
    got = sdk.responses.create(model=PLAIN, input=items).output_text
    assert knowledge.city(place).name in got, why("Responses input list", got)


def test_recall_through_a_previous_response_id_chain(sdk, rng):
    pet, name = rng.choice(PETS), rng.choice(NAMES)
    first = sdk.responses.create(model=PLAIN, input=f"we've got a {pet} called {name}")
    second = sdk.responses.create(model=PLAIN, input="i'm based in leeds", previous_response_id=first.id)
    third = sdk.responses.create(
        model=PLAIN, input=f"what's my {pet}'s name?", previous_response_id=second.id
    )
    assert cap(name) in third.output_text, why("the chain holds the first turn", third.output_text)


# ---------------------------------------------------------------- found by the fresh probe set
def test_a_pet_named_in_the_next_breath_is_recalled(rng):
    pet, name = rng.choice(PETS), rng.choice(NAMES)
    said = rng.choice([f"just got a {pet}!! her name is {name}", f"we got a {pet}, his name's {name}",
                       f"i adopted a {pet}. she's called {name}"])  # fmt: skip
    got = ask([said], rng.choice([f"what did i say my {pet} is called", f"what's my {pet}'s name?"]))
    assert cap(name) in got, why(f"{said!r} names the {pet}", got)


def test_a_field_of_work_is_recalled_and_a_city_is_not_a_field(rng):
    field = rng.choice(["marketing", "finance", "healthcare", "logistics"])
    got = ask([f"i work in {field}"], rng.choice(["what field do i work in?", "what's my job?"]))
    assert field in got, why(f"the field {field}", got)
    place = rng.choice(PLACES)
    got = ask([f"i work in {place}"], "what field do i work in?")
    assert place not in got.lower(), why(f"{place} is a place, not a field", got)


def test_what_was_suggested_is_found_behind_small_talk(rng):
    made_up = rng.choice(["Sea Biscuit", "Wave Runner", "Salty Dog"])
    messages = [user("name my boat"), assistant(f"I'd go with *{made_up}*."), user("lol"), assistant(":)")]
    got = recall.answer_from_history([*messages, user("what did you suggest?")]) or ""
    assert made_up in got and ":)" not in got, why("the suggestion, not the smiley", got)


def test_a_question_without_its_question_mark_is_not_taken_as_a_fact(rng):
    pet = rng.choice(PETS)
    got = recall.greeting_reply([user(f"what did i say my {pet} is called")])
    assert got is None, why("a question states nothing", got)
