# %% [markdown]
# # 07 · The Responses API: the same moves, in OpenAI's newer format
#
# Everything so far used **Chat Completions** (`client.chat.completions.create`): the format that almost every
# provider speaks (OpenAI, Azure, Groq, OpenRouter, Ollama, vLLM...). OpenAI now also offers a second API,
# the **Responses API** (`client.responses.create`). The `openai` SDK's README leads with it, OpenAI
# recommends it for new projects, and a few of its newest models are served *only* there. Chat Completions
# stays supported. When you open OpenAI's documentation today you meet `input`, `output_text`, "output items"
# and "semantic events": this lesson shows that they are the moves you already know, in a different shape.
#
# 1. the five moves of lessons 1 to 5, each as a Chat Completions call and the equivalent Responses call,
#    side by side;
# 2. what is genuinely new: output items and `output_text`, `instructions`, typed stream events, the flat tool
#    shape, and state kept on the server: `previous_response_id` (and what it costs), what happens when that
#    conversation outgrows the context window (`truncation`), how long it is kept and how to delete it, and
#    the Conversations API, the durable way to keep it;
# 3. when to use which; then the lab.
#
# The stub serves `/v1/responses` as well, so every cell runs without a key. With a key, OpenAI (and Azure
# OpenAI) serve it too; many other OpenAI-compatible providers do not, and there the Responses cells fail
# with a 404, which is section 12's point.

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

import json

from openai import OpenAI

from course import models  # what this model accepts, from the course's model catalogue (lesson 01)

client = OpenAI()
MODEL = backend.model
REASONING = models.is_reasoning(MODEL)
# temperature only at effort none (lesson 01b, section 3); each API spells the effort its own way
SAMPLING = models.sampling_params(MODEL, temperature=0)  # Chat Completions: reasoning_effort="none"
RESPONSES_SAMPLING = models.sampling_params(MODEL, api="responses", temperature=0)  # reasoning={"effort": "none"}


def show(data: dict, width: int = 110) -> None:
    """Print a request or response as JSON, skipping nulls, with ids and timestamps shortened (they change every run)."""

    def tidy(value, key=""):
        if isinstance(value, dict):
            return {k: tidy(v, k) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [tidy(v) for v in value]
        if key in ("id", "call_id", "previous_response_id") and isinstance(value, str) and "_" in value:
            return value.split("_")[0] + "_…"
        if key in ("created", "created_at", "completed_at"):
            return "…"
        if isinstance(value, str) and len(value) > width:
            return value[: width - 1] + "…"
        return value

    print(json.dumps(tidy(data), indent=2, ensure_ascii=False))


print(f"{MODEL} is a {'reasoning' if REASONING else 'classic chat'} model")

# %% [markdown]
# ## 1. A basic request
#
# | | Chat Completions | Responses |
# | --- | --- | --- |
# | endpoint | `POST /v1/chat/completions` | `POST /v1/responses` |
# | standing instructions | a `system` (or `developer`) message, first | `instructions="..."` |
# | the conversation | `messages=[...]` | `input="..."` (a string) or `input=[...]` (a list of items) |
# | length cap | `max_completion_tokens` | `max_output_tokens` |
# | the reply | `choices[0].message.content` | `output_text` |
#
# The same question, both ways:

# %%
INSTRUCTIONS = "You are a concise tutor for a Python course."
QUESTION = "In two sentences, what is the difference between a library and a framework?"

chat = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": QUESTION}],
    max_completion_tokens=1000,
    **SAMPLING,
)
resp = client.responses.create(
    model=MODEL,
    instructions=INSTRUCTIONS,
    input=QUESTION,
    max_output_tokens=1000,
    **RESPONSES_SAMPLING,
)
print("Chat Completions:", chat.choices[0].message.content)
print("\nResponses:       ", resp.output_text)

# %% [markdown]
# The same brain answers both (on the stub literally so; on OpenAI, the same model). What differs is the
# envelope. Here is the Responses object (nulls left out, ids shortened):

# %%
show(resp.model_dump())

