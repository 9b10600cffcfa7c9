"""Off-script prompts, as a learner would try them: the stub understands what the lessons need, or says it can't.

Every prompt here is a realistic learner's own and appears nowhere in the course's scripts; each goes
through the SDK against the stub (with the course's scripts loaded, so that a script answering the wrong
question would show). Groups: tool choice, arguments, answers after tools, structured fields, memory in
varied phrasings, statelessness, honest fallback and scripts only where they fit.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import openai
import pytest

from llm_stub import LIMITS_SENTENCE, StubConfig, StubServer

from .models import PLAIN

MODEL = PLAIN
COURSE_REPLIES = Path(__file__).resolve().parents[2] / "course" / "replies"


@pytest.fixture(scope="module")
def server():
    with StubServer(StubConfig(reply_files=[str(COURSE_REPLIES)])) as s:
        yield s


@pytest.fixture
def client(server):
    return openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=10)


def tool(name: str, description: str, properties: dict, required: list[str] | None = None) -> dict:
    params = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    return {"type": "function", "function": {"name": name, "description": description, "parameters": params}}


WEATHER = tool(
    "get_weather",
    "Get the current weather in a city.",
    {
        "city": {"type": "string", "description": "The city's name, e.g. Paris"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    ["city"],
)
STOCK_PRICE = tool(
    "get_stock_price",
    "Get the latest stock price for a ticker symbol.",
    {"ticker": {"type": "string", "description": "Ticker symbol, e.g. MSFT"}},
)
ORDER = tool(
    "get_order_status",
    "Look up the status of an order by its order number.",
    {"order_id": {"type": "string", "description": "The order number, e.g. A1001"}},
)
STOCK = tool(
    "check_stock",
    "Check how many units of a product are in stock.",
    {"product": {"type": "string", "description": "The product's name, e.g. Aeropress Go"}},
)
CONVERT = tool(
    "convert_currency",
    "Convert an amount of money from one currency to another.",
    {
        "amount": {"type": "number"},
        "from_currency": {"type": "string", "description": "ISO code, e.g. USD"},
        "to_currency": {"type": "string", "description": "ISO code, e.g. EUR"},
    },
)
EMAIL = tool(
    "send_email",
    "Send an email.",
    {"to": {"type": "string", "format": "email"}, "subject": {"type": "string"}, "body": {"type": "string"}},
)
SEARCH = tool(
    "search_web",
    "Search the web for pages about a topic.",
    {"query": {"type": "string"}, "max_results": {"type": "integer", "minimum": 1, "maximum": 20}},
    ["query"],
)
TIME = tool("get_time", "Get the current local time in a city.", {"city": {"type": "string"}})
LOCATION = tool("get_my_location", "Find the city the user is in right now.", {})
ALL = [WEATHER, STOCK_PRICE, ORDER, STOCK, CONVERT, EMAIL, SEARCH, TIME]


def ask(client, messages, **kw):
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    return client.chat.completions.create(model=MODEL, messages=messages, **kw)


def calls_of(response) -> list[tuple[str, dict]]:
    return [
        (c.function.name, json.loads(c.function.arguments))
        for c in response.choices[0].message.tool_calls or []
    ]


def text_of(response) -> str:
    return response.choices[0].message.content or ""


# --- tool choice ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt, expected",
    [
        ("Do I need an umbrella in London today?", "get_weather"),
        ("Is it going to rain in Tokyo tomorrow?", "get_weather"),
        ("Should I pack a warm coat for Oslo?", "get_weather"),
        ("What is Apple trading at right now?", "get_stock_price"),
        ("How are Microsoft shares doing today?", "get_stock_price"),
        ("Convert 250 USD to EUR please", "convert_currency"),
        ("How much is 100 euros in yen?", "convert_currency"),
        ("Email bob@example.com that the meeting moved to Friday", "send_email"),
        ("Any idea what time it is in Sydney?", "get_time"),
        ("Can you track my parcel A1009 for me?", "get_order_status"),
    ],
)
def test_the_fitting_tool_is_called(client, prompt, expected):
    assert [name for name, _ in calls_of(ask(client, prompt, tools=ALL))] == [expected]


@pytest.mark.parametrize(
    "prompt",
    [
        "How do I weather a tough week at work?",
        "What's the capital city of France?",
        "I live in Paris.",
        "Tell me a joke about databases.",
        "Thanks, that's all for today!",
    ],
)
def test_no_tool_and_no_question_when_none_fits(client, prompt):
    r = ask(client, prompt, tools=ALL)
    assert r.choices[0].message.tool_calls is None
    assert "which city" not in text_of(r).lower()


def test_one_call_per_request_in_parallel(client):
    r = ask(client, "Where's order A1002, and is the Hario V60 in stock?", tools=[ORDER, STOCK])
    assert calls_of(r) == [
        ("get_order_status", {"order_id": "A1002"}),
        ("check_stock", {"product": "Hario V60"}),
    ]


def test_two_tools_for_two_questions_in_one_sentence(client):
    r = ask(client, "What's the weather in Rome, and what time is it there in Lisbon?", tools=[WEATHER, TIME])
    assert [name for name, _ in calls_of(r)] == ["get_weather", "get_time"]


def test_a_clarifying_question_only_for_a_missing_required_argument(client):
    r = ask(client, "Is it cold outside?", tools=[WEATHER])
    assert r.choices[0].message.tool_calls is None and "city" in text_of(r)


def test_a_dependent_tool_goes_first(client):
    assert calls_of(ask(client, "Do I need sunglasses where I am right now?", tools=[WEATHER, LOCATION])) == [
        ("get_my_location", {})
    ]


def test_a_follow_up_reuses_the_previous_turns_tool(client):
    history = [
        {"role": "user", "content": "What's the weather in Oslo?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'}}
        ]},
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": -3}'},
        {"role": "assistant", "content": "Oslo: -3 °C."},
    ]  # fmt: skip
    assert calls_of(ask(client, [*history, user("Thanks, and what about berlin?")], tools=[WEATHER])) == [
        ("get_weather", {"city": "Berlin"})
    ]
    assert text_of(ask(client, [*history, user("Thanks!")], tools=[WEATHER])).startswith("You're welcome")


def test_the_place_the_user_lives_in_is_the_default(client):
    r = ask(
        client,
        [user("I live in Oslo."), assistant("Noted!"), user("What's the weather like?")],
        tools=[WEATHER],
    )
    assert calls_of(r) == [("get_weather", {"city": "Oslo"})]


# --- arguments --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt, tools, expected",
    [
        ("What is Apple trading at right now?", [STOCK_PRICE], {"ticker": "AAPL"}),
        ("weather in lisbon tomorrow?", [WEATHER], {"city": "Lisbon"}),
        ("How hot is it in Cairo, in fahrenheit?", [WEATHER], {"city": "Cairo", "unit": "fahrenheit"}),
        (
            "Convert 250 USD to EUR please",
            [CONVERT],
            {"amount": 250, "from_currency": "USD", "to_currency": "EUR"},
        ),
        (
            "How much is 100 euros in yen?",
            [CONVERT],
            {"amount": 100, "from_currency": "EUR", "to_currency": "JPY"},
        ),
        ("Is the Comandante C40 in stock?", [STOCK], {"product": "Comandante C40"}),
        ("Where is my order #48213?", [ORDER], {"order_id": "#48213"}),
        (
            'Search the web for "vector databases", top 5 results',
            [SEARCH],
            {"query": "vector databases", "max_results": 5},
        ),
    ],
)
def test_arguments_come_from_the_words_that_fit_each_parameter(client, prompt, tools, expected):
    assert calls_of(ask(client, prompt, tools=tools)) == [(tools[0]["function"]["name"], expected)]


def test_optional_parameters_only_from_evidence(client):
    ((name, args),) = calls_of(ask(client, "Weather in Madrid please", tools=[WEATHER]))
    assert args == {"city": "Madrid"}  # no unit was asked for: none is invented
    ((name, args),) = calls_of(ask(client, "Search the web for rust async runtimes", tools=[SEARCH]))
    assert args == {"query": "Rust async runtimes"} or args == {"query": "rust async runtimes"}


def test_an_entity_fills_one_parameter_of_one_call(client):
    r = ask(client, "Where's order A1002, and is the Hario V60 in stock?", tools=[ORDER, STOCK])
    values = [v for _, args in calls_of(r) for v in args.values()]
    assert sorted(values) == ["A1002", "Hario V60"]


def test_several_cities_give_one_call_each_with_the_shared_option(client):
    r = ask(client, "weather in lisbon and porto, in fahrenheit", tools=[WEATHER])
    assert calls_of(r) == [
        ("get_weather", {"city": "Lisbon", "unit": "fahrenheit"}),
        ("get_weather", {"city": "Porto", "unit": "fahrenheit"}),
    ]


def test_email_arguments(client):
    ((_, args),) = calls_of(
        ask(client, "Email bob@example.com that the meeting moved to Friday", tools=[EMAIL])
    )
    assert args["to"] == "bob@example.com"
    assert "meeting moved to friday" in args["body"].lower() and "bob@" not in args["body"]


# --- answers after tools ----------------------------------------------------------------------------------


def answer_after(client, prompt, tools, results):
    messages = [{"role": "user", "content": prompt}]
    r = ask(client, messages, tools=tools)
    message = r.choices[0].message
    messages.append(message.model_dump(exclude_none=True))
    for call, result in zip(message.tool_calls, results, strict=True):
        content = result if isinstance(result, str) else json.dumps(result)
        messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return text_of(ask(client, messages, tools=tools))


def test_the_answer_is_a_sentence_with_the_key_values(client):
    text = answer_after(
        client, "How cold is it in Oslo today?", [WEATHER], [{"temp_c": -7, "conditions": "heavy snow"}]
    )
    assert "-7 °C" in text and "heavy snow" in text and "Oslo" in text
    assert "get_weather(" not in text and "{" not in text


def test_a_yes_no_question_gets_its_answer(client):
    text = answer_after(
        client,
        "Do I need an umbrella in London today?",
        [WEATHER],
        [{"temp_c": 14, "conditions": "light rain"}],
    )
    assert text.startswith("Yes") and "light rain" in text


def test_stock_answer_says_yes_or_no(client):
    assert answer_after(
        client, "Is the Hario V60 in stock?", [STOCK], [{"product": "Hario V60", "in_stock": 12}]
    ).startswith("Yes")
    assert answer_after(
        client, "Is the Kalita Wave in stock?", [STOCK], [{"product": "Kalita Wave", "in_stock": 0}]
    ).startswith("No")


def test_each_parallel_result_gets_its_sentence(client):
    text = answer_after(
        client,
        "Where's order B7, and is the Hario V60 in stock?",
        [ORDER, STOCK],
        [
            {"order_id": "B7", "status": "in transit", "carrier": "DHL"},
            {"product": "Hario V60", "in_stock": 12},
        ],
    )
    assert "in transit" in text and "DHL" in text and "12 in stock" in text


def test_a_failed_tool_is_said_plainly(client):
    text = answer_after(
        client, "What's the weather in Narnia?", [WEATHER], [{"error": "unknown city: Narnia"}]
    )
    assert text.startswith("I couldn't get the weather for Narnia") and "unknown city" in text


def test_a_plain_text_result(client):
    calc = tool("calculator", "Evaluate an arithmetic expression.", {"expression": {"type": "string"}})
    assert answer_after(client, "What's 12 * 12 + 1?", [calc], ["145"]) == "12 * 12 + 1 = 145."


def test_a_price_with_its_currency(client):
    text = answer_after(
        client,
        "What is Nvidia trading at?",
        [STOCK_PRICE],
        [{"ticker": "NVDA", "price": 131.4, "currency": "USD"}],
    )
    assert "$131.4" in text or "131.4 USD" in text


# --- structured fields ------------------------------------------------------------------------------------


def schema_format(name: str, properties: dict) -> dict:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": name,
            "strict": True,
            "schema": {
                "type": "object",
                "properties": properties,
                "required": list(properties),
                "additionalProperties": False,
            },
        },
    }


def structured(client, prompt: str, name: str, properties: dict) -> dict:
    fmt = schema_format(name, properties)
    value = json.loads(text_of(ask(client, prompt, response_format=fmt)))
    jsonschema.validate(value, fmt["json_schema"]["schema"])
    return value


REVIEW = {
    "sentiment": {"type": "string", "enum": ["positive", "negative", "neutral"]},
    "confidence": {"type": "number"},
    "keywords": {"type": "array", "items": {"type": "string"}},
}


@pytest.mark.parametrize(
    "review, sentiment",
    [
        ("Absolutely love this grinder, it is fast and quiet!", "positive"),
        ("Terrible. The kettle broke after a week and support never answered.", "negative"),
        ("The toaster is not good at all.", "negative"),
        ("It's a lamp. It gives light.", "neutral"),
    ],
)
def test_sentiment_with_negation_and_a_confidence_in_range(client, review, sentiment):
    value = structured(client, f"Classify this review: {review}", "review", REVIEW)
    assert value["sentiment"] == sentiment
    assert 0 <= value["confidence"] <= 1


def test_a_mixed_review_keeps_confidence_in_zero_one(client):
    value = structured(
        client, "Review: The battery dies in two hours but the screen is gorgeous.", "review", REVIEW
    )
    assert 0 <= value["confidence"] <= 1 and {"battery", "screen"} <= set(value["keywords"])


def test_recipe_fields_never_get_random_words(client):
    value = structured(
        client,
        "Give me a simple carbonara recipe for 4 people with spaghetti, eggs, pecorino and guanciale.",
        "recipe",
        {
            "title": {"type": "string"},
            "cuisine": {"type": ["string", "null"]},
            "servings": {"type": "integer"},
            "ingredients": {"type": "array", "items": {"type": "string"}},
            "author": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "country": {"type": "string"}},
                        "required": ["name", "country"],
                        "additionalProperties": False,
                    },
                    {"type": "null"},
                ]
            },
        },
    )
    assert value["servings"] == 4
    assert value["ingredients"] == ["spaghetti", "eggs", "pecorino", "guanciale"]
    # a dish's cuisine is world knowledge no text here states: null, or the right one, never a random word
    assert value["title"] and value["cuisine"] in (None, "italian", "Italian")
    assert value["author"] is None  # nothing says who wrote it: a nullable field stays null (issue 24)


def test_a_required_field_nothing_supports_declines_the_reply(client):
    # nothing says who wrote the recipe: "unknown" or "" would look like an answer (issue 24); the strict reply
    # is a refusal that names the missing values instead
    properties = {"title": {"type": "string"}, "servings": {"type": "integer"},
                  "author": {"type": "object", "properties": {"name": {"type": "string"}, "country": {"type": "string"}},
                             "required": ["name", "country"], "additionalProperties": False}}  # fmt: skip
    r = ask(
        client,
        "Give me a simple carbonara recipe for 4 people.",
        response_format=schema_format("recipe", properties),
    )
    message = r.choices[0].message
    assert (
        message.content is None and "name and country" in message.refusal and "real model" in message.refusal
    )


def test_order_fields_by_meaning(client):
    value = structured(
        client,
        "Extract the order: Grace Hopper wants 3 units of SKU-4411, urgent please.",
        "Order",
        {
            "customer": {"type": "string"},
            "sku": {"type": "string"},
            "quantity": {"type": "integer"},
            "urgent": {"type": "boolean"},
        },
    )
    assert value == {"customer": "Grace Hopper", "sku": "SKU-4411", "quantity": 3, "urgent": True}


def test_nothing_found_gives_null_or_a_decline_never_a_placeholder(client):
    properties = {
        "customer": {"type": "string"},
        "sku": {"type": "string"},
        "quantity": {"type": "integer"},
        "gift": {"type": "boolean"},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "channel": {"type": "string", "enum": ["web", "phone", "store"]},
        "tags": {"type": "array", "items": {"type": "string"}},
    }
    message = ask(client, "Extract the order: someone wants stuff.", response_format=schema_format("Order", properties)
                  ).choices[0].message  # fmt: skip
    # strict: every field must be there, and "unknown", 0 or "web" would be made up (issue 24): a refusal
    for field in ("customer", "sku", "quantity", "channel"):
        assert field in message.refusal, message.refusal
    nullable = {"note": properties["note"], "sku": {"anyOf": [{"type": "string"}, {"type": "null"}]}}
    assert structured(client, "Extract the order: someone wants stuff.", "Order", nullable) == {
        "note": None,
        "sku": None,
    }


def test_person_from_an_introduction(client):
    value = structured(
        client,
        "Hi, I'm Ada Lovelace, 36, living in London. I enjoy maths, poetry and horse riding.",
        "person",
        {
            "name": {"type": "string"},
            "age": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "city": {"type": "string"},
            "email": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "hobbies": {"type": "array", "items": {"type": "string"}},
        },
    )
    assert value == {
        "name": "Ada Lovelace",
        "age": 36,
        "city": "London",
        "email": None,
        "hobbies": ["maths", "poetry", "horse riding"],
    }


def test_event_with_a_date_a_list_and_a_rating_from_its_description(client):
    value = structured(
        client,
        "Team offsite in Berlin on 12 May 2025 with Maria, Tom and Priya. It was great!",
        "event",
        {
            "title": {"type": "string"},
            "date": {"type": "string", "description": "ISO date"},
            "location": {"type": "string"},
            "attendees": {"type": "array", "items": {"type": "string"}},
            "rating": {"type": "integer", "description": "1-5 stars"},
        },
    )
    assert value["date"] == "2025-05-12" and value["location"] == "Berlin"
    assert value["attendees"] == ["Maria", "Tom", "Priya"] and 4 <= value["rating"] <= 5


TICKET = {
    "category": {
        "type": "string",
        "enum": ["order_status", "delivery_problem", "damaged_item", "refund", "product_question", "other"],
    },
    "order_id": {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "description": "The order number the customer gave; null if none.",
    },
    "priority": {"type": "string", "enum": ["low", "normal", "high"]},
}


def test_ticket_category_and_order_by_meaning(client):
    value = structured(
        client,
        "user: My espresso machine arrived with a cracked water tank. Order B2231. I need a replacement.",
        "ticket",
        TICKET,
    )
    assert value == {"category": "damaged_item", "order_id": "B2231", "priority": "high"}
    value = structured(client, "user: Do you sell decaf beans?", "ticket", TICKET)
    assert value == {"category": "product_question", "order_id": None, "priority": "normal"}


def test_json_mode_with_named_keys(client):
    r = ask(
        client,
        "Return JSON with keys name, city and age: my friend Tom, 31, lives in Dublin.",
        response_format={"type": "json_object"},
    )
    assert json.loads(text_of(r)) == {"name": "Tom", "city": "Dublin", "age": 31}


# --- memory in varied phrasings ---------------------------------------------------------------------------


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict:
    return {"role": "assistant", "content": text}


@pytest.mark.parametrize(
    "intro",
    [
        "I'm Ada.",
        "I am Ada.",
        "My name is ada.",
        "hi, i'm ada",
        "Call me Ada!",
        "Hello! I'm Ada, nice to meet you.",
    ],
)
def test_the_name_in_common_phrasings(client, intro):
    assert (
        text_of(ask(client, [user(intro), assistant("Hello!"), user("What's my name?")]))
        == "Your name is Ada."
    )


@pytest.mark.parametrize(
    "statement", ["I'm tired.", "I'm from Lyon.", "I'm a teacher.", "I'm looking for a gift."]
)
def test_what_is_not_a_name(client, statement):
    assert "don't know your name" in text_of(
        ask(client, [user(statement), assistant("OK."), user("What is my name?")])
    )


def test_several_facts_in_one_message_and_two_at_once(client):
    history = [
        user("Hi! I'm Sam, I live in Porto and I work as a nurse."),
        assistant("Nice to meet you, Sam!"),
    ]
    assert text_of(ask(client, [*history, user("What's my name and where do I live?")])) == (
        "Your name is Sam. You told me you live in Porto."
    )
    assert (
        text_of(ask(client, [*history, user("What do I do for a living?")]))
        == "You told me you work as a nurse."
    )


def test_likes_dislikes_age_and_pets(client):
    history = [
        user("I love jazz and hiking, but I hate olives."),
        assistant("Noted!"),
        user("I'm 29 and my dog is called Biscuit."),
        assistant("Lovely!"),
    ]
    assert (
        text_of(ask(client, [*history, user("What do I like?")])) == "You told me you like jazz and hiking."
    )
    assert text_of(ask(client, [*history, user("How old am I?")])) == "You told me you're 29 years old."
    assert text_of(ask(client, [*history, user("What's my dog's name?")])) == "Your dog's name is Biscuit."
    assert "olives" in text_of(ask(client, [*history, user("What do you know about me?")]))


def test_a_known_and_an_unknown_fact(client):
    text = text_of(
        ask(client, [user("My name is Lin."), assistant("Hi Lin!"), user("What's my name and how old am I?")])
    )
    assert text.startswith("Your name is Lin.") and "don't know how old you are" in text


def test_introductions_get_acknowledged(client):
    assert text_of(ask(client, "I live in Lyon and I love cycling.")) == (
        "Noted: you live in Lyon and you like cycling. How can I help you today?"
    )


# --- statelessness ----------------------------------------------------------------------------------------


def test_facts_are_not_kept_between_requests(client):
    ask(client, "Hi, I'm Noor and I live in Amman.")
    assert "don't know your name" in text_of(ask(client, "Who am I?"))
    assert "don't know where you live" in text_of(ask(client, "Where do I live?"))


def test_only_the_history_sent_counts(client):
    with_it = [user("I'm Kofi."), assistant("Hi Kofi!"), user("Do you remember my name?")]
    assert text_of(ask(client, with_it)) == "Your name is Kofi."
    assert "don't know your name" in text_of(ask(client, with_it[-1:]))


def test_a_tool_result_is_not_remembered_without_the_history(client):
    ask(client, "What's the weather in Quito?", tools=[WEATHER])
    r = ask(client, "And what did the tool say?")
    assert "(stub reply)" in text_of(r)


def test_the_same_request_gets_the_same_reply(client):
    prompt = "Weather in Lima and Bogota please"
    assert calls_of(ask(client, prompt, tools=[WEATHER])) == calls_of(ask(client, prompt, tools=[WEATHER]))


# --- honest fallback, and scripts only where they fit -----------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "Name three rivers in Europe that flow into the Black Sea.",
        "What's the difference between a list and a tuple in Rust?",
        'How do I say "thank you" in French?',
        "Why is the sky blue on Mars?",
        "Explain recursion like I'm five.",
        "Give me three tips for writing clear commit messages in Go.",
        "Summarise this logbook in one sentence: Day 1, nothing happened. Day 2, still nothing.",
    ],
)
def test_an_edited_question_gets_the_honest_reply_not_the_lessons(client, prompt):
    text = text_of(ask(client, prompt))
    assert text.startswith("(stub reply)") and prompt.split()[0] in text


def test_a_follow_up_needs_the_conversation_it_was_written_for(client):
    history = [user("What is a Python set?"), assistant("An unordered collection of unique items.")]
    text = text_of(ask(client, [*history, user("How do I add an item to it?")]))
    assert "numbers.append" not in text
    lesson = [
        user("What is a Python list?"),
        assistant("An ordered collection."),
        user("How do I add an item to it?"),
    ]
    assert "numbers.append(4)" in text_of(ask(client, lesson))


def test_a_summary_of_another_conversation_is_not_the_lessons(client):
    history = [
        user("What are Python decorators?"),
        assistant("Functions that wrap functions."),
        user("Summarise our conversation so far in one sentence."),
    ]
    assert "lighthouse" not in text_of(ask(client, history))


def test_the_lessons_own_prompts_still_match(client):
    assert text_of(ask(client, "Name three rivers in Europe.")) == "The Danube, the Rhine and the Seine."
    assert "Midnight" in text_of(ask(client, "Suggest a name for a black cat."))


def test_the_limits_sentence_says_what_needs_a_real_model():
    assert "stub" in LIMITS_SENTENCE and "real model" in LIMITS_SENTENCE and LIMITS_SENTENCE.count(".") <= 2


# --- a rating the user states, and a title that stops where the name does (found with langchain-openai's
# with_structured_output on a movie review: the title took the whole clause and the rating ignored "9.1 out of 10")

_RATING_SEED = __import__("random").randrange(2**32)
MOVIE = {"title": {"type": "string"}, "year": {"type": "integer"}, "rating": {"type": "number"}}


@pytest.mark.parametrize("form", ["{x} out of {n}", "{x}/{n}", "{x} / {n}"])
def test_a_stated_rating_is_taken_as_written(client, form):
    import random

    rng = random.Random(f"{_RATING_SEED}-{form}")
    scale = rng.choice([5, 10, 100])
    x = round(rng.uniform(0, scale), 1)
    film, year = rng.choice([("Inception", 2010), ("Arrival", 2016), ("Heat", 1995), ("Paprika", 2006)])
    stated = form.format(x=x, n=scale)
    prompt = f"{film} ({year}) is {rng.choice(['brilliant', 'fine', 'dull'])}, I'd give it {stated}."
    value = structured(client, prompt, "movie", MOVIE)
    where = f"(seed {_RATING_SEED}, prompt {prompt!r})"
    assert value["rating"] == x, where
    assert value["year"] == year, where
    assert value["title"] == film, where


def test_a_stated_rating_moves_to_the_fields_scale(client):
    value = structured(
        client,
        "Arrival (2016) is wonderful: 8 out of 10.",
        "movie",
        {**MOVIE, "rating": {"type": "number", "description": "from 1 to 5", "minimum": 1, "maximum": 5}},
    )
    assert value["rating"] == 4.0, value
