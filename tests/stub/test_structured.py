"""Structured output in the stub: JSON mode, json_schema replies, strict-mode 400s, .parse() end to end."""

from __future__ import annotations

import copy
import json
import random
from enum import Enum

import jsonschema
import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai import OpenAI
from pydantic import BaseModel, Field

from llm_stub import structured
from llm_stub.errors import StubError

from .models import PLAIN

MODEL = PLAIN
SCRIPTED = "The battery lasts two full days and the screen is gorgeous, but the charger feels cheap."
REVIEW_SCHEMA = {
    "type": "object",
    "properties": {
        "sentiment": {"type": "string", "enum": ["positive", "negative", "neutral"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "keywords": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["sentiment", "confidence", "keywords"],
    "additionalProperties": False,
}


def schema_format(schema: dict, strict: bool | None = True, name: str = "review") -> dict:
    spec: dict = {"name": name, "schema": schema}
    if strict is not None:
        spec["strict"] = strict
    return {"type": "json_schema", "json_schema": spec}


def ask(client: OpenAI, text: str, **options):
    return client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": text}], **options
    )


def error_of(client: OpenAI, text: str, **options) -> dict:
    with pytest.raises(openai.BadRequestError) as info:
        ask(client, text, **options)
    return info.value.body


def validate(value, schema: dict) -> None:
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(value)


def answered(response, schema: dict) -> None:
    """The reply either validates against ``schema`` or declines, never a 400 or an invalid value: strict
    schemas decline in ``message.refusal`` (content null), others in their JSON content (``{"error": ...}``)."""
    choice = response.choices[0]
    assert choice.finish_reason == "stop"
    if choice.message.refusal is not None:
        assert choice.message.content is None and "can't fill in" in choice.message.refusal
        return
    value = json.loads(choice.message.content)
    if set(value) == {"error"} and "error" not in schema.get("properties", {}):
        assert "real model" in value["error"], value
        return
    validate(value, schema)


# --- JSON mode ------------------------------------------------------------------------------------------


def test_json_mode_needs_the_word_json(client):
    body = error_of(client, "Classify this review: great phone.", response_format={"type": "json_object"})
    assert body == {
        "message": "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
        "'json_object'.",
        "type": "invalid_request_error",
        "param": "messages",
        "code": None,
    }


def test_json_mode_word_may_be_in_the_system_message(client):
    r = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "Answer in Json."},
            {"role": "user", "content": "Hello there"},
        ],
        response_format={"type": "json_object"},
    )
    assert isinstance(json.loads(r.choices[0].message.content), dict)
    assert r.choices[0].finish_reason == "stop"


def test_json_mode_uses_a_scripted_json_reply(client):
    r = ask(client, SCRIPTED + " Reply in JSON.", response_format={"type": "json_object"})
    assert json.loads(r.choices[0].message.content)["keywords"] == ["battery life", "screen", "charger"]


def test_plain_text_request_gets_the_prose_reply(client):
    r = ask(client, SCRIPTED + " Reply in JSON.")
    assert "```json" in r.choices[0].message.content
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.choices[0].message.content)


# --- json_schema replies ----------------------------------------------------------------------------------


def test_scripted_json_used_when_it_fits_the_schema(client):
    r = ask(client, SCRIPTED, response_format=schema_format(REVIEW_SCHEMA))
    assert json.loads(r.choices[0].message.content) == {
        "sentiment": "positive",
        "confidence": 0.86,
        "keywords": ["battery life", "screen", "charger"],
    }


def test_scripted_json_ignored_when_it_does_not_fit(client):
    schema = {
        "type": "object",
        "properties": {"rating": {"type": "integer", "minimum": 1, "maximum": 5}},
        "required": ["rating"],
        "additionalProperties": False,
    }
    value = json.loads(
        ask(client, SCRIPTED, response_format=schema_format(schema)).choices[0].message.content
    )
    validate(value, schema)