# %% [markdown]
# Read it against the `ChatCompletion` of lesson 01:
#
# * **`output`** replaces `choices`. It is a list of **items**, each with a `type`: here one `message` item,
#   whose `content` is a list of parts, here one `output_text` part. There is no `n`: one response, one
#   answer.
# * **`output_text`** is a convenience of the SDK: all the `output_text` parts joined. It is not in the JSON
#   the server sends; the SDK computes it. (Printing `resp.model_dump()` above shows the raw fields.)
# * **`status`** (`"completed"`, `"incomplete"`, `"failed"`...) plays the part of `finish_reason`; when
#   `max_output_tokens` cuts the reply, `status` is `"incomplete"` and `incomplete_details.reason` says why.
# * **`usage`** has new names for the same counts: `input_tokens` (was `prompt_tokens`), `output_tokens`
#   (was `completion_tokens`), `input_tokens_details.cached_tokens`, `output_tokens_details.reasoning_tokens`.
# * The request's settings come back with the response (`instructions`, `temperature`, `tools`, `text`...),
#   and **`store: true`**: the server kept this response. Section 7 is about that.

# %%
print("Chat usage:     ", chat.usage.prompt_tokens, "in,", chat.usage.completion_tokens, "out")
print("Responses usage:", resp.usage.input_tokens, "in,", resp.usage.output_tokens, "out")
short = client.responses.create(model=MODEL, input=QUESTION, max_output_tokens=16)
print(
    "\ncapped at 16 tokens:",
    short.status,
    short.incomplete_details.reason if short.incomplete_details else "",
)

# %% [markdown]
# `input` also takes a list, when you have a conversation to send. Its items look like the messages you
# know (`{"role": ..., "content": ...}`, with `user`, `assistant`, `system` and `developer` roles), so a
# history from lessons 1 to 6 mostly works as it is; tool calls and tool results are the exception
# (section 4).

# %%
history = [
    {"role": "developer", "content": INSTRUCTIONS},
    {"role": "user", "content": QUESTION},
]
print(client.responses.create(model=MODEL, input=history, max_output_tokens=1000).output_text)

# %% [markdown]
# ## 2. Streaming
#
# Chat Completions streams **chunks** that all look alike (`choices[0].delta.content`, lesson 02). The
# Responses API streams **typed events**, each with a `type` that says what happened and a
# `sequence_number`; the text arrives in `response.output_text.delta` events.

# %%
STREAM_QUESTION = "In three sentences, what is a server-sent event?"

pieces = []
for chunk in client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": STREAM_QUESTION}],
    stream=True,
    max_completion_tokens=1000,
):
    if chunk.choices and chunk.choices[0].delta.content:
        pieces.append(chunk.choices[0].delta.content)
print(f"Chat Completions: {len(pieces)} content chunks")

events = list(
    client.responses.create(model=MODEL, input=STREAM_QUESTION, stream=True, max_output_tokens=1000)
)
deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
print(f"Responses: {len(events)} events, {len(deltas)} of them text deltas")
print("same text:", "".join(pieces) == "".join(deltas))

# %% [markdown]
# The events, in the order they come (deltas collapsed):

# %%
previous = None
for event in events:
    if event.type == previous == "response.output_text.delta":
        continue
    note = {"response.output_text.delta": "  ... one per token"}.get(event.type, "")
    print(f"{event.sequence_number:>3}  {event.type}{note}")
    previous = event.type

# %% [markdown]
# | event | what it tells you |
# | --- | --- |
# | `response.created`, `response.in_progress` | the response exists (its `id`); it is being generated |
# | `response.output_item.added` / `.done` | an output item (a message, a function call) starts / is complete |
# | `response.content_part.added` / `.done` | a part of a message's content starts / is complete |
# | `response.output_text.delta` / `.done` | a piece of text / the whole text of the part |
# | `response.function_call_arguments.delta` / `.done` | a piece of a call's JSON arguments / all of them |
# | `response.completed` | the end: the whole `Response`, with `usage` (`response.incomplete`, `response.failed` if not) |
#
# You no longer need `stream_options={"include_usage": True}`: `usage` is always in the final event. A
# stream that ends *without* one of the final events was cut off (lesson 05): don't take half an answer for a
# whole one. The SDK also has a helper that assembles the events for you:

# %%
with client.responses.stream(model=MODEL, input=STREAM_QUESTION, max_output_tokens=1000) as stream:
    for event in stream:
        if event.type == "response.output_text.delta":
            print(event.delta, end="", flush=True)
    final = stream.get_final_response()
