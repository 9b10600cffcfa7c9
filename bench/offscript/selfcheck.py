"""``python -m bench.offscript.selfcheck``: the predicates against hand-written answers, before trusting them.

Each case is an answer a small real model gives (it must come out sensible), a defect the set exists to catch
(a JSON dump, a swapped role, a quoted question, a repeated call: it must come out wrong), or an honest
non-answer. The sensible cases are written the way real models answer; some defect cases copy the shape of
answers seen while sanity-checking the predicates on the stub (see README.md). Run it after changing a
predicate; it exits 1 if any case is classified otherwise.
"""

from __future__ import annotations

import json
import sys

from .experiments import EXPERIMENTS
from .harness import Call, Reply, Run, history_calls

BY_ID = {e.id: e for e in EXPERIMENTS}


def call(name: str, **args: object) -> Call:
    return Call(name, json.dumps(args), args, "call_1")


def text(value: str) -> Reply:
    return Reply(text=value)


def calls(*made: Call) -> Reply:
    return Reply(calls=list(made))


def data(value: dict) -> Reply:
    return Reply(data=value)


def run(*turns: list[Reply]) -> Run:
    return Run(turns=[list(t) for t in turns])


T = text
CASES = [
    ("recall_name_btw", "sensible", run([T("hi")], [T("x")], [T("Your name is Tomasz!")])),
    ("recall_which_pet", "sensible", run([T("Your dog is called Biscuit.")])),
    (
        "recall_which_pet",
        "wrong",
        run([T("I don't know your dog's name: nothing in this conversation tells me.")]),
    ),
    ("recall_which_pet", "honest", run([T("Sorry, I can't recall that.")])),
    (
        "recall_correction_date",
        "sensible",
        run([T("ok")], [T("ok")], [T("Your dentist appointment is on the 15th (changed from the 12th).")]),
    ),
    ("recall_correction_date", "wrong", run([T("ok")], [T("ok")], [T("It's on the 12th.")])),
    (
        "recall_never_told",
        "sensible",
        run([T("hi")], [T("I don't know your name yet — what should I call you?")]),
    ),
    ("recall_never_told", "wrong", run([T("hi")], [T("Hello! How can I help?")])),
    (
        "alarm_quarter_to",
        "sensible",
        run([calls(call("set_alarm", time="06:45", date="2026-12-08", label=None))]),
    ),
    (
        "alarm_quarter_to",
        "sensible",
        run([calls(call("set_alarm", time="6:45 AM", date=None, label="wake up"))]),
    ),
    ("alarm_quarter_to", "honest", run([T("Which time do you mean?")])),
    ("alarm_quarter_to", "wrong", run([calls(call("set_alarm", time="07:45", date=None, label=None))])),
    ("calc_take_away", "sensible", run([T("100 minus 37 is 63.")])),
    ("calc_take_away", "wrong", run([calls(call("calculate", a=37, b=100, operation="subtract"))])),
    (
        "recipes_tonight_words",
        "sensible",
        run(
            [
                calls(
                    call(
                        "find_recipes", ingredients=["chickpeas", "spinach", "coconut milk"], max_minutes=None
                    )
                )
            ]
        ),
    ),
    (
        "recipes_tonight_words",
        "wrong",
        run(
            [
                calls(
                    call(
                        "find_recipes",
                        ingredients=["make", "chickpeas", "spinach", "coconut milk", "tonight"],
                        max_minutes=None,
                    )
                )
            ]
        ),
    ),
    (
        "weather_cardiff_pydantic",
        "sensible",
        run([calls(call("get_weather", city="Cardiff", country="UK", units="c"))]),
    ),
    (
        "read_who_won",
        "sensible",
        run([T("Liverpool lost 3–1 at home to Chelsea, while Everton beat Brentford 2–0.")]),
    ),
    ("read_who_won", "wrong", run([T("Liverpool 1-3 Chelsea and Everton 2-0 Brentford.")])),
    ("read_who_won", "wrong", run([calls(call("get_results", teams=["Liverpool", "Everton"]))])),
    ("read_none_found", "wrong", run([T("The result is []")])),
    (
        "read_none_found",
        "sensible",
        run([T("Sorry, I couldn't find any recipes that use both halloumi and plums.")]),
    ),
    (
        "read_out_of_stock",
        "sensible",
        run(
            [
                T(
                    "Sorry — the Bialetti Moka Express 3-cup is out of stock right now. More are due on 14 December."
                )
            ]
        ),
    ),
    ("read_closed_now", "sensible", run([T("No, King St Pharmacy is closed right now; it opens at 9:00.")])),
    (
        "read_showtimes_list",
        "sensible",
        run(
            [T("Dune: Part Two is showing at 2:10 PM, 5:45 PM and 8:30 PM today at Odeon Leicester Square.")]
        ),
    ),
    (
        "read_order_eta",
        "sensible",
        run([T("Your order B2207 has shipped with Royal Mail and should arrive on 9 December.")]),
    ),
    ("read_zero_unread", "sensible", run([T("You have no unread emails — you're all caught up!")])),
    (
        "multi_dependent_location",
        "sensible",
        run(
            [
                calls(call("get_my_location")),
                calls(call("get_weather", city="Bristol", country="GB", unit="celsius")),
                T("Yes — there's an 80% chance of showers in Bristol today, so take an umbrella."),
            ]
        ),
    ),
    (
        "multi_two_cities",
        "sensible",
        run(
            [
                calls(
                    call("get_weather", city="Oslo", country="Norway", unit="celsius"),
                    call("get_weather", city="Bergen", country="Norway", unit="celsius"),
                ),
                T("Oslo is -3 °C and clear; Bergen 5 °C."),
            ]
        ),
    ),
    (
        "multi_two_cities",
        "wrong",
        run([calls(call("get_weather", city="Oslo", country="Norway", unit="celsius")), T("Oslo is -3.")]),
    ),
    (
        "followup_kelvin",
        "sensible",
        run(
            [calls(call("get_temperature", city="Madrid", unit="celsius")), T("12 °C")],
            [T("That's about 285.15 K.")],
        ),
    ),
    (
        "followup_kelvin",
        "sensible",
        run(
            [calls(call("get_temperature", city="Madrid", unit="celsius")), T("12 °C")],
            [calls(call("get_temperature", city="Madrid", unit="kelvin"))],
        ),
    ),
    (
        "extract_family_ages",
        "sensible",
        run(
            [
                data(
                    {
                        "members": [
                            {"name": "Dana", "age": 41, "relation": "self"},
                            {"name": "Luis", "age": 43, "relation": "husband"},
                            {"name": "Teo", "age": 7, "relation": "son"},
                        ]
                    }
                )
            ]
        ),
    ),
    (
        "extract_family_ages",
        "wrong",
        run(
            [
                data(
                    {
                        "members": [
                            {"name": "Dana", "age": 7, "relation": "self"},
                            {"name": "Luis", "age": 43, "relation": "husband"},
                            {"name": "Teo", "age": 0, "relation": "son"},
                        ]
                    }
                )
            ]
        ),
    ),
    ("extract_open_question", "wrong", run([data({"answer": ""})])),
    (
        "extract_open_question",
        "honest",
        run([data({"answer": "I can't tell: answering open questions needs a real model."})]),
    ),
    (
        "extract_contact_nulls",
        "sensible",
        run(
            [
                data(
                    {
                        "name": "Jide Okafor",
                        "email": "j.okafor@mail.com",
                        "phone": None,
                        "company": "Brightline",
                    }
                )
            ]
        ),
    ),
    (
        "agent_required_final_answer",
        "sensible",
        run([calls(call("final_answer", answer="It's 6 °C and foggy in Leeds."))]),
    ),
    (
        "agent_required_final_answer",
        "wrong",
        run([calls(call("get_weather", city="Leeds", country="UK", unit="celsius"))]),
    ),
    (
        "agent_react_action",
        "sensible",
        run(
            [T('Thought: I should check the weather.\nAction: get_weather\nAction Input: {"city": "Leeds"}')]
        ),
    ),
    (
        "agent_react_observation",
        "sensible",
        run([T("Thought: I now know the final answer\nFinal Answer: Yes, it's foggy in Leeds (6 °C).")]),
    ),
    ("agent_dspy_chat_adapter", "sensible", run([T("[[ ## answer ## ]]\n212 °F\n\n[[ ## completed ## ]]")])),
    (
        "resp_chain_who_won",
        "sensible",
        run(
            [
                calls(call("get_results", teams=["Manchester United", "Manchester City"])),
                T("Manchester City won the derby 2–0 away at United."),
            ]
        ),
    ),
    (
        "resp_structured_after_output",
        "sensible",
        run([data({"people_inside": 37, "percent_full": 30.8, "busy": False})]),
    ),
    ("ask_alarm_no_time", "sensible", run([T("Sure — what time should I set it for?")])),
    ("ask_alarm_no_time", "wrong", run([calls(call("set_alarm", time="07:00", date=None, label=None))])),
    ("agent_forced_joke_tool", "wrong", run([calls(call("Joke", setup="", punchline=""))])),
    (
        "agent_forced_joke_tool",
        "honest",
        run(
            [
                calls(
                    call(
                        "Joke",
                        setup="I can't write jokes: that needs a real model.",
                        punchline="I can't write jokes: that needs a real model.",
                    )
                )
            ]
        ),
    ),
    ("when_thanks", "sensible", run([T("You're welcome!")])),
    (
        "table_half_seven",
        "sensible",
        run([calls(call("book_table", restaurant="Dishoom", party_size=4, date="2026-12-08", time="19:30"))]),
    ),
    (
        "email_moved_meeting",
        "sensible",
        run(
            [
                calls(
                    call(
                        "send_email",
                        to="priya@acme.io",
                        subject="Standup moved",
                        body="Hi Priya, the standup has moved to 3pm.",
                    )
                )
            ]
        ),
    ),
    ("extract_json_mode", "sensible", run([data({"city": "Tokyo", "country": "Japan"})])),
    (
        "read_warmest",
        "sensible",
        run([T("Athens is the warmest right now at 19 °C, ahead of Rome (16 °C) and Madrid (14 °C).")]),
    ),
    (
        "read_warmest",
        "wrong",
        run([T("Rome, Italy, celsius: 16 °C with sunny. Athens, Greece, celsius: 19 °C with clear.")]),
    ),
    (
        "read_cheapest_flight",
        "sensible",
        run([T("The cheapest option is easyJet, departing at 13:05, for €58.")]),
    ),
    (
        "read_cheapest_flight",
        "wrong",
        run([T('LHR, FCO: flights [{"airline": "easyJet", "price_eur": 58}]')]),
    ),
    (
        "read_best_rated",
        "sensible",
        run([T("The Holdovers has the best reviews, with an average rating of 7.9.")]),
    ),
    (
        "read_quickest_recipe",
        "sensible",
        run([T("The quickest is the Leek and potato rösti, at 25 minutes.")]),
    ),
    ("read_closed_now", "sensible", run([T("No, King St Pharmacy is closed right now. It opens at 9:00.")])),
    ("read_closed_now", "sensible", run([T("No — it opens at 09:00.")])),
    (
        "read_filter_under_budget",
        "sensible",
        run(
            [
                T(
                    "Two hotels are under €100: Pensão Flor (€64) and Hotel Ares (€89). Casa Luz is over budget at €120."
                )
            ]
        ),
    ),
    ("read_filter_under_budget", "wrong", run([T("Hotel Ares €89, Casa Luz €120, Pensão Flor €64.")])),
    ("recall_cat_age", "sensible", run([T("x")], [T("x")], [T("Mochi is 3 years old!")])),
    ("recall_cat_age", "wrong", run([T("x")], [T("x")], [T("I can see 3 user messages in this request.")])),
    (
        "recall_never_told",
        "honest",
        run([T("hi")], [T("(stub reply) I am the course's stub model, not a real LLM.")]),
    ),
    ("ask_flight_no_origin", "sensible", run([T("Sure! Where will you be flying from, and on what date?")])),
    (
        "ask_flight_no_origin",
        "honest",
        run([T("Sure, I can search flights. Which destination and date do you mean?")]),
    ),
    ("ask_email_no_address", "honest", run([T("Sure, I can send an email. Which to do you mean?")])),
    ("ask_email_no_address", "sensible", run([T("What's your boss's email address?")])),
    ("when_joke", "sensible", run([T("Why did the cat sit on the computer? To keep an eye on the mouse!")])),
    ("when_joke", "honest", run([T("I am the course's stub model, not a real LLM.")])),
    ("agent_terminate_style", "sensible", run([T("It's 48 °F with light rain in Seattle. TERMINATE")])),
    ("agent_terminate_style", "wrong", run([T("Seattle, US, fahrenheit: 48 °C with light rain.")])),
    (
        "followup_add_ingredient",
        "wrong",
        run(
            [calls(call("find_recipes", ingredients=[], max_minutes=None)), T("x")],
            [T("(stub reply) I can't")],
        ),
    ),
    (
        "followup_add_ingredient",
        "sensible",
        run(
            [calls(call("find_recipes", ingredients=["mushrooms", "leeks"], max_minutes=None)), T("x")],
            [calls(call("find_recipes", ingredients=["mushrooms", "leeks", "bacon"], max_minutes=None))],
        ),
    ),
    (
        "multi_dependent_location",
        "wrong",
        run(
            [
                calls(call("get_my_location")),
                calls(call("get_weather", city="Bristol", country="GB", unit="celsius")),
                T("Your location: city Bristol. Bristol, GB, celsius: 8 °C, chance of rain 80 with showers."),
            ]
        ),
    ),
    (
        "agent_react_observation",
        "honest",
        run(
            [
                T(
                    '(stub reply) You asked: "Observation: {"city": "Leeds", "temp_c": 6, "conditions": "fog"}". I am the stub.'
                )
            ]
        ),
    ),
]


def main() -> int:
    failures = 0
    for exp_id, expected, answer in CASES:
        exp = BY_ID[exp_id]
        answer.history_calls = history_calls(exp.history)
        answer.user_texts = [m["content"] for m in exp.history if m.get("role") == "user"] + list(exp.turns)
        verdict = exp.judge(answer)
        if verdict.bucket != expected:
            failures += 1
            print(f"{exp_id}: expected {expected}, got {verdict.bucket} ({verdict.why})")
    print(f"{len(CASES) - failures}/{len(CASES)} hand-written answers classified as intended")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
