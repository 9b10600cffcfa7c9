"""After lesson 04, step 4: the tool result is in the history and the model must answer the question with it:
the superlative asked for, who won, none found, an error in plain words, a short list."""

from __future__ import annotations

import re
from datetime import date

from ..harness import Experiment as E
from ..judge import (
    Check,
    date_is,
    has_number,
    mentions,
    norm,
    numbers_in,
    place,
    says_superlative,
    says_won,
    time_is,
)
from ..verdicts import expect_call, expect_text, first_of, says, says_number
from .common import DATED, called, result, string, tool, user
from .tools import CALC, FLIGHTS, MOVIES, RECIPES, UNITS, WEATHER

SCORES = tool(
    "get_results",
    "Yesterday's results for some football teams.",
    {"teams": {"type": "array", "items": string()}},
)
SHOWTIMES = tool(
    "get_showtimes", "Today's showtimes of a film at a cinema.", {"film": string(), "cinema": string()}
)
STOCK = tool("check_stock", "How many units of a product are in stock.", {"product": string()})
ORDER = tool("get_order_status", "Status of an order by its number.", {"order_id": string()})
OPEN_NOW = tool("is_open", "Whether a shop is open right now.", {"place": string()})
RATINGS = tool(
    "get_ratings", "Average audience rating of films.", {"titles": {"type": "array", "items": string()}}
)
INBOX = tool("count_unread", "Count the user's unread emails.", {})
HOTELS = tool(
    "find_hotels",
    "Hotels in a city at or under a nightly price.",
    {"city": string(), "max_price": {"type": "number"}},
)

NONE_FOUND = says(
    "no recipes",
    "no recipe",
    "couldn't find",
    "could not find",
    "didn't find",
    "did not find",
    "none",
    "no results",
    "no matching",
    "nothing",
    "found no",
    "unable to find",
    "zero",
    "0 recipes",
    "no matches",
    "not find any",
    "don't have any",
    "there aren't any",
    "there are no",
)
OUT_OF_STOCK = says(
    "out of stock",
    "not in stock",
    "sold out",
    "no stock",
    "none in stock",
    "0 in stock",
    "zero in stock",
    "currently unavailable",
    "not available",
    "isn't in stock",
    "is not in stock",
    "aren't in stock",
    "don't have",
    "do not have",
    "no units",
    "0 units",
    "none left",
    "none available",
)
SAYS_IN_STOCK = Check(
    "it is in stock",
    lambda t: re.search(r"\b(yes|we have (it|some|them)|(is|are) in stock)\b", norm(t)) is not None,
)
CLOSED = says(
    "closed", "not open", "isn't open", "is not open", "shut", "currently closed", "not currently open"
)
SAYS_OPEN = Check(
    "it is open",
    lambda t: re.search(r"\b(yes|it's|it is|is currently)[, ]+(it's )?open\b", norm(t)) is not None,
)
ERROR_WORDS = says(
    "couldn't",
    "could not",
    "unable",
    "unavailable",
    "timed out",
    "time out",
    "timeout",
    "error",
    "problem",
    "issue",
    "not available",
    "try again",
    "failed",
    "wasn't able",
    "was not able",
    "isn't responding",
    "not responding",
    "trouble",
    "down",
)
CHEAPEST = ("cheapest", "lowest", "least expensive", "best price", "cheaper", "lowest fare", "lowest price")
WARMEST = ("warmest", "hottest", "warmer", "highest", "hotter")
BEST = ("best", "highest", "top", "most", "best-rated", "highest-rated")
QUICKEST = ("quickest", "fastest", "shortest", "least time", "quicker")


def picks_other(right: str, words: tuple[str, ...], others: tuple[str, ...]) -> Check:
    """A confident wrong pick: another option named without the right one, or given the superlative."""
    return Check(
        f"{'/'.join(others)} as the answer",
        lambda t: (
            (mentions(t, *others) and not mentions(t, right))
            or any(says_superlative(o, words, (right,))(t) for o in others)
        ),
    )


ANSWERS_NO = Check("starts with 'No'", lambda t: re.match(r"\s*no\b", norm(t)) is not None)