print("\n\nusage:", final.usage.input_tokens, "in,", final.usage.output_tokens, "out")

# %% [markdown]
# ## 3. Structured output
#
# `response_format` (lesson 03) moved to **`text.format`**, and it is flatter: the schema's `name`, `schema`
# and `strict` sit directly in it instead of under a `json_schema` key. The SDK's pydantic helper exists for
# both APIs:

# %%
from pydantic import BaseModel


class Contact(BaseModel):
    name: str
    email: str
    customer_since: int


NOTE = "Extract the contact details: Priya Natarajan (priya.n@example.com) has been a customer since 2021."

parsed_chat = client.chat.completions.parse(
    model=MODEL, messages=[{"role": "user", "content": NOTE}], response_format=Contact
)
parsed_resp = client.responses.parse(model=MODEL, input=NOTE, text_format=Contact)
print("Chat Completions:", repr(parsed_chat.choices[0].message.parsed))
print("Responses:       ", repr(parsed_resp.output_parsed))

# %% [markdown]
# What went over the wire: a Response repeats its request's settings, so `text.format` shows exactly what the
# SDK built from `Contact` (the schema shortened here). Chat Completions sent the same fields, one level down
# under `json_schema`. And the same dict, written by hand, does the same job:

# %%
sent = parsed_resp.text.format.model_dump(by_alias=True, exclude_none=True)
print("Responses, text.format =")
show({**sent, "schema": "{...}"})
print("Chat Completions, response_format =")
show(
    {
        "type": "json_schema",
        "json_schema": {k: v for k, v in sent.items() if k != "type"} | {"schema": "{...}"},
    }
)
by_hand = client.responses.create(model=MODEL, input=NOTE, text={"format": sent})
print(json.loads(by_hand.output_text))

# %% [markdown]
# ## 4. Tool calling
#
# Three changes, all about shape:
#
# * a tool is **flat**: `{"type": "function", "name", "description", "parameters", "strict"}`, no nested
#   `"function"` object;
# * the model's request to call a tool is an **output item** of type `function_call`, with a `call_id`
#   (lesson 04's `tool_calls[i].id`), a `name` and the `arguments` as a JSON string;
# * your result goes back as an item of type **`function_call_output`** with that `call_id` and the `output`
#   (instead of a `{"role": "tool", "tool_call_id": ...}` message).

# %%
WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather in a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "The city's name, e.g. Paris"}},
        "required": ["city"],
        "additionalProperties": False,
    },
    "strict": True,
}
CHAT_WEATHER_TOOL = {  # the same tool for Chat Completions: nested under "function"
    "type": "function",
    "function": {k: v for k, v in WEATHER_TOOL.items() if k != "type"},
}


def get_weather(city: str) -> dict:
    """Pretend weather service (a real one would make an HTTP request)."""
    return {"city": city, "temp_c": 21, "conditions": "sunny with a light breeze"}


WEATHER_QUESTION = "What's the weather in Lisbon?"
first = client.responses.create(model=MODEL, input=WEATHER_QUESTION, tools=[WEATHER_TOOL])
for item in first.output:
    show(item.model_dump())

# %% [markdown]
# Run the function, send its result back. Here the whole conversation is resent, Chat Completions style:
# the question, the model's output items as they came (`first.output`), and one `function_call_output` per
# call.

# %%
items = [{"role": "user", "content": WEATHER_QUESTION}, *first.output]
for call in first.output:
    if call.type == "function_call":
        result = get_weather(**json.loads(call.arguments))
        items.append({"type": "function_call_output", "call_id": call.call_id, "output": json.dumps(result)})
answer = client.responses.create(model=MODEL, input=items, tools=[WEATHER_TOOL])
print(answer.output_text)

# %% [markdown]
# The same loop in Chat Completions, for comparison: an assistant message carrying `tool_calls`, then a
# `tool` message per call. Note what the Responses requests above did not need: on Chat Completions many current
# models take function tools only at `reasoning_effort="none"`, and some not at all (lesson 04, section 2); the
# Responses API takes them while the model reasons.

