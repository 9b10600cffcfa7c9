# %% [markdown]
# # 03 · Structured output: JSON your code can trust
#
# So far the model's reply was text for a human to read. Most programs need **data** instead: a sentiment to
# store in a column, an order to put in a database, a flag that decides what happens next. Your code cannot
# read prose; it needs a value with a known shape.
#
# This lesson walks the road from the fragile to the robust:
#
# 1. "please reply in JSON" in the prompt, and why that breaks;
# 2. **JSON mode**: the reply is always valid JSON, but any JSON;
# 3. **structured outputs** with a strict JSON Schema: the reply always has *your* shape;
# 4. **pydantic** models and the SDK's `.parse()`: from a Python class to a validated object;
# 5. what even strict mode does **not** guarantee (truncation, refusals, wrong values), and how to guard.
#
# The running example: classify a product review into a sentiment, a confidence and a few keywords.

# %%
# On Google Colab, this cell fetches the course and installs it; anywhere else it does nothing.
import os
import subprocess
import sys

if "google.colab" in sys.modules:
    repo, home = "https://github.com/YOUR-ORG/llm-api-basics", "/content/llm-api-basics"
    if not os.path.isdir(home):
        subprocess.run(["git", "clone", "--quiet", "--depth=1", repo, home], check=True)
        own = ("#", "jupyterlab", "ipykernel", "ipywidgets")  # Colab's own Jupyter stays as it is
        lines = [line.strip() for line in open(f"{home}/requirements.txt") if not line.startswith(own)]
        pins = [arg for line in lines if line for arg in (line.split() if line[0] == "-" else [line])]  # markers stay whole
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *pins], cwd=home, check=True)
    os.chdir(f"{home}/notebooks")  # where the lessons run, as in JupyterLab
    if home not in sys.path:
        sys.path.insert(0, home)  # so that `import course` finds the clone in this running kernel

# %%
import course

backend = course.setup()

# %%
import json

import openai
from openai import OpenAI

from course import models  # what this model accepts (lesson 01b, sections 3 and 4)

client = OpenAI()
MODEL = backend.model

REVIEW = "The battery lasts two full days and the screen is gorgeous, but the charger feels cheap."
SYSTEM = {"role": "system", "content": "You classify product reviews."}

# %% [markdown]
# ## 1. "Please reply in JSON"
#
# The obvious first attempt: ask for JSON in words, then `json.loads` the reply.

# %%
response = client.chat.completions.create(
    model=MODEL,
    messages=[
        SYSTEM,
        {"role": "user", "content": "Classify the sentiment of this review and reply in JSON with the keys "
                                    f"sentiment, confidence and keywords. Review: {REVIEW}"},
    ],
)
text = response.choices[0].message.content
print(text)

# %%
try:
    json.loads(text)
except json.JSONDecodeError as err:
    print("json.loads failed:", err)

# %% [markdown]
# The model did what a helpful chat assistant does: it wrapped the JSON in a friendly sentence and a Markdown
# ` ```json ` fence. For a human that is perfect; for `json.loads` it is not JSON at all.
#
# You can cut the fence out with a regular expression, and plenty of code in the wild does:

# %%
import re


def extract_json_block(text: str) -> dict:
    '''The first ```json fenced block in text, parsed (fragile: for illustration only).'''
    match = re.search(r"```(?:json)?\s*(\{.*?\})\s*```", text, re.DOTALL)
    if match is None:
        raise ValueError("no JSON block in the reply")
    return json.loads(match.group(1))


extract_json_block(text)

# %% [markdown]
# It works *this time*. Next time the model may skip the fence, add a trailing comma, use single quotes, call
# the key `Sentiment` or `score`, or put two blocks in one reply. Each of those breaks the regex or, worse,
# passes it with the wrong data. Asking in words is a wish, not a contract.
#
# ## 2. JSON mode: always valid JSON
#
# `response_format={"type": "json_object"}` tells the API to constrain the reply to one valid JSON object: no
# prose, no fence. One rule comes with it: the word "JSON" must appear somewhere in the messages (so that the
# model is also *told* to write JSON), or the API refuses the request.

# %%
response = client.chat.completions.create(
    model=MODEL,
    messages=[
        SYSTEM,
        {"role": "user", "content": "Classify this review as JSON with the keys sentiment, confidence and "
                                    f"keywords. Review: {REVIEW}"},
    ],
    response_format={"type": "json_object"},
)
data = json.loads(response.choices[0].message.content)  # no fence to cut out any more
data

