"""Issue 24: structured output filled from the sentence's structure, and agent frameworks' wire habits.

Learners' own schemas (Contact, Meeting with attendees and roles, Event with a venue, a weather report) and
texts in varied phrasing, lower case as often as not, through the real HTTP stub. Names, companies, roles,
places, numbers and phrasings are drawn per run from a seeded source; the seed is in every failure message
(``LLM_STUB_TEST_SEED=<seed>`` replays a run). One test per clause of the contract:

* a person and an organisation are told apart by the sentence ("X from Y", "Y's X", "he works at Y"), not
  by capitals; optional fields the text does not give stay null; a phone number is kept as written;
* each person of a list gets the role written next to them, never a neighbour's;
* an event's name is never its venue; a venue is what follows "at", up to the date; a clock time is no venue;
* an agent that sends tool results as user text ("Observation: ...", smolagents' "Call id: ...") and forces an
  answer tool gets the answer tool, filled from the observation;
* DSPy's JSONAdapter (response_format + "Outputs will be a JSON object") gets a JSON object with exactly the
  output fields, never the ChatAdapter's "[[ ## x ## ]]" sections; the ChatAdapter keeps its sections;
* structured output after earlier turns or tool outputs (chat and Responses) is filled from the conversation.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from typing import Optional

import pytest
from pydantic import BaseModel

from .models import PLAIN

SEED = int(os.environ.get("LLM_STUB_TEST_SEED") or random.randrange(2**32))
MODEL = PLAIN

GIVEN = ["mara", "jonas", "tomas", "aiko", "priya", "lena", "omar", "kofi", "nadia", "elif", "ravi", "sofia",
         "lukas", "hannah", "ines", "marek", "yusuf", "greta", "tariq", "noor"]  # fmt: skip
SYLLABLES = ["lin", "dor", "ka", "ve", "mo", "rin", "sa", "tol", "be", "nu", "qui", "fjor", "zel", "ha", "ok"]
ORG_TAILS = ["works", "loop", "labs", "light", "wind", "field", "stack", "forge"]
ROLES = ["pm", "qa", "designer", "cfo", "intern", "tech lead", "backend", "frontend", "legal", "data analyst"]


@pytest.fixture(scope="module")
def client(plain_client):
    return plain_client


@pytest.fixture
def rng(request) -> random.Random:
    return random.Random(f"{SEED}:{request.node.name}")


def why(text: str, got: object) -> str:
    return f"{text!r} -> {got!r} (replay with LLM_STUB_TEST_SEED={SEED})"


def surname(rng: random.Random) -> str:
    return "".join(rng.sample(SYLLABLES, 2)) + rng.choice(["", "er", "s", "ov", "a"])


def company(rng: random.Random) -> str:
    one = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(ORG_TAILS)
    return one if rng.random() < 0.6 else f"{one} {rng.choice(['labs', 'studio', 'analytics', 'group'])}"


def written(rng: random.Random, name: str) -> str:
    """A name as a learner types it: lower case as often as capitalised."""
    return name if rng.random() < 0.5 else name.title()


def title(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in name.split())


class Contact(BaseModel):
    name: str
    company: Optional[str] = None  # noqa: UP045 - the way learners write it
    email: Optional[str] = None  # noqa: UP045
    phone: Optional[str] = None  # noqa: UP045


class Attendee(BaseModel):
    name: str
    role: str


class Meeting(BaseModel):
    title: str
    attendees: list[Attendee]


class Event(BaseModel):
    name: str
    date: str
    venue: Optional[str] = None  # noqa: UP045


def parse(client, text_or_messages, model):
    messages = (
        [{"role": "user", "content": text_or_messages}]
        if isinstance(text_or_messages, str)
        else text_or_messages
    )
    r = client.beta.chat.completions.parse(model=MODEL, messages=messages, response_format=model)
    message = r.choices[0].message
    assert message.parsed is not None, why(str(text_or_messages), message.refusal)
    return message.parsed


# --------------------------------------------------------------------------- a person and an organisation


def test_person_from_company_in_lower_case(client, rng):
    for _ in range(3):
        person = f"{rng.choice(GIVEN)} {surname(rng)}"
        org = company(rng)
        text = rng.choice(
            [
                "{p} from {o}, no email",
                "add {p} from {o}",
                "new contact: {p} at {o}",
                "{p} of {o} - save them pls",
                "please save {p} @ {o}",
            ]
        ).format(p=written(rng, person), o=written(rng, org))
        got = parse(client, text, Contact)
        assert got.name.lower() == person and (got.company or "").lower() == org, why(text, got)
        assert got.email is None and got.phone is None, why(text, got)


def test_company_owns_person_with_possessive(client, rng):
    person, org = f"{rng.choice(GIVEN)} {surname(rng)}", company(rng)
    address = f"{person.split()[0]}@{org.split()[0]}.io"
    mark = rng.choice(["'s", "'"])
    text = f"{written(rng, org)}{mark} {written(rng, person)}, {address}"
    got = parse(client, text, Contact)
    assert got.name.lower() == person and (got.company or "").lower() == org, why(text, got)
    assert got.email == address, why(text, got)


def test_company_named_after_a_pronoun(client, rng):
    person, org = f"{rng.choice(GIVEN)} {surname(rng)}", company(rng)
    text = rng.choice(["met {p} yesterday, {h}'s with {o}", "save {p}, {h} works at {o}"]).format(
        p=written(rng, person), o=written(rng, org), h=rng.choice(["he", "she"])
    )
    got = parse(client, text, Contact)
    assert got.name.lower() == person and (got.company or "").lower() == org, why(text, got)


def test_contact_without_a_company_leaves_it_null(client, rng):
    person = f"{rng.choice(GIVEN)} {surname(rng)}"
    address = f"{person.replace(' ', '.')}@example.com"
    text = f"contact: {written(rng, person)}, {rng.choice(['freelancer', 'my neighbour', 'met at a talk'])}, {address}"
    got = parse(client, text, Contact)
    assert got.name.lower() == person and got.company is None and got.email == address, why(text, got)


def test_a_verb_before_the_name_is_no_part_of_it(client, rng):
    person = f"{rng.choice(GIVEN)} {surname(rng)}"
    address = f"{person.split()[0]}@example.org"
    lead = rng.choice(["you can reach", "please email", "call", "ping", "you can contact"])
    text = f"{lead} {written(rng, person)} at {address}{rng.choice(['', ' or 555-0142', ' anytime'])}"
    got = parse(client, text, Contact)
    assert got.name.lower() == person and got.email == address, why(f"{text}: the name is {person}", got)


def test_phone_number_kept_as_written(client, rng):
    person, org = f"{rng.choice(GIVEN)} {surname(rng)}", company(rng)
    number = rng.choice(
        [
            f"07700 {rng.randrange(100000, 999999)}",
            f"+49 30 {rng.randrange(1000000, 9999999)}",
            f"555-{rng.randrange(1000, 9999)}",
        ]
    )
    text = f"{written(rng, person)} at {written(rng, org)}, {rng.choice(['phone', 'tel', 'mobile'])} {number}"
    got = parse(client, text, Contact)
    assert got.phone == number and got.name.lower() == person, why(text, got)


def test_words_that_name_no_one_are_no_contact(client, rng):
    org = company(rng)
    text = rng.choice(
        ["order status from {o}", "email support at {o} about my refund", "the invoice from {o}"]
    )
    text = text.format(o=written(rng, org))
    r = client.beta.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": text}], response_format=Contact
    )
    got = r.choices[0].message.parsed
    assert got is None or got.name.lower() not in text.lower().split(), why(text, got)


class Trip(BaseModel):
    traveller: str
    destination: str
    nights: Optional[int] = None  # noqa: UP045


def test_traveller_is_the_sentence_subject(client, rng):
    person = rng.choice(GIVEN + [surname(rng)]).title()
    city = rng.choice(["Tokyo", "Nairobi", "Lisbon", "Bogotá", "Hanoi"])
    lead = rng.choice(["", "my colleague ", "our client ", "my sister "])
    text = f"{lead}{person if not lead else written(rng, person)} {rng.choice(['is flying', 'heads', 'travels'])} to {city}"
    got = parse(client, text, Trip)
    assert got.traveller.lower() == person.lower() and got.destination == city, why(text, got)
    assert got.nights is None, why(text, got)


def test_a_subject_that_is_no_person_is_no_traveller(client, rng):
    text = rng.choice(
        ["everything is booked for Lisbon", "Tokyo is lovely in spring", "it is a trip to Lima"]
    )
    r = client.beta.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": text}], response_format=Trip
    )
    got = r.choices[0].message.parsed
    assert got is None or got.traveller.lower() not in ("everything", "tokyo", "it"), why(text, got)


# --------------------------------------------------------------------------- people and their roles


def _attendee_text(rng: random.Random, people: list[tuple[str, str]]) -> str:
    forms = ["{n} ({r})", "{n} from {r}", "{n} as {r}", "{n} - {r}", "{n}, our {r}"]
    parts = [rng.choice(forms).format(n=written(rng, n), r=r) for n, r in people]
    listed = ", ".join(parts[:-1]) + rng.choice([" and ", ", and ", ", "]) + parts[-1]
    return rng.choice(["{t} tomorrow: {l}", "{t} with {l}", "{t}: {l}"]).format(
        t=rng.choice(["standup", "Design review", "budget sync", "retro"]), l=listed
    )


def test_each_attendee_keeps_their_own_role(client, rng):
    for _ in range(3):
        names = rng.sample(GIVEN, rng.choice([2, 3]))
        people = list(zip(names, rng.sample(ROLES, len(names)), strict=True))
        text = _attendee_text(rng, people)
        got = parse(client, text, Meeting)
        said = {a.name.lower(): a.role.lower() for a in got.attendees}
        assert set(said) == set(names), why(text, got)
        for name, role in people:
            assert said[name] == role, why(text, got)


def test_role_after_a_name_is_not_shifted_to_a_neighbour(client, rng):
    first, second = rng.sample(GIVEN, 2)
    other = rng.choice(["intern", "guest"])
    role = rng.choice([r for r in ROLES if r != other])  # the same role for both could not tell a shift apart
    text = f"kickoff with {written(rng, first)}, our {role}, and {written(rng, second)} ({other})"
    got = parse(client, text, Meeting)
    said = {a.name.lower(): a.role.lower() for a in got.attendees}
    assert said.get(first) == role and said.get(second) != role, why(text, got)


def test_meeting_title_is_the_words_before_the_list_never_a_person(client, rng):
    names = rng.sample(GIVEN, 2)
    heading = rng.choice(["quarterly review", "housewarming", "design crit", "sprint planning"])
    listed = " and ".join(
        f"{written(rng, n)} ({r})" for n, r in zip(names, rng.sample(ROLES, 2), strict=True)
    )
    text = f"{heading}{rng.choice([': ', ' with '])}{listed}"
    got = parse(client, text, Meeting)
    assert got.title.lower() == heading, why(text, got)


class Booking(BaseModel):
    guest: str
    hotel: Optional[str] = None  # noqa: UP045
    nights: Optional[int] = None  # noqa: UP045


def test_guest_and_hotel_are_not_crossed(client, rng):
    guest = rng.choice(GIVEN).title()
    hotel = rng.choice(["Hotel Sol", "the Grand Hotel", "Casa Verde", "the Harbour Inn"])
    nights = rng.randrange(2, 9)
    text = rng.choice(["Book {g} into {h} for {n} nights", "{g} needs a room at {h} for {n} nights"])
    text = text.format(g=guest, h=hotel, n=nights)
    got = parse(client, text, Booking)
    assert got.guest == guest and (got.hotel or "").lower() == hotel.lower() and got.nights == nights, why(
        text, got
    )


# --------------------------------------------------------------------------- an event and its venue

EVENTS = ["pub quiz", "book club", "karaoke night", "jazz brunch", "wine tasting", "team offsite"]
VENUES = ["the red lion", "cafe luna", "the old mill", "hotel miramar", "the blue moon bar"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _next(day: str) -> str:
    today = dt.date.today()
    ahead = (DAYS.index(day) - today.weekday()) % 7 or 7
    return (today + dt.timedelta(days=ahead)).isoformat()


def test_event_name_is_not_its_venue(client, rng):
    for _ in range(3):
        name, venue, day = rng.choice(EVENTS), rng.choice(VENUES), rng.choice(DAYS)
        text = rng.choice(["{e} at {v} next {d}", "{e} on {d} at {v}", "{e}, {d}, at {v}"]).format(
            e=written(rng, name), v=written(rng, venue), d=day
        )
        got = parse(client, text, Event)
        assert got.name.lower() == name, why(text, got)
        assert (got.venue or "").lower() == venue and got.venue == title(got.venue), why(text, got)
        assert got.date.startswith(_next(day)), why(text, got)


def test_clock_time_is_no_venue(client, rng):
    name, day = rng.choice(EVENTS), rng.choice(DAYS)
    text = f"{name} on {day} at {rng.randrange(5, 10)}{rng.choice(['pm', ' pm'])}"
    got = parse(client, text, Event)
    assert got.name.lower() == name and got.venue is None, why(text, got)


# --------------------------------------------------------------------------- agents' observations as user text

WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Get the weather for a city",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}  # fmt: skip
FINAL = {"type": "function", "function": {"name": "final_answer", "description": "Provides a final answer to the given problem.",
         "parameters": {"type": "object", "properties": {"answer": {"type": "string", "description": "The final answer"}},
                        "required": ["answer"]}}}  # fmt: skip
CITIES = ["Oslo", "Lima", "Porto", "Cairo", "Hanoi", "Quito"]
CONDITIONS = ["cloudy", "sunny", "light rain", "drizzle", "overcast"]


def _calls(client, messages, tools, choice):
    r = client.chat.completions.create(model=MODEL, messages=messages, tools=tools, tool_choice=choice)
    return [
        (c.function.name, json.loads(c.function.arguments)) for c in r.choices[0].message.tool_calls or []
    ]


def test_forced_final_answer_is_built_from_a_smolagents_observation(client, rng):
    city, temp, sky = rng.choice(CITIES), rng.randrange(-5, 35), rng.choice(CONDITIONS)
    call_id = f"call_{rng.randrange(10**6)}"
    messages = [
        {"role": "system", "content": "You are an expert assistant who can solve any task using tool calls."},
        {"role": "user", "content": f"New task:\nWhat's the weather in {city}?"},
        {
            "role": "assistant",
            "content": "Calling tools:\n[{'id': '" + call_id + "', 'type': 'function', "
            "'function': {'name': 'get_weather', 'arguments': {'city': '" + city + "'}}}]",
        },  # fmt: skip
        {
            "role": "user",
            "content": f"Call id: {call_id}\nObservation:\n"
            + json.dumps({"temp_c": temp, "conditions": sky}),
        },
    ]
    choice = rng.choice([{"type": "function", "function": {"name": "final_answer"}}, "required"])
    calls = _calls(client, messages, [WEATHER, FINAL], choice)
    assert len(calls) == 1 and calls[0][0] == "final_answer", why(city, calls)
    answer = calls[0][1]["answer"]
    assert str(temp) in answer and sky in answer.lower(), why(city, calls)


def test_forced_answer_tool_is_filled_from_the_observation(client, rng):
    city, temp, sky = rng.choice(CITIES), rng.randrange(1, 35), rng.choice(CONDITIONS)
    name = rng.choice(["WeatherReport", "Forecast", "CityWeather"])
    report = {"type": "function", "function": {"name": name, "description": "The weather, structured",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "temperature_c": {"type": "number"},
                             "conditions": {"type": "string"}}, "required": ["city", "temperature_c", "conditions"]}}}  # fmt: skip
    messages = [
        {"role": "user", "content": f"How's the weather in {city}?"},
        {"role": "assistant", "content": f'Action: get_weather\nAction Input: {{"city": "{city}"}}'},
        {"role": "user", "content": "Observation: " + json.dumps({"temp_c": temp, "conditions": sky})},
    ]
    calls = _calls(client, messages, [WEATHER, report], {"type": "function", "function": {"name": name}})
    assert calls == [(name, {"city": city, "temperature_c": temp, "conditions": sky})], why(city, calls)


# --------------------------------------------------------------------------- DSPy's JSONAdapter


def _dspy(question: str, outputs: list[tuple[str, str, dict]], fmt: str, adapter: str = "json") -> dict:
    """A request as DSPy's adapters write it (stanfordnlp/dspy dspy/adapters/chat_adapter.py, json_adapter.py)."""
    outs = "\n".join(f"{i + 1}. `{n}` ({t}):" for i, (n, t, _) in enumerate(outputs))
    if adapter == "json":
        structure = "{\n" + ",\n".join(f'  "{n}": "{{{n}}}"' for n, _, _ in outputs) + "\n}"
        body = f"Inputs will have the following structure:\n\n[[ ## question ## ]]\n{{question}}\n\nOutputs will be a JSON object with the following fields.\n\n{structure}"
        ask = (
            "Respond with a JSON object in the following order of fields: "
            + ", then ".join(f"`{n}`" for n, _, _ in outputs)
            + "."
        )
    else:
        body = (
            "[[ ## question ## ]]\n{question}\n\n"
            + "\n\n".join(f"[[ ## {n} ## ]]\n{{{n}}}" for n, _, _ in outputs)
            + "\n\n[[ ## completed ## ]]"
        )
        ask = f"Respond with the corresponding output fields, starting with the field `[[ ## {outputs[0][0]} ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`."
    system = (f"Your input fields are:\n1. `question` (str):\nYour output fields are:\n{outs}\nAll interactions will be "
              f"structured in the following way, with the appropriate values filled in.\n\n{body}\nIn adhering to this "
              f"structure, your objective is: \n        Given the fields `question`, produce the fields "
              + ", ".join(f"`{n}`" for n, _, _ in outputs) + ".")  # fmt: skip
    props = {n: s for n, _, s in outputs}
    request: dict = {"messages": [{"role": "system", "content": system},
                                  {"role": "user", "content": f"[[ ## question ## ]]\n{question}\n\n{ask}"}]}  # fmt: skip
    if fmt == "json_object":
        request["response_format"] = {"type": "json_object"}
    elif fmt == "json_schema":
        request["response_format"] = {"type": "json_schema", "json_schema": {"name": "DSPyProgramOutputs", "strict": True,
            "schema": {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}}}  # fmt: skip
    return request


