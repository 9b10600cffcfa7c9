"""After lesson 04 (parallel calls, the agent loop): several requests in one message, a call that needs an earlier
result, and follow-ups that change one argument of the previous call. Tools answer with canned results."""

from __future__ import annotations

import re
from datetime import date

from ..harness import Experiment as E
from ..harness import Run
from ..judge import (
    Check,
    Verdict,
    country,
    date_is,
    equals,
    has_number,
    iana_zone,
    items_match,
    mentions,
    norm,
    num,
    place,
    text_has,
    time_is,
    wrong,
)
from ..verdicts import after, answer_is, expect_call, expect_calls, expect_text, first_of, says_number
from .common import DATED, enum, integer, number, string, tool
from .tools import FLIGHTS, FORECAST, FX, RECIPES, RESULTS, TABLE, TIMER, WEATHER

AT_LEAST_ONE = Check(">= 1", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 1)

TEMPS = {"oslo": -3, "bergen": 5, "rome": 16, "milan": 11, "toronto": -1, "montreal": -6}


def weather_result(args: dict) -> dict:
    city = str(args.get("city", ""))
    return {
        "city": city,
        "temp": TEMPS.get(norm(city).split(",")[0], 7),
        "unit": args.get("unit", "celsius"),
        "conditions": "clear",
    }


RAIN = tool(
    "will_it_rain",
    "Chance of rain in a city for the rest of today.",
    {"city": string(), "country": string("Country of the city")},
)
SHOPPING = tool(
    "add_to_list",
    "Add an item to the shopping list.",
    {"item": string("What to buy"), "quantity": integer("How many")},
)
LOCATION = tool("get_my_location", "Find the city the user is in right now.", {})
CLOCK = tool(
    "get_local_time",
    "Current local time in a time zone.",
    {"timezone": string("IANA time zone name, e.g. Europe/Paris")},
)
PRICE = tool("get_price", "Current price of a product in our shop.", {"product": string()})
TEMPERATURE = tool(
    "get_temperature",
    "Current temperature in a city.",
    {"city": string(), "unit": enum("celsius", "fahrenheit", "kelvin")},
)
BOOK_HOTEL = tool(
    "book_hotel",
    "Book a hotel room.",
    {"city": string(), "check_in": string("YYYY-MM-DD"), "nights": integer()},
)
PERCENT = tool("percentage_of", "Compute a percentage of a value.", {"percent": number(), "value": number()})


def one_call_per_message(inner):
    """parallel_tool_calls=False: every message carries at most one call (lesson 04, section 3)."""

    def judge(run: Run) -> Verdict:
        crowded = [r for r in (run.turns[-1] if run.turns else []) if len(r.calls) > 1]
        if crowded:
            return wrong(
                f"[value] parallel_tool_calls=false, yet {len(crowded[0].calls)} calls in one message"
            )
        return inner(run)

    return judge


def umbrella_advice(text) -> bool:
    """Answers the yes/no question (yes, take one), not only restates the forecast."""
    low = norm(text or "")
    return mentions(low, "yes", "umbrella", "take a", "bring a", "raincoat", "rain jacket") and not re.search(
        r"\b(don't|do not|won't|will not|no) need\b|\bno umbrella\b|\bno,", low
    )