# %%
try:
    client.chat.completions.create(
        model=MODEL,
        messages=[SYSTEM, {"role": "user", "content": f"Classify this review: {REVIEW}"}],
        response_format={"type": "json_object"},
    )
except openai.BadRequestError as err:
    print(err.status_code, err.body["message"])

# %% [markdown]
# JSON mode guarantees **syntax**, not **shape**. Nothing stops the model from choosing its own key names and
# types. Here is another review, same kind of prompt:

# %%
response = client.chat.completions.create(
    model=MODEL,
    messages=[
        SYSTEM,
        {"role": "user", "content": "Classify this review in JSON (sentiment, confidence, keywords). "
                                    "Review: Honestly? It does the job. Nothing more, nothing less."},
    ],
    response_format={"type": "json_object"},
)
other = json.loads(response.choices[0].message.content)
print(other)
print("other.get('sentiment') ->", other.get("sentiment"))

# %% [markdown]
# Valid JSON, wrong shape: `Sentiment` with a capital S, a confidence that is a word, keywords that are one
# string. Code that does `data["sentiment"]` crashes with a `KeyError`, or quietly stores `None`.
#
# ## 3. Structured outputs: a strict JSON Schema
#
# To make the shape part of the contract, describe it with a **JSON Schema** and set `strict: true`. The
# API then constrains the model's sampling so that it can only produce text that validates against the schema:
# the right keys, the right types, only the enum values you allow.