def test_dspy_json_adapter_gets_a_json_object_with_its_fields(client, rng):
    a, b = rng.randrange(2, 90), rng.randrange(2, 90)
    fmt = rng.choice(["json_schema", "json_object"])
    request = _dspy(f"What is {a} plus {b}?", [("answer", "str", {"type": "string"})], fmt)
    content = client.chat.completions.create(model=MODEL, **request).choices[0].message.content
    assert "[[ ##" not in content, why(fmt, content)
    assert json.loads(content) == {"answer": str(a + b)}, why(fmt, content)


def test_dspy_json_adapter_says_honestly_what_needs_a_real_model(client, rng):
    question = rng.choice(["Who wrote Hamlet?", "Why is the sky blue?", "Write a haiku about tea."])
    request = _dspy(
        question, [("answer", "str", {"type": "string"})], rng.choice(["json_schema", "json_object"])
    )
    content = client.chat.completions.create(model=MODEL, **request).choices[0].message.content
    value = json.loads(content)
    assert set(value) == {"answer"} and "real model" in value["answer"], why(question, content)


def test_dspy_json_adapter_fills_typed_fields(client, rng):
    review = rng.choice(
        ["I absolutely loved this phone, the battery is amazing", "Superb service, I'd come back"]
    )
    sentiment = {"type": "string", "enum": ["positive", "negative", "neutral"]}
    request = _dspy(
        review, [("sentiment", "Literal['positive', 'negative', 'neutral']", sentiment)], "json_schema"
    )
    content = client.chat.completions.create(model=MODEL, **request).choices[0].message.content
    assert json.loads(content) == {"sentiment": "positive"}, why(review, content)


