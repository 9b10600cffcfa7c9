"""Issue 24: which calls a learner's own tools get, with which arguments, and how the results are read back.

Each test is one clause of the contract, through the real HTTP stub, with the learner's own tools (JSON
schemas as a learner writes them: get_weather(city, country?, unit?), add_to_list(item, quantity),
set_alarm(time, label?), find_recipes(ingredients[]), get_match_result(team), book_tickets(film, count,
date) ...) and their own words (lower case, several requests in one message, follow-ups). The places,
teams, items, tasks, films, numbers and phrasings are drawn per run from a seeded source; the seed is in
every failure message (``LLM_STUB_TEST_SEED`` replays it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random

import pytest

from .models import PLAIN

SEED = int(os.environ.get("LLM_STUB_TEST_SEED") or random.randrange(2**32))
S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741

CITIES = [("rome", "Italy"), ("milan", "Italy"), ("paris", "France"), ("berlin", "Germany"), ("madrid", "Spain"),
          ("lisbon", "Portugal"), ("vienna", "Austria"), ("dublin", "Ireland"), ("oslo", "Norway"),
          ("prague", "Czechia"), ("warsaw", "Poland"), ("athens", "Greece")]  # fmt: skip
TEAMS = ["spurs", "villa", "arsenal", "chelsea", "everton", "wolves", "brighton", "fulham"]
INGREDIENTS = ["lentils", "kale", "leeks", "feta", "chickpeas", "spinach", "mushrooms", "courgettes", "tofu",
               "halloumi", "sweet potatoes", "tinned tomatoes", "black beans", "aubergine"]  # fmt: skip
ITEMS = ["eggs", "milk", "apples", "bananas", "rice", "butter", "onions", "carrots"]
CONTAINERS = [("loaves of bread", "bread"), ("bottles of water", "water"), ("cans of tuna", "tuna"),
              ("bags of flour", "flour"), ("packs of pasta", "pasta")]  # fmt: skip
TASKS = ["walk the dog", "take my meds", "call mum", "feed the cat", "water the plants", "pick up the kids"]
TOPICS = [("the dentist", "dentist"), ("the gas bill", "gas bill"), ("my passport renewal", "passport renewal"),
          ("the school trip", "school trip")]  # fmt: skip
FILMS = ["dune part two", "the batman", "wicked", "oppenheimer", "gladiator", "the wild robot", "conclave",
         "arrival"]  # fmt: skip
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def fn(name: str, description: str, properties: dict, required: list[str] | None = None) -> dict:
    params = {"type": "object", "properties": properties,
              "required": list(properties) if required is None else required}  # fmt: skip
    return {"type": "function", "function": {"name": name, "description": description, "parameters": params}}


WEATHER = fn("get_weather", "Get the current weather for a city",
             {"city": S, "country": S, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, ["city"])  # fmt: skip
FORECAST = fn("get_forecast", "Get the weather forecast, with the chance of rain",
              {"city": {"type": "string", "description": "City name"}})  # fmt: skip
ADD_DEFAULT = fn("add_to_list", "Add an item to the shopping list",
                 {"item": S, "quantity": {"type": "integer", "description": "how many", "default": 1}}, ["item"])  # fmt: skip
ADD_REQUIRED = fn("add_to_list", "Add an item to the shopping list", {"item": S, "quantity": I})
ALARM = fn("set_alarm", "Set an alarm", {"time": {"type": "string", "description": "time HH:MM"}, "label": S},
           ["time"])  # fmt: skip
REMINDER = fn("create_reminder", "Create a reminder",
              {"time": S, "text": {"type": "string", "description": "what to remind about"}})  # fmt: skip
RECIPES = fn("find_recipes", "Find recipes using the given ingredients",
             {"ingredients": {"type": "array", "items": S}})  # fmt: skip
MATCH = fn("get_match_result", "Get the latest football match result for a team", {"team": S})
TICKETS = fn("book_tickets", "Book cinema tickets",
             {"film": S, "count": I, "date": {"type": "string", "format": "date"}})  # fmt: skip


@pytest.fixture(scope="module")
def client(plain_client):
    return plain_client


@pytest.fixture
def rng(request) -> random.Random:
    return random.Random(f"{SEED}:{request.node.name}")


def casual(rng: random.Random, text: str) -> str:
    return text + rng.choice(["", "", "?", " pls", " thanks"])


def calls_of(message) -> list[tuple[str, dict]]:
    return [(c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls or []]


def ask(client, messages: list[dict], tools: list[dict]):
    return client.chat.completions.create(model=PLAIN, messages=messages, tools=tools).choices[0].message


def answer_with(client, text: str, tools: list[dict], result) -> tuple[list[tuple[str, dict]], str]:
    """The calls for ``text`` and the final answer after each call's result (``result(name, args)``)."""
    messages: list[dict] = [{"role": "user", "content": text}]
    first = ask(client, messages, tools)
    calls = calls_of(first)
    if not calls:
        return [], first.content or ""
    messages.append({"role": "assistant", "content": None,
                     "tool_calls": [c.model_dump() for c in first.tool_calls]})  # fmt: skip
    for c, (name, args) in zip(first.tool_calls, calls, strict=True):
        messages.append({"role": "tool", "tool_call_id": c.id, "content": json.dumps(result(name, args))})
    return calls, ask(client, messages, tools).content or ""


