"""Tool arguments from everyday phrasing (issue 24, round 6): a label from the request's purpose, a list of
items however it is written, a list added to in a follow-up, and a list named in an earlier turn.

The times, labels, items and phrasings are drawn per run from a seeded source; every failure message carries
the seed (replay with ``LLM_STUB_TEST_SEED``). One test per clause of the contract.
"""

from __future__ import annotations

import json
import random

import pytest

from llm_stub.knowledge import fold

from .test_tool_args_learners import MODEL, SEED, Turn, chat, fn, responses

S = {"type": "string"}
ALARM = fn("set_alarm", "Set an alarm", {"time": {**S, "description": "time, e.g. 07:30"},
           "label": {**S, "description": "optional label"}}, ["time"])  # fmt: skip
RECIPES = fn("find_recipes", "Find recipes using ingredients", {"ingredients": {"type": "array", "items": S}})
SHOPPING = fn("add_to_list", "Add items to the shopping list", {"items": {"type": "array", "items": S}})
WEATHER = fn("get_weather", "Weather for several cities", {"cities": {"type": "array", "items": S}})
MEETING = fn(
    "schedule_meeting", "Schedule a meeting", {"time": S, "attendees": {"type": "array", "items": S}}
)

LABELS = ["gym", "pick up the kids", "yoga class", "call mum", "meds", "walk the dog", "school run"]
HOURS = [
    (6, "6am", "06:00"),
    (7, "7am", "07:00"),
    (15, "3pm", "15:00"),
    (17, "5pm", "17:00"),
    (9, "9am", "09:00"),
]
FOODS = ["chickpeas", "spinach", "tofu", "broccoli", "eggs", "cheese", "ham", "salmon", "lemon", "rice", "peas",
         "potatoes", "onions", "carrots", "mushrooms", "leeks", "garlic", "pasta"]  # fmt: skip
CITIES = ["Paris", "Rome", "Oslo", "Helsinki", "Madrid", "Vienna", "Lisbon", "Prague"]
PEOPLE = ["Sara", "Tom", "Priya", "Kofi", "Ines", "Marco"]


@pytest.fixture(scope="module")
def client(plain_client):
    return plain_client


@pytest.fixture
def rng(request) -> random.Random:
    return random.Random(f"{SEED}:{request.node.nodeid}")


def why(what: str, turn: object) -> str:
    return f"{what}; got {turn} (seed {SEED}; replay with LLM_STUB_TEST_SEED={SEED})"


def folded(items: object) -> list[str]:
    return sorted(fold(str(i)).strip() for i in items) if isinstance(items, list) else []


def only_call(turn: Turn, name: str) -> dict | None:
    return turn.calls[0][1] if len(turn.calls) == 1 and turn.calls[0][0] == name else None


# ---------------------------------------------------------------- labels
def test_a_label_after_a_comma_dash_or_colon_is_the_alarms_label(client, rng):
    for _ in range(4):
        label, (_, said, clock) = rng.choice(LABELS), rng.choice(HOURS)
        text = rng.choice([f"wake me at {said}, {label}", f"{said} alarm - {label}", f"alarm at {said}: {label}",
                           f"set an alarm for {said} - {label}"])  # fmt: skip
        turn = chat(client, [{"role": "user", "content": text}], [ALARM])
        args = only_call(turn, "set_alarm")
        assert args is not None and args.get("time") == clock, why(f"{text!r} sets an alarm at {clock}", turn)
        assert fold(args.get("label") or "") == fold(label), why(f"{text!r} labels it {label!r}", turn)


def test_no_label_from_a_courtesy_or_a_day(client, rng):
    for _ in range(3):
        (_, said, _clock) = rng.choice(HOURS)
        tail = rng.choice(["thanks", "please", "tomorrow", "cheers", "ok"])
        text = f"set an alarm for {said}, {tail}"
        turn = chat(client, [{"role": "user", "content": text}], [ALARM])
        args = only_call(turn, "set_alarm")
        assert args is not None and not args.get("label"), why(f"{text!r} gives no label", turn)


# ---------------------------------------------------------------- lists
def test_a_list_in_everyday_phrasing_gives_exactly_its_items(client, rng):
    for _ in range(4):
        a, b, c = rng.sample(FOODS, 3)
        text, want = rng.choice([
            (f"i have {a} + {b} + {c}, any ideas for dinner?", [a, b, c]),
            (f"recipes w/ {a} & {b} pls", [a, b]),
            (f"I've got {a}, {b}, and {c}. Ideas for lunch today?", [a, b, c]),
            (f"anything i can cook with {a} and {b}?", [a, b]),
            (f"fridge has: {a}, {b}, {c}", [a, b, c]),
            (f"ive got {a}, {b} & {c} - what's for tea?", [a, b, c]),
        ])  # fmt: skip
        turn = chat(client, [{"role": "user", "content": text}], [RECIPES])
        args = only_call(turn, "find_recipes")
        assert args is not None and folded(args.get("ingredients")) == sorted(want), why(
            f"{text!r} lists {want}", turn
        )


def test_a_list_of_names_keeps_a_name_no_list_knows(client, rng):
    a, b = rng.sample(PEOPLE, 2)
    odd = rng.choice(["Li", "Bo", "Yan", "Oz"])
    text = f"set up a meeting at 3pm with {a}, {b} and {odd}"
    turn = chat(client, [{"role": "user", "content": text}], [MEETING])
    args = only_call(turn, "schedule_meeting")
    assert args is not None and folded(args.get("attendees")) == folded([a, b, odd]), why(
        f"{text!r} invites {a}, {b} and {odd}", turn
    )