def test_dspy_chat_adapter_keeps_its_sections(client, rng):
    a, b = rng.randrange(2, 90), rng.randrange(2, 90)
    request = _dspy(f"What is {a} plus {b}?", [("answer", "str", {"type": "string"})], "none", adapter="chat")
    content = client.chat.completions.create(model=MODEL, **request).choices[0].message.content
    assert content == f"[[ ## answer ## ]]\n{a + b}\n\n[[ ## completed ## ]]", why("chat adapter", content)


def test_field_named_in_an_instruction_is_not_a_labelled_value(client, rng):
    city = rng.choice(["Madrid", "Lyon", "Kraków", "Porto"])
    text = f"Extract the city: I'm flying to {city} {rng.choice(['tomorrow', 'on friday', 'next week'])}"
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    }
    r = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": text}],
                                       response_format={"type": "json_schema", "json_schema": {"name": "c", "schema": schema, "strict": True}})  # fmt: skip
    assert json.loads(r.choices[0].message.content) == {"city": city}, why(text, r.choices[0].message.content)


# --------------------------------------------------------------------------- the whole conversation


def test_chat_structured_reply_uses_an_earlier_turn(client, rng):
    person, org = f"{rng.choice(GIVEN)} {surname(rng)}", company(rng)
    messages = [
        {"role": "user", "content": f"I just met {written(rng, person)} from {written(rng, org)}."},
        {"role": "assistant", "content": "Nice! Want me to save them as a contact?"},
        {"role": "user", "content": rng.choice(["yes please, save them", "yes, add it", "sure, save"])},
    ]
    got = parse(client, messages, Contact)
    assert got.name.lower() == person and (got.company or "").lower() == org, why(person, got)


