"""After lesson 04: the learner's own tools, one request each: the right tool with the arguments the words give,
a question when a required value is genuinely missing, and no call when nothing needs a tool."""

from __future__ import annotations

from datetime import date

import openai
from pydantic import BaseModel, Field

from ..harness import Experiment as E
from ..judge import (
    Check,
    absent,
    country,
    date_is,
    equals,
    items_match,
    mentions,
    norm,
    num,
    place,
    text_has,
    time_is,
)
from ..verdicts import answer_is, expect_ask, expect_call, expect_no_call, expect_text, says_number
from .common import (
    DATED,
    array,
    called,
    enum,
    integer,
    nullable,
    number,
    result,
    string,
    tool,
    user,
)
from .common import assistant as said

TOMORROW = date(2026, 12, 8)

ALARM = tool(
    "set_alarm",
    "Set an alarm on the user's phone.",
    {
        "time": string("24-hour time, HH:MM"),
        "date": nullable(string("YYYY-MM-DD, or null for the next time that clock time comes round")),
        "label": nullable(string("What the alarm is for")),
    },
)
TIMER = tool(
    "start_timer",
    "Start a countdown timer.",
    {
        "minutes": number("How long, in minutes"),
        "label": string("What the timer is for"),
    },
)
COUNTDOWN = tool(
    "start_countdown",
    "Count down a number of seconds, then beep.",
    {
        "seconds": integer("Length of the countdown in seconds"),
    },
)
REMINDER = tool(
    "create_reminder",
    "Remind the user about something later.",
    {
        "text": string("What to remind the user about"),
        "minutes_from_now": integer("In how many minutes"),
    },
)
TRAINS = tool(
    "search_trains",
    "Search train departures between two stations.",
    {
        "origin": string("Departure station or city"),
        "destination": string("Arrival station or city"),
        "date": string("YYYY-MM-DD"),
    },
)
WEATHER = tool(
    "get_weather",
    "Get the current weather for a city.",
    {
        "city": string("City name"),
        "country": string("The country the city is in"),
        "unit": enum("celsius", "fahrenheit"),
    },
)
FORECAST = tool(
    "get_forecast",
    "Weather forecast for a city on a given day.",
    {
        "city": string(),
        "country": string("Country of the city"),
        "date": string("YYYY-MM-DD"),
    },
)
RECIPES = tool(
    "find_recipes",
    "Find recipes that use the given ingredients.",
    {
        "ingredients": array(string(), "Ingredients the user has"),
        "max_minutes": nullable(integer("Upper limit on total cooking time, in minutes")),
    },
)
CALC = tool(
    "calculate",
    "A calculator for basic arithmetic on two numbers.",
    {
        "a": number("The first operand"),
        "b": number("The second operand"),
        "operation": enum("add", "subtract", "multiply", "divide"),
    },
)
FX = tool(
    "convert_currency",
    "Convert an amount of money between currencies.",
    {
        "amount": number(),
        "from_currency": string("ISO 4217 code, e.g. EUR"),
        "to_currency": string("ISO 4217 code, e.g. USD"),
    },
)
FLIGHTS = tool(
    "search_flights",
    "Search flights between two airports on a date.",
    {
        "origin": string("IATA code of the departure airport"),
        "destination": string("IATA code of the arrival airport"),
        "date": string("Departure date, YYYY-MM-DD"),
    },
)
MOVIES = tool(
    "search_movies",
    "Look up films in the catalogue.",
    {
        "title": string("Film title"),
        "year": nullable(integer("Release year, if known")),
    },
)
CART = tool(
    "add_to_cart",
    "Add a product to the shopping cart.",
    {
        "product": string("Product name"),
        "quantity": integer("How many"),
    },
)
RESULTS = tool(
    "get_match_result",
    "Result of a football team's most recent match.",
    {
        "team": string("Team name"),
    },
)
EMAIL = tool(
    "send_email",
    "Send an email.",
    {
        "to": string("Recipient's email address"),
        "subject": string(),
        "body": string(),
    },
)
TRANSLATE = tool(
    "translate",
    "Translate text into another language.",
    {
        "text": string("The text to translate"),
        "target_language": string("Language to translate into"),
    },
)
UNITS = tool(
    "convert_units",
    "Convert a value from one unit to another.",
    {
        "value": number(),
        "from_unit": string(),
        "to_unit": string(),
    },
)
TABLE = tool(
    "book_table",
    "Book a table at a restaurant.",
    {
        "restaurant": string(),
        "party_size": integer("Number of people"),
        "date": string("YYYY-MM-DD"),
        "time": string("HH:MM, 24-hour"),
    },
)
EVENT = tool(
    "create_event",
    "Add an event to the user's calendar.",
    {
        "title": string(),
        "date": string("YYYY-MM-DD"),
        "time": nullable(string("Start time HH:MM, 24-hour, if given")),
        "location": nullable(string("Where, if given")),
    },
)
HOTELS = tool(
    "search_hotels",
    "Search hotels in a city.",
    {
        "city": string(),
        "max_price": number("Highest price per night in EUR"),
        "stars": integer("Minimum star rating"),
    },
    strict=False,
    required=["city"],
)