def test_reply_is_filled_from_the_prompt(client):
    text = "Classify: the hinge snapped, a negative surprise. Confidence 0.8 please."
    value = json.loads(
        ask(client, text, response_format=schema_format(REVIEW_SCHEMA)).choices[0].message.content
    )
    assert value["sentiment"] == "negative"  # the enum value the prompt names
    assert value["confidence"] == 0.8  # the number it contains
    assert value["keywords"] and all(isinstance(k, str) for k in value["keywords"])


def test_named_values_and_formats(client):
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer", "minimum": 0},
            "email": {"type": "string", "format": "email"},
            "joined": {"type": "string", "format": "date"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"},
        },
        "required": ["name", "age", "email", "joined", "code"],
        "additionalProperties": False,
    }
    text = "Extract: name: Ada Lovelace, age 36, mail ada@example.org, joined 2024-03-01, code ADA-36."
    value = json.loads(ask(client, text, response_format=schema_format(schema)).choices[0].message.content)
    validate(value, schema)
    assert value == {"name": "Ada Lovelace", "age": 36, "email": "ada@example.org", "joined": "2024-03-01",
                     "code": "ADA-36"}  # fmt: skip


@pytest.mark.parametrize("strict", [True, None])
def test_a_required_value_the_text_does_not_give_is_declined_not_invented(client, strict):
    # a uuid, a code or a number nobody wrote would be a confident wrong answer (issue 24): the reply says which
    # value is missing instead; strict schemas (what .parse() sends) decline in message.refusal
    schema = {"type": "object", "additionalProperties": False, "required": ["name", "member_id", "party_size"],
              "properties": {"name": {"type": "string"}, "member_id": {"type": "string", "format": "uuid"},
                             "party_size": {"type": "integer"}}}  # fmt: skip
    r = ask(client, "Book a table, name: Ada Lovelace.", response_format=schema_format(schema, strict=strict))
    message = r.choices[0].message
    said = message.refusal if strict else json.loads(message.content)["error"]
    assert (
        "member id" in said and "party size" in said and "name" not in said.split("fill in")[1].split(".")[0]
    )
    assert "real model" in said
    assert (message.content is None) == bool(strict) and r.choices[0].finish_reason == "stop"


def test_parse_surfaces_the_decline_as_a_refusal(client):
    class Booking(BaseModel):
        name: str
        party_size: int

    r = client.chat.completions.parse(
        model=MODEL,
        messages=[{"role": "user", "content": "book a table for friday"}],
        response_format=Booking,
    )
    message = r.choices[0].message
    assert message.parsed is None and message.content is None
    assert "the text doesn't give the name and party size" in message.refusal


def test_reply_is_deterministic_for_a_request(client):
    options = {"response_format": schema_format(REVIEW_SCHEMA)}
    first = ask(client, "Classify: it is a kettle.", **options).choices[0].message.content
    assert ask(client, "Classify: it is a kettle.", **options).choices[0].message.content == first


def test_non_strict_schema_with_unsupported_keywords_still_answered(client):
    schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 30},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "minItems": 2},
            "meta": {
                "allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}]
            },
        },
        "required": ["title", "tags", "meta"],
    }
    answered(ask(client, "Describe a bike", response_format=schema_format(schema, strict=None)), schema)


def test_streamed_json_equals_the_whole_reply(client):
    options = {"response_format": schema_format(REVIEW_SCHEMA)}
    whole = ask(client, "Classify: the kettle", **options).choices[0].message.content
    stream = ask(client, "Classify: the kettle", stream=True, **options)
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == whole


# --- strict mode: the real 400s -----------------------------------------------------------------------------


def strict_error(client: OpenAI, schema: dict, name: str = "review") -> dict:
    body = error_of(client, "Classify: fine", response_format=schema_format(schema, name=name))
    assert body["type"] == "invalid_request_error"
    assert body["param"] == "response_format"
    assert body["code"] is None  # Chat Completions' strict-schema 400s carry no code (the Responses API's do)
    return body


