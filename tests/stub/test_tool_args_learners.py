"""Issue 24: one tool call with the right arguments, from learners' own tools and phrasing.

Each case is a learner's experiment: their own tool (set_reminder, schedule_alarm, convert_currency ...,
params with and without descriptions, enums, required and optional, strict or not), a request in their own
words, and what a small real model would do with it (the acceptable answers). The phrasing, the numbers, the
places and the names are drawn per run from a seeded source; the seed is in every failure message.

Kinds: times and dates in words; durations and numbers in words; arithmetic tools (operation and operand
order); money (slang, symbols, from/to roles); units; titles, products, translations, bookings; places
(country of a city, typos, small towns in a from/to); follow-ups that change one argument (both APIs);
clarifying questions for what is genuinely missing, and no call where no tool fits; words never values.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from collections.abc import Callable

import pytest

from llm_stub.knowledge import fold

from .models import PLAIN

SEED = int(os.environ.get("LLM_STUB_TEST_SEED") or random.randrange(2**32))
MODEL = PLAIN
S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741
N = {"type": "number"}


@pytest.fixture(scope="module")
def client(plain_client):
    return plain_client


def fn(
    name: str, description: str, properties: dict, required: list[str] | None = None, strict: bool = False
) -> dict:
    params: dict = {"type": "object", "properties": properties,
                    "required": list(properties) if required is None else required}  # fmt: skip
    if strict:
        params["additionalProperties"] = False
        params["required"] = list(properties)
        params["properties"] = {
            k: v if k in (required or list(properties)) else {**v, "type": [v.get("type", "string"), "null"]}
            for k, v in properties.items()
        }
    tool = {"type": "function", "function": {"name": name, "description": description, "parameters": params}}
    if strict:
        tool["function"]["strict"] = True
    return tool


def casual(rng: random.Random, text: str) -> str:
    if rng.random() < 0.4:
        text = text.lower()
    return text + rng.choice(["", "", " pls", "?", " thanks"])


def today() -> dt.date:
    return dt.date.today()


def next_weekday(name: str) -> dt.date:
    target = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].index(name)
    days = (target - today().weekday()) % 7 or 7
    return today() + dt.timedelta(days=days)


class Turn:
    """What the stub did with one request: its calls, or its text."""

    def __init__(self, calls: list[tuple[str, dict]], text: str | None) -> None:
        self.calls, self.text = calls, text or ""

    def __repr__(self) -> str:
        return f"calls={self.calls} text={self.text!r}"


def chat(client, messages: list[dict], tools: list[dict]) -> Turn:
    r = client.chat.completions.create(model=MODEL, messages=messages, tools=tools)
    message = r.choices[0].message
    calls = [(c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls or []]
    return Turn(calls, message.content)


def responses(client, items: list[dict], tools: list[dict]) -> Turn:
    flat = [{"type": "function", **t["function"]} for t in tools]
    r = client.responses.create(model=MODEL, input=items, tools=flat)
    calls = [(o.name, json.loads(o.arguments)) for o in r.output if o.type == "function_call"]
    return Turn(calls, r.output_text)


# A case: (rng) -> (tools, the learner's text or messages, a check of the turn that returns a problem or None)
Case = Callable[[random.Random], tuple[list[dict], object, Callable[[Turn], str | None]]]
CASES: dict[str, Case] = {}


def case(f: Case) -> Case:
    CASES[f.__name__] = f
    return f


def one_call(name: str, expect: dict, optional_absent: tuple[str, ...] = ()) -> Callable[[Turn], str | None]:
    """The turn makes one call of ``name`` whose arguments include ``expect`` (values compared loosely: case and
    accents folded; a callable checks its value); ``optional_absent`` must be left out or null."""

    def check(turn: Turn) -> str | None:
        if len(turn.calls) != 1 or turn.calls[0][0] != name:
            return f"expected one call of {name}, got {turn}"
        args = turn.calls[0][1]
        for key, want in expect.items():
            got = args.get(key)
            if callable(want):
                if not want(got):
                    return f"{key}={got!r} is not acceptable ({turn})"
            elif isinstance(want, str):
                if not isinstance(got, str) or fold(got).strip() != fold(want):
                    return f"{key}={got!r}, expected {want!r} ({turn})"
            elif isinstance(want, (int, float)) and not isinstance(want, bool):
                if isinstance(got, bool) or not isinstance(got, (int, float)) or abs(got - want) > 1e-9:
                    return f"{key}={got!r}, expected {want!r} ({turn})"
            elif got != want:
                return f"{key}={got!r}, expected {want!r} ({turn})"
        for key in optional_absent:
            if args.get(key) not in (None,):
                return f"{key}={args.get(key)!r} has no support in the words ({turn})"
        return None

    return check


def no_call(also: Callable[[str], bool] = lambda t: True, why: str = "") -> Callable[[Turn], str | None]:
    def check(turn: Turn) -> str | None:
        if turn.calls:
            return f"expected no call{why}, got {turn}"
        if not also(turn.text):
            return f"the reply does not {why or 'fit'}: {turn.text!r}"
        return None

    return check


def one_of(*options: str) -> Callable[[object], bool]:
    return lambda v: isinstance(v, str) and fold(v).strip() in {fold(o) for o in options}


def hhmm(hour: int, minute: int) -> Callable[[object], bool]:
    """A time of day as HH:MM (or HH:MM:SS, or an ISO date-time with that time)."""
    return lambda v: isinstance(v, str) and bool(re.search(rf"(?:^|T){hour:02d}:{minute:02d}(?::00)?\b", v))


def iso_date(day: dt.date) -> Callable[[object], bool]:
    return lambda v: isinstance(v, str) and v[:10] == day.isoformat()


def contains(*parts: str) -> Callable[[object], bool]:
    return lambda v: isinstance(v, str) and all(fold(p) in fold(v) for p in parts)


# ----------------------------------------------------------------------------------------------- tools

ALARM = fn("set_alarm", "Set an alarm on the user's phone.",
           {"time": {"type": "string", "description": "Time of the alarm, HH:MM (24-hour)"},
            "label": {"type": "string", "description": "Optional label"}}, ["time"])  # fmt: skip
SCHEDULE_ALARM = fn("schedule_alarm", "Schedule an alarm.",
                    {"time": {"type": "string", "pattern": "^\\d{2}:\\d{2}$"}, "date": {"type": "string", "format": "date"}},
                    ["time"])  # fmt: skip
REMINDER = fn("set_reminder", "Create a reminder.", {"text": S, "time": S}, ["text", "time"])
EVENT = fn("create_event", "Add an event to the calendar.",
           {"title": S, "date": {"type": "string", "description": "YYYY-MM-DD"}}, ["title", "date"])  # fmt: skip
TIMER = fn("start_timer", "Start a kitchen timer.", {"minutes": I, "label": S}, ["minutes"])
TIMER_S = fn(
    "set_timer",
    "Set a countdown timer.",
    {"seconds": {"type": "integer", "description": "Duration in seconds"}},
)
SHOPPING = fn(
    "add_to_shopping_list", "Add an item to the shopping list.", {"item": S, "quantity": I}, ["item"]
)
RUN = fn("log_run", "Log a run.", {"distance_miles": N}, ["distance_miles"])
CALC_ENUM = fn("calculate", "Do basic arithmetic on two numbers.",
               {"a": N, "b": N, "operation": {"type": "string", "enum": ["add", "subtract", "multiply", "divide"]}})  # fmt: skip
CALC_SYM = fn("arithmetic", "Apply an operator to two numbers.",
              {"x": N, "y": N, "op": {"type": "string", "enum": ["+", "-", "*", "/"]}}, strict=True)  # fmt: skip
PERCENT = fn("percent_of", "Compute a percentage of a value.",
             {"percent": {"type": "number", "description": "The percentage, e.g. 15 for 15%"}, "value": N})  # fmt: skip
FX = fn("convert_currency", "Convert an amount of money between currencies.",
        {"amount": N, "from_currency": {"type": "string", "description": "ISO 4217 code, e.g. USD"},
         "to_currency": {"type": "string", "description": "ISO 4217 code"}})  # fmt: skip
UNITS = fn("convert_units", "Convert a value between units.", {"value": N, "from_unit": S, "to_unit": S})
MOVIE = fn("find_movie", "Look up a film.", {"title": S, "year": I}, ["title"])
MOVIE_STRICT = fn("search_film", "Search films by title.", {"title": S, "year": I}, ["title"], strict=True)
BASKET = fn("add_to_basket", "Add a product to the shopping basket.", {"product": S, "quantity": I})
TRANSLATE = fn("translate", "Translate text.", {"text": S, "target_language": S})
BOOK_TABLE = fn("book_table", "Book a restaurant table.",
                {"restaurant": S, "party_size": I, "date": {"type": "string", "description": "YYYY-MM-DD"},
                 "time": {"type": "string", "description": "HH:MM"}}, ["restaurant", "party_size"])  # fmt: skip
SONG = fn("play_song", "Play a song.", {"title": S, "artist": S}, ["title"])
WEATHER_CC = fn("get_weather", "Current weather.",
                {"city": S, "country": {"type": "string", "description": "ISO 3166-1 alpha-2 country code"}})  # fmt: skip
WEATHER_CN = fn("weather_for", "Weather forecast for a place.", {"city": S, "country": S})
WEATHER = fn("get_weather", "Get the current weather for a city.", {"city": S}, ["city"])
FERRY = fn("book_ferry", "Book a ferry crossing.", {"origin": S, "destination": S, "passengers": I})
TRAINS = fn("find_trains", "Find trains between two stations.", {"from_station": S, "to_station": S})
FLIGHTS = fn("search_flights", "Search flights.",
             {"origin": S, "destination": S, "date": {"type": "string", "format": "date"}})  # fmt: skip
RECIPES = fn("find_recipes", "Find recipes using ingredients.",
             {"ingredients": {"type": "array", "items": S}})  # fmt: skip

# ----------------------------------------------------------------------------------------------- kinds

WORD_HOURS = {"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "five": 5}


@case
def time_past_in_words(rng):
    word, hour = rng.choice(list(WORD_HOURS.items()))
    past, minute = rng.choice([("twenty past", 20), ("ten past", 10), ("quarter past", 15), ("five past", 5)])
    text = casual(rng, rng.choice([f"wake me at {past} {word}", f"set an alarm for {past} {word}"]))
    return [ALARM], text, one_call("set_alarm", {"time": hhmm(hour, minute)})


@case
def time_half_british(rng):
    word, hour = rng.choice([("six", 6), ("seven", 7), ("eight", 8)])
    text = casual(rng, f"alarm for half {word} tomorrow")
    return [SCHEDULE_ALARM], text, one_call("schedule_alarm", {"time": hhmm(hour, 30),
                                                               "date": iso_date(today() + dt.timedelta(days=1))})  # fmt: skip


@case
def time_quarter_to_tonight(rng):
    word, hour = rng.choice([("eight", 8), ("nine", 9), ("ten", 10), ("seven", 7)])
    text = casual(
        rng,
        rng.choice([f"alarm at quarter to {word} tonight", f"wake me at quarter to {word} in the evening"]),
    )
    return [ALARM], text, one_call("set_alarm", {"time": hhmm(hour + 11, 45)})


@case
def time_pm_digits(rng):
    hour, minute = rng.randint(1, 10), rng.choice([0, 15, 30, 45])
    said = f"{hour}:{minute:02d}pm" if minute or rng.random() < 0.5 else f"{hour}pm"
    text = casual(rng, rng.choice([f"set an alarm for {said}", f"alarm {said} please"]))
    return [ALARM], text, one_call("set_alarm", {"time": hhmm(hour + 12, minute)})


@case
def time_noon_reminder(rng):
    task = rng.choice(["call the bank", "water the plants", "book the dentist"])
    when, hour = rng.choice([("noon", 12), ("midday", 12), ("midnight", 0)])
    text = casual(rng, f"remind me to {task} at {when}")
    return [REMINDER], text, one_call("set_reminder", {"time": hhmm(hour, 0), "text": contains(task)})


@case
def time_label_from_rest(rng):
    hour = rng.randint(6, 9)
    label = rng.choice(["school run", "gym", "the school run", "my flight"])
    text = casual(rng, f"alarm at {hour} for {label}")
    want = label.removeprefix("the ").removeprefix("my ")
    return [ALARM], text, one_call("set_alarm", {"time": hhmm(hour, 0), "label": contains(want)})


@case
def date_on_weekday(rng):
    day = rng.choice(["friday", "saturday", "tuesday"])
    what = rng.choice(["dentist", "haircut", "dinner with Sam"])
    text = casual(
        rng, rng.choice([f"put {what} in my calendar on {day}", f"add {what} on {day} to my calendar"])
    )
    return (
        [EVENT],
        text,
        one_call("create_event", {"date": iso_date(next_weekday(day)), "title": contains(what.split()[0])}),
    )


@case
def time_pattern_am(rng):
    hour, minute = rng.randint(5, 9), rng.choice([5, 20, 40, 45])
    text = casual(rng, f"wake me up at {hour}:{minute:02d}am")
    return [SCHEDULE_ALARM], text, one_call("schedule_alarm", {"time": f"{hour:02d}:{minute:02d}"}, ("date",))


@case
def duration_words_timer_label(rng):
    word, n = rng.choice([("eighteen", 18), ("twelve", 12), ("twenty five", 25), ("forty", 40), ("nine", 9)])
    food = rng.choice(["rice", "pasta", "eggs", "bread"])
    text = casual(rng, f"set a timer for {word} minutes for the {food}")
    return [TIMER], text, one_call("start_timer", {"minutes": n, "label": contains(food)})


@case
def duration_hour_and_half(rng):
    said, seconds = rng.choice([("an hour and a half", 5400), ("half an hour", 1800), ("two and a half minutes", 150),
                                ("a quarter of an hour", 900)])  # fmt: skip
    text = casual(rng, f"set a timer for {said}")
    return [TIMER_S], text, one_call("set_timer", {"seconds": seconds})


@case
def quantity_dozen(rng):
    said, n = rng.choice([("a dozen", 12), ("half a dozen", 6), ("two dozen", 24), ("a couple of", 2)])
    item = rng.choice(["eggs", "bagels", "lemons"])
    text = casual(rng, f"add {said} {item} to my shopping list")
    return [SHOPPING], text, one_call("add_to_shopping_list", {"item": contains(item), "quantity": n})


@case
def distance_words(rng):
    said, n = rng.choice([("two and a half", 2.5), ("three", 3), ("six and a half", 6.5), ("ten", 10)])
    text = casual(rng, f"log a run of {said} miles")
    return [RUN], text, one_call("log_run", {"distance_miles": n})


@case
def arithmetic_plus(rng):
    a, b = rng.randint(11, 99), rng.randint(11, 99)
    word, op = rng.choice([("plus", "add"), ("times", "multiply"), ("minus", "subtract"), ("divided by", "divide"),
                           ("multiplied by", "multiply")])  # fmt: skip
    text = casual(rng, f"what's {a} {word} {b}")
    return [CALC_ENUM], text, one_call("calculate", {"a": a, "b": b, "operation": op})


@case
def arithmetic_subtract_from(rng):
    a, b = rng.randint(60, 200), rng.randint(11, 59)
    text = casual(rng, f"subtract {b} from {a}")
    return [CALC_ENUM], text, one_call("calculate", {"a": a, "b": b, "operation": "subtract"})


@case
def arithmetic_take_away(rng):
    a, b = rng.randint(60, 200), rng.randint(11, 59)
    text = casual(rng, rng.choice([f"{a} take away {b}", f"what is {a} take away {b}"]))
    return [CALC_ENUM], text, one_call("calculate", {"a": a, "b": b, "operation": "subtract"})


@case
def arithmetic_symbols(rng):
    a, b = rng.randint(2, 30), rng.randint(2, 30)
    word, op = rng.choice([("plus", "+"), ("minus", "-"), ("times", "*"), ("divided by", "/"), ("x", "*")])
    text = casual(rng, f"what is {a} {word} {b}")
    return [CALC_SYM], text, one_call("arithmetic", {"x": a, "y": b, "op": op})


@case
def arithmetic_add_to(rng):
    a, b = rng.randint(11, 99), rng.randint(11, 99)
    text = casual(rng, rng.choice([f"add {a} and {b}", f"multiply {a} by {b}", f"divide {a} by {b}"]))
    op = {"add": "add", "multiply": "multiply", "divide": "divide"}[text.split()[0].lower()]
    return [CALC_ENUM], text, one_call("calculate", {"a": a, "b": b, "operation": op})


@case
def percent_of(rng):
    p, v = rng.choice([10, 15, 20, 12.5, 8]), rng.choice([240, 80, 1200, 64])
    text = casual(rng, rng.choice([f"what's {p}% of {v}", f"what is {p} percent of {v}"]))
    return [PERCENT], text, one_call("percent_of", {"percent": p, "value": v})


@case
def money_dollars_to_euros(rng):
    n = rng.choice([200, 35, 1250, 80])
    text = casual(rng, rng.choice([f"convert {n} dollars to euros", f"how much is {n} dollars in euros"]))
    return (
        [FX],
        text,
        one_call("convert_currency", {"amount": n, "from_currency": "USD", "to_currency": "EUR"}),
    )


@case
def money_how_many_yen(rng):
    n = rng.choice([50, 120, 15])
    src, code = rng.choice([("euros", "EUR"), ("pounds", "GBP"), ("dollars", "USD")])
    text = casual(rng, f"how many yen is {n} {src}")
    return (
        [FX],
        text,
        one_call("convert_currency", {"amount": n, "from_currency": code, "to_currency": "JPY"}),
    )


@case
def money_slang(rng):
    said, n, code = rng.choice([("50 quid", 50, "GBP"), ("20 bucks", 20, "USD"), ("€30", 30, "EUR"), ("£45", 45, "GBP"),
                                ("5k yen", 5000, "JPY")])  # fmt: skip
    target, tcode = rng.choice([("in dollars", "USD"), ("in euros", "EUR"), ("to swiss francs", "CHF")])
    if tcode == code:
        target, tcode = "in indian rupees", "INR"
    text = casual(rng, f"what's {said} {target}")
    return (
        [FX],
        text,
        one_call("convert_currency", {"amount": n, "from_currency": code, "to_currency": tcode}),
    )


@case
def units_miles_km(rng):
    n = rng.choice([13.1, 26.2, 5, 10])
    text = casual(
        rng, rng.choice([f"{n} miles in km", f"convert {n} miles to kilometres", f"how many km is {n} miles"])
    )
    return [UNITS], text, one_call("convert_units", {"value": n, "from_unit": lambda v: isinstance(v, str) and fold(v).startswith("mi"),
                                                     "to_unit": one_of("km", "kilometres", "kilometers", "kilometre", "kilometer")})  # fmt: skip


@case
def units_no_number(rng):
    text = casual(rng, rng.choice(["how far is a half marathon in km", "how long is a marathon in miles"]))
    return [UNITS], text, no_call(why=" (no number is stated)")


@case
def units_kg_pounds(rng):
    n = rng.choice([5, 12, 70])
    text = casual(rng, f"convert {n} kg to pounds")
    return [UNITS], text, one_call("convert_units", {"value": n, "from_unit": one_of("kg", "kilograms", "kilogram"),
                                                     "to_unit": one_of("pounds", "lb", "lbs", "pound")})  # fmt: skip


@case
def movie_with_year(rng):
    title, year = rng.choice([("Arrival", 2016), ("Heat", 1995), ("Parasite", 2019), ("Alien", 1979)])
    text = casual(
        rng, rng.choice([f"find the film {title} from {year}", f"look up the movie {title} ({year})"])
    )
    text = text if title.lower() in text else text.replace(title.lower(), title)
    return [MOVIE], text, one_call("find_movie", {"title": title, "year": year})


@case
def movie_no_year(rng):
    title = rng.choice(["Arrival", "Heat", "Parasite", "Amelie"])
    tool = rng.choice([MOVIE, MOVIE_STRICT])
    text = rng.choice(
        [f"find the film {title}", f"look up the movie {title}", f"search for the film {title}"]
    )
    return [tool], text, one_call(tool["function"]["name"], {"title": title}, ("year",))


@case
def basket_product_quantity(rng):
    n = rng.randint(2, 6)
    pack, product = rng.choice([("cartons of", "almond milk"), ("bags of", "basmati rice"), ("", "oat milk"),
                                ("packs of", "AA batteries")])  # fmt: skip
    text = casual(rng, f"add {n} {pack} {product} to my basket".replace("  ", " "))
    return [BASKET], text, one_call("add_to_basket", {"product": product, "quantity": n})


@case
def basket_typo(rng):
    n = rng.randint(2, 6)
    typo, right = rng.choice([("bateries", "bateries"), ("tomatos", "tomatos"), ("bannanas", "bannanas")])
    text = casual(rng, f"add {n} {typo} to my basket")
    return [BASKET], text, one_call("add_to_basket", {"product": right, "quantity": n})


@case
def translate_quoted(rng):
    phrase = rng.choice(["good night", "where is the station", "thank you very much"])
    lang = rng.choice(["Italian", "Japanese", "German", "Spanish"])
    text = rng.choice([f"how do you say '{phrase}' in {lang.lower()}", f'translate "{phrase}" into {lang}'])
    return [TRANSLATE], text, one_call("translate", {"text": phrase, "target_language": lang})


@case
def translate_unquoted(rng):
    phrase = rng.choice(["good morning", "i love you", "see you tomorrow"])
    lang = rng.choice(["French", "Portuguese", "Korean"])
    text = f"translate {phrase} into {lang.lower() if rng.random() < 0.5 else lang}"
    return [TRANSLATE], text, one_call("translate", {"text": lambda v: isinstance(v, str) and fold(v) == phrase,
                                                     "target_language": lang})  # fmt: skip


@case
def booking_table(rng):
    place = rng.choice(["Dishoom", "Nando's", "Padella", "The Ivy"])
    n_word, n = rng.choice([("4", 4), ("six", 6), ("two", 2), ("5", 5)])
    text = casual(rng, rng.choice([f"book a table at {place} for {n_word} tomorrow at half seven",
                                   f"table for {n_word} at {place} tomorrow, half seven"]))  # fmt: skip
    return [BOOK_TABLE], text, one_call("book_table", {"restaurant": place, "party_size": n,
                                                       "date": iso_date(today() + dt.timedelta(days=1)),
                                                       "time": hhmm(19, 30)})  # fmt: skip


@case
def booking_table_pm(rng):
    place = rng.choice(["Dishoom", "Padella", "Hawksmoor"])
    n = rng.randint(2, 8)
    day = rng.choice(["friday", "saturday"])
    text = casual(rng, f"reserve a table for {n} at {place} on {day} at 8pm")
    return [BOOK_TABLE], text, one_call("book_table", {"restaurant": place, "party_size": n,
                                                       "date": iso_date(next_weekday(day)), "time": hhmm(20, 0)})  # fmt: skip


@case
def song_by_artist(rng):
    title, artist = rng.choice(
        [("Bohemian Rhapsody", "Queen"), ("Hey Jude", "The Beatles"), ("Jolene", "Dolly Parton")]
    )
    text = f"play {title} by {artist}"
    return [SONG], text, one_call("play_song", {"title": title, "artist": artist})


@case
def place_country_code(rng):
    city, code = rng.choice(
        [("Lyon", "FR"), ("Osaka", "JP"), ("Porto", "PT"), ("Leeds", "GB"), ("Munich", "DE")]
    )
    text = casual(rng, f"what's the weather in {city}")
    return [WEATHER_CC], text, one_call("get_weather", {"city": city, "country": code})


@case
def place_country_name(rng):
    city, country = rng.choice(
        [("Lyon", "France"), ("Osaka", "Japan"), ("Nairobi", "Kenya"), ("Seville", "Spain")]
    )
    text = casual(rng, f"forecast for {city}")
    return [WEATHER_CN], text, one_call("weather_for", {"city": city, "country": country})


@case
def place_typo(rng):
    typo, right = rng.choice([("edinbrugh", "Edinburgh"), ("manchster", "Manchester"), ("barcelonna", "Barcelona"),
                              ("amsterdm", "Amsterdam")])  # fmt: skip
    text = f"weather in {typo}"
    return [WEATHER], text, one_call("get_weather", {"city": right})


@case
def place_small_towns_ferry(rng):
    (a, b) = rng.choice(
        [("dover", "calais"), ("Holyhead", "Dublin"), ("oban", "mull"), ("Poole", "Cherbourg")]
    )
    n = rng.randint(2, 5)
    text = f"ferry from {a} to {b} for {n} of us"
    return (
        [FERRY],
        text,
        one_call("book_ferry", {"origin": contains(a), "destination": contains(b), "passengers": n}),
    )


@case
def place_small_towns_train(rng):
    (a, b) = rng.choice(
        [
            ("Hebden Bridge", "Todmorden"),
            ("Ely", "Cambridge"),
            ("Totnes", "Exeter"),
            ("Windermere", "Oxenholme"),
        ]
    )
    text = f"trains from {a} to {b}"
    return [TRAINS], text, one_call("find_trains", {"from_station": a, "to_station": b})


def follow(first: str, call: tuple[str, dict], second: str) -> list[dict]:
    return [{"role": "user", "content": first},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": call[0], "arguments": json.dumps(call[1])}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": json.dumps({"ok": True})},
            {"role": "assistant", "content": "Done."},
            {"role": "user", "content": second}]  # fmt: skip


@case
def follow_party_size(rng):
    n = rng.randint(3, 5)
    m = n + rng.randint(1, 3)
    first = {"restaurant": "Dishoom", "party_size": n, "date": (today() + dt.timedelta(days=1)).isoformat()}
    second = rng.choice(
        [f"make it {m} people", f"actually make that {m}", f"can you change it to {m} people"]
    )
    messages = follow(f"book dishoom for {n} tomorrow", ("book_table", first), second)
    return [BOOK_TABLE], messages, one_call("book_table", {**first, "party_size": m})


@case
def follow_currency(rng):
    first = {"amount": 100, "from_currency": "USD", "to_currency": "EUR"}
    word, code = rng.choice([("yen", "JPY"), ("pounds", "GBP"), ("swiss francs", "CHF")])
    second = rng.choice([f"what about in {word}?", f"and in {word}?", f"how about {word}"])
    messages = follow("convert 100 dollars to euros", ("convert_currency", first), second)
    return [FX], messages, one_call("convert_currency", {**first, "to_currency": code})


@case
def follow_timer(rng):
    first = {"minutes": 10, "label": "eggs"}
    n = rng.choice([8, 6, 12])
    second = rng.choice([f"and for {n} minutes instead", f"actually make it {n} minutes", f"no, {n} minutes"])
    messages = follow("timer for 10 minutes for the eggs", ("start_timer", first), second)
    return [TIMER], messages, one_call("start_timer", {**first, "minutes": n})


@case
def follow_date(rng):
    first = {"restaurant": "Padella", "party_size": 2, "date": (today() + dt.timedelta(days=1)).isoformat()}
    day = rng.choice([15, 18, 20])
    second = rng.choice([f"actually the {day}th", f"sorry, make it the {day}th"])
    want = (
        today().replace(day=day)
        if today().day < day
        else (today().replace(day=1) + dt.timedelta(days=32)).replace(day=day)
    )
    messages = follow("table for 2 at padella tomorrow", ("book_table", first), second)
    return [BOOK_TABLE], messages, one_call("book_table", {**first, "date": iso_date(want)})


@case
def follow_responses_api(rng):
    word, code = rng.choice([("yen", "JPY"), ("pounds", "GBP")])
    first = {"amount": 60, "from_currency": "EUR", "to_currency": "USD"}
    items = [{"role": "user", "content": "convert 60 euros to dollars"},
             {"type": "function_call", "call_id": "call_1", "name": "convert_currency", "arguments": json.dumps(first)},
             {"type": "function_call_output", "call_id": "call_1", "output": json.dumps({"result": 70})},
             {"role": "assistant", "content": "60 EUR is about 70 USD."},
             {"role": "user", "content": f"what about in {word}?"}]  # fmt: skip
    return [FX], ("responses", items), one_call("convert_currency", {**first, "to_currency": code})


def asks(*needles: str) -> Callable[[str], bool]:
    return lambda text: "?" in text and all(re.search(n, text, re.I) for n in needles)


@case
def clarify_flight(rng):
    city = rng.choice(["Rome", "Lisbon", "Tokyo", "Berlin"])
    text = casual(rng, rng.choice([f"book me a flight to {city}", f"find flights to {city}"]))
    return (
        [FLIGHTS],
        text,
        no_call(asks(r"\bfrom\b", r"date|when|which day"), " (asking where from and when)"),
    )


@case
def clarify_ferry_origin(rng):
    city = rng.choice(["Calais", "Dublin", "Bilbao"])
    text = f"book a ferry to {city} for 2"
    return [FERRY], text, no_call(asks(r"\bfrom\b"), " (asking where from)")


@case
def clarify_in_plain_words(rng):
    text = rng.choice(["find me some trains", "i need a train", "check trains please"])
    plain = no_call(lambda t: asks(r"\bfrom\b", r"\bto\b")(t) and "_" not in t and "station" not in t.lower(),
                    " (asking where from and to, in plain words)")  # fmt: skip
    return [TRAINS], text, plain


@case
def clarify_only_what_is_missing(rng):
    city = rng.choice(["Calais", "Dublin", "Bilbao"])
    n = rng.randint(2, 5)
    text = f"ferry from {rng.choice(['Dover', 'Portsmouth', 'Plymouth'])} to {city}"
    ferry = fn(
        "book_ferry",
        "Book a ferry crossing.",
        {"origin": S, "destination": S, "passengers": I, "date": {"type": "string", "format": "date"}},
    )
    del n
    return [ferry], text, no_call(lambda t: asks(r"how many|people|passengers", r"date")(t) and not re.search(r"(?i)where", t),
                                  " (asking only for the passengers and the date)")  # fmt: skip


@case
def no_call_greeting(rng):
    text = rng.choice(["hi there!", "hello", "good morning :)", "thanks, that's all"])
    return [rng.choice([WEATHER, FX, ALARM])], text, no_call(why=" for a greeting")


@case
def no_call_joke(rng):
    text = rng.choice(["tell me a joke", "tell me a funny story", "write me a poem about the sea"])
    return [WEATHER], text, no_call(why=" for a joke")


@case
def no_call_arithmetic_weather_only(rng):
    a, b = rng.randint(2, 50), rng.randint(2, 50)
    text = rng.choice([f"what's {a} + {b}", f"what is {a} times {b}", f"how much is {a} plus {b}"])
    return [WEATHER], text, no_call(why=" when only a weather tool exists")


@case
def words_not_values_recipe(rng):
    a, b = rng.sample(["leeks", "feta", "chickpeas", "spinach", "mushrooms", "halloumi"], 2)
    text = casual(
        rng, rng.choice([f"make something with {a} and {b} tonight", f"what can i cook with {a} and {b}"])
    )
    return (
        [RECIPES],
        text,
        one_call(
            "find_recipes",
            {"ingredients": lambda v: isinstance(v, list) and sorted(map(fold, v)) == sorted([a, b])},
        ),
    )


@case
def words_not_values_three(rng):
    items = rng.sample(["chicken", "rice", "peppers", "tofu", "noodles", "broccoli"], 3)
    text = casual(rng, f"recipe ideas with {items[0]}, {items[1]} and {items[2]}")
    return (
        [RECIPES],
        text,
        one_call(
            "find_recipes",
            {"ingredients": lambda v: isinstance(v, list) and sorted(map(fold, v)) == sorted(items)},
        ),
    )


@case
def arithmetic_two_steps_is_no_two_operand_call(rng):
    a, b, c = rng.randint(2, 9), rng.randint(2, 9), rng.randint(2, 9)
    text = rng.choice(
        [f"what is {a} plus {b} times {c}", f"what's ({a} + {b}) * {c}", f"{a} minus {b} divided by {c}"]
    )
    return [CALC_ENUM], text, no_call(why=" with two operands for an expression of two steps")


@pytest.mark.parametrize("name", sorted(CASES))
def test_learner_experiment(client, name):
    rng = random.Random(f"{SEED}-{name}")
    tools, said, check = CASES[name](rng)
    if isinstance(said, tuple) and said[0] == "responses":
        turn = responses(client, said[1], tools)
    else:
        messages = said if isinstance(said, list) else [{"role": "user", "content": said}]
        turn = chat(client, messages, tools)
    problem = check(turn)
    shown = said if isinstance(said, str) else (said[1] if isinstance(said, tuple) else said)[-1]
    assert problem is None, f"seed={SEED} case={name}: {shown!r}: {problem}"
