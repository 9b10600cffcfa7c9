"""``missing``: a request that leaves out what only the user (or live data) can give gets the one line a model
says, never a guess. One test per clause; verbs, things, languages, places and phrasings drawn per run
(the seed is in every failure: ``RESPONSES_TEST_SEED`` replays it)."""

from __future__ import annotations

from llm_stub import missing, recall

from .talk import assistant, user, why

VERBS = [
    "summarise",
    "summarize",
    "proofread",
    "rewrite",
    "shorten",
    "improve",
    "paraphrase",
    "review",
    "edit",
]
THINGS = ["my essay", "my email", "this paragraph", "my cover letter", "the text", "my cv", "this", "it"]
LANGUAGES = ["french", "german", "spanish", "japanese", "portuguese"]
LEADS = ["", "can you ", "could you please ", "hey, can you ", "pls "]
TAILS = ["", "?", " for me", " please", " thanks!"]
PLACES = ["paris", "Oslo", "lagos", "Lima", "the city", "my town"]


def test_a_request_whose_text_is_not_given_asks_for_it(rng):
    verb, thing = rng.choice(VERBS), rng.choice(THINGS)
    question = f"{rng.choice(LEADS)}{verb} {thing}{rng.choice(TAILS)}"
    said = missing.answer(question)
    noun = thing.split()[-1] if thing.startswith(("my", "the")) or thing == "this paragraph" else "text"
    assert said and "paste" in said and noun in said, why(f"{question!r}: ask for the {noun}", said)


def test_code_to_fix_is_asked_for_with_its_error(rng):
    question = (
        f"{rng.choice(LEADS)}{rng.choice(['fix', 'debug'])} {rng.choice(['my code', 'this', 'my script'])}"
    )
    said = missing.answer(question)
    assert said and "paste" in said and "error" in said, why(f"{question!r}: the code and its error", said)


def test_a_translation_asks_for_the_text_and_names_or_asks_the_language(rng):
    language = rng.choice(LANGUAGES)
    named = missing.answer(f"{rng.choice(LEADS)}translate this into {language}{rng.choice(TAILS)}")
    assert named and language.capitalize() in named and "paste" in named.lower(), why(language, named)
    unnamed = missing.answer(f"{rng.choice(LEADS)}translate this{rng.choice(TAILS)}")
    assert unnamed and "which language" in unnamed, why("no language named: ask which", unnamed)


def test_this_after_earlier_messages_is_no_missing_text(rng):
    question = f"{rng.choice(VERBS)} this"
    assert missing.answer(question, alone=False) is None, why(f"{question!r} after other messages", "an ask")
    history = [user("The meeting moved to Thursday because the room was double booked."), assistant("Noted."),
               user(question)]  # fmt: skip
    said = recall.answer_from_history(history) or ""
    assert "paste" not in said, why(f"{question!r}: the text was sent before", said)


def test_live_weather_without_a_tool_says_it_has_no_live_data(rng):
    place = rng.choice(PLACES)
    question = rng.choice([f"what's the weather like in {place} today?", f"whats the weather in {place}",
                           "is it raining?", f"how's the weather in {place} right now", "what's the forecast"])  # fmt: skip
    said = missing.answer(question)
    assert said and "live weather" in said, why(f"{question!r}: no live data", said)


def test_a_live_price_without_a_tool_says_it_has_no_real_time_data(rng):
    thing = rng.choice(["bitcoin", "apple stock", "gold", "the euro", "tesla shares"])
    question = rng.choice([f"what's the price of {thing} right now?", f"whats the current price of {thing}",
                           f"what is the latest price for {thing} today"])  # fmt: skip
    said = missing.answer(question)
    assert said and "real-time" in said, why(f"{question!r}: no live data", said)


def test_a_request_with_its_text_or_a_plain_question_is_not_asked_back(rng):
    for question in (f"{rng.choice(VERBS)} this: {rng.choice(['the cat sat', 'we ship on monday'])}",
                     "translate 'good morning' into french", "what's the weather usually like in june?",
                     "explain recursion", "what is the price elasticity of demand?"):  # fmt: skip
        assert missing.answer(question) is None, why(
            f"{question!r} gives what it needs", missing.answer(question)
        )


def test_with_a_weather_tool_the_tool_is_called_not_the_line(client, rng):
    from .models import PLAIN

    place = rng.choice(["Paris", "Oslo", "Lima"])
    tool = {"type": "function", "function": {"name": "get_weather", "description": "Current weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}  # fmt: skip
    message = (
        client.chat.completions.create(
            model=PLAIN,
            messages=[{"role": "user", "content": f"what's the weather in {place}?"}],
            tools=[tool],
        )
        .choices[0]
        .message
    )
    assert message.tool_calls and place in message.tool_calls[0].function.arguments, why(
        f"a weather tool is on offer for {place}", message
    )
