"""Issue 24: the stub fills arguments and fields from what the words plainly give, in the right roles.

Every test draws its phrasing per run (cities, names, times, numbers in words, lower case, "btw", typos)
from a seeded source; the seed is in every failure message. Through the SDK against the stub, without
the course's scripts (none of these prompts is the course's).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import unicodedata

import pytest

from llm_stub.filling import NEEDS_MODEL, Filler
from llm_stub.knowledge import fold
from llm_stub.understanding import given_names, read

from .models import PLAIN

SEED = random.randrange(2**32)
MODEL = PLAIN  # takes tools and sampling at its defaults (tests/stub/models.py)
S = {"type": "string"}

# Large cities whose country nobody disputes, with the country's common English name and ISO code.
CITIES = [("Edinburgh", "United Kingdom", "GB"), ("Lyon", "France", "FR"), ("Osaka", "Japan", "JP"),
          ("Munich", "Germany", "DE"), ("Toronto", "Canada", "CA"), ("Seville", "Spain", "ES"),
          ("Porto", "Portugal", "PT"), ("Nairobi", "Kenya", "KE"), ("Krakow", "Poland", "PL"),
          ("Melbourne", "Australia", "AU"), ("Leeds", "United Kingdom", "GB"), ("Milan", "Italy", "IT")]  # fmt: skip
PEOPLE = ["Maria", "Tomasz", "Aisha", "Leo", "Priya", "Jonas", "Sofia", "Kenji"]
NUMBER_WORDS = {"three": 3, "five": 5, "seven": 7, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
                "twenty-five": 25, "forty": 40}  # fmt: skip
TEAMS = ["Leeds", "Hull", "Arsenal", "Celtic", "Ajax", "Porto", "Napoli", "Everton"]


@pytest.fixture(scope="module")
def client(plain_client):
    return plain_client


@pytest.fixture
def rng(request):
    return random.Random(f"{SEED}-{request.node.name}")


def fn(name: str, description: str, properties: dict, required: list[str] | None = None) -> dict:
    params = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    return {"type": "function", "function": {"name": name, "description": description, "parameters": params}}


def call(client, text: str, tools: list[dict], **kw) -> list[tuple[str, dict]]:
    r = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": text}], tools=tools, **kw
    )
    calls = r.choices[0].message.tool_calls or []
    return [(c.function.name, json.loads(c.function.arguments)) for c in calls]


def extract(client, text: str, properties: dict, required: list[str] | None = None) -> dict:
    schema = {"type": "object", "properties": properties}
    if required is not None:
        schema["required"] = required
    r = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": text}],
        response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": schema}},
    )
    return json.loads(r.choices[0].message.content)


def unaccented(text: str) -> str:
    """``text`` without its accents: "Kraków" -> "Krakow"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def casual(rng: random.Random, text: str) -> str:
    """The way learners type: lower case sometimes, a "pls"/"btw" tail sometimes."""
    if rng.random() < 0.5:
        text = text.lower()
    return text + rng.choice(["", "", " pls", " btw", "?", " thanks"])


# --- arguments the words plainly give -----------------------------------------------------------------------


def test_a_clock_time_and_a_day_become_one_iso_time(client, rng):
    hour, minute = rng.randint(5, 11), rng.choice([0, 15, 30, 45])
    day = rng.choice(["tomorrow", "today"])
    text = casual(rng, f"set an alarm for {hour}:{minute:02d} {day}")
    alarm = fn(
        "set_alarm", "Set an alarm.", {"time": {"type": "string", "description": "ISO 8601"}}, ["time"]
    )
    made = call(client, text, [alarm])
    assert made, f"seed={SEED}: {text!r} gives the time plainly; the stub asked instead of calling set_alarm"
    when = dt.datetime.fromisoformat(made[0][1]["time"])
    expected = dt.date.today() + dt.timedelta(days=1 if day == "tomorrow" else 0)
    assert (when.date(), when.hour, when.minute) == (expected, hour, minute), (
        f"seed={SEED}: {text!r} -> {when}"
    )


def test_a_duration_in_words_fills_a_minutes_parameter(client, rng):
    word, value = rng.choice(list(NUMBER_WORDS.items()))
    food = rng.choice(["pasta", "eggs", "rice", "potatoes"])
    text = casual(rng, f"boil the {food} for {word} minutes")
    timer = fn(
        "start_timer", "Start a kitchen timer.", {"minutes": {"type": "integer"}, "label": S}, ["minutes"]
    )
    made = call(client, text, [timer])
    assert made and made[0][1]["minutes"] == value, f"seed={SEED}: {text!r} -> {made}"


