"""After lesson 07: the same kinds of experiment on the Responses API: recall with previous_response_id or a resent
item list, flat tools, function_call_output read back, text.format, follow-ups on a chained conversation."""

from __future__ import annotations

import re

from pydantic import BaseModel

from ..harness import Experiment as E
from ..judge import Check, country, has_number, norm, num, place, says_superlative, says_won, text_has
from ..verdicts import (
    expect_ask,
    expect_call,
    expect_calls,
    expect_fields,
    expect_recall,
    expect_text,
    first_of,
    says,
    says_number,
)
from .common import enum, function_call, function_output, json_schema, number, string, tool
from .readback import CHEAPEST, ERROR_WORDS, picks_other
from .tools import REMINDER, TIMER


class Person(BaseModel):
    name: str
    age: int
    job: str
    hometown: str


WIND = tool("get_wind", "Current wind speed in a city, in km/h.", {"city": string(), "country": string()})
HOTELS = tool(
    "find_hotels", "Hotels in a city with their nightly price.", {"city": string(), "date": string()}
)
DERBY = tool(
    "get_results",
    "Yesterday's results for some football teams.",
    {"teams": {"type": "array", "items": string()}},
)
CONVERT_TEMP = tool(
    "convert_temperature",
    "Convert a temperature between units.",
    {"value": number(), "from_unit": enum("celsius", "fahrenheit"), "to_unit": enum("celsius", "fahrenheit")},
)


def flight_number(text) -> bool:
    return isinstance(text, str) and re.search(r"\bba\s?2490\b", norm(text)) is not None