def test_strict_needs_additional_properties_false(client):
    schema = {k: v for k, v in REVIEW_SCHEMA.items() if k != "additionalProperties"}
    assert strict_error(client, schema, "X")["message"] == (
        "Invalid schema for response_format 'X': In context=(), 'additionalProperties' is required to be "
        "supplied and to be false."
    )


def test_strict_needs_every_property_required(client):
    schema = {**REVIEW_SCHEMA, "properties": {**REVIEW_SCHEMA["properties"], "y": {"type": "string"}}}
    assert strict_error(client, schema)["message"] == (
        "Invalid schema for response_format 'review': In context=(), 'required' is required to be supplied and "
        "to be an array including every key in properties. Missing 'y'."
    )


def test_strict_checks_nested_objects_with_their_context(client):
    schema = {
        "type": "object",
        "properties": {
            "orgs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}},
                    "additionalProperties": False,
                },
            }
        },
        "required": ["orgs"],
        "additionalProperties": False,
    }
    assert strict_error(client, schema)["message"].endswith(
        "In context=('properties', 'orgs', 'items'), 'required' is required to be supplied and to be an array "
        "including every key in properties. Missing 'name'."
    )


@pytest.mark.parametrize("keyword, value", [("minLength", 2), ("allOf", [{"type": "string"}])])
def test_strict_rejects_unsupported_keywords(client, keyword, value):  # `default` is accepted (issue 18)
    schema = copy.deepcopy(REVIEW_SCHEMA)
    schema["properties"]["sentiment"][keyword] = value
    assert strict_error(client, schema)["message"] == (
        f"Invalid schema for response_format 'review': In context=('properties', 'sentiment'), '{keyword}' is not permitted."
    )


def test_strict_root_must_be_an_object(client):
    schema = {"anyOf": [REVIEW_SCHEMA, {"type": "null"}]}
    assert "schema must be a JSON Schema of 'type: \"object\"'" in strict_error(client, schema)["message"]


def nested(levels: int) -> dict:
    schema: dict = {
        "type": "object",
        "properties": {"leaf": {"type": "string"}},
        "required": ["leaf"],
        "additionalProperties": False,
    }
    for _ in range(levels - 1):
        schema = {
            "type": "object",
            "properties": {"child": schema},
            "required": ["child"],
            "additionalProperties": False,
        }
    return schema


def test_strict_nesting_limit(client):
    answered(ask(client, "deep", response_format=schema_format(nested(10))), nested(10))
    assert strict_error(client, nested(11))["message"].endswith("11 levels of nesting exceeds limit of 10.")


def test_strict_property_count_limit(client):
    props = {f"p{i}": {"type": "integer"} for i in range(5001)}
    schema = {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}
    assert "5001 object properties exceeds limit of 5000" in strict_error(client, schema)["message"]


def test_strict_ref_must_stand_alone_and_resolve(client):
    schema = {
        "type": "object",
        "$defs": {"S": {"type": "string", "enum": ["a", "b"]}},
        "properties": {"s": {"$ref": "#/$defs/S", "description": "the s"}},
        "required": ["s"],
        "additionalProperties": False,
    }
    assert "$ref cannot have keywords {'description'}" in strict_error(client, schema)["message"]
    schema["properties"]["s"] = {"$ref": "#/$defs/Missing"}
    assert "'#/$defs/Missing' which was not found" in strict_error(client, schema)["message"]


def test_strict_recursive_schema_through_defs(client):
    schema = {
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/node"}},
        "required": ["root"],
        "additionalProperties": False,
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "value": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
                "required": ["value", "children"],
                "additionalProperties": False,
            }
        },
    }
    answered(ask(client, "a tree", response_format=schema_format(schema)), schema)


def test_invalid_schema_name(client):
    body = error_of(client, "hi", response_format=schema_format(REVIEW_SCHEMA, name="my review!"))
    assert body["param"] == "response_format.json_schema.name"


def test_missing_json_schema(client):
    body = error_of(client, "hi", response_format={"type": "json_schema"})
    assert body["message"] == "Missing required parameter: 'response_format.json_schema'."