def test_a_duration_converts_to_the_fields_unit(rng):
    word, value = rng.choice(list(NUMBER_WORDS.items()))
    schema = {"type": "object", "properties": {"seconds": {"type": "integer"}}, "required": ["seconds"]}
    filler = Filler(root=schema, reading=read(f"remind me in {word} minutes"), mode="tool")
    assert filler.object(schema) == {"seconds": value * 60}, f"seed={SEED}"
    assert "minutes" in filler.provenance["seconds"]


def test_from_and_to_fill_origin_and_destination(client, rng):
    (a, *_), (b, *_) = rng.sample(CITIES, 2)
    text = casual(rng, rng.choice([f"train from {a} to {b} on friday", f"get me from {a} to {b}",
                                   f"trains to {b} from {a} tomorrow"]))  # fmt: skip
    trains = fn(
        "find_trains",
        "Find trains between two stations.",
        {"origin": S, "destination": S},
        ["origin", "destination"],
    )
    made = call(client, text, [trains])
    got = made[0][1] if made else {}
    assert (fold(got.get("origin", "")), fold(got.get("destination", ""))) == (fold(a), fold(b)), (
        f"seed={SEED}: {text!r} -> {made}"
    )


def test_the_country_of_a_well_known_city_is_inferred(client, rng):
    city, country, code = rng.choice(CITIES)
    text = casual(
        rng, rng.choice([f"what's it like in {city} today?", f"weather in {city}", f"is it cold in {city}"])
    )
    weather = fn("get_weather", "Current weather.", {"city": S, "country": S}, ["city", "country"])
    made = call(client, text, [weather])
    # the city as typed or as GeoNames spells it ("Krakow" or "Kraków"): a real model sends either
    assert made and {**made[0][1], "city": unaccented(made[0][1].get("city", ""))} == {
        "city": city,
        "country": country,
    }, f"seed={SEED}: {text!r} -> {made}"
    coded = fn(
        "get_weather",
        "Current weather.",
        {"city": S, "country": {"type": "string", "description": "ISO 3166 code"}},
    )
    made = call(client, text, [coded])
    assert made and made[0][1]["country"] == code, f"seed={SEED}: {text!r} -> {made}"


def test_the_country_is_never_guessed_without_a_known_city(client, rng):
    text = casual(rng, "what's the weather like?")
    weather = fn("get_weather", "Current weather.", {"city": S, "country": S}, ["city", "country"])
    r = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": text}], tools=[weather]
    )
    message = r.choices[0].message
    assert not message.tool_calls, f"seed={SEED}: no place was named, yet {message.tool_calls}"
    assert "city" in message.content and "Sure, I can get the weather" in message.content
    assert "Current weather" not in message.content, "the question pasted the tool's description"


def test_an_airport_code_from_a_city_with_one_main_airport(client, rng):
    pairs = [("Lisbon", "LIS"), ("Manchester", "MAN"), ("Dublin", "DUB"), ("Vienna", "VIE"), ("Paris", "CDG")]
    (a, code_a), (b, code_b) = rng.sample(pairs, 2)
    flights = fn("search_flights", "Search flights.", {"origin": {"type": "string", "description": "IATA airport code"},
                                                       "destination": {"type": "string", "description": "IATA airport code"}})  # fmt: skip
    made = call(client, casual(rng, f"flights from {a} to {b}"), [flights])
    assert made and made[0][1] == {"origin": code_a, "destination": code_b}, f"seed={SEED}: {made}"


def test_a_city_with_several_airports_gets_a_question_naming_them(client):
    flights = fn("search_flights", "Search flights.", {"origin": {"type": "string", "description": "IATA airport code"}},
                 ["origin"])  # fmt: skip
    r = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "flights from London"}],
                                       tools=[flights])  # fmt: skip
    assert not r.choices[0].message.tool_calls
    assert "LHR" in r.choices[0].message.content and "London" in r.choices[0].message.content