def why(seed_note: str, what) -> str:
    return f"seed={SEED}: {seed_note}; got {what}"


def next_day(name: str) -> str:
    today = dt.date.today()
    return (today + dt.timedelta(days=(DAYS.index(name) - today.weekday()) % 7 or 7)).isoformat()


def title(text: str) -> str:
    return " ".join(w.capitalize() for w in text.split())


# --------------------------------------------------------------------------- several requests, each its call


def test_several_cities_one_call_each_with_its_own_country(client, rng):
    picked = rng.sample(CITIES, 3)
    names = [c for c, _ in picked]
    text = casual(rng, rng.choice(["weather in {0}, {1} and {2}", "whats the weather like in {0}, {1} and {2}",
                                   "how's the weather in {0}, {1} and {2} today"]).format(*names))  # fmt: skip
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [WEATHER]))
    assert sorted(a.get("city", "").lower() for _, a in calls) == sorted(names), why(text, calls)
    for _, args in calls:
        country = dict(picked)[args["city"].lower()]
        assert args.get("country") in (None, country), why(f"{text}: {args['city']} is in {country}", calls)


def test_several_results_of_one_tool_all_read_back(client, rng):
    (a, _), (b, _) = rng.sample(CITIES, 2)
    temps = dict(zip((a, b), rng.sample(range(-3, 30), 2), strict=True))
    text = casual(
        rng, rng.choice(["weather in {0} and {1}", "what's it like in {0} and {1} right now"]).format(a, b)
    )
    calls, said = answer_with(client, text, [WEATHER],
                              lambda _, args: {"city": args["city"], "temp_c": temps[args["city"].lower()]})  # fmt: skip
    assert len(calls) == 2, why(text, calls)
    for city, temp in temps.items():
        assert city.title() in said and f"{temp} °C" in said, why(
            f"{text}: {city} at {temp} °C is read back", said
        )


def test_items_of_one_list_request_each_get_their_own_count(client, rng):
    first = rng.choice(ITEMS)
    container, thing = rng.choice(CONTAINERS)
    n = rng.randint(2, 6)
    text = casual(rng, rng.choice(["add {0} and {1} {2} to my list", "put {0} and {1} {2} on the shopping list",
                                   "can you add {0} and {1} {2} to my shopping list"]).format(first, n, container))  # fmt: skip
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [ADD_DEFAULT]))
    assert len(calls) == 2, why(text, calls)
    by_item = {a["item"].lower(): a.get("quantity", 1) for _, a in calls}
    assert by_item.get(first) == 1, why(f"{text}: {first} takes the schema's default of 1", calls)
    got = next((q for item, q in by_item.items() if thing in item), None)
    assert got == n, why(f"{text}: {n} {container}", calls)


def test_a_required_count_the_words_do_not_give_is_asked_never_borrowed(client, rng):
    first = rng.choice(ITEMS)
    container, _ = rng.choice(CONTAINERS)
    n = rng.randint(2, 6)
    text = casual(rng, f"add {first} and {n} {container} to my list")
    message = ask(client, [{"role": "user", "content": text}], [ADD_REQUIRED])
    calls = calls_of(message)
    assert not any(a.get("item", "").lower() == first and a.get("quantity") == n for _, a in calls), why(
        f"{text}: the {n} is the {container}'s, not the {first}'s", calls
    )
    if not calls:
        assert first in (message.content or "").lower() and (
            "how many" in (message.content or "").lower() or "how much" in (message.content or "").lower()
        ), why(f"{text}: the question names what it asks the count of", message.content)