class GetWeather(BaseModel):
    """Get the current weather in a city."""

    city: str
    country: str = Field(description="The country the city is in")
    units: str = Field(description="'c' for Celsius or 'f' for Fahrenheit")


def contains_all(*parts: str) -> Check:
    return Check(" + ".join(parts), lambda v: isinstance(v, str) and all(p in norm(v) for p in parts))


def iata(code: str, *names: str) -> Check:
    return equals(code) | text_has(*names)


ARGS = [
    E(
        "alarm_quarter_to",
        "tools_args",
        history=[DATED],
        turns=["wake me up at quarter to seven tomorrow pls"],
        tools=[ALARM],
        judge=expect_call("set_alarm", time=time_is("06:45"), date=date_is(TOMORROW) | absent()),
        note="set_alarm(time='06:45', date='2026-12-08')",
    ),
    E(
        "alarm_pm_label",
        "tools_args",
        history=[DATED],
        turns=["set an alarm for 5.30pm called 'pick up kids'"],
        tools=[ALARM],
        judge=expect_call(
            "set_alarm",
            time=time_is("17:30"),
            label=text_has("pick up kids", "kids"),
            date=date_is(date(2026, 12, 7)) | absent(),
        ),
        note="set_alarm(time='17:30', label='pick up kids')",
    ),
    E(
        "timer_rice_words",
        "tools_args",
        turns=["timer for the rice please, eighteen minutes"],
        tools=[TIMER],
        judge=expect_call("start_timer", minutes=num(18), label=text_has("rice")),
        note="start_timer(minutes=18, label='rice')",
    ),
    E(
        "countdown_seconds",
        "tools_args",
        turns=["countdown two and a half minutes for my plank"],
        tools=[COUNTDOWN],
        judge=expect_call("start_countdown", seconds=num(150)),
        note="start_countdown(seconds=150)",
    ),
    E(
        "reminder_hour_half",
        "tools_args",
        turns=["remind me in an hour and a half to take the bread out"],
        tools=[REMINDER],
        judge=expect_call("create_reminder", minutes_from_now=num(90), text=text_has("bread")),
        note="create_reminder(text='take the bread out', minutes_from_now=90)",
    ),
    E(
        "trains_next_saturday",
        "tools_args",
        history=[DATED],
        turns=["any trains from manchester to glasgow next saturday?"],
        tools=[TRAINS],
        judge=expect_call(
            "search_trains",
            origin=place("manchester"),
            destination=place("glasgow"),
            date=date_is(date(2026, 12, 12), date(2026, 12, 19)),
        ),
        note="search_trains(origin='Manchester', destination='Glasgow', date='2026-12-12')",
    ),
    E(
        "trains_to_before_from",
        "tools_args",
        history=[DATED],
        turns=["i need to get to bath from bristol on the 18th"],
        tools=[TRAINS],
        judge=expect_call(
            "search_trains",
            origin=place("bristol"),
            destination=place("bath"),
            date=date_is(date(2026, 12, 18)),
        ),
        note="search_trains(origin='Bristol', destination='Bath', date='2026-12-18')",
    ),
    E(
        "weather_lyon_country",
        "tools_args",
        turns=["hows the weather in lyon rn"],
        tools=[WEATHER],
        judge=expect_call("get_weather", city=place("lyon"), country=country("FR")),
        note="get_weather(city='Lyon', country='France', unit='celsius')",
    ),
    E(
        "weather_phoenix_f",
        "tools_args",
        turns=["is it hot in phoenix today? give me fahrenheit"],
        tools=[WEATHER],
        judge=expect_call(
            "get_weather", city=place("phoenix"), country=country("US", "arizona"), unit=equals("fahrenheit")
        ),
        note="get_weather(city='Phoenix', country='US', unit='fahrenheit')",
    ),
    E(
        "weather_cardiff_pydantic",
        "tools_args",
        turns=["is it raining in cardiff?"],
        tools=[openai.pydantic_function_tool(GetWeather, name="get_weather")],
        judge=expect_call(
            "get_weather", city=place("cardiff"), country=country("GB", "wales"), units=equals("c", "celsius")
        ),
        note="get_weather(city='Cardiff', country='UK', units='c'), like the SDK's recorded Edinburgh call",
    ),
    E(
        "forecast_typos",
        "tools_args",
        history=[DATED],
        turns=["wether in reykjavik tomorow?"],
        tools=[FORECAST],
        judge=expect_call(
            "get_forecast", city=place("reykjavik"), country=country("IS"), date=date_is(TOMORROW)
        ),
        note="get_forecast(city='Reykjavik', country='Iceland', date='2026-12-08')",
    ),
    E(
        "recipes_under_30",
        "tools_args",
        turns=["got some courgettes and halloumi, anything quick i can make? under 30 min"],
        tools=[RECIPES],
        judge=expect_call(
            "find_recipes",
            ingredients=items_match(("courgette", "courgettes", "zucchini"), "halloumi"),
            max_minutes=num(30),
        ),
        note="find_recipes(ingredients=['courgettes', 'halloumi'], max_minutes=30)",
    ),
    E(
        "recipes_tonight_words",
        "tools_args",
        turns=["what can i make tonight with chickpeas, spinach and a tin of coconut milk?"],
        tools=[RECIPES],
        judge=expect_call(
            "find_recipes",
            ingredients=items_match(("chickpeas", "chickpea"), "spinach", "coconut milk"),
            max_minutes=absent(),
        ),
        note="find_recipes(ingredients=['chickpeas', 'spinach', 'coconut milk'], max_minutes=None)",
    ),
    E(
        "calc_divide",
        "tools_args",
        turns=["what's 144 divided by 12"],
        tools=[CALC],
        judge=expect_call(
            "calculate", a=num(144), b=num(12), operation=equals("divide"), text_ok=answer_is(12)
        ),
        note="calculate(a=144, b=12, operation='divide')",
    ),
    E(
        "calc_take_away",
        "tools_args",
        turns=["take 37 away from 100"],
        tools=[CALC],
        judge=expect_call(
            "calculate", a=num(100), b=num(37), operation=equals("subtract"), text_ok=answer_is(63)
        ),
        note="calculate(a=100, b=37, operation='subtract')",
    ),
    E(
        "fx_quid",
        "tools_args",
        turns=["how much is 250 quid in euros"],
        tools=[FX],
        judge=expect_call(
            "convert_currency", amount=num(250), from_currency=equals("GBP"), to_currency=equals("EUR")
        ),
        note="convert_currency(amount=250, from_currency='GBP', to_currency='EUR')",
    ),
    E(
        "fx_symbol_thousands",
        "tools_args",
        turns=["convert $1,200 to yen"],
        tools=[FX],
        judge=expect_call(
            "convert_currency", amount=num(1200), from_currency=equals("USD"), to_currency=equals("JPY")
        ),
        note="convert_currency(amount=1200, from_currency='USD', to_currency='JPY')",
    ),
    E(
        "flights_iata_next_year",
        "tools_args",
        history=[DATED],
        turns=["flights from dublin to barcelona on the 28th of january"],
        tools=[FLIGHTS],
        judge=expect_call(
            "search_flights",
            origin=iata("DUB", "dublin"),
            destination=iata("BCN", "barcelona"),
            date=date_is(date(2027, 1, 28), year_optional=False),
        ),
        note="search_flights(origin='DUB', destination='BCN', date='2027-01-28')",
    ),
    E(
        "movie_title_year",
        "tools_args",
        turns=["look up the 1999 film the matrix"],
        tools=[MOVIES],
        judge=expect_call("search_movies", title=text_has("matrix"), year=num(1999)),
        note="search_movies(title='The Matrix', year=1999)",
    ),
    E(
        "movie_no_year",
        "tools_args",
        turns=["is 'past lives' any good?"],
        tools=[MOVIES],
        judge=expect_call("search_movies", title=text_has("past lives"), year=absent() | num(2023)),
        note="search_movies(title='Past Lives', year=None)",
    ),
    E(
        "cart_oat_milk",
        "tools_args",
        turns=["add 3 cartons of oat milk to my cart pls"],
        tools=[CART],
        judge=expect_call("add_to_cart", product=text_has("oat milk"), quantity=num(3)),
        note="add_to_cart(product='oat milk', quantity=3)",
    ),
    E(
        "cart_typos",
        "tools_args",
        turns=["ad two packs of AA batteris to my basket"],
        tools=[CART],
        judge=expect_call(
            "add_to_cart",
            product=Check("AA batteries", lambda v: mentions(v, "aa") and "batter" in norm(v)),
            quantity=num(2),
        ),
        note="add_to_cart(product='AA batteries', quantity=2)",
    ),
    E(
        "result_nickname",
        "tools_args",
        turns=["did spurs win last night?"],
        tools=[RESULTS],
        judge=expect_call("get_match_result", team=text_has("spurs", "tottenham")),
        note="get_match_result(team='Tottenham Hotspur')",
    ),
    E(
        "email_moved_meeting",
        "tools_args",
        turns=["email priya@acme.io saying the standup moved to 3pm"],
        tools=[EMAIL],
        judge=expect_call("send_email", to=equals("priya@acme.io"), body=time_is("15:00")),
        note="send_email(to='priya@acme.io', subject='Standup moved', body='... 3pm ...')",
    ),
    E(
        "translate_german",
        "tools_args",
        turns=["how do you say 'where is the station' in german"],
        tools=[TRANSLATE],
        judge=expect_call(
            "translate",
            text=text_has("where is the station"),
            target_language=equals("german", "de", "deutsch"),
            text_ok=text_has("wo ist der bahnhof"),
        ),
        note="translate(text='where is the station', target_language='German')",
    ),
    E(
        "units_marathon",
        "tools_args",
        turns=["how many km is 26.2 miles"],
        tools=[UNITS],
        judge=expect_call(
            "convert_units",
            value=num(26.2),
            from_unit=equals("mi", "mile", "miles"),
            to_unit=equals("km", "kilometer", "kilometers", "kilometre", "kilometres"),
        ),
        note="convert_units(value=26.2, from_unit='miles', to_unit='km')",
    ),
    E(
        "table_half_seven",
        "tools_args",
        history=[DATED],
        turns=["table for 4 at Dishoom tomorrow at half 7 in the evening"],
        tools=[TABLE],
        judge=expect_call(
            "book_table",
            restaurant=text_has("dishoom"),
            party_size=num(4),
            date=date_is(TOMORROW),
            time=time_is("19:30"),
        ),
        note="book_table(restaurant='Dishoom', party_size=4, date='2026-12-08', time='19:30')",
    ),
    E(
        "event_lunch_nullables",
        "tools_args",
        history=[DATED],
        turns=["put lunch with sam on thursday in my calendar"],
        tools=[EVENT],
        judge=expect_call(
            "create_event",
            title=text_has("lunch"),
            date=date_is(date(2026, 12, 10)),
            time=absent() | time_is("12:00") | time_is("12:30") | time_is("13:00"),
            location=absent(),
        ),
        note="create_event(title='Lunch with Sam', date='2026-12-10', time=None, location=None)",
    ),
    E(
        "hotels_optional_params",
        "tools_args",
        turns=["hotels in valencia under 90 a night"],
        tools=[HOTELS],
        judge=expect_call("search_hotels", city=place("valencia"), max_price=num(90), stars=absent()),
        note="search_hotels(city='Valencia', max_price=90)",
    ),
]