# %%
TOOL_MODEL, TOOL_PARAMS = models.chat_tools_model(MODEL)  # e.g. {"reasoning_effort": "none"} (lesson 04)
print(f"on Chat Completions, {TOOL_MODEL} with tools needs {TOOL_PARAMS}")
messages = [{"role": "user", "content": WEATHER_QUESTION}]
reply = (
    client.chat.completions.create(model=TOOL_MODEL, messages=messages, tools=[CHAT_WEATHER_TOOL], **TOOL_PARAMS)
    .choices[0]
    .message
)
messages.append(reply.model_dump(exclude_none=True))
for call in reply.tool_calls or []:
    result = get_weather(**json.loads(call.function.arguments))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
final_chat = client.chat.completions.create(model=TOOL_MODEL, messages=messages, tools=[CHAT_WEATHER_TOOL], **TOOL_PARAMS)
print(final_chat.choices[0].message.content)

# %% [markdown]
# ## 5. Errors and tokens
#
# Same HTTP, same SDK exceptions (`BadRequestError`, `RateLimitError`...), same retry advice (lesson 05):
# nothing to relearn. A habit from Chat Completions gets a helpful 400 (`extra_body` sends a field the SDK
# does not know):

# %%
import openai

try:
    client.responses.create(model=MODEL, input=NOTE, extra_body={"response_format": {"type": "json_object"}})
except openai.BadRequestError as err:
    print(err.status_code, err.code, "| param:", err.param)
    print(err.body["message"])

# %% [markdown]
# And a request you can't afford fails the same way on both: the context window does not change with the
# API. The cell asks the current model with the smallest prompt limit (lesson 05, section 4) for a little more
# than that (on the stub only: it sends over a megabyte):

# %%
SMALL_MODEL = min(models.current(), key=models.input_limit)
if backend.skip_unless_stub(f"a prompt beyond {SMALL_MODEL}'s limit"):
    try:
        client.responses.create(model=SMALL_MODEL, input="word " * (models.input_limit(SMALL_MODEL) + 1000))
    except openai.BadRequestError as err:
        print(err.code, "|", err.body["message"])

# %% [markdown]
# ## 6. What is genuinely new
#
# So far: the same five moves, renamed. Four things are new, and the next sections take them one by one:
#
# * **state on the server** (`store`, `previous_response_id`, conversations): the API can keep the
#   conversation for you (sections 7 to 10);
# * **`instructions`** that belong to one request and are *not* carried over;
# * the **output items** you can hand back as they are (you did in section 4);
# * built-in tools that run on OpenAI's servers (web search, file search, code interpreter...): the
#   course's stub does not implement them, and neither do other providers' Chat Completions endpoints.
#
# ## 7. State on the server: `previous_response_id`, and what it costs
#
# The central fact of this course: **Chat Completions is stateless**. You keep the history and resend all
# of it every time. The Responses API can keep it for you: every response is stored (`store` defaults to
# true), and `previous_response_id=<its id>` continues from it. You send only the new turn:

# %%
turn1 = client.responses.create(model=MODEL, input="Hi! I'm Sam and I'm learning Python.", **RESPONSES_SAMPLING)
turn2 = client.responses.create(
    model=MODEL, input="What's my name?", previous_response_id=turn1.id, **RESPONSES_SAMPLING
)
turn3 = client.responses.create(
    model=MODEL,
    input="Suggest a first project for me in one sentence.",
    previous_response_id=turn2.id,
    **RESPONSES_SAMPLING,
)
for turn in (turn1, turn2, turn3):
    print("assistant:", turn.output_text)

# %% [markdown]
# Turn 2 sent four words, and the model still knew the name: the server put turn 1 back in front of it.
# Which means the model **read the whole conversation again**, and you are billed for it. Compare with the
# same conversation on Chat Completions, where you resend it yourself:

# %%
chat_history = []
print("turn  Responses input_tokens  Chat Completions prompt_tokens")
for n, (text, turn) in enumerate(
    [
        ("Hi! I'm Sam and I'm learning Python.", turn1),
        ("What's my name?", turn2),
        ("Suggest a first project for me in one sentence.", turn3),
    ],
    start=1,
):
    chat_history.append({"role": "user", "content": text})
    c = client.chat.completions.create(model=MODEL, messages=chat_history, **SAMPLING)
    chat_history.append({"role": "assistant", "content": c.choices[0].message.content})
    print(f"{n:>4}  {turn.usage.input_tokens:>22}  {c.usage.prompt_tokens:>30}")