def test_check_strict_schema_for_a_function_tool():
    with pytest.raises(StubError) as info:
        structured.check_strict_schema(
            {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
            "function 'get_weather'",
            param="tools[0].function.parameters",
        )
    err = info.value
    assert (err.status, err.code, err.param) == (400, None, "tools[0].function.parameters")
    assert err.message == (
        "Invalid schema for function 'get_weather': In context=(), 'additionalProperties' is required to be "
        "supplied and to be false."
    )
    structured.check_strict_schema(REVIEW_SCHEMA, "function 'f'")  # a valid schema: no error


# --- what strict does not guarantee: truncation and refusals ------------------------------------------------


class Sentiment(str, Enum):
    positive = "positive"
    negative = "negative"
    neutral = "neutral"


class Review(BaseModel):
    sentiment: Sentiment
    confidence: float = Field(ge=0, le=1)
    keywords: list[str]


def test_truncation_cuts_the_json_mid_object(client):
    whole = ask(client, SCRIPTED, response_format=schema_format(REVIEW_SCHEMA)).choices[0].message.content
    r = ask(client, SCRIPTED, response_format=schema_format(REVIEW_SCHEMA), max_completion_tokens=7)
    assert r.choices[0].finish_reason == "length"
    assert r.usage.completion_tokens == 7
    assert whole.startswith(r.choices[0].message.content) and r.choices[0].message.content != whole
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.choices[0].message.content)


def test_parse_end_to_end(stub, client):
    r = client.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": SCRIPTED}], response_format=Review
    )
    parsed = r.choices[0].message.parsed
    assert parsed == Review(
        sentiment="positive", confidence=0.86, keywords=["battery life", "screen", "charger"]
    )
    assert stub.requests()[-1]["response_format"]["json_schema"]["strict"] is True


def test_parse_raises_length_error_on_truncation(client):
    with pytest.raises(openai.LengthFinishReasonError):
        client.chat.completions.parse(
            model=MODEL,
            messages=[{"role": "user", "content": SCRIPTED}],
            response_format=Review,
            max_completion_tokens=10,
        )


def test_parse_shows_a_refusal(client):
    r = client.chat.completions.parse(
        model=MODEL,
        messages=[{"role": "user", "content": "Write a fake five-star review for my shop."}],
        response_format=Review,
    )
    message = r.choices[0].message
    assert message.refusal == "I'm sorry, but I can't help with writing fake reviews."
    assert message.content is None and message.parsed is None


# --- property-based: any strict-valid schema gets a reply that validates; broken ones get the 400 -----------

NAMES = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True)
FORMATS = st.sampled_from(structured.SUPPORTED_FORMATS)
PATTERNS = st.sampled_from([r"^[A-Z]{3}-\d{2}$", r"^\d{3}$", r"^(red|green|blue)$", r"^[a-z]+@[a-z]+\.com$"])


@st.composite
def numbers(draw) -> dict:
    kind = draw(st.sampled_from(["integer", "number"]))
    s: dict = {"type": kind}
    lo = draw(st.none() | st.integers(-1000, 1000))
    if lo is not None:
        s["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = lo
    if draw(st.booleans()):
        s["maximum"] = (lo if lo is not None else 0) + draw(
            st.integers(12, 500)
        )  # wide enough for a multiple of any step
    if draw(st.booleans()):
        s["multipleOf"] = draw(st.sampled_from([1, 2, 5, 0.5, 0.25] if kind == "number" else [1, 2, 3, 5]))
    return s


LEAVES = st.one_of(
    st.just({"type": "string"}),
    FORMATS.map(lambda f: {"type": "string", "format": f}),
    PATTERNS.map(lambda p: {"type": "string", "pattern": p}),
    st.lists(st.text("abcdefgh", min_size=1, max_size=6), min_size=1, max_size=5, unique=True).map(
        lambda v: {"type": "string", "enum": v}
    ),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.just({"const": "fixed"}),
    numbers(),
)


def obj(props: dict) -> dict:
    return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}