CLARIFY = [
    E(
        "ask_alarm_no_time",
        "tools_clarify",
        turns=["set an alarm"],
        tools=[ALARM],
        judge=expect_ask("the time", asks_for=("time", "when")),
        note="'Sure, for what time?'",
    ),
    E(
        "ask_flight_no_origin",
        "tools_clarify",
        history=[DATED],
        turns=["book me a flight to rome"],
        tools=[FLIGHTS],
        judge=expect_ask(
            "the origin and date",
            asks_for=(
                "from",
                "origin",
                "departure",
                "departing",
                "leaving",
                "date",
                "when",
                "which day",
                "what day",
            ),
            given=("destination", "where to", "flying to", "going to"),
        ),
        note="'Where are you flying from, and on which date?'",
    ),
    E(
        "ask_weather_no_city",
        "tools_clarify",
        turns=["whats the weather like?"],
        tools=[WEATHER],
        judge=expect_ask("the city", asks_for=("city", "where", "location", "place")),
        note="'Which city?'",
    ),
    E(
        "ask_convert_no_currency",
        "tools_clarify",
        turns=["can you convert 100 for me"],
        tools=[FX],
        judge=expect_ask(
            "the currencies",
            asks_for=("currency", "currencies", "into", "from"),
            given=("amount", "how much"),
        ),
        note="'100 of which currency, into which?'",
    ),
    E(
        "ask_email_no_address",
        "tools_clarify",
        turns=["email my boss that i'm off sick today"],
        tools=[EMAIL],
        judge=expect_ask("the boss's address", asks_for=("address", "email", "e-mail", "who", "boss")),
        note="'What's your boss's email address?'",
    ),
    E(
        "ask_table_no_when",
        "tools_clarify",
        history=[DATED],
        turns=["book a table for 2 at nandos"],
        tools=[TABLE],
        judge=expect_ask(
            "the date and time",
            asks_for=("when", "date", "time", "which day", "what day"),
            given=("restaurant", "how many", "party size", "people"),
        ),
        note="'For which day and time?'",
    ),
]

WHEN = [
    E(
        "when_thanks",
        "tools_when",
        history=[
            user("weather in paris?"),
            called(("get_weather", {"city": "Paris", "country": "France", "unit": "celsius"}, "call_w1")),
            result("call_w1", {"city": "Paris", "temp": 9, "unit": "celsius", "conditions": "cloudy"}),
            said("It's 9 °C and cloudy in Paris right now."),
        ],
        turns=["thanks, that's all!"],
        tools=[WEATHER],
        judge=expect_no_call(),
        note="'You're welcome!'",
    ),
    E(
        "when_math_no_tool",
        "tools_when",
        turns=["what's 9 times 8?"],
        tools=[WEATHER],
        judge=expect_text(says_number(72)),
        note="'72.' (no weather call)",
    ),
    E(
        "when_joke",
        "tools_when",
        turns=["tell me a joke about cats"],
        tools=[CALC, WEATHER],
        judge=expect_no_call(),
        note="a joke, no call",
    ),
    E(
        "when_greeting",
        "tools_when",
        turns=["hey whats up"],
        tools=[TIMER, REMINDER],
        judge=expect_no_call(),
        note="a greeting, no call",
    ),
]

EXPERIMENTS = ARGS + CLARIFY + WHEN