def casa_luz_flagged(text: str) -> bool:
    """The over-budget hotel is left out, or named as over budget."""
    sentences = re.split(r"(?<=[.!?;])\s+|\n+|,\s*(?:but|while)\s+", text)
    return all(
        mentions(
            s, "over", "above", "more than", "exceeds", "budget", "outside", "not under", "too expensive"
        )
        for s in sentences
        if mentions(s, "casa luz")
    )


A_TEMPERATURE = Check(
    "a temperature", lambda t: re.search(r"-?\d+\s*(°|degrees|ºc|c\b)", norm(t)) is not None
)


def hist(
    question: str, calls: list[tuple[str, dict, str]], outputs: list[object], *, dated: bool = False
) -> list:
    """The history a learner's loop holds after running the tools: question, the call(s), their result(s)."""
    return [
        *([DATED] if dated else []),
        user(question),
        called(*calls),
        *[result(cid, out) for (_, _, cid), out in zip(calls, outputs, strict=True)],
    ]


READBACK = [
    E(
        "read_cheapest_flight",
        "tools_readback",
        tools=[FLIGHTS],
        history=hist(
            "find me the cheapest flight from london to rome on the 3rd of february",
            [("search_flights", {"origin": "LHR", "destination": "FCO", "date": "2027-02-03"}, "call_f1")],
            [
                {
                    "flights": [
                        {"airline": "Ryanair", "depart": "06:25", "price_eur": 61},
                        {"airline": "ITA Airways", "depart": "09:40", "price_eur": 142},
                        {"airline": "easyJet", "depart": "13:05", "price_eur": 58},
                    ]
                }
            ],
            dated=True,
        ),
        judge=expect_text(
            says_superlative("easyjet", CHEAPEST, ("ryanair", "ita airways")),
            says_number(58),
            forbid=[picks_other("easyjet", CHEAPEST, ("ryanair", "ita airways"))],
        ),
        note="'The cheapest is easyJet at 13:05 for €58.'",
    ),
    E(
        "read_who_won",
        "tools_readback",
        tools=[SCORES],
        history=hist(
            "how did liverpool and everton get on yesterday?",
            [("get_results", {"teams": ["Liverpool", "Everton"]}, "call_s1")],
            [
                [
                    {"home": "Liverpool", "away": "Chelsea", "home_goals": 1, "away_goals": 3},
                    {"home": "Everton", "away": "Brentford", "home_goals": 2, "away_goals": 0},
                ]
            ],
        ),
        judge=expect_text(
            says_won("chelsea", "liverpool"),
            says_won("everton", "brentford"),
            forbid=[says_won("liverpool", "chelsea"), says_won("brentford", "everton")],
        ),
        note="'Liverpool lost 3-1 at home to Chelsea; Everton beat Brentford 2-0.'",
    ),
    E(
        "read_none_found",
        "tools_readback",
        tools=[RECIPES],
        history=hist(
            "any recipes with halloumi and plums?",
            [("find_recipes", {"ingredients": ["halloumi", "plums"], "max_minutes": None}, "call_r1")],
            [{"recipes": [], "count": 0}],
        ),
        judge=expect_text(NONE_FOUND),
        note="'I couldn't find any recipes with halloumi and plums.'",
    ),
    E(
        "read_error_plain",
        "tools_readback",
        tools=[WEATHER],
        history=hist(
            "what's it like in nairobi?",
            [("get_weather", {"city": "Nairobi", "country": "Kenya", "unit": "celsius"}, "call_e1")],
            [{"error": "ServiceUnavailable: the weather provider timed out"}],
        ),
        judge=first_of(
            expect_text(ERROR_WORDS, forbid=[A_TEMPERATURE]),
            expect_call("get_weather", city=place("nairobi")),
        ),
        note="'Sorry, the weather service timed out; try again in a moment.' (or one retry)",
    ),
    E(
        "read_showtimes_list",
        "tools_readback",
        tools=[SHOWTIMES],
        history=hist(
            "when is dune part two on at the odeon tonight?",
            [("get_showtimes", {"film": "Dune: Part Two", "cinema": "Odeon"}, "call_t1")],
            [
                {
                    "film": "Dune: Part Two",
                    "cinema": "Odeon Leicester Square",
                    "times": ["14:10", "17:45", "20:30"],
                }
            ],
        ),
        judge=expect_text(
            Check(
                "17:45 and 20:30 (tonight)",
                lambda t: (
                    time_is("17:45", twelve_hour_ok=True)(t) and time_is("20:30", twelve_hour_ok=True)(t)
                ),
            )
        ),
        note="'17:45 and 20:30 tonight (and 14:10 this afternoon).'",
    ),
    E(
        "read_warmest",
        "tools_readback",
        tools=[WEATHER],
        history=hist(
            "which is warmest right now: rome, athens or madrid?",
            [
                ("get_weather", {"city": c, "country": k, "unit": "celsius"}, f"call_c{i}")
                for i, (c, k) in enumerate([("Rome", "Italy"), ("Athens", "Greece"), ("Madrid", "Spain")])
            ],
            [
                {"city": "Rome", "temp": 16, "conditions": "sunny"},
                {"city": "Athens", "temp": 19, "conditions": "clear"},
                {"city": "Madrid", "temp": 14, "conditions": "windy"},
            ],
        ),
        judge=expect_text(
            says_superlative(
                "athens", ("warmest", "hottest", "warmer", "highest", "hotter"), ("rome", "madrid")
            ),
            forbid=[picks_other("athens", WARMEST, ("rome", "madrid"))],
        ),
        note="'Athens, at 19 °C.'",
    ),
    E(
        "read_out_of_stock",
        "tools_readback",
        tools=[STOCK],
        history=hist(
            "do you have the moka pot in stock?",
            [("check_stock", {"product": "moka pot"}, "call_k1")],
            [{"product": "Bialetti Moka Express 3-cup", "in_stock": 0, "restock_date": "2026-12-14"}],
            dated=True,
        ),
        judge=expect_text(OUT_OF_STOCK, forbid=[SAYS_IN_STOCK]),
        note="'It's out of stock right now; more arrive on 14 December.'",
    ),
    E(
        "read_order_eta",
        "tools_readback",
        tools=[ORDER],
        history=hist(
            "where's my order B2207?",
            [("get_order_status", {"order_id": "B2207"}, "call_o1")],
            [{"order_id": "B2207", "status": "shipped", "carrier": "Royal Mail", "eta": "2026-12-09"}],
            dated=True,
        ),
        judge=expect_text(
            says("shipped", "on its way", "dispatched", "in transit", "been sent", "on the way"),
            date_is(date(2026, 12, 9)) | says("wednesday"),
        ),
        note="'It has shipped with Royal Mail and should arrive on Wednesday 9 December.'",
    ),
    E(
        "read_product",
        "tools_readback",
        tools=[CALC],
        history=hist(
            "whats 17 times 23",
            [("calculate", {"a": 17, "b": 23, "operation": "multiply"}, "call_m1")],
            [{"result": 391}],
        ),
        judge=expect_text(says_number(391)),
        note="'17 × 23 = 391.'",
    ),
    E(
        "read_conversion",
        "tools_readback",
        tools=[UNITS],
        history=hist(
            "how far is a marathon in km if it's 26.2 miles?",
            [("convert_units", {"value": 26.2, "from_unit": "miles", "to_unit": "km"}, "call_u1")],
            [{"value": 42.16, "unit": "km"}],
        ),
        judge=expect_text(Check("about 42.2 km", lambda t: any(42 <= n <= 42.2 for n in numbers_in(t)))),
        note="'About 42.2 km.'",
    ),
    E(
        "read_closed_now",
        "tools_readback",
        tools=[OPEN_NOW],
        history=hist(
            "is the pharmacy on king st open now?",
            [("is_open", {"place": "pharmacy on King St"}, "call_p1")],
            [{"place": "King St Pharmacy", "open": False, "opens_at": "09:00"}],
        ),
        judge=expect_text(CLOSED | ANSWERS_NO, forbid=[SAYS_OPEN]),
        note="'No, it's closed; it opens at 9:00.'",
    ),
    E(
        "read_best_rated",
        "tools_readback",
        tools=[RATINGS],
        history=hist(
            "which of these has the best reviews: aftersun, past lives or the holdovers?",
            [("get_ratings", {"titles": ["Aftersun", "Past Lives", "The Holdovers"]}, "call_g1")],
            [
                [
                    {"title": "Aftersun", "rating": 7.6},
                    {"title": "Past Lives", "rating": 7.8},
                    {"title": "The Holdovers", "rating": 7.9},
                ]
            ],
        ),
        judge=expect_text(
            says_superlative(
                "holdovers",
                ("best", "highest", "top", "most", "best-rated", "highest-rated"),
                ("aftersun", "past lives"),
            ),
            forbid=[picks_other("holdovers", BEST, ("aftersun", "past lives"))],
        ),
        note="'The Holdovers, with 7.9.'",
    ),
    E(
        "read_zero_unread",
        "tools_readback",
        tools=[INBOX],
        history=hist(
            "how many unread emails have i got?", [("count_unread", {}, "call_i1")], [{"unread": 0}]
        ),
        judge=expect_text(
            Check(
                "none",
                lambda t: (
                    has_number(t, 0)
                    or mentions(
                        t,
                        "no unread",
                        "none",
                        "zero",
                        "no new",
                        "inbox zero",
                        "don't have any",
                        "do not have any",
                        "all caught up",
                        "all read",
                    )
                ),
            )
        ),
        note="'None: you're all caught up.'",
    ),
    E(
        "read_quickest_recipe",
        "tools_readback",
        tools=[RECIPES],
        history=hist(
            "recipes with leeks and potatoes please, whatever's quickest",
            [("find_recipes", {"ingredients": ["leeks", "potatoes"], "max_minutes": None}, "call_q1")],
            [
                {
                    "recipes": [
                        {"name": "Leek and potato soup", "minutes": 40},
                        {"name": "Leek and potato rösti", "minutes": 25},
                        {"name": "Potato and leek gratin", "minutes": 70},
                    ]
                }
            ],
        ),
        judge=expect_text(
            says_superlative(
                "rosti", ("quickest", "fastest", "shortest", "least time", "quicker"), ("soup", "gratin")
            ),
            forbid=[picks_other("rosti", QUICKEST, ("soup", "gratin"))],
        ),
        note="'The rösti: 25 minutes.'",
    ),
    E(
        "read_misspelled_city",
        "tools_readback",
        tools=[WEATHER],
        history=hist(
            "weather in edinbrugh",
            [("get_weather", {"city": "Edinbrugh", "country": "UK", "unit": "celsius"}, "call_x1")],
            [{"error": "unknown city: Edinbrugh"}],
        ),
        judge=first_of(
            expect_text(
                says("edinburgh", "spell", "spelling", "spelt", "did you mean", "check the name"),
                forbid=[A_TEMPERATURE],
            ),
            expect_call("get_weather", city=place("edinburgh")),
        ),
        note="a new call for 'Edinburgh', or 'Did you mean Edinburgh?'",
    ),
    E(
        "read_filter_under_budget",
        "tools_readback",
        tools=[HOTELS],
        history=hist(
            "hotels in lisbon under 100 a night?",
            [("find_hotels", {"city": "Lisbon", "max_price": 100}, "call_h1")],
            [
                [
                    {"name": "Hotel Ares", "price_eur": 89},
                    {"name": "Casa Luz", "price_eur": 120},
                    {"name": "Pensão Flor", "price_eur": 64},
                ]
            ],
        ),
        judge=expect_text("ares", "flor", Check("Casa Luz not offered as under 100", casa_luz_flagged)),
        note="'Hotel Ares (€89) and Pensão Flor (€64); Casa Luz is €120.'",
    ),
    E(
        "read_movie_none",
        "tools_readback",
        tools=[MOVIES],
        history=hist(
            "find the film 'the quiet orchard' from 2021",
            [("search_movies", {"title": "The Quiet Orchard", "year": 2021}, "call_n1")],
            [{"results": []}],
        ),
        judge=expect_text(
            says(
                "couldn't find",
                "could not find",
                "didn't find",
                "did not find",
                "no results",
                "not find",
                "no film",
                "no movie",
                "no match",
                "nothing",
                "not in the catalogue",
                "isn't in",
                "not found",
                "found no",
                "unable to find",
                "no matching",
            )
        ),
        note="'I couldn't find a film called The Quiet Orchard (2021) in the catalogue.'",
    ),
]

EXPERIMENTS = READBACK