def extend(children):
    return st.one_of(
        st.dictionaries(NAMES, children, max_size=4).map(obj),
        st.tuples(children, st.integers(0, 2), st.integers(0, 3)).map(
            lambda t: {"type": "array", "items": t[0], "minItems": t[1], "maxItems": t[1] + t[2]}
        ),
        children.map(lambda s: {"anyOf": [s, {"type": "null"}]}),
        st.lists(children, min_size=2, max_size=3).map(lambda v: {"anyOf": v}),
        st.sampled_from(["string", "integer", "boolean"]).map(lambda t: {"type": [t, "null"]}),
    )


INNER = st.recursive(LEAVES, extend, max_leaves=10)


@st.composite
def strict_schemas(draw) -> dict:
    root = obj(draw(st.dictionaries(NAMES, INNER, min_size=1, max_size=5)))
    if draw(st.booleans()):  # share a definition through $defs / $ref
        root["$defs"] = {"Shared": draw(INNER)}
        name = draw(NAMES.filter(lambda n: n not in root["properties"]))
        root["properties"][name] = {"$ref": "#/$defs/Shared"}
        root["required"].append(name)
    return root


PROMPTS = st.sampled_from(
    ["", "Extract the data.", "name: Bob, age 42, red, 3 items, positive", "abc 7 -2 0.5 2025-01-01"]
)


@settings(max_examples=300, deadline=None)
@given(schema=strict_schemas(), prompt=PROMPTS, seed=st.integers(0, 2**32))
def test_generated_value_validates_against_any_strict_schema(schema, prompt, seed):
    structured.check_strict_schema(schema, "response_format 'x'")  # the strategy only makes valid schemas
    validate(structured.generate(schema, prompt, random.Random(seed)), schema)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schema=strict_schemas(), prompt=PROMPTS)
def test_stub_reply_validates_against_the_request_schema(client, schema, prompt):
    answered(ask(client, prompt or "Go", response_format=schema_format(schema, name="generated")), schema)


def object_nodes(schema: dict, path: tuple = ()) -> list[tuple]:
    """Paths (as key tuples) of every object schema inside ``schema``."""
    found = []
    if schema.get("type") == "object":
        found.append(path)
        for k, v in schema.get("properties", {}).items():
            found += object_nodes(v, (*path, "properties", k))
    if isinstance(schema.get("items"), dict):
        found += object_nodes(schema["items"], (*path, "items"))
    for i, v in enumerate(schema.get("anyOf", [])):
        found += object_nodes(v, (*path, "anyOf", i))
    for k, v in schema.get("$defs", {}).items():
        found += object_nodes(v, (*path, "$defs", k))
    return found


def at(schema: dict, path: tuple) -> dict:
    for key in path:
        schema = schema[key]
    return schema


@st.composite
def broken_schemas(draw) -> dict:
    schema = copy.deepcopy(draw(strict_schemas()))
    how = draw(
        st.sampled_from(
            ["no_additional", "additional_true", "not_required", "extra_required", "keyword", "root"]
        )
    )
    if how == "root":
        return {"anyOf": [schema]}
    nodes = object_nodes(schema)
    node = at(schema, draw(st.sampled_from(nodes)))
    if how == "no_additional":
        del node["additionalProperties"]
    elif how == "additional_true":
        node["additionalProperties"] = True
    elif how == "not_required" and node["properties"]:
        node["required"].remove(draw(st.sampled_from(sorted(node["properties"]))))
    elif how == "extra_required" or how == "not_required":
        node["required"].append("not_a_property")
    else:
        node[draw(st.sampled_from(structured.NOT_PERMITTED))] = 1
    return schema


@settings(max_examples=200, deadline=None)
@given(schema=broken_schemas())
def test_strict_invalid_schemas_are_rejected(schema):
    with pytest.raises(StubError) as info:
        structured.check_strict_schema(schema, "response_format 'x'")
    assert info.value.status == 400 and info.value.code is None
    assert info.value.message.startswith("Invalid schema for response_format 'x': ")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schema=broken_schemas())