SINGLES = ["melon", "lime", "cucumber", "lettuce", "pineapple", "avocado", "onion", "loaf of bread"]


def test_a_thing_named_with_a_or_an_is_one_never_the_other_items_count(client, rng):
    first, single = rng.choice(ITEMS[:4] + ["onions", "carrots"]), rng.choice(SINGLES)
    n = rng.randint(2, 9)
    article = "an" if single[0] in "aeiou" else "a"
    text = casual(rng, rng.choice(["add {n} {first} and {a} {one} to my list", "put {n} {first} and {a} {one} on the list"])
                  .format(n=n, first=first, a=article, one=single))  # fmt: skip
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [ADD_REQUIRED]))
    by_item = {a["item"].lower(): a.get("quantity") for _, a in calls}
    assert by_item.get(first) == n, why(f"{text}: {n} {first}", calls)
    got = next((q for item, q in by_item.items() if item in single), None)
    assert got == 1, why(f"{text}: '{article} {single}' is one, not {n}", calls)


def test_a_thing_named_without_a_count_never_takes_a_neighbours(client, rng):
    bare = rng.choice(ITEMS)
    before, after = rng.randint(2, 9), rng.randint(2, 9)
    a, b = rng.sample([i for i in ["lemons", "limes", "peppers", "tomatoes", "pears"]], 2)
    text = casual(rng, f"add {before} {a}, {bare} and {after} {b} to my list")
    message = ask(client, [{"role": "user", "content": text}], [ADD_REQUIRED])
    calls = calls_of(message)
    assert all(
        args.get("quantity") not in (before, after, 0)
        for _, args in calls
        if args.get("item", "").lower() == bare
    ), why(f"{text}: no count is said for {bare}", calls)
    if not calls:
        assert bare in (message.content or "").lower(), why(
            f"{text}: the question names {bare}", message.content
        )


def test_a_city_named_twice_is_one_call_never_the_same_call_twice(client, rng):
    city, _ = rng.choice(CITIES)
    text = casual(rng, rng.choice(["weather in {0} today, then tomorrow's weather in {0}",
                                   "is it cold in {0}? and what about {0} tonight",
                                   "get the weather in {0} then the weather in {0} again"]).format(city))  # fmt: skip
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [WEATHER]))
    keys = [(name, json.dumps(args, sort_keys=True)) for name, args in calls]
    assert calls and len(keys) == len(set(keys)), why(f"{text}: one call per distinct request", calls)