def test_a_unit_letter_picks_the_unit(client, rng):
    city, *_ = rng.choice(CITIES)
    letter, unit = rng.choice([("F", "fahrenheit"), ("C", "celsius")])
    text = rng.choice([f"weather in {city} in {letter}", f"temperature in {city} in °{letter}"])
    weather = fn(
        "get_weather",
        "Current weather.",
        {"city": S, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        ["city"],
    )
    made = call(client, text, [weather])
    assert made and made[0][1].get("unit") == unit, f"seed={SEED}: {text!r} -> {made}"


# --- words not taken as values --------------------------------------------------------------------------------


def test_list_items_are_the_things_not_the_words_around_them(client, rng):
    a, b = rng.sample(["leeks", "feta", "chickpeas", "spinach", "lentils", "mushrooms", "halloumi"], 2)
    when = rng.choice(["tonight", "today", "tomorrow", ""])
    text = casual(rng, f"make something with {a} and {b} {when}".strip())
    recipes = fn("search_recipes", "Find recipes that use some ingredients.",
                 {"ingredients": {"type": "array", "items": S}}, ["ingredients"])  # fmt: skip
    made = call(client, text, [recipes])
    assert made and made[0][1]["ingredients"] == [a, b], f"seed={SEED}: {text!r} -> {made}"


def test_a_language_in_an_instruction_is_no_place(client, rng):
    instruction = rng.choice(
        ["Respond in JSON. Use Python.", "Answer in English and use Python.", "Write it in Rust."]
    )
    weather = fn("get_weather", "Current weather for a city.", {"city": S}, ["city"])
    made = call(client, f"{instruction} What's the weather?", [weather])
    assert made == [], f"seed={SEED}: {instruction!r} named no place, yet {made}"


# --- roles ----------------------------------------------------------------------------------------------------


MATCH = {
    "home_team": S,
    "away_team": S,
    "home_score": {"type": "integer"},
    "away_score": {"type": "integer"},
    "winner": S,
}


def test_x_beat_y_fills_sides_scores_and_winner(client, rng):
    x, y = rng.sample(TEAMS, 2)
    hi, lo = rng.randint(2, 5), rng.randint(0, 1)
    text, home, away = rng.choice([
        (f"{x} beat {y} {hi}-{lo} at home", x, y),
        (f"{x} vs {y} ended {lo}-{hi}", x, y),
        (f"{y} lost {lo}-{hi} to {x}", y, x),
    ])  # fmt: skip
    got = extract(client, text, MATCH, list(MATCH))
    winner = x if "beat" in text or "lost" in text else y
    scores = {x: hi, y: lo} if winner == x else {x: lo, y: hi}
    expected = {
        "home_team": home,
        "away_team": away,
        "home_score": scores[home],
        "away_score": scores[away],
        "winner": winner,
    }
    assert got == expected, f"seed={SEED}: {text!r} -> {got}"


def test_a_parent_and_a_childs_age_stay_with_their_person(client, rng):
    me, child = rng.randint(28, 50), rng.randint(2, 12)
    relation = rng.choice(["son", "daughter", "kid"])
    text = rng.choice([f"i'm {me} and my {relation} is {child}", f"my {relation} is {child} and I am {me}"])
    got = extract(
        client,
        text,
        {"parent_age": {"type": "integer"}, "child_age": {"type": "integer"}},
        ["parent_age", "child_age"],
    )
    assert got == {"parent_age": me, "child_age": child}, f"seed={SEED}: {text!r} -> {got}"


def test_the_traveller_is_no_destination(client, rng):
    who, (city, *_) = rng.choice(PEOPLE), rng.choice(CITIES)
    nights_word, nights = rng.choice(list(NUMBER_WORDS.items())[:5])
    text = casual(rng, f"book {nights_word} nights in {city} for {who}")
    got = extract(
        client,
        text,
        {"traveller": S, "destination": S, "nights": {"type": "integer"}},
        ["traveller", "destination", "nights"],
    )
    got["destination"] = fold(got["destination"]).title()  # "Kraków" and "Krakow" are one place
    assert got == {"traveller": who, "destination": fold(city).title(), "nights": nights}, (
        f"seed={SEED}: {text!r} -> {got}"
    )


def test_operands_keep_their_order(client, rng):
    a, b = rng.sample(range(2, 99), 2)
    word, op = rng.choice(
        [("plus", "add"), ("minus", "subtract"), ("times", "multiply"), ("divided by", "divide")]
    )
    calc = fn("calculate", "A minimal calculator.", {"a": {"type": "number"}, "b": {"type": "number"},
                                                     "op": {"type": "string", "enum": ["add", "subtract", "multiply", "divide"]}})  # fmt: skip
    made = call(
        client,
        rng.choice([f"compute {a} {word} {b}", f"what's {a} {word} {b}?", f"calculate {a} {word} {b}"]),
        [calc],
    )
    assert made and made[0][1] == {"a": a, "b": b, "op": op}, f"seed={SEED}: {made}"


# --- never a confident wrong value ---------------------------------------------------------------------------


def test_an_open_question_says_it_needs_a_real_model(client, rng):
    question = rng.choice(["why is the sky blue?", "what's the meaning of life", "how do vaccines work?"])
    got = extract(client, question, {"answer": S}, ["answer"])
    assert got["answer"] == NEEDS_MODEL, f"seed={SEED}: {question!r} -> {got}"


def test_an_optional_field_with_nothing_to_fill_it_stays_out(client, rng):
    city, *_ = rng.choice(CITIES)
    got = extract(client, f"a trip to {city}", {"destination": S, "budget": {"type": "number"}, "nights": {"type": "integer"}},
                  ["destination"])  # fmt: skip
    assert got == {"destination": city}, f"seed={SEED}: nothing gives a budget or nights, yet {got}"


def test_every_filled_value_says_how_it_was_found(rng):
    city, country, _ = rng.choice(CITIES)
    schema = {"type": "object", "properties": {"city": S, "country": S, "unit": {"type": "string", "default": "celsius"}},
              "required": ["city", "country", "unit"]}  # fmt: skip
    filler = Filler(root=schema, reading=read(f"weather in {city}"), mode="tool")
    assert filler.object(schema) == {"city": city, "country": country, "unit": "celsius"}
    assert filler.provenance["city"].startswith("the text"), filler.provenance
    assert filler.provenance["country"].startswith("inferred"), filler.provenance
    assert filler.provenance["unit"] == "the schema's default", filler.provenance


# --- round 2: durations in another unit, names no list knows, nullable objects ----------------------------------

HOURS = {"an hour": 60, "one hour": 60, "two hours": 120, "an hour and a half": 90, "1 and a half hours": 90,
         "half an hour": 30, "2.5 hours": 150, "three hours": 180}  # fmt: skip


def test_hours_fill_a_minutes_parameter_converted(client, rng):
    said, minutes = rng.choice(list(HOURS.items()))
    text = casual(rng, f"set a timer for {said} for the {rng.choice(['roast', 'bread', 'stew'])}")
    timer = fn(
        "set_timer", "Start a kitchen timer.", {"minutes": {"type": "integer"}, "label": S}, ["minutes"]
    )
    made = call(client, text, [timer])
    assert made and made[0][1]["minutes"] == minutes, f"seed={SEED}: {text!r} -> {made}"


def test_a_duration_that_is_no_whole_number_of_the_unit_is_asked_not_rounded(client, rng):
    seconds = rng.choice([30, 45, 90, 150, 200])
    text = casual(rng, f"set a timer for {seconds} seconds")
    timer = fn("set_timer", "Start a kitchen timer.", {"minutes": {"type": "integer"}}, ["minutes"])
    r = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": text}], tools=[timer]
    )
    message = r.choices[0].message
    # a rounded number of minutes, or the seconds as minutes, would be a confident wrong value (issue 24)
    assert not message.tool_calls and "minutes" in message.content, f"seed={SEED}: {text!r} -> {message}"