def test_stub_answers_strict_invalid_schemas_with_the_400(client, schema):
    body = error_of(client, "Go", response_format=schema_format(schema, name="generated"))
    assert body["code"] is None and body["param"] == "response_format"


class _Film(BaseModel):
    title: str
    year: int
    rating: float


_FILM_PROMPTS = [
    "I watched {title} from {year} last night. Rating: {rating}.",
    "Extract: {title}, {year}, rated {rating}",
    "{title} ({year}) gets {rating} out of 10 from me.",
    "Rate {title}, released in {year}: {rating}/10.",
    "My friend recommended {title}. It came out in {year} and I'd give it {rating} stars.",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prompt=st.sampled_from(_FILM_PROMPTS),
    title=st.sampled_from(
        [
            "The Godfather",
            "A Quiet Place",
            "The Grand Budapest Hotel",
            "Blade Runner",
            "An American Tail",
            "Alien",
        ]
    ),
    year=st.integers(1920, 2030),
    rating=st.integers(10, 99).map(lambda n: n / 10),
)
def test_the_users_own_title_year_and_rating_land_in_their_fields(client, prompt, title, year, rating):
    # a learner's own schema and prompt: each number goes to the field it was written for (a year field takes the
    # number that can be a year, a rating field the number next to "rated", "Rating:", "stars" or "/10"), and a
    # title keeps its article ("The Godfather", not "Godfather")
    text = prompt.format(title=title, year=year, rating=rating)
    parsed = (
        client.chat.completions.parse(
            model=MODEL, messages=[{"role": "user", "content": text}], response_format=_Film
        )
        .choices[0]
        .message.parsed
    )
    assert (parsed.year, parsed.rating) == (year, rating), text
    if not text.startswith(title) or " " in title:  # one capitalised word opening a sentence is no name
        assert parsed.title == title, text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Parasite came out in 2019 and I give it 4 stars.", "Parasite"),
        ("Login bug that crashes the app on start", "Login bug"),
        ("Team offsite in Berlin on May 3", "Team offsite"),
        ("Quarterly report is late again", "Quarterly report"),
    ],
)
def test_a_title_from_the_texts_first_words_stops_at_its_verb_or_clause(client, text, title):
    class Note(BaseModel):
        title: str

    parsed = (
        client.chat.completions.parse(
            model=MODEL, messages=[{"role": "user", "content": text}], response_format=Note
        )
        .choices[0]
        .message.parsed
    )
    assert parsed.title == title


CATCH_ALLS = ["other", "unknown", "Other", "unspecified"]
SPECIFIC = ["billing", "shipping", "login", "hardware", "warranty", "account", "pricing", "returns"]


@pytest.mark.parametrize("seed", range(5))
def test_an_enum_the_text_does_not_decide_takes_the_schemas_catch_all(seed):
    # "none of the others" is the honest answer when the words name no specific option; never a guess among them
    rng = random.Random(seed)
    specific = rng.sample(SPECIFIC, 3)
    catch_all = rng.choice(CATCH_ALLS)
    options = [*specific, catch_all]
    rng.shuffle(options)
    schema = {
        "type": "object",
        "properties": {"topic": {"type": "string", "enum": options}},
        "required": ["topic"],
        "additionalProperties": False,
    }
    prompt = rng.choice(["Hello there, I have a quick note for you.", "Thanks for yesterday, see you soon."])
    value = structured.generate(schema, prompt, random.Random(seed))
    assert value == {"topic": catch_all}, f"seed {seed}: {options} for {prompt!r} gave {value}"


def test_an_enum_option_the_text_names_wins_over_the_catch_all():
    schema = {
        "type": "object",
        "properties": {"topic": {"type": "string", "enum": ["billing", "shipping", "other"]}},
        "required": ["topic"],
        "additionalProperties": False,
    }
    assert structured.generate(schema, "A question about shipping to Oslo.", random.Random(1)) == {
        "topic": "shipping"
    }