def test_responses_format_after_function_call_output(client, rng):
    city, temp, sky = rng.choice(CITIES), rng.randrange(-5, 35), rng.choice(CONDITIONS)
    schema = {"type": "object", "properties": {"city": {"type": "string"}, "temperature_c": {"type": "number"},
              "conditions": {"type": "string"}}, "required": ["city", "temperature_c", "conditions"],
              "additionalProperties": False}  # fmt: skip
    items = [
        {"role": "user", "content": f"What's the weather in {city}?"},
        {
            "type": "function_call",
            "call_id": "c1",
            "name": "get_weather",
            "arguments": json.dumps({"city": city}),
        },
        {
            "type": "function_call_output",
            "call_id": "c1",
            "output": json.dumps({"temp_c": temp, "conditions": sky}),
        },
    ]
    r = client.responses.create(
        model=MODEL,
        input=items,
        tools=[{"type": "function", "name": "get_weather", "parameters": WEATHER["function"]["parameters"]}],
        text={"format": {"type": "json_schema", "name": "report", "schema": schema, "strict": True}},
    )
    assert json.loads(r.output_text) == {"city": city, "temperature_c": temp, "conditions": sky}, why(
        city, r.output_text
    )


class Todo(BaseModel):
    tasks: list[str]


TASKS = ["buy milk", "call the plumber", "finish the report", "water the plants", "book the dentist",
         "pick up the kids", "pay the gas bill", "email Sam", "renew my passport", "walk the dog"]  # fmt: skip


def test_each_task_keeps_its_verb(client, rng):
    picked = rng.sample(TASKS, rng.choice([2, 3, 4]))
    listed = ", ".join(picked[:-1]) + rng.choice([" and ", ", and ", " then "]) + picked[-1]
    text = rng.choice([f"tomorrow I need to {listed}", f"todo: {listed}", f"remind me to {listed}",
                       f"i have to {listed} this week"])  # fmt: skip
    got = parse(client, text, Todo)
    assert [t.lower() for t in got.tasks] == [t.lower() for t in picked], why(
        f"{text}: the tasks are {picked}", got
    )