MULTI = [
    E(
        "multi_two_cities",
        "tools_multi",
        turns=["whats the weather in oslo and bergen?"],
        tools=[WEATHER],
        results={"get_weather": weather_result},
        judge=expect_calls(
            [
                ("get_weather", {"city": place("oslo"), "country": country("NO")}),
                ("get_weather", {"city": place("bergen"), "country": country("NO")}),
            ],
            final=[("oslo",), ("bergen",)],
        ),
        note="two get_weather calls, then both cities in the answer",
    ),
    E(
        "multi_score_and_rain",
        "tools_multi",
        turns=["whats the score in the celtic game and will it rain in glasgow tonight"],
        tools=[RESULTS, RAIN],
        results={
            "get_match_result": {
                "home": "Celtic",
                "away": "Hibernian",
                "home_goals": 2,
                "away_goals": 1,
                "status": "full time",
            },
            "will_it_rain": {"city": "Glasgow", "chance_of_rain": 70},
        },
        judge=expect_calls(
            [
                ("get_match_result", {"team": text_has("celtic")}),
                ("will_it_rain", {"city": place("glasgow"), "country": country("GB", "scotland")}),
            ]
        ),
        note="get_match_result(team='Celtic') and will_it_rain(city='Glasgow', country='UK')",
    ),
    E(
        "multi_two_timers",
        "tools_multi",
        turns=["set a timer for 10 minutes for the eggs and another for 25 for the cake"],
        tools=[TIMER],
        results={"start_timer": {"ok": True}},
        judge=expect_calls(
            [
                ("start_timer", {"minutes": num(10), "label": text_has("eggs", "egg")}),
                ("start_timer", {"minutes": num(25), "label": text_has("cake")}),
            ]
        ),
        note="start_timer(10, 'eggs') and start_timer(25, 'cake')",
    ),
    E(
        "multi_shopping_list",
        "tools_multi",
        turns=["add milk, eggs and 2 loaves of bread to my shopping list"],
        tools=[SHOPPING],
        results={"add_to_list": {"ok": True}},
        judge=expect_calls(
            [
                ("add_to_list", {"item": text_has("milk"), "quantity": AT_LEAST_ONE}),
                ("add_to_list", {"item": text_has("eggs", "egg"), "quantity": AT_LEAST_ONE}),
                ("add_to_list", {"item": text_has("bread", "loaf", "loaves"), "quantity": num(2)}),
            ]
        ),
        note="three add_to_list calls, bread with quantity 2",
    ),
    E(
        "multi_fx_two_targets",
        "tools_multi",
        turns=["convert 100 usd to eur and to jpy"],
        tools=[FX],
        results={
            "convert_currency": lambda a: {
                "amount": a.get("amount"),
                "from": a.get("from_currency"),
                "to": a.get("to_currency"),
                "result": 92.4 if a.get("to_currency") == "EUR" else 15430,
            }
        },
        judge=expect_calls(
            [
                (
                    "convert_currency",
                    {"amount": num(100), "from_currency": equals("USD"), "to_currency": equals("EUR")},
                ),
                (
                    "convert_currency",
                    {"amount": num(100), "from_currency": equals("USD"), "to_currency": equals("JPY")},
                ),
            ]
        ),
        note="two convert_currency calls",
    ),
    E(
        "multi_dependent_location",
        "tools_multi",
        turns=["check where i am and tell me if i need an umbrella"],
        tools=[LOCATION, WEATHER],
        results={
            "get_my_location": {"city": "Bristol", "country": "GB"},
            "get_weather": lambda a: {
                "city": a.get("city"),
                "temp": 8,
                "unit": "celsius",
                "conditions": "showers",
                "chance_of_rain": 80,
            },
        },
        judge=expect_calls(
            [("get_my_location", {}), ("get_weather", {"city": place("bristol")})],
            final=[Check("yes, rain", umbrella_advice)],
        ),
        note="get_my_location(), then get_weather(city='Bristol'), then 'Yes, showers likely'",
    ),
    E(
        "multi_time_zones",
        "tools_multi",
        turns=["what time is it in tokyo and in new york"],
        tools=[CLOCK],
        results={
            "get_local_time": lambda a: {
                "timezone": a.get("timezone"),
                "time": "09:12" if "Tokyo" in str(a.get("timezone")) else "19:12",
            }
        },
        judge=expect_calls(
            [
                ("get_local_time", {"timezone": iana_zone("Asia/Tokyo")}),
                ("get_local_time", {"timezone": iana_zone("America/New_York")}),
            ]
        ),
        note="get_local_time('Asia/Tokyo') and get_local_time('America/New_York')",
    ),
    E(
        "multi_compare_prices",
        "tools_multi",
        turns=["compare the price of the iphone 16 and the pixel 9"],
        tools=[PRICE],
        results={
            "get_price": lambda a: {
                "product": a.get("product"),
                "price_eur": 969 if "iphone" in norm(a.get("product", "")) else 899,
            }
        },
        judge=expect_calls(
            [
                ("get_price", {"product": text_has("iphone 16")}),
                ("get_price", {"product": text_has("pixel 9")}),
            ]
        ),
        note="two get_price calls",
    ),
    E(
        "multi_sequential_no_parallel",
        "tools_multi",
        turns=["weather in rome and milan please"],
        tools=[WEATHER],
        options={"parallel_tool_calls": False},
        results={"get_weather": weather_result},
        judge=one_call_per_message(
            expect_calls(
                [
                    ("get_weather", {"city": place("rome"), "country": country("IT")}),
                    ("get_weather", {"city": place("milan"), "country": country("IT")}),
                ]
            )
        ),
        note="one call per message: Rome, then Milan after the first result",
    ),
]

