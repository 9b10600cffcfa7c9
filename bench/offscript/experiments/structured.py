"""After lesson 03 (and 04 for the second half): the learner's own schemas, filled from their own text, and a
schema asked for after a tool result, which must carry the result's values."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

from ..harness import Experiment as E
from ..judge import (
    Check,
    absent,
    boolean,
    country,
    date_is,
    equals,
    mentions,
    norm,
    num,
    place,
    text_has,
    time_is,
)
from ..verdicts import expect_fields
from .common import TODAY_LINE, array, integer, json_schema, nullable, number, string, system, user
from .common import enum as enum_schema
from .readback import hist
from .tools import FLIGHTS, WEATHER

DATED = system(f"You extract structured data from the user's text. {TODAY_LINE}")
EXTRACT = system("You extract structured data from the user's text.")


class Member(BaseModel):
    name: str
    age: int
    relation: str = Field(description="Relation to the writer, e.g. self, husband, son")


class Family(BaseModel):
    members: list[Member]


class Contact(BaseModel):
    name: str
    email: str
    phone: str | None
    company: str | None


class Item(BaseModel):
    product: str
    quantity: int


class CafeOrder(BaseModel):
    items: list[Item]
    for_pickup: bool


class Sentiment(str, Enum):
    positive = "positive"
    negative = "negative"
    neutral = "neutral"
    mixed = "mixed"


class Feedback(BaseModel):
    sentiment: Sentiment
    product_area: str = Field(description="The part of the product the feedback is about")


class Answer(BaseModel):
    answer: str


class Priority(str, Enum):
    low = "low"
    normal = "normal"
    high = "high"


class Ticket(BaseModel):
    order_id: str | None = Field(description="The order number, or null if none was given")
    issue: str = Field(description="One sentence: what is wrong")
    priority: Priority


class WeatherAnswer(BaseModel):
    city: str
    temp_c: float
    conditions: str
    umbrella: bool = Field(description="Whether the user should take an umbrella")


class CheapestFlight(BaseModel):
    airline: str
    price_eur: float
    departs: str = Field(description="Departure time, HH:MM")


def people(expected: dict[str, dict[str, Check]], *, key: str = "name") -> Check:
    """A list of objects: one per expected person (found by name), each passing its field checks, and nobody
    else."""

    def ok(value: Any) -> bool:
        if not isinstance(value, list) or len(value) != len(expected):
            return False
        for name, checks in expected.items():
            row = next((r for r in value if isinstance(r, dict) and mentions(r.get(key, ""), name)), None)
            if row is None or not all(check(row.get(field)) for field, check in checks.items()):
                return False
        return True

    desc = "; ".join(
        f"{n}: " + ", ".join(f"{f}={c.desc}" for f, c in cs.items()) for n, cs in expected.items()
    )
    return Check(f"[{desc}] only", ok)


def items_of(expected: dict[tuple[str, ...], float]) -> Check:
    """A list of {product, quantity}: each expected product (alternatives) with its quantity, no others."""

    def ok(value: Any) -> bool:
        if not isinstance(value, list) or len(value) != len(expected):
            return False
        for names, qty in expected.items():
            row = next(
                (
                    r
                    for r in value
                    if isinstance(r, dict) and any(n in norm(r.get("product", "")) for n in names)
                ),
                None,
            )
            if row is None or not num(qty)(row.get("quantity")):
                return False
        return True

    return Check(", ".join(f"{n[0]} x{q:g}" for n, q in expected.items()), ok)


EXTRACTION = [
    E(
        "extract_family_ages",
        "structured_extract",
        response_format=Family,
        history=[
            EXTRACT,
            user("Extract everyone: I'm Dana (41), my husband Luis is 43 and our son Teo just turned 7."),
        ],
        judge=expect_fields(
            {
                "members": people(
                    {
                        "dana": {"age": num(41)},
                        "luis": {"age": num(43), "relation": text_has("husband", "spouse", "partner")},
                        "teo": {"age": num(7), "relation": text_has("son", "child")},
                    }
                )
            }
        ),
        note="Dana 41 (self), Luis 43 (husband), Teo 7 (son)",
    ),
    E(
        "extract_trip_roles",
        "structured_extract",
        response_format=json_schema(
            "trip",
            {
                "traveller_name": string(),
                "origin": string(),
                "destination": string(),
                "depart_date": string("YYYY-MM-DD"),
                "nights": integer(),
            },
        ),
        history=[
            DATED,
            user("Book for Malik Haddad: flying out of Manchester to Lisbon on 3 March for five nights"),
        ],
        judge=expect_fields(
            {
                "traveller_name": text_has("malik haddad"),
                "origin": place("manchester"),
                "destination": place("lisbon"),
                "depart_date": date_is(date(2027, 3, 3), year_optional=False),
                "nights": num(5),
            }
        ),
        note="Malik Haddad, Manchester -> Lisbon, 2027-03-03, 5 nights",
    ),
    E(
        "extract_match_home_away",
        "structured_extract",
        response_format=json_schema(
            "match",
            {
                "home_team": string(),
                "away_team": string(),
                "home_score": integer(),
                "away_score": integer(),
                "winner": enum_schema("home", "away", "draw"),
            },
        ),
        history=[EXTRACT, user("Brentford 0, Newcastle 2 at the Gtech on Saturday")],
        judge=expect_fields(
            {
                "home_team": text_has("brentford"),
                "away_team": text_has("newcastle"),
                "home_score": num(0),
                "away_score": num(2),
                "winner": equals("away"),
            }
        ),
        note="home Brentford 0, away Newcastle 2, winner away",
    ),
    E(
        "extract_x_beat_y",
        "structured_extract",
        response_format=json_schema("result", {"winner": string(), "loser": string(), "score": string()}),
        history=[EXTRACT, user("Sinner beat Alcaraz 6-4 7-5 in the final")],
        judge=expect_fields(
            {
                "winner": text_has("sinner"),
                "loser": text_has("alcaraz"),
                "score": Check("6-4 7-5", lambda v: "6-4" in norm(v) and "7-5" in norm(v)),
            }
        ),
        note="winner Sinner, loser Alcaraz, score '6-4 7-5'",
    ),
    E(
        "extract_contact_nulls",
        "structured_extract",
        response_format=Contact,
        history=[EXTRACT, user("ping me at j.okafor@mail.com — Jide Okafor, I'm with Brightline")],
        judge=expect_fields(
            {
                "name": text_has("jide okafor"),
                "email": equals("j.okafor@mail.com"),
                "phone": absent(),
                "company": text_has("brightline"),
            }
        ),
        note="Jide Okafor, j.okafor@mail.com, phone null, Brightline",
    ),
    E(
        "extract_movie_review",
        "structured_extract",
        response_format=json_schema(
            "movie",
            {
                "title": string(),
                "year": integer(),
                "director": nullable(string()),
                "rating": nullable(number("out of 10")),
            },
        ),
        history=[EXTRACT, user("just watched parasite (2019) by bong joon-ho, solid 9/10")],
        judge=expect_fields(
            {
                "title": text_has("parasite"),
                "year": num(2019),
                "director": text_has("bong joon-ho", "bong joon ho"),
                "rating": num(9),
            }
        ),
        note="Parasite, 2019, Bong Joon-ho, 9",
    ),
    E(
        "extract_cafe_order_typo",
        "structured_extract",
        response_format=CafeOrder,
        history=[EXTRACT, user("can i get 2 flat whites and a blueberry mufin, for pickup")],
        judge=expect_fields(
            {"items": items_of({("flat white",): 2, ("muffin", "mufin"): 1}), "for_pickup": boolean(True)}
        ),
        note="flat white x2, blueberry muffin x1, for_pickup true",
    ),
    E(
        "extract_sarcasm",
        "structured_extract",
        response_format=Feedback,
        history=[
            system("You classify customer feedback."),
            user("Oh wonderful, the zipper broke on day two. Truly premium."),
        ],
        judge=expect_fields({"sentiment": equals("negative"), "product_area": text_has("zipper", "zip")}),
        note="negative, zipper",
    ),
    E(
        "extract_open_question",
        "structured_extract",
        response_format=Answer,
        history=[user("What's the capital of Canada?")],
        judge=expect_fields({"answer": text_has("ottawa")}),
        note="{'answer': 'Ottawa'}",
    ),
    E(
        "extract_json_mode",
        "structured_extract",
        response_format={"type": "json_object"},
        history=[user("give me JSON with keys city and country for: i'm flying into narita next week")],
        judge=expect_fields({"city": text_has("narita", "tokyo", "chiba"), "country": country("JP")}),
        note="{'city': 'Tokyo', 'country': 'Japan'}",
    ),
    E(
        "extract_ticket_no_order",
        "structured_extract",
        response_format=Ticket,
        history=[
            system("You turn customer messages into support tickets."),
            user("hi the lid of my kettle snapped off, no order number sorry"),
        ],
        judge=expect_fields({"order_id": absent(), "issue": text_has("lid", "kettle")}),
        note="order_id null, issue about the kettle's lid",
    ),
    E(
        "extract_attendee_roles",
        "structured_extract",
        response_format=json_schema(
            "attendees",
            {
                "people": array(
                    {
                        "type": "object",
                        "properties": {"name": string(), "role": string()},
                        "required": ["name", "role"],
                        "additionalProperties": False,
                    }
                )
            },
        ),
        history=[EXTRACT, user("Attendees: Rosa (PM), Ken from QA, and our new designer, Abebe.")],
        judge=expect_fields(
            {
                "people": people(
                    {
                        "rosa": {"role": text_has("pm", "product manager", "project manager")},
                        "ken": {"role": text_has("qa", "quality assurance")},
                        "abebe": {"role": text_has("designer")},
                    }
                )
            }
        ),
        note="Rosa PM, Ken QA, Abebe designer",
    ),
    E(
        "extract_numbers_in_words",
        "structured_extract",
        response_format=json_schema("recipe_meta", {"servings": integer(), "minutes": integer()}),
        history=[EXTRACT, user("this stew serves four and takes about forty five minutes")],
        judge=expect_fields({"servings": num(4), "minutes": num(45)}),
        note="servings 4, minutes 45",
    ),
    E(
        "extract_address",
        "structured_extract",
        response_format=json_schema(
            "address", {"street": string(), "city": string(), "postcode": string(), "country": string()}
        ),
        history=[EXTRACT, user("send it to 221B Baker Street, London NW1 6XE")],
        judge=expect_fields(
            {
                "street": text_has("221b baker street"),
                "city": place("london"),
                "postcode": equals("NW1 6XE"),
                "country": country("GB", "england"),
            }
        ),
        note="221B Baker Street, London, NW1 6XE, UK",
    ),
    E(
        "extract_event_relative",
        "structured_extract",
        response_format=json_schema(
            "event", {"name": string(), "date": string("YYYY-MM-DD"), "start_time": string("HH:MM, 24-hour")}
        ),
        history=[DATED, user("quiz night at the Fox next thursday from 8pm")],
        judge=expect_fields(
            {
                "name": text_has("quiz"),
                "date": date_is(date(2026, 12, 10), date(2026, 12, 17)),
                "start_time": time_is("20:00"),
            }
        ),
        note="quiz night, 2026-12-10, 20:00",
    ),
    E(
        "extract_expense",
        "structured_extract",
        response_format=json_schema(
            "expense",
            {
                "amount": number(),
                "currency": string("ISO 4217 code"),
                "merchant": string(),
                "category": enum_schema("groceries", "transport", "eating_out", "other"),
            },
        ),
        history=[EXTRACT, user("paid €23.50 at Lidl for groceries")],
        judge=expect_fields(
            {
                "amount": num(23.5),
                "currency": equals("EUR"),
                "merchant": text_has("lidl"),
                "category": equals("groceries"),
            }
        ),
        note="23.5 EUR at Lidl, groceries",
    ),
    E(
        "extract_intent_deadline",
        "structured_extract",
        response_format=json_schema(
            "request",
            {
                "intent": enum_schema("complaint", "question", "cancellation", "praise"),
                "deadline": nullable(string("When it must be done by, if said")),
            },
        ),
        history=[
            DATED,
            user("please cancel my subscription before friday, i don't want to be charged again"),
        ],
        judge=expect_fields(
            {
                "intent": equals("cancellation"),
                "deadline": text_has("friday") | date_is(date(2026, 12, 11), date(2026, 12, 10)),
            }
        ),
        note="cancellation, deadline 'Friday'",
    ),
    E(
        "extract_buyer_seller",
        "structured_extract",
        response_format=json_schema(
            "sale", {"seller": string(), "buyer": string(), "item": string(), "price": number()}
        ),
        history=[EXTRACT, user("Marta sold her old bike to Jonas for 120 euros")],
        judge=expect_fields(
            {
                "seller": text_has("marta"),
                "buyer": text_has("jonas"),
                "item": text_has("bike"),
                "price": num(120),
            }
        ),
        note="seller Marta, buyer Jonas, bike, 120",
    ),
    E(
        "extract_parent_child",
        "structured_extract",
        response_format=json_schema(
            "booking",
            {
                "parent_name": string(),
                "parent_age": integer(),
                "child_name": string(),
                "child_age": integer(),
            },
        ),
        history=[EXTRACT, user("Ahmed, 38, booked swimming lessons for his daughter Lina, who is 6")],
        judge=expect_fields(
            {
                "parent_name": text_has("ahmed"),
                "parent_age": num(38),
                "child_name": text_has("lina"),
                "child_age": num(6),
            }
        ),
        note="Ahmed 38, Lina 6",
    ),
]

YORK = hist(
    "do i need an umbrella in york today?",
    [("get_weather", {"city": "York", "country": "UK", "unit": "celsius"}, "call_y1")],
    [{"city": "York", "temp": 9, "unit": "celsius", "conditions": "heavy rain"}],
)
FLIGHT_RESULTS = hist(
    "cheapest flight from edinburgh to amsterdam on friday?",
    [("search_flights", {"origin": "EDI", "destination": "AMS", "date": "2026-12-11"}, "call_a1")],
    [
        {
            "flights": [
                {"airline": "KLM", "depart": "07:00", "price_eur": 134},
                {"airline": "easyJet", "depart": "16:40", "price_eur": 79},
                {"airline": "Loganair", "depart": "11:15", "price_eur": 165},
            ]
        }
    ],
)
SCORE_RESULT = hist(
    "how did the rangers game go?",
    [("get_match_result", {"team": "Rangers"}, "call_r9")],
    [{"home": "Aberdeen", "away": "Rangers", "home_goals": 2, "away_goals": 2, "status": "full time"}],
)

AFTER_TOOL = [
    E(
        "after_tool_weather_pydantic",
        "structured_after_tool",
        history=YORK,
        response_format=WeatherAnswer,
        judge=expect_fields(
            {
                "city": place("york"),
                "temp_c": num(9),
                "conditions": text_has("rain", "heavy rain"),
                "umbrella": boolean(True),
            }
        ),
        note="York, 9, heavy rain, umbrella true",
    ),
    E(
        "after_tool_weather_with_tools",
        "structured_after_tool",
        history=YORK,
        tools=[WEATHER],
        response_format=json_schema(
            "weather_answer",
            {"city": string(), "temp_c": number(), "conditions": string(), "umbrella": {"type": "boolean"}},
        ),
        judge=expect_fields(
            {
                "city": place("york"),
                "temp_c": num(9),
                "conditions": text_has("rain", "heavy rain"),
                "umbrella": boolean(True),
            }
        ),
        note="the same with the tools still offered: fill the schema, no new call",
    ),
    E(
        "after_tool_cheapest",
        "structured_after_tool",
        history=FLIGHT_RESULTS,
        tools=[FLIGHTS],
        response_format=CheapestFlight,
        judge=expect_fields(
            {"airline": text_has("easyjet"), "price_eur": num(79), "departs": time_is("16:40")}
        ),
        note="easyJet, 79, 16:40",
    ),
    E(
        "after_tool_draw",
        "structured_after_tool",
        history=SCORE_RESULT,
        response_format=json_schema(
            "match_summary",
            {
                "outcome": enum_schema("win", "loss", "draw"),
                "score": string("home-away, e.g. 1-0"),
                "opponent": string(),
            },
        ),
        judge=expect_fields(
            {
                "outcome": equals("draw"),
                "score": Check("2-2", lambda v: "2-2" in norm(v) or "2 - 2" in norm(v)),
                "opponent": text_has("aberdeen"),
            }
        ),
        note="draw, 2-2, Aberdeen",
    ),
    E(
        "after_tool_order",
        "structured_after_tool",
        history=hist(
            "where is order C7731?",
            [("get_order_status", {"order_id": "C7731"}, "call_o7")],
            [
                {
                    "order_id": "C7731",
                    "status": "delivered",
                    "delivered_on": "2026-12-04",
                    "signed_by": "neighbour",
                }
            ],
        ),
        response_format=json_schema(
            "order_summary",
            {
                "order_id": string(),
                "status": enum_schema("processing", "shipped", "delivered", "lost"),
                "delivered_on": nullable(string("YYYY-MM-DD")),
            },
        ),
        judge=expect_fields(
            {
                "order_id": equals("C7731"),
                "status": equals("delivered"),
                "delivered_on": date_is(date(2026, 12, 4)),
            }
        ),
        note="C7731, delivered, 2026-12-04",
    ),
    E(
        "after_tool_nothing_found",
        "structured_after_tool",
        history=hist(
            "any vegan bakeries open near me on sunday?",
            [("find_places", {"kind": "vegan bakery", "open_on": "sunday"}, "call_v1")],
            [{"results": []}],
        ),
        response_format=json_schema(
            "search_summary", {"found": {"type": "boolean"}, "count": integer(), "names": array(string())}
        ),
        judge=expect_fields(
            {"found": boolean(False), "count": num(0), "names": Check("[]", lambda v: v == [])}
        ),
        note="found false, count 0, names []",
    ),
    E(
        "after_tool_error",
        "structured_after_tool",
        history=hist(
            "convert 80 chf to eur",
            [("convert_currency", {"amount": 80, "from_currency": "CHF", "to_currency": "EUR"}, "call_z1")],
            [{"error": "RateLimited: too many requests to the exchange-rate service"}],
        ),
        response_format=json_schema(
            "conversion",
            {"ok": {"type": "boolean"}, "result": nullable(number()), "message": string("For the user")},
        ),
        judge=expect_fields(
            {
                "ok": boolean(False),
                "result": absent(),
                "message": text_has(
                    "rate",
                    "limit",
                    "too many",
                    "try again",
                    "couldn't",
                    "could not",
                    "unable",
                    "error",
                    "unavailable",
                    "busy",
                ),
            }
        ),
        note="ok false, result null, a message saying the service was busy",
    ),
    E(
        "after_tool_warmest",
        "structured_after_tool",
        history=hist(
            "warmest of lisbon, seville and valencia right now?",
            [
                ("get_weather", {"city": c, "country": k, "unit": "celsius"}, f"call_l{i}")
                for i, (c, k) in enumerate(
                    [("Lisbon", "Portugal"), ("Seville", "Spain"), ("Valencia", "Spain")]
                )
            ],
            [
                {"city": "Lisbon", "temp": 15},
                {"city": "Seville", "temp": 18},
                {"city": "Valencia", "temp": 17},
            ],
        ),
        response_format=json_schema("warmest", {"city": string(), "temp_c": number()}),
        judge=expect_fields({"city": place("seville", "sevilla"), "temp_c": num(18)}),
        note="Seville, 18",
    ),
]

EXPERIMENTS = EXTRACTION + AFTER_TOOL