# %% [markdown]
# The same numbers. `previous_response_id` saves you the **sending**, not the **tokens**: every turn is
# billed for everything before it, so a long conversation grows more expensive turn after turn whichever
# API you use (prompt caching, lesson 01b, makes the repeated prefix cheaper; trimming, lesson 01b, keeps it
# short). What the server's state buys you is convenience: less to send, less to keep, and with reasoning
# models their reasoning items stay with the conversation (without stored state you would pass them back
# yourself, in encrypted form).
#
# The rules of that state:
#
# * a response made with **`store=False`** is not kept, so it cannot be continued (nor retrieved):

# %%
private = client.responses.create(model=MODEL, input="Hi! I'm Sam and I'm learning Python.", store=False)
try:
    client.responses.create(model=MODEL, input="What's my name?", previous_response_id=private.id)
except openai.BadRequestError as err:
    print(err.status_code, err.code, "|", err.body["message"].replace(private.id, "resp_…"))

# %% [markdown]
# * a stored response can be read back, with the input that produced it, and deleted:

# %%
again = client.responses.retrieve(turn3.id)
print("retrieved:", again.output_text[:60], "...")
for item in client.responses.input_items.list(turn3.id):
    print("input item:", item.type, item.role, repr(item.content[0].text))
client.responses.delete(turn1.id)
try:
    client.responses.retrieve(turn1.id)
except openai.NotFoundError:
    print("turn 1 deleted: retrieving it is now a 404")

# %% [markdown]
# * **`instructions` are not carried over**: each request has its own (or none). That lets you change the
#   standing instructions mid-conversation, and it means you must send them again on every request if you
#   want them to stay:

# %%
with_instructions = client.responses.create(model=MODEL, input="Hi!", instructions="Answer in French.")
follow_up = client.responses.create(model=MODEL, input="And now?", previous_response_id=with_instructions.id)
print("first request's instructions:", repr(with_instructions.instructions))
print("follow-up's instructions:    ", repr(follow_up.instructions))

# %% [markdown]
# * the tool loop shrinks: after a `function_call`, send only the `function_call_output` items with
#   `previous_response_id`. The `tools` are not carried over either; send them every time.

# %%
first = client.responses.create(model=MODEL, input=WEATHER_QUESTION, tools=[WEATHER_TOOL])
outputs = [
    {
        "type": "function_call_output",
        "call_id": c.call_id,
        "output": json.dumps(get_weather(**json.loads(c.arguments))),
    }
    for c in first.output
    if c.type == "function_call"
]
answer = client.responses.create(
    model=MODEL, previous_response_id=first.id, input=outputs, tools=[WEATHER_TOOL]
)
print(answer.output_text)

# %% [markdown]
# ## 8. When the stored conversation outgrows the context window: `truncation`
#
# With `previous_response_id` the server puts the whole conversation back in front of the model on every turn,
# so the whole conversation must fit in the model's context window, exactly as a history you resend yourself
# (lesson 05, section 4). A chat that runs for days, or a few long documents, gets there. What happens then is
# set by the request's **`truncation`**:
#
# * **`"disabled"`**, the default: the request fails with a 400 `context_length_exceeded`. Nothing is dropped
#   behind your back; you decide what to do (start a new conversation, summarise, keep your own trimmed
#   history).
# * **`"auto"`**: the server drops items from the **beginning** of the conversation until the rest fits, and
#   answers. The request succeeds, and the model has quietly lost the start of the conversation.
#
# To get there in three requests instead of a thousand, the cells below send two long documents (a made-up web
# server log) to the current model with the smallest prompt limit, each a little more than half of that limit.
# They run on the stub only: on a real provider each request would be billed for hundreds of thousands of
# tokens.

# %%
import tiktoken

LONG_MODEL = SMALL_MODEL  # section 5's choice: the current model with the smallest prompt limit
LIMIT = models.input_limit(LONG_MODEL)
FAST = models.no_reasoning_params(LONG_MODEL, "responses")  # one-line replies need no reasoning (lesson 01b)
encoding = tiktoken.get_encoding("o200k_base")  # the encoding of OpenAI's current models (lesson 01b)