def test_a_tool_that_already_ran_this_turn_is_answered_from_not_called_again(client, rng):
    city, _ = rng.choice(CITIES)
    other = rng.choice([c for c, _ in CITIES if c != city])
    text = casual(rng, f"what's the weather in {city} then tell me if {city} needs a coat")
    call = {"id": "call_" + str(rng.randrange(10**9)), "type": "function",
            "function": {"name": "get_weather", "arguments": json.dumps({"city": other})}}  # fmt: skip
    result = {"city": other, "temperature_c": rng.randrange(-5, 30)}
    messages = [{"role": "user", "content": text}, {"role": "assistant", "content": None, "tool_calls": [call]},
                {"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)}]  # fmt: skip
    message = ask(client, messages, [WEATHER])
    assert not message.tool_calls and message.content, why(
        f"{text}: get_weather already ran in this turn (for {other}); the model answers", calls_of(message)
    )


def _after_one_call(rng, text: str, city: str) -> list[dict]:
    call = {"id": "call_" + str(rng.randrange(10**9)), "type": "function",
            "function": {"name": "get_weather", "arguments": json.dumps({"city": city})}}  # fmt: skip
    result = {"city": city, "temperature_c": rng.randrange(-5, 30)}
    return [{"role": "user", "content": text}, {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)}]  # fmt: skip


def test_the_rest_of_a_set_of_calls_is_made_after_its_first_result(client, rng):
    first, second = [c for c, _ in rng.sample(CITIES, 2)]
    text = casual(rng, f"weather in {first} and {second}")
    calls = calls_of(ask(client, _after_one_call(rng, text, first), [WEATHER]))
    assert [a.get("city", "").lower() for _, a in calls] == [second], why(f"{text}: {first} is done", calls)


def test_a_set_the_model_read_its_own_way_is_answered_not_called_again(client, rng):
    first, second, own = [c for c, _ in rng.sample(CITIES, 3)]
    text = casual(rng, f"weather in {first} and {second}")
    message = ask(client, _after_one_call(rng, text, own), [WEATHER])
    assert not message.tool_calls and message.content, why(
        f"{text}: get_weather already ran in this turn (for {own}); the model answers", calls_of(message)
    )


def test_two_tools_in_one_message_each_get_their_call(client, rng):
    team = rng.choice(TEAMS)
    city, _ = rng.choice(CITIES)
    text = casual(rng, rng.choice(["what was the {0} score and will it rain in {1}",
                                   "{0} score? and will it rain in {1} tomorrow",
                                   "did {0} win, and is it going to rain in {1}"]).format(team, city))  # fmt: skip
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [MATCH, FORECAST]))
    got = {n: a for n, a in calls}
    assert got.get("get_match_result", {}).get("team", "").lower() == team, why(text, calls)
    assert got.get("get_forecast", {}).get("city", "").lower() == city, why(text, calls)


def test_several_teams_one_call_each_and_who_won_each_game(client, rng):
    a, b, other_a, other_b = rng.sample(TEAMS, 4)
    games = {a: (other_a.title(), a.title(), *rng.sample(range(0, 5), 2)),
             b: (b.title(), other_b.title(), *rng.sample(range(0, 5), 2))}  # fmt: skip
    text = casual(
        rng, rng.choice(["how did {0} and {1} do", "{0} and {1} scores", "did {0} and {1} win"]).format(a, b)
    )

    def result(_, args):
        home, away, hs, aws = games[args["team"].lower()]
        return {"home": home, "away": away, "home_score": hs, "away_score": aws}

    calls, said = answer_with(client, text, [MATCH], result)
    assert sorted(x["team"].lower() for _, x in calls) == sorted([a, b]), why(text, calls)
    for home, away, hs, aws in games.values():
        winner = home if hs > aws else away
        score = f"{max(hs, aws)}–{min(hs, aws)}"
        assert winner in said and score in said, why(f"{text}: {winner} won {score}", said)


# --------------------------------------------------------------------------- reading results back


def test_a_yes_no_weather_question_is_answered_with_its_reason(client, rng):
    city, _ = rng.choice(CITIES)
    chance = rng.choice([rng.randint(65, 95), rng.randint(0, 20)])
    text = casual(rng, rng.choice(["do i need an umbrella in {0}", "will it rain in {0} today",
                                   "is it going to rain in {0}"]).format(city))  # fmt: skip
    _, said = answer_with(client, text, [FORECAST],
                          lambda _, a: {"city": a["city"], "chance_of_rain": chance, "temp_c": 12})  # fmt: skip
    opening = "Yes" if chance >= 60 else "Probably not"
    assert said.startswith(opening) and f"{chance}%" in said.split(".")[0], why(
        f"{text} with a {chance}% chance of rain: {opening}, and why, first", said
    )


def test_which_is_warmer_names_the_warmer_place(client, rng):
    (a, _), (b, _) = rng.sample(CITIES, 2)
    temps = dict(zip((a, b), rng.sample(range(-3, 30), 2), strict=True))
    text = casual(rng, rng.choice(["which is warmer, {0} or {1}", "is it warmer in {0} or {1}"]).format(a, b))
    _, said = answer_with(client, text, [WEATHER],
                          lambda _, args: {"city": args["city"], "temp_c": temps[args["city"].lower()]})  # fmt: skip
    warmer = max(temps, key=temps.get).title()
    assert said.startswith(warmer), why(f"{text}: {warmer} is warmer ({temps})", said)