def test_a_follow_up_adds_its_items_to_the_earlier_list(client, rng):
    a, b, new = rng.sample(FOODS, 3)
    first = f"what can i cook with {a} and {b}"
    call = {"id": "c1", "type": "function",
            "function": {"name": "find_recipes", "arguments": json.dumps({"ingredients": [a, b]})}}  # fmt: skip
    follow = rng.choice(
        [f"add {new} too", f"what about with {new} as well", f"and {new} too", f"plus some {new}"]
    )
    messages = [{"role": "user", "content": first}, {"role": "assistant", "content": None, "tool_calls": [call]},
                {"role": "tool", "tool_call_id": "c1", "content": '{"recipes": ["stew"]}'},
                {"role": "assistant", "content": "You could make a stew."}, {"role": "user", "content": follow}]  # fmt: skip
    turn = chat(client, messages, [RECIPES])
    args = only_call(turn, "find_recipes")
    assert args is not None and folded(args.get("ingredients")) == sorted([a, b, new]), why(
        f"{follow!r} after [{a}, {b}] searches [{a}, {b}, {new}]", turn
    )


# ---------------------------------------------------------------- a list named in an earlier turn
def _earlier(rng: random.Random) -> tuple[str, str, dict, str, list[str]]:
    kind = rng.choice(["cities", "items", "attendees"])
    if kind == "cities":
        a, b = rng.sample(CITIES, 2)
        first = rng.choice([f"I'm thinking about {a} and {b} for a trip", f"Is it cold in {a} and {b}?"])
        later = rng.choice(["what's the weather in those two?", "check the weather for both of them"])
        return first, later, WEATHER, "cities", [a, b]
    if kind == "items":
        a, b = rng.sample(FOODS, 2)
        return f"I need {a} and {b}", rng.choice(["put them on my shopping list", "add both to my list"]), SHOPPING, \
            "items", [a, b]  # fmt: skip
    a, b = rng.sample(PEOPLE, 2)
    return (
        f"my friends are {a} and {b}",
        "invite both of them to a meeting at 3pm",
        MEETING,
        "attendees",
        [a, b],
    )


def test_a_list_named_earlier_fills_the_call_that_refers_back_on_both_apis(client, rng):
    for _ in range(2):
        first, later, tool, key, want = _earlier(rng)
        one = client.responses.create(model=MODEL, input=first, store=True)
        flat = [{"type": "function", **tool["function"]}]
        two = client.responses.create(model=MODEL, input=later, tools=flat, previous_response_id=one.id)
        calls = [(o.name, json.loads(o.arguments)) for o in two.output if o.type == "function_call"]
        by_chain = Turn(calls, two.output_text)
        history = [{"role": "user", "content": first}, {"role": "assistant", "content": one.output_text},
                   {"role": "user", "content": later}]  # fmt: skip
        by_chat = chat(client, history, [tool])
        for api, turn in (("Responses chain", by_chain), ("Chat Completions", by_chat)):
            args = only_call(turn, tool["function"]["name"])
            assert args is not None and folded(args.get(key)) == folded(want), why(
                f"{api}: {later!r} after {first!r} means {want}", turn
            )


def test_a_required_list_the_words_do_not_give_is_never_empty(client, rng):
    tool = rng.choice([WEATHER, SHOPPING, RECIPES])
    key = next(iter(tool["function"]["parameters"]["properties"]))
    text = rng.choice(["can you check them", "ok do it for both", "use the tool please"])
    for api, turn in (("Chat Completions", chat(client, [{"role": "user", "content": text}], [tool])),
                      ("Responses", responses(client, [{"role": "user", "content": text}], [tool]))):  # fmt: skip
        assert all(c[1].get(key) for c in turn.calls), why(
            f"{api}: {text!r} names no {key}: ask, or no call", turn
        )


TEAMS = ["arsenal", "spurs", "celtic", "rangers", "hibs", "wolves", "villa", "everton", "brentford", "fulham"]
RESULTS = fn("get_results", "Latest results for football teams", {"teams": {"type": "array", "items": S}})


def test_teams_written_in_lower_case_fill_a_list_of_teams(client, rng):
    picked = rng.sample(TEAMS, rng.choice([2, 3]))
    listed = ", ".join(picked[:-1]) + " and " + picked[-1]
    text = rng.choice([f"latest results for {listed}?", f"results for {listed}", f"{listed} scores pls"])
    turn = chat(client, [{"role": "user", "content": text}], [RESULTS])
    args = only_call(turn, "get_results")
    assert args is not None and folded(args.get("teams")) == sorted(picked), why(
        f"{text!r} names {picked}", turn
    )
    assert all(t[:1].isupper() for t in args["teams"]), why("a team's name is written capitalised", turn)


TRANSLATE = fn("translate", "Translate text into another language", {"text": S, "target_language": S})
QUESTIONS = ["where is the station", "how much is the bus", "what time is it", "which way is the beach",
             "where are the toilets", "how many stops is it"]  # fmt: skip


def test_a_question_to_translate_is_the_text_whole(client, rng):
    question, language = rng.choice(QUESTIONS), rng.choice(["German", "French", "Spanish", "Italian"])
    text = rng.choice([f"translate '{question}' into {language}", f"how do i say {question} in {language.lower()}",
                       f"translate {question} to {language.lower()}"])  # fmt: skip
    turn = chat(client, [{"role": "user", "content": text}], [TRANSLATE])
    args = only_call(turn, "translate")
    assert args is not None and fold(args.get("text", "")) == fold(question), why(f"{text!r}: the text", turn)