UNLISTED_NAMES = ["Radia", "Frances", "Ken", "Tomasz", "Oluwaseun", "Siobhan", "Thandiwe", "Bartosz", "Eero", "Ngozi",
                  "Saoirse", "Kwame", "Yusra", "Dagny", "Ifeoma", "Wojtek", "Aroha", "Mireille", "Zdenka"]  # fmt: skip


def test_a_name_no_list_knows_is_a_person_when_an_age_is_said_of_it(client, rng):
    # given names the stub's own list does not hold: the sentence's shape says they are people
    name = rng.choice(UNLISTED_NAMES)
    assert name not in given_names()
    age = rng.randint(18, 90)
    form = rng.choice([f"{name} is {age} years old.", f"{name} is {age}.", f"{name}, {age}, lives in Leeds."])
    value = extract(client, form, {"name": S, "age": {"type": "integer"}}, ["name", "age"])
    assert value == {"name": name, "age": age}, f"seed={SEED}: {form!r} -> {value}"


def test_a_nullable_object_nothing_supports_is_null_and_the_rest_is_kept(client, rng):
    servings = rng.randint(2, 8)
    author = {"type": "object", "properties": {"name": S, "country": S}, "required": ["name", "country"],
              "additionalProperties": False}  # fmt: skip
    properties = {"servings": {"type": "integer"}, "author": {"anyOf": [author, {"type": "null"}]}}
    text = casual(rng, f"a simple soup recipe for {servings} people")
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    r = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": text}],
        response_format={"type": "json_schema", "json_schema": {"name": "recipe", "strict": True, "schema": schema}},
    )  # fmt: skip
    value = json.loads(r.choices[0].message.content)
    assert value == {"servings": servings, "author": None}, f"seed={SEED}: {text!r} -> {value}"