def test_an_empty_list_result_says_none_found(client, rng):
    picked = rng.sample(INGREDIENTS, 2)
    text = casual(rng, f"i've got {picked[0]} and {picked[1]}, what can i make")
    calls, said = answer_with(client, text, [RECIPES], lambda *_: {"recipes": []})
    assert calls, why(text, calls)
    assert any(
        w in said.lower() for w in ("no recipes", "none", "found no", "couldn't find", "no results")
    ), why(f"{text}: nothing found is said", said)


# --------------------------------------------------------------------------- values from the words


def test_a_list_argument_holds_the_items_the_words_name_and_nothing_else(client, rng):
    picked = rng.sample(INGREDIENTS, rng.randint(1, 3))
    listed = picked[0] if len(picked) == 1 else ", ".join(picked[:-1]) + " and " + picked[-1]
    text = casual(rng, rng.choice(["something with {0} tonight", "any recipes with {0}",
                                   "what can i cook with {0}", "i've got {0}, what can i make",
                                   "find me a recipe using {0}"]).format(listed))  # fmt: skip
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [RECIPES]))
    assert len(calls) == 1, why(text, calls)
    assert sorted(i.lower() for i in calls[0][1]["ingredients"]) == sorted(picked), why(text, calls)


def test_a_follow_up_adds_to_the_earlier_list(client, rng):
    picked = rng.sample(INGREDIENTS, 3)
    messages: list[dict] = [
        {"role": "user", "content": f"i've got {picked[0]} and {picked[1]}, what can i make"}
    ]
    first = ask(client, messages, [RECIPES])
    messages.append(
        {"role": "assistant", "content": None, "tool_calls": [c.model_dump() for c in first.tool_calls]}
    )
    messages += [{"role": "tool", "tool_call_id": c.id, "content": json.dumps({"recipes": ["Tart"]})}
                 for c in first.tool_calls]  # fmt: skip
    messages.append({"role": "assistant", "content": ask(client, messages, [RECIPES]).content})
    follow = rng.choice(["add {0} too", "and {0} as well", "also {0}"]).format(picked[2])
    messages.append({"role": "user", "content": follow})
    calls = calls_of(ask(client, messages, [RECIPES]))
    assert len(calls) == 1 and sorted(calls[0][1]["ingredients"]) == sorted(picked), why(follow, calls)


def test_an_optional_label_comes_from_the_purpose_phrase(client, rng):
    task = rng.choice(TASKS)
    hour = rng.randint(1, 11)
    half = rng.choice(["am", "pm"])
    text = casual(rng, rng.choice(["alarm at {0}{1} to {2}", "set an alarm for {0}{1} to {2}",
                                   "wake me at {0}{1} to {2}"]).format(hour, half, task))  # fmt: skip
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [ALARM]))
    clock = f"{hour + (12 if half == 'pm' else 0):02d}:00"
    assert len(calls) == 1 and calls[0][1].get("time") == clock, why(text, calls)
    assert calls[0][1].get("label") == task, why(f"{text}: the label is {task!r}", calls)


def test_no_purpose_no_label(client, rng):
    hour = rng.randint(1, 11)
    text = casual(
        rng, rng.choice(["alarm at {0}am", "set an alarm for {0}pm", "wake me up at {0}am"]).format(hour)
    )
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [ALARM]))
    assert len(calls) == 1 and not calls[0][1].get("label"), why(f"{text}: no label said", calls)


def test_what_a_reminder_is_about_is_its_text(client, rng):
    said, topic = rng.choice(TOPICS)
    hour = rng.randint(1, 11)
    text = casual(
        rng, rng.choice(["remind me at {0}pm about {1}", "remind me about {1} at {0}pm"]).format(hour, said)
    )
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [REMINDER]))
    assert len(calls) == 1 and calls[0][1].get("time", "").endswith(f"{hour + 12}:00"), why(text, calls)
    assert calls[0][1]["text"].lower().removeprefix("the ").removeprefix("my ") == topic, why(text, calls)


def test_a_count_of_tickets_is_not_the_films_title(client, rng):
    film = rng.choice(FILMS)
    n = rng.randint(2, 6)
    day = rng.choice(DAYS)
    count = rng.choice([str(n), NUMBER_WORDS[n]])
    text = casual(rng, rng.choice(["book {0} tickets for {1} on {2}", "can u get me {0} tickets to {1} on {2}",
                                   "{0} tickets for {1} on {2} evening please"]).format(count, film, day))  # fmt: skip
    calls = calls_of(ask(client, [{"role": "user", "content": text}], [TICKETS]))
    assert len(calls) == 1, why(text, calls)
    args = calls[0][1]
    assert args.get("film") == title(film), why(f"{text}: the film is {title(film)!r}", calls)
    assert args.get("count") == n and args.get("date") == next_day(day), why(text, calls)