TEMPERATURES = {"celsius": 12, "fahrenheit": 53.6, "kelvin": 285.15}

FOLLOWUP = [
    E(
        "followup_kelvin",
        "tools_followup",
        turns=["temperature in madrid in celsius?", "and in kelvin?"],
        tools=[TEMPERATURE],
        results={
            "get_temperature": lambda a: {
                "city": a.get("city"),
                "unit": a.get("unit"),
                "temperature": TEMPERATURES.get(str(a.get("unit")), 12),
            }
        },
        judge=after(
            expect_call("get_temperature", city=place("madrid"), unit=equals("celsius"), turn=0),
            first_of(
                expect_call("get_temperature", city=place("madrid"), unit=equals("kelvin")),
                expect_text(
                    Check("about 285 K", lambda t: any(has_number(t, n, 0.2) for n in (285, 285.15)))
                ),
            ),
        ),
        note="get_temperature(city='Madrid', unit='kelvin'), or 285 K worked out from 12 °C",
    ),
    E(
        "followup_saturday",
        "tools_followup",
        history=[DATED],
        turns=["forecast for brighton on friday", "what about saturday?"],
        tools=[FORECAST],
        results={
            "get_forecast": lambda a: {
                "city": a.get("city"),
                "date": a.get("date"),
                "conditions": "bright spells",
                "high_c": 10,
            }
        },
        judge=after(
            expect_call("get_forecast", city=place("brighton"), date=date_is(date(2026, 12, 11)), turn=0),
            expect_call("get_forecast", city=place("brighton"), date=date_is(date(2026, 12, 12))),
        ),
        note="get_forecast(city='Brighton', country='UK', date='2026-12-12')",
    ),
    E(
        "followup_correct_date",
        "tools_followup",
        history=[DATED],
        turns=["book a room in bath for the 14th of december, 2 nights", "actually make it the 15th"],
        tools=[BOOK_HOTEL],
        results={"book_hotel": lambda a: {"confirmation": "HX-551", "status": "held", **a}},
        judge=after(
            expect_call(
                "book_hotel", city=place("bath"), check_in=date_is(date(2026, 12, 14)), nights=num(2), turn=0
            ),
            expect_call(
                "book_hotel", city=place("bath"), check_in=date_is(date(2026, 12, 15)), nights=num(2)
            ),
        ),
        note="book_hotel(city='Bath', check_in='2026-12-15', nights=2)",
    ),
    E(
        "followup_party_size",
        "tools_followup",
        history=[DATED],
        turns=["table for 2 at 8pm tonight at Padella", "make that 6 people"],
        tools=[TABLE],
        results={"book_table": lambda a: {"status": "confirmed", **a}},
        judge=after(
            expect_call(
                "book_table",
                restaurant=text_has("padella"),
                party_size=num(2),
                date=date_is(date(2026, 12, 7)),
                time=time_is("20:00"),
                turn=0,
            ),
            expect_call(
                "book_table",
                restaurant=text_has("padella"),
                party_size=num(6),
                date=date_is(date(2026, 12, 7)),
                time=time_is("20:00"),
            ),
        ),
        note="book_table(restaurant='Padella', party_size=6, date='2026-12-07', time='20:00')",
    ),
    E(
        "followup_fx_yen",
        "tools_followup",
        turns=["50 euros in dollars?", "and in yen?"],
        tools=[FX],
        results={
            "convert_currency": lambda a: {**a, "result": 54.1 if a.get("to_currency") == "USD" else 8350}
        },
        judge=after(
            expect_call(
                "convert_currency",
                amount=num(50),
                from_currency=equals("EUR"),
                to_currency=equals("USD"),
                turn=0,
            ),
            expect_call(
                "convert_currency", amount=num(50), from_currency=equals("EUR"), to_currency=equals("JPY")
            ),
        ),
        note="convert_currency(amount=50, from_currency='EUR', to_currency='JPY')",
    ),
    E(
        "followup_other_origin",
        "tools_followup",
        history=[DATED],
        turns=["flights from lisbon to paris on jan 9", "what about from porto instead"],
        tools=[FLIGHTS],
        results={
            "search_flights": lambda a: {
                "flights": [{"airline": "TAP", "depart": "07:10", "price_eur": 112}],
                **a,
            }
        },
        judge=after(
            expect_call(
                "search_flights",
                origin=equals("LIS") | text_has("lisbon", "lisboa"),
                destination=equals("CDG", "ORY", "PAR", "BVA") | text_has("paris"),
                date=date_is(date(2027, 1, 9), year_optional=False),
                turn=0,
            ),
            expect_call(
                "search_flights",
                origin=equals("OPO") | text_has("porto"),
                destination=equals("CDG", "ORY", "PAR", "BVA") | text_has("paris"),
                date=date_is(date(2027, 1, 9), year_optional=False),
            ),
        ),
        note="search_flights(origin='OPO', destination='CDG', date='2027-01-09')",
    ),
    E(
        "followup_timer_change",
        "tools_followup",
        turns=["set a 5 minute timer for the tea", "make it 8"],
        tools=[TIMER],
        results={"start_timer": {"ok": True}},
        judge=after(
            expect_call("start_timer", minutes=num(5), label=text_has("tea"), turn=0),
            expect_call("start_timer", minutes=num(8)),
        ),
        note="start_timer(minutes=8, label='tea')",
    ),
    E(
        "followup_percent",
        "tools_followup",
        turns=["what's 15% of 80", "and 20%?"],
        tools=[PERCENT],
        results={
            "percentage_of": lambda a: {"result": float(a.get("percent", 0)) * float(a.get("value", 0)) / 100}
        },
        judge=after(
            expect_call("percentage_of", percent=num(15), value=num(80), text_ok=answer_is(12), turn=0),
            expect_call(
                "percentage_of", percent=num(20), value=num(80), text_ok=answer_is(16) | says_number(16)
            ),
        ),
        note="percentage_of(percent=20, value=80), or '16'",
    ),
    E(
        "followup_add_ingredient",
        "tools_followup",
        turns=["recipes with mushrooms and leeks", "ooh and can you add bacon"],
        tools=[RECIPES],
        results={"find_recipes": {"recipes": [{"name": "Mushroom and leek pie", "minutes": 55}]}},
        judge=after(
            expect_call(
                "find_recipes", ingredients=items_match(("mushrooms", "mushroom"), ("leeks", "leek")), turn=0
            ),
            expect_call(
                "find_recipes", ingredients=items_match(("mushrooms", "mushroom"), ("leeks", "leek"), "bacon")
            ),
        ),
        note="find_recipes(ingredients=['mushrooms', 'leeks', 'bacon'])",
    ),
    E(
        "followup_other_city",
        "tools_followup",
        turns=["weather in toronto please", "and montreal?"],
        tools=[WEATHER],
        results={"get_weather": weather_result},
        judge=after(
            expect_call("get_weather", city=place("toronto"), country=country("CA"), turn=0),
            expect_call("get_weather", city=place("montreal"), country=country("CA")),
        ),
        note="get_weather(city='Montreal', country='Canada')",
    ),
]

EXPERIMENTS = MULTI + FOLLOWUP