RESPONSES = [
    E(
        "resp_recall_chain",
        "responses_api",
        api="responses",
        chain=True,
        turns=["hiya, name's Oluwaseun", "what do you call me?"],
        judge=expect_recall("oluwaseun"),
        note="'Oluwaseun.' with previous_response_id",
    ),
    E(
        "resp_recall_resend",
        "responses_api",
        api="responses",
        history=[{"role": "developer", "content": "Keep answers short."}],
        turns=["my flight is BA 2490 on friday", "whats my flight number again"],
        judge=expect_recall(Check("BA 2490", flight_number)),
        note="'BA 2490.'",
    ),
    E(
        "resp_flat_tool_args",
        "responses_api",
        api="responses",
        turns=["wind speed in wellington right now?"],
        tools=[WIND],
        judge=expect_call("get_wind", city=place("wellington"), country=country("NZ")),
        note="get_wind(city='Wellington', country='New Zealand')",
    ),
    E(
        "resp_readback_cheapest",
        "responses_api",
        api="responses",
        tools=[HOTELS],
        history=[
            {"role": "user", "content": "cheapest hotel in porto for saturday?"},
            function_call("find_hotels", {"city": "Porto", "date": "saturday"}, "call_h"),
            function_output(
                "call_h",
                [
                    {"name": "Hotel Moov", "price_eur": 74},
                    {"name": "Casa do Conto", "price_eur": 139},
                    {"name": "Gallery Hostel", "price_eur": 52},
                ],
            ),
        ],
        judge=expect_text(
            says_superlative("gallery hostel", CHEAPEST, ("moov", "casa do conto")),
            says_number(52),
            forbid=[picks_other("gallery hostel", CHEAPEST, ("moov", "casa do conto"))],
        ),
        note="'Gallery Hostel, at €52 a night.'",
    ),
    E(
        "resp_chain_who_won",
        "responses_api",
        api="responses",
        chain=True,
        tools=[DERBY],
        turns=["who won the derby yesterday, united or city?"],
        results={
            "get_results": [
                {"home": "Manchester United", "away": "Manchester City", "home_goals": 0, "away_goals": 2}
            ]
        },
        judge=expect_calls(
            [
                (
                    "get_results",
                    {
                        "teams": Check(
                            "both clubs",
                            lambda v: (
                                isinstance(v, list)
                                and any("united" in norm(t) for t in v)
                                and any("city" in norm(t) for t in v)
                            ),
                        )
                    },
                )
            ],
            final=[says_won("city", "united")],
        ),
        note="get_results(['Manchester United', 'Manchester City']), then 'City won 2-0'",
    ),
    E(
        "resp_parse_person",
        "responses_api",
        api="responses",
        response_format=Person,
        history=[{"role": "user", "content": "ana, 34, nurse from braga"}],
        judge=expect_fields(
            {"name": text_has("ana"), "age": num(34), "job": text_has("nurse"), "hometown": place("braga")}
        ),
        note="Person(name='Ana', age=34, job='nurse', hometown='Braga')",
    ),
    E(
        "resp_instructions_one_word",
        "responses_api",
        api="responses",
        options={"instructions": "Answer in one word."},
        turns=["what colour is a ripe banana?"],
        judge=expect_text("yellow"),
        note="'Yellow.'",
    ),
    E(
        "resp_followup_chain",
        "responses_api",
        api="responses",
        chain=True,
        tools=[CONVERT_TEMP],
        turns=["convert 30 celsius to fahrenheit", "and 40?"],
        results={
            "convert_temperature": lambda a: {
                "value": float(a.get("value", 0)) * 9 / 5 + 32,
                "unit": "fahrenheit",
            }
        },
        judge=first_of(
            expect_call(
                "convert_temperature",
                value=num(40),
                from_unit=text_has("celsius"),
                to_unit=text_has("fahrenheit"),
            ),
            expect_text(says_number(104)),
        ),
        note="convert_temperature(value=40, ...), or '104 °F'",
    ),
    E(
        "resp_two_timers",
        "responses_api",
        api="responses",
        turns=["set timers for 3 and 7 minutes"],
        tools=[TIMER],
        results={"start_timer": {"ok": True}},
        judge=expect_calls([("start_timer", {"minutes": num(3)}), ("start_timer", {"minutes": num(7)})]),
        note="two start_timer calls",
    ),
    E(
        "resp_structured_after_output",
        "responses_api",
        api="responses",
        history=[
            {"role": "user", "content": "how busy is the gym right now?"},
            function_call("gym_occupancy", {}, "call_g"),
            function_output("call_g", {"people_inside": 37, "capacity": 120, "busiest_hour": "18:00"}),
        ],
        response_format=json_schema(
            "gym_status",
            {"people_inside": {"type": "integer"}, "percent_full": number(), "busy": {"type": "boolean"}},
        ),
        judge=expect_fields(
            {
                "people_inside": num(37),
                "percent_full": Check(
                    "about 31", lambda v: isinstance(v, (int, float)) and (30 <= v <= 31 or 0.30 <= v <= 0.31)
                ),
                "busy": Check("false", lambda v: v is False),
            }
        ),
        note="{'people_inside': 37, 'percent_full': 30.8, 'busy': false}",
    ),
    E(
        "resp_correction_recall",
        "responses_api",
        api="responses",
        turns=[
            "i need a birthday cake for 8 people",
            "sorry, make that 10 people",
            "how many people is the cake for?",
        ],
        judge=expect_recall(says_number(10) | says("ten"), forbid=[Check("8", lambda t: has_number(t, 8))]),
        note="'10 people.'",
    ),
    E(
        "resp_ask_missing",
        "responses_api",
        api="responses",
        turns=["remind me to call mum"],
        tools=[REMINDER],
        judge=expect_ask("when", asks_for=("when", "time", "minutes", "how long", "what time")),
        note="'Sure, when should I remind you?'",
    ),
    E(
        "resp_error_readback",
        "responses_api",
        api="responses",
        tools=[WIND],
        history=[
            {"role": "user", "content": "how windy is it in wellington?"},
            function_call("get_wind", {"city": "Wellington", "country": "NZ"}, "call_w"),
            function_output(
                "call_w", {"error": "403 Forbidden: the API key for the wind service has expired"}
            ),
        ],
        judge=expect_text(
            ERROR_WORDS | says("expired", "forbidden", "api key", "key"),
            forbid=[
                Check("a wind speed", lambda t: re.search(r"\d+\s*(km/h|kmh|mph|knots)", norm(t)) is not None)
            ],
        ),
        note="'I couldn't get the wind: the wind service's key has expired.'",
    ),
]

EXPERIMENTS = RESPONSES