def test_an_hour_without_am_or_pm_is_asked_about_by_name(client, rng):
    said, _ = rng.choice(TOPICS)
    hour = rng.randint(1, 11)
    # (an hour at the very end, "about the dentist at 3", is read as 15:00 by understanding.py: not this test's)
    template = rng.choice(["remind me at {0} about {1}", "set a reminder at {0} about {1}"])
    text = casual(rng, template.format(hour, said))
    message = ask(client, [{"role": "user", "content": text}], [REMINDER])
    assert not message.tool_calls, why(f"{text}: {hour} am or pm is not said", calls_of(message))
    assert f"{hour} in the morning or {hour} in the evening" in (message.content or ""), why(
        text, message.content
    )


def test_a_chance_of_rain_says_nothing_about_snow(client, rng):
    city, _ = rng.choice(CITIES)
    chance = rng.randint(60, 95)
    text = casual(
        rng, rng.choice(["will it snow in {0}", "is it going to snow in {0} tomorrow"]).format(city)
    )
    _, said = answer_with(client, text, [FORECAST], lambda _, a: {"city": a["city"], "chance_of_rain": chance,
                                                                  "conditions": "showers", "temp_c": 6})  # fmt: skip
    assert said.startswith("No"), why(f"{text}: showers and a {chance}% chance of rain are no snow", said)


def test_a_result_that_only_says_it_worked_is_read_back_as_what_was_done(client, rng):
    n, item = rng.randint(2, 9), rng.choice(["lemons", "carrots", "peppers", "pears"])
    done = rng.choice([{"ok": True}, {"status": "added"}, {"success": True}, {"status": "ok"}])
    text = casual(rng, f"add {n} {item} to my shopping list")
    calls, final = answer_with(client, text, [ADD_REQUIRED], lambda name, args: done)
    assert calls, why(text, calls)
    assert final.startswith("Done: I've added") and item in final and str(n) in final, why(
        f"{text} -> {done}: say what was added", final
    )
    assert ": ok" not in final.lower() and "true" not in final.lower(), why("no raw flags read back", final)


def test_a_done_result_of_a_task_tool_names_the_task(client, rng):
    task = rng.choice(TASKS)
    hour = rng.randint(6, 11)
    text = casual(rng, f"set an alarm for {hour}am to {task}")
    calls, final = answer_with(client, text, [ALARM], lambda name, args: {"ok": True})
    assert calls and final.startswith("Done: I've set the alarm"), why(text, final)
    assert f"{hour:02d}:00" in final and task in final, why(f"{text}: the time and the task", final)


CONVERT = fn("convert_currency", "Convert an amount of money from one currency to another",
             {"amount": {"type": "number"}, "from_currency": S, "to_currency": S})  # fmt: skip


def test_a_conversion_result_is_read_back_as_the_amount_in_each_currency(client, rng):
    n = rng.randint(5, 900)
    (said_from, code_from, sign_from), (said_to, code_to, sign_to) = rng.sample(
        [("euros", "EUR", "€"), ("dollars", "USD", "$"), ("pounds", "GBP", "£"), ("yen", "JPY", "¥")], 2
    )
    rate = round(rng.uniform(0.5, 1.9), 4)
    key = rng.choice(["result", "converted", "converted_amount", "amount"])
    text = casual(rng, f"how much is {n} {said_from} in {said_to}?")
    calls, final = answer_with(
        client, text, [CONVERT], lambda name, args: {key: round(n * rate, 2), "currency": code_to}
    )
    assert calls and calls[0][1].get("from_currency") == code_from, why(text, calls)
    value = round(n * rate, 2)
    shown = f"{value:,.2f}" if not float(value).is_integer() else str(int(value))
    assert f"{sign_from}{n}" in final and f"{sign_to}{shown}" in final, why(f"{text} -> {key}={value}", final)
    assert "result" not in final.lower(), why("the value is said as money, not as 'result'", final)