def server_log(part: int, tokens: int) -> str:
    """A made-up web server log of about ``tokens`` tokens: one request a line."""
    line = "{h:02d}:{m:02d}:{s:02d} GET /api/orders/{order} 200 {ms} ms"
    lines = [
        line.format(h=8 + 4 * part + n // 3600 % 4, m=n // 60 % 60, s=n % 60, order=10_000 * part + n, ms=12 + n % 37)
        for n in range(tokens // 18)  # about 18 tokens a line
    ]
    return "\n".join(lines)


LOG_PART = int(LIMIT * 0.55)  # two parts do not fit together
logs = {part: server_log(part, LOG_PART) for part in (1, 2)}
print(f"{LONG_MODEL}: prompt limit {LIMIT:,} tokens; each part of the log: {len(encoding.encode(logs[1])):,} tokens")


def send_part(part: int, previous_id: str, **options):
    return client.responses.create(
        model=LONG_MODEL,
        input=f"Here is part {part} of today's web server log. Reply only with 'Got part {part}.'\n\n{logs[part]}",
        previous_response_id=previous_id,
        max_output_tokens=2000, **FAST,
        **options,
    )


if backend.skip_unless_stub("two prompts of hundreds of thousands of tokens"):
    hello = client.responses.create(
        model=LONG_MODEL, input="Hi! I'm Sam, and I look after our web servers.", max_output_tokens=2000, **FAST
    )
    part1 = send_part(1, hello.id)
    print("turn 1:", hello.output_text)
    print(f"turn 2: {part1.output_text}  ({part1.usage.input_tokens:,} input tokens)")
    try:
        send_part(2, part1.id)  # truncation="disabled", the default
    except openai.BadRequestError as err:
        print("turn 3:", err.status_code, err.code, "|", err.body["message"])

# %% [markdown]
# Turn 3 was refused: the conversation so far plus part 2 is more than the model can read. The same turn with
# `truncation="auto"`, and then a question about the beginning of the conversation:

# %%
if backend.skip_unless_stub("two prompts of hundreds of thousands of tokens"):
    part2 = send_part(2, part1.id, truncation="auto")
    print(f"turn 3: {part2.output_text}  ({part2.usage.input_tokens:,} input tokens, truncation={part2.truncation!r})")
    name = client.responses.create(
        model=LONG_MODEL, input="What's my name?", previous_response_id=part2.id, truncation="auto", max_output_tokens=2000, **FAST
    )
    print(f"turn 4: {name.output_text}  ({name.usage.input_tokens:,} input tokens)")

# %% [markdown]
# With `auto`, turn 3 went through: its `input_tokens` show that the server sent the model only what fits (part 1
# and the greeting were dropped from the front). The stored conversation itself is not shortened; each new turn
# is cut again, which is why turn 4 no longer knows Sam's name: "I'm Sam" was the first thing to go. `auto` is
# the right choice for a chat where the old turns matter less than the new ones; keep `disabled` where losing
# the beginning would be a silent bug (instructions given in the first turn, a document the questions are
# about), and handle the 400 yourself, for instance by summarising the old turns into a new conversation
# (lesson 05, section 4). `instructions` are never truncated: they are sent with each request, not stored
# (section 7), which is one more reason to keep standing rules there.
#
# ## 9. How long stored responses are kept, and deleting them
#
# A stored response is not kept for ever. OpenAI's guide to conversation state says response objects are
# **saved for 30 days** by default (they also show in your dashboard's logs; `store=False` keeps a response
# out of storage altogether): [Conversation state](https://developers.openai.com/api/docs/guides/conversation-state).
# A chain of `previous_response_id`s is therefore a short-term convenience, not a database: a conversation
# that must survive a month belongs in your own storage, or in a conversation (section 10), whose items that
# 30-day limit does not apply to.
#
# You can also delete a stored response yourself, as soon as you no longer need it (a user asks you to forget
# a conversation, or it held personal data). Section 7 deleted turn 1 and got a 404 when reading it back;
# continuing from a deleted response is refused too, with the same error as an id that never existed. Deleting
# removes that one response only, not the earlier ones its chain points to:

# %%
# Deleting one response leaves the rest of its chain (an answer on OpenAI's developer forum, checked with
# API calls: https://community.openai.com/t/expiration-and-deletion-behavior-of-api-responses/1149127).
deleted_id = turn1.id  # deleted in section 7
try:
    client.responses.create(model=MODEL, input="What's my name?", previous_response_id=deleted_id)
except openai.BadRequestError as err:
    print(err.status_code, err.code, "| param:", err.param)
    print(err.body["message"].replace(deleted_id, "resp_…"))
print("turn 2 is still stored:", client.responses.retrieve(turn2.id).output_text)

# %% [markdown]
# ## 10. The Conversations API: state that lasts
#
# `previous_response_id` makes you keep one id per turn (always the latest), and gives you no way to look at or
# edit the conversation as a whole. OpenAI's answer is a **conversation** object: create one, pass
# `conversation=<its id>` with every response, and the server adds each turn's input and output items to it.
# The conversation's id stays the same for its whole life, you can list, add and delete its items, and its
# items are not subject to the 30-day limit of section 9. The same three turns as in section 7:

# %%
conversation = client.conversations.create(metadata={"user": "sam", "topic": "learning Python"})
print("created:", conversation.object, conversation.id.split("_")[0] + "_…", conversation.metadata)
for text in ("Hi! I'm Sam and I'm learning Python.", "What's my name?", "Suggest a first project for me in one sentence."):
    turn = client.responses.create(model=MODEL, input=text, conversation=conversation.id, **RESPONSES_SAMPLING)
    print(f"assistant: {turn.output_text}  ({turn.usage.input_tokens} input tokens)")

# %% [markdown]
# Each turn sent only its own text, and the model still knew the name: the server read the conversation's
# items before the new input. The input tokens grow turn after turn, as in section 7: a conversation saves the
# sending, not the reading. The items it holds, oldest first (the API lists newest first unless you ask for
# `order="asc"`):

# %%
for item in client.conversations.items.list(conversation.id, order="asc"):
    if item.type == "message":
        print(f"{item.role:9} {item.content[0].text}")
    else:  # a reasoning model's reasoning items are kept too
        print(f"({item.type} item)")

# %% [markdown]
# You can also put items into a conversation without asking the model anything (say, the history of a chat
# you kept in your own database until now, or a note from your app), and remove one that should no longer be
# seen (`conversations.items.delete`). The next response reads the conversation as it is then:

# %%
client.conversations.items.create(
    conversation.id, items=[{"type": "message", "role": "user", "content": "By the way, I live in Lyon."}]
)
turn = client.responses.create(model=MODEL, input="Where do I live?", conversation=conversation.id, **RESPONSES_SAMPLING)
print("assistant:", turn.output_text)

# %% [markdown]
# A response belongs to a conversation **or** continues a previous response, not both: the two would give the
# model two different pasts. The server refuses the combination with a 400:

# %%
try:
    client.responses.create(
        model=MODEL, input="What's my name?", conversation=conversation.id, previous_response_id=turn.id
    )
except openai.BadRequestError as err:
    print(err.status_code, err.code)
    print(err.body["message"])

# %% [markdown]
# The rest of what you know applies unchanged: `instructions` and `tools` are still per request, `store=False`
# still keeps a response out of storage, and `truncation` decides, as in section 8, what happens when the
# conversation outgrows the context window. When the conversation is over, delete it; its items go with it:

# %%
gone = client.conversations.delete(conversation.id)
print("deleted:", gone.deleted)
try:
    client.conversations.items.list(conversation.id)
except openai.NotFoundError as err:
    print(err.status_code, "|", err.body["message"].replace(conversation.id, "conv_…"))

# %% [markdown]
# Which to use? `previous_response_id` for a short exchange you don't need to keep (a tool loop, a few turns);
# a conversation for a chat a user comes back to, where one id per user or per topic is easier to keep than the
# id of the latest turn; and your own history on Chat Completions (lessons 01 to 06) when you need every
# provider, or full control of what the model reads.
#
# ## 11. Reasoning models
#
# `reasoning_effort` (lesson 01b, section 4) becomes `reasoning={"effort": ...}`, with the same rules: only
# reasoning models accept it, each takes its own values (the Responses API also takes `max` on the models that
# have it, which Chat Completions refuses), and the reasoning tokens are counted in `output_tokens_details`.
# While the model reasons, `temperature` and `top_p` get a 400 here too. The output now starts with a
# `reasoning` item: the model's hidden work, which a stateless loop hands back with the other items. The cell
# asks the course's default model when yours is not a reasoning model (another provider may not serve it).

# %%
thinker_model = MODEL if REASONING else models.DEFAULT_MODEL
try:
    for effort in models.efforts(thinker_model, "responses"):
        thinker = client.responses.create(
            model=thinker_model,
            input="Is 1001 a prime number? Answer yes or no, then one sentence why.",
            reasoning={"effort": effort},
            max_output_tokens=20_000,
        )
        usage = thinker.usage
        print(f"effort {effort:6}: {usage.output_tokens_details.reasoning_tokens:>5} reasoning tokens of "
              f"{usage.output_tokens:>5} · items {[item.type for item in thinker.output]}")
    print(thinker.output_text)
    client.responses.create(model=thinker_model, input="Hi", temperature=0.2, reasoning={"effort": "medium"})
except openai.NotFoundError:
    print(f"{backend.provider} has no {thinker_model}.")
except openai.BadRequestError as err:
    print(f"temperature while it reasons: {err.status_code} {err.body['message']}")

if not REASONING:
    try:
        client.responses.create(model=MODEL, input="Hi", reasoning={"effort": "low"})
    except openai.BadRequestError as err:
        print(f"\n{MODEL} refuses it:", err.body["message"])

# %% [markdown]
# ## 12. When to use which
#
# | use Chat Completions when | use the Responses API when |
# | --- | --- |
# | the provider only speaks it: many OpenAI-compatible servers do, and those that also serve `/v1/responses` often support only part of it (check your provider's documentation) | the model only speaks Responses (some of OpenAI's newest models) |
# | you want one code path for many providers | you are on OpenAI and want built-in tools (web search, file search, code interpreter) or server-side state |
# | you keep the history yourself anyway (your own database, trimming) | you use a reasoning model over several turns: stored state keeps its reasoning between turns |
# | your tools work with reasoning off (`reasoning_effort="none"`) | you want function tools while the model reasons: many current models refuse that on Chat Completions (lesson 04, section 2) |
#
# Either way the ideas of this course hold: the model reads a list of messages/items and writes one more
# turn; what it reads is what you pay for; stream to show progress; ask for structure with a schema; run
# tools yourself and send the results back; expect errors and retry the retryable ones.
#
# What the course's stub leaves out, each with a clear 400 rather than silence: built-in tools
# (`web_search`, `file_search`, ...), background mode (`background=True`), stored prompts (`prompt=...`), and
# image or file inputs.
#
# ## Summary
#
# * `responses.create(model, instructions=..., input=...)`; the reply is `output_text`, built from `output` items.
# * Streams are typed events; the text is in `response.output_text.delta`; `usage` is in `response.completed`.
# * `text.format` replaces `response_format`; `responses.parse(text_format=Model)` gives `output_parsed`.
# * Tools are flat; calls are `function_call` items; results go back as `function_call_output` items.
# * `previous_response_id` continues a stored response: you send less, the model still reads (and you still
#   pay for) the whole conversation. `instructions` and `tools` are per request.
# * `truncation="disabled"` (the default) refuses a conversation that outgrew the context window with a 400;
#   `"auto"` drops its oldest items, and the model forgets them.
# * OpenAI keeps a stored response 30 days by default; `responses.delete(id)` removes it sooner.
# * A conversation (`conversations.create()`, then `conversation=<id>` on each response) keeps the items under
#   one id you can list, add to and delete; it cannot be combined with `previous_response_id`.
#
# ## Lab 7
#
# Open [`labs/lab07_responses.py`](../labs/lab07_responses.py) and implement:
#
# 1. `to_responses_request(messages, tools)`: a Chat Completions history and tools as Responses
#    `instructions`, `input` items and flat `tools`;
# 2. `collect_response_stream(events)`: the text, function calls, usage and status of a stream of events,
#    and an error for a stream that failed or was cut off;
# 3. `chat_with_state(client, model, turns, instructions)`: a conversation chained with
#    `previous_response_id`;
# 4. `run_tool_loop(...)`: the tool loop on the Responses API, sending only the function outputs.
#
# Check your work with:
#
# ```
# make check LAB=7
# ```
#
# Run it in JupyterLab's terminal: *File → New → Terminal* opens one in the course folder, with the
# course's Python ready (`python -m course check 7` does the same in any shell there).