# %%
REVIEW_SCHEMA = {
    "type": "object",
    "properties": {
        "sentiment": {"type": "string", "enum": ["positive", "negative", "neutral", "mixed"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "keywords": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["sentiment", "confidence", "keywords"],
    "additionalProperties": False,
}

response = client.chat.completions.create(
    model=MODEL,
    messages=[SYSTEM, {"role": "user", "content": f"Review: {REVIEW}"}],
    response_format={
        "type": "json_schema",
        "json_schema": {"name": "review_classification", "schema": REVIEW_SCHEMA, "strict": True},
    },
)
message = response.choices[0].message
print(message.content)
print("finish_reason:", response.choices[0].finish_reason, "| refusal:", message.refusal)

# %% [markdown]
# Notice that the prompt no longer describes the format at all: the schema does. Two fields of the message
# matter from now on: `content` (the JSON text) and `refusal` (set instead of `content` when the model declines;
# more on that in section 6). And `finish_reason` must be `"stop"`: anything else means the JSON is not whole.
#
# ### The strict-mode rules
#
# Strict mode accepts a subset of JSON Schema, and the API checks your schema **before** the model runs:
#
# * the root is an object;
# * every object has `"additionalProperties": false`;
# * every property is listed in `"required"`. There are no optional fields; a field that may be empty is
#   *nullable*: `{"anyOf": [{"type": "string"}, {"type": "null"}]}` (or `"type": ["string", "null"]`);
# * a subset of keywords: `enum`, `const`, `anyOf`, `$ref`/`$defs`, `minimum`/`maximum`, `multipleOf`,
#   `pattern`, `format`, `minItems`/`maxItems`, `description` and `title`; not `minLength`, `allOf`, `oneOf`, ...;
# * limits: 10 levels of nesting, 5000 properties in all.
#
# **`default`: leave it out.** Providers disagree about it, so here is the one rule that works everywhere. In a
# strict schema a `default` can never apply: every property is required, so the model always writes a value.
# OpenAI refused it with a 400 through 2024 and 2025 ("In context=('properties', 'name'), 'default' is not
# permitted", quoted in dotnet/extensions#6196 and 567-labs/instructor#961); in August 2026 an OpenAI maintainer
# found it accepted (openai/openai-agents-python#4390), and the stub, like OpenAI today, accepts it. Azure OpenAI
# still refuses it: "'default' is not permitted within a property definition" (the same issue). Local servers
# (Ollama, vLLM) ignore it. So **strip `default` from every strict schema**, and if the model should know the
# usual value, write it in the `description`. Pydantic writes a `default` for every field that has one, and the
# SDK's `.parse()` removes only the `None` ones, so a model sent to Azure needs the same cleaning.
#
# Break a rule and the request fails with a 400 that points at the place (`context`) in the schema. (The
# error's `code` is `null` on Chat Completions; the message says what is wrong.)

# %%
no_additional = {k: v for k, v in REVIEW_SCHEMA.items() if k != "additionalProperties"}
optional_field = {**REVIEW_SCHEMA, "properties": {**REVIEW_SCHEMA["properties"], "summary": {"type": "string"}}}

for broken in (no_additional, optional_field):
    try:
        client.chat.completions.create(
            model=MODEL,
            messages=[SYSTEM, {"role": "user", "content": f"Review: {REVIEW}"}],
            response_format={"type": "json_schema",
                             "json_schema": {"name": "review_classification", "schema": broken, "strict": True}},
        )
    except openai.BadRequestError as err:
        print(err.status_code, "->", err.body["message"], "\n")

# The portable schema has no `default` at any level (a property NAMED "default" stays: only the keyword goes).
def without_defaults(schema):
    if isinstance(schema, list):
        return [without_defaults(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {key: ({name: without_defaults(sub) for name, sub in value.items()} if key in ("properties", "$defs")
                  else without_defaults(value))
            for key, value in schema.items() if key != "default"}


with_default = {**REVIEW_SCHEMA, "properties": {**REVIEW_SCHEMA["properties"],
                                                "sentiment": {**REVIEW_SCHEMA["properties"]["sentiment"], "default": "neutral"}}}
print("written with a default:", json.dumps(with_default["properties"]["sentiment"]))
portable = without_defaults(with_default)
print("sent without it:       ", json.dumps(portable["properties"]["sentiment"]))
response = client.chat.completions.create(
    model=MODEL,
    messages=[SYSTEM, {"role": "user", "content": f"Review: {REVIEW}"}],
    response_format={"type": "json_schema",
                     "json_schema": {"name": "review_classification", "schema": portable, "strict": True}},
)
print("accepted ->", response.choices[0].message.content)


# %% [markdown]
# Without `strict: true` the schema is only a hint the model tries to follow: you are back to "valid JSON,
# hopefully the right shape". Always send `strict: true` and fix the schema until the API accepts it.
#
# ## 4. A nested schema
#
# Real data nests: an order has a customer, a list of items, maybe a shipping address. Each nested object
# follows the same rules, and a field that may be missing from the text becomes nullable:

# %%
def strict_object(properties: dict) -> dict:
    '''A strict object schema: every property required, no extra properties.'''
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


ORDER_SCHEMA = strict_object({
    "customer": strict_object({"name": {"type": "string"}, "email": {"type": "string"}}),
    "items": {"type": "array", "items": strict_object({
        "product": {"type": "string"},
        "quantity": {"type": "integer", "minimum": 1},
        "unit_price": {"type": "number", "minimum": 0},
    })},
    "shipping_address": {"anyOf": [
        strict_object({"street": {"type": "string"}, "city": {"type": "string"}, "country": {"type": "string"}}),
        {"type": "null"},
    ]},
    "discount_code": {"type": ["string", "null"]},
})

EMAIL = ("Hi, this is Maria Lopez (maria.lopez@example.com). Please send 2 espresso machines at 149.90 each and "
         "3 bags of coffee beans at 12.50 each to 12 Harbour Street, Lisbon, Portugal.")

response = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "system", "content": "You extract orders from customer emails."},
              {"role": "user", "content": f"Extract the order from this email: {EMAIL}"}],
    response_format={"type": "json_schema", "json_schema": {"name": "order", "schema": ORDER_SCHEMA, "strict": True}},
)
order = json.loads(response.choices[0].message.content)
print(json.dumps(order, indent=2))
total = sum(item["quantity"] * item["unit_price"] for item in order["items"])
print(f"order total: {total:.2f}")

# %% [markdown]
# `discount_code` is `null` because the email has none: nullable is how strict mode says "optional". The
# code after the call can index `order["items"]` without checking that the key exists: the schema made it
# a guarantee.
#
# ## 5. From a pydantic model: `.parse()`
#
# Writing schemas by hand is verbose, and the schema and the code that reads the data can drift apart. With
# **pydantic** you write one Python class; it is both the schema you send and the validator of what comes
# back. The SDK's `client.chat.completions.parse()` takes the class as `response_format`:

# %%
from enum import Enum

from pydantic import BaseModel, Field


class Sentiment(str, Enum):
    positive = "positive"
    negative = "negative"
    neutral = "neutral"
    mixed = "mixed"


class ReviewClassification(BaseModel):
    sentiment: Sentiment
    confidence: float = Field(ge=0, le=1)
    keywords: list[str]


completion = client.chat.completions.parse(
    model=MODEL,
    messages=[SYSTEM, {"role": "user", "content": f"Review: {REVIEW}"}],
    response_format=ReviewClassification,
)
review = completion.choices[0].message.parsed
print(type(review).__name__, review)
print(review.sentiment is Sentiment.positive, review.confidence, review.keywords[0])

# %% [markdown]
# `message.parsed` is a `ReviewClassification` instance: attribute access, an enum member, a float that
# pydantic has checked is between 0 and 1. What did the SDK send? It converted the class into a strict
# `json_schema` response format. Rather than trust a description, look at the request itself, with
# `with_raw_response` as in lesson 01 (`.parse()` has one too):

# %%
raw_call = client.chat.completions.with_raw_response.parse(
    model=MODEL,
    messages=[SYSTEM, {"role": "user", "content": f"Review: {REVIEW}"}],
    response_format=ReviewClassification,
)
sent_format = json.loads(raw_call.http_request.content)["response_format"]
print("type:", sent_format["type"], "| name:", sent_format["json_schema"]["name"],
      "| strict:", sent_format["json_schema"]["strict"])
print(json.dumps(sent_format["json_schema"]["schema"], indent=1))
print("parsed:", raw_call.parse().choices[0].message.parsed)

# %% [markdown]
# Every field is in `required` and `additionalProperties` is `false`. Note where the enum went: pydantic puts
# nested types under `"$defs"` and points at them with `"$ref"`. For tools, `openai.pydantic_function_tool(Model)`
# builds the same strict schema into a tool definition (lesson 4).
#
# **By hand.** Pydantic's own `model_json_schema()` is *not* strict: no `additionalProperties`, and fields with
# a default value missing from `required` (and a `default` that Azure would refuse). Send it with `strict: true`
# and the API refuses it:

# %%
raw = ReviewClassification.model_json_schema()
print(json.dumps(raw))

try:
    client.chat.completions.create(
        model=MODEL,
        messages=[SYSTEM, {"role": "user", "content": f"Review: {REVIEW}"}],
        response_format={"type": "json_schema", "json_schema": {"name": "review", "schema": raw, "strict": True}},
    )
except openai.BadRequestError as err:
    print(err.body["message"])

# %%
strict = {**raw, "additionalProperties": False, "required": list(raw["properties"])}
response = client.chat.completions.create(
    model=MODEL,
    messages=[SYSTEM, {"role": "user", "content": f"Review: {REVIEW}"}],
    response_format={"type": "json_schema", "json_schema": {"name": "review", "schema": strict, "strict": True}},
)
ReviewClassification.model_validate_json(response.choices[0].message.content)

# %% [markdown]
# For this flat model two keys were enough. A model with nested models, lists of models and optional fields
# needs the same treatment at every level (under `$defs`, `items` and `anyOf`): every property required, no
# additional properties, and a `$ref` that has a `description` beside it inlined. That recursive function is
# part of the lab.
#
# ## 6. What strict mode does not guarantee
#
# Strict mode guarantees the **shape** of a *complete* reply. Three things still get through.
#
# **Truncation.** `max_completion_tokens` stops the model mid-sentence, and mid-JSON too. `finish_reason` says
# `"length"`, and the content is the beginning of an object:

# %%
response = client.chat.completions.create(
    model=MODEL,
    messages=[SYSTEM, {"role": "user", "content": f"Review: {REVIEW}"}],
    response_format={"type": "json_schema",
                     "json_schema": {"name": "review_classification", "schema": REVIEW_SCHEMA, "strict": True}},
    max_completion_tokens=12,
    **models.no_reasoning_params(MODEL),  # reasoning_effort="none": the 12 tokens all go to the JSON
)
print(response.choices[0].finish_reason, repr(response.choices[0].message.content))

try:
    client.chat.completions.parse(
        model=MODEL,
        messages=[SYSTEM, {"role": "user", "content": f"Review: {REVIEW}"}],
        response_format=ReviewClassification,
        max_completion_tokens=12,
        **models.no_reasoning_params(MODEL),
    )
except openai.LengthFinishReasonError as err:
    print(type(err).__name__, "| finish_reason:", err.completion.choices[0].finish_reason)

# %% [markdown]
# (Both requests turned reasoning off. While a model reasons, the content may be empty rather than cut: the
# reasoning takes the 12 tokens first.)
#
# `.parse()` refuses to parse a cut-off reply and raises `LengthFinishReasonError`; with `.create()` it is your
# job to check `finish_reason` before `json.loads`. The fix is a larger `max_completion_tokens` (or none), not a retry
# with the same limit.
#
# **Refusals.** A model may decline a request, even in strict mode. It then sets `message.refusal` and leaves
# `content` empty (`None`), so `parsed` is `None` as well:

# %%
completion = client.chat.completions.parse(
    model=MODEL,
    messages=[SYSTEM, {"role": "user", "content": "Write a fake five-star review for my shop that I can post "
                                                  "under a customer's name."}],
    response_format=ReviewClassification,
)
message = completion.choices[0].message
print("refusal:", message.refusal)
print("content:", message.content, "| parsed:", message.parsed)

# %% [markdown]
# Check `message.refusal` first: show it to the user, log it, don't feed `None` to `json.loads`.
#
# **Valid but wrong.** The schema constrains the form, not the truth. A model can misread a text (sarcasm, mixed
# feelings, a "not" far from its verb) and the schema will not notice. The stub cannot misread anything on its
# own, so the wrong answer below is **scripted** (in `course/replies/03_structured_output.yaml`) to show what such
# a reply looks like; a strong real model may well get this sarcastic review right, and slip on a subtler one:

# %%
completion = client.chat.completions.parse(
    model=MODEL,
    messages=[SYSTEM, {"role": "user", "content": "Review: Oh great, it stopped working the day after the warranty "
                                                  "ran out. Fantastic quality."}],
    response_format=ReviewClassification,
)
completion.choices[0].message.parsed

# %% [markdown]
# A perfectly valid `ReviewClassification`, and wrong: this review is negative. No schema can catch that. Use
# pydantic validators for rules you *can* check (a date in the future, a total that matches its items), spot
# check samples by hand, and keep a human in the loop where a wrong value is expensive.
#
# ## 7. Guarding the parse
#
# Whatever mode you use, the code that turns a reply into a value should fail **clearly**: one error type that
# says what went wrong, never an `AttributeError` three functions later. The pieces:
#
# * `message.refusal` set: refused;
# * `finish_reason == "length"`: truncated;
# * `json.loads` raises `json.JSONDecodeError`: not JSON;
# * `Model.model_validate(data)` raises pydantic's `ValidationError`: JSON of the wrong shape.
#
# Pydantic is also how you validate JSON-mode (or any non-strict) replies. The "does the job" reply from
# section 2, checked against the model:

# %%
from pydantic import ValidationError

try:
    ReviewClassification.model_validate(other)
except ValidationError as err:
    print(err.error_count(), "problems:")
    for problem in err.errors():
        print(" ", problem["loc"], "->", problem["msg"])

# %% [markdown]
# Every problem, with its location: far better than a `KeyError`. In the lab you write the whole guard as one
# function that raises one error type with a `kind` ("refused", "truncated", "invalid_json", "wrong_shape").
#
# ## Common mistakes
#
# | mistake | symptom | fix |
# | --- | --- | --- |
# | asking for JSON in the prompt only, no `response_format` | `JSONDecodeError` on prose or a ```json fence, now and then | JSON mode at least; a strict schema better |
# | JSON mode without the word "json" in the messages | 400 `'messages' must contain the word 'json'` | mention JSON in the system or user message |
# | a schema without `strict: true` | the reply *usually* fits; one day a key is missing | always `strict: True` |
# | a schema strict mode rejects (missing `additionalProperties`, a property not in `required`) | 400 "Invalid schema for response_format ..." with a `context` | every object strict, nullable instead of optional, no `default` (Azure refuses it) |
# | `json.loads` / `model_validate` without `try`/`except` | a crash deep inside your code on one odd reply | catch and raise one clear error |
# | `max_completion_tokens` too low | `finish_reason` `"length"`, JSON cut mid-object | raise it; check `finish_reason` |
# | ignoring `message.refusal` | `json.loads(None)`: `TypeError` | check refusal first |
# | trusting the values | valid JSON that is wrong | validators, spot checks, a human where it matters |
#
# ## Lab 3
#
# Open [`labs/lab03_structured.py`](../labs/lab03_structured.py) and implement:
#
# * `ReviewClassification`: the pydantic model (sentiment enum, confidence in [0, 1], keywords);
# * `strict_response_format(model)`: a strict `json_schema` response format from any pydantic model, nested
#   models included;
# * `parse_reply(completion, model)`: the value, or a `StructuredOutputError` whose `kind` says whether the reply
#   was refused, truncated, not JSON, or JSON of the wrong shape;
# * `classify_review(client, model, review)`: put them together through the API.
#
# Check your work with:
#
# ```
# make check LAB=3
# ```
#
# Run it in JupyterLab's terminal: *File → New → Terminal* opens one in the course folder, with the
# course's Python ready (`python -m course check 3` does the same in any shell there).
# Next, lesson 4: letting the model call your functions, with the same
# strict schemas as tool parameters.