# ---------------------------------------------------------------- lists in everyday phrasing (issue 24)
FOODS = ["chickpeas", "spinach", "coconut milk", "leeks", "mushrooms", "feta", "rice", "oat milk", "garlic"]


def _said_list(rng: random.Random, items: list[str]) -> str:
    """How a learner lists things: "a, some b and a tin of c"."""
    dressed = [rng.choice(["", "some ", "a tin of ", "a bit of ", "a bag of "]) + i for i in items]
    return ", ".join(dressed[:-1]) + " and " + dressed[-1]


def test_ingredients_listed_before_the_question_are_the_argument(client, rng):
    items = rng.sample(FOODS, rng.choice([2, 3]))
    text = casual(rng, rng.choice([
        f"got {_said_list(rng, items)}, what can i cook", f"i have {_said_list(rng, items)}. recipes?",
        f"ive got {_said_list(rng, items)} in the fridge, what recipes can i cook",
    ]))  # fmt: skip
    recipes = fn("find_recipes", "Find recipes using the given ingredients.",
                 {"ingredients": {"type": "array", "items": S}})  # fmt: skip
    made = call(client, text, [recipes])
    got = [fold(i) for i in made[0][1]["ingredients"]] if made else None
    assert got == [fold(i) for i in items], f"seed={SEED}: {text!r} -> {made}"


def test_items_added_to_a_list_are_the_words_listed(client, rng):
    items = rng.sample(FOODS, rng.choice([2, 3]))
    text = casual(rng, rng.choice([f"add {_said_list(rng, items)} to that", f"pls add {_said_list(rng, items)} to my list",
                                   f"can you put {_said_list(rng, items)} on the list"]))  # fmt: skip
    shop = fn("add_to_list", "Add items to the shopping list.", {"items": {"type": "array", "items": S}})
    made = call(client, text, [shop])
    got = [fold(i) for i in made[0][1]["items"]] if made else None
    assert got == [fold(i) for i in items], f"seed={SEED}: {text!r} -> {made}"


def test_a_forced_call_whose_words_give_no_value_says_so_instead_of_empty_strings(client, rng):
    fields = rng.sample(["setup", "punchline", "topic", "text", "title", "body"], 2)
    tool = fn("tell_" + rng.choice(["joke", "story", "poem"]), "Tell something.", {f: S for f in fields})
    text = casual(rng, rng.choice(["tell me a joke", "make me laugh", "go on then", "something fun"]))
    made = call(client, text, [tool], tool_choice="required")
    assert made, f"seed={SEED}: {text!r}: a required tool_choice must produce a call"
    for field in fields:
        value = made[0][1][field]
        assert value.strip(), f"seed={SEED}: {text!r} -> {made}: an empty {field} looks like an answer"
        assert value == NEEDS_MODEL or fold(value) in fold(text), f"seed={SEED}: {text!r} -> {made}"


def test_the_word_for_the_game_is_no_part_of_the_team(client, rng):
    team, city = rng.choice(TEAMS), rng.choice(["Glasgow", "Oslo", "Leeds", "Lyon"])
    event = rng.choice(["game", "match", "fixture"])
    text = casual(rng, f"score of the {team} {event} and will it rain in {city}")
    score = fn("get_score", "Get the latest score of a team's game.", {"team": S})
    weather = fn("get_weather", "Get the current weather for a city.", {"city": S})
    made = dict(call(client, text, [score, weather]))
    assert made.get("get_score") == {"team": team} and made.get("get_weather") == {"city": city}, (
        f"seed={SEED}: {text!r} -> {made}"
    )
