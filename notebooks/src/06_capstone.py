# %% [markdown]
# # 06 · Capstone: a support assistant for an online shop
#
# Five lessons, five moves: messages and history (01), streaming (02), structured output (03), tool calling
# (04), errors and retries (05). A real assistant needs all of them **at once**, and the interesting bugs live
# where they meet: a retry in the middle of a tool loop, a trimmed history that cuts a tool call from its result,
# a cost meter that only counted the last hop.
#
# We build the customer-support assistant of *Brewster's*, a small online shop for coffee gear. It can look up
# an order and check the stock, it streams its replies, it survives a rate limit, it turns the conversation into
# a support ticket for the team, and it knows what it has cost so far. One turn looks like this:
#
# ```
# user's question ─► history ─► context(): system prompt + newest turns under the token budget      (01)
#                                │
#                                ▼
#               with_retries( stream the reply, tools on offer )  ──► tokens to the screen as they come  (05, 02)
#                                │
#                tool calls? ──yes──► run them, append results, go round again (at most max_steps)   (04)
#                                │ no
#                                ▼
#                        final answer; usage of EVERY request on the meter                           (01)
# conversation ─► extract_ticket(): strict schema ─► validated SupportTicket                         (03)
# ```
#
# Everything here is written inline, in a few dozen lines, from the SDK and what the lessons showed. In the lab
# you assemble the same assistant from **your own** lab functions.

# %%
import course

backend = course.setup()

# %%
import json
import math
import random
import time

import openai
from openai import OpenAI
from pydantic import BaseModel, Field

from course import models
from course.pricing import Meter, usd

client = OpenAI()
# The assistant offers function tools on Chat Completions, which some models take only at reasoning effort none
# and others only through the Responses API (lesson 04, section 2): course.models says what each needs.
MODEL, _ = models.chat_tools_model(backend.model)
if MODEL != backend.model:
    print(f"{backend.model} takes function tools only through the Responses API; the capstone runs on {MODEL}")

# %% [markdown]
# ## 1. The shop and its two tools
#
# The functions are plain Python over made-up data (a real shop would query its database). The model never
# runs them: it asks, our code runs them, and the result goes back as a `tool` message (lesson 4). The tool
# descriptions are **strict**, so the model's arguments always match the schema; the SDK's stream helper that
# we use below insists on it.

# %%
ORDERS = {
    "A1001": {"order_id": "A1001", "status": "in transit", "carrier": "DHL", "eta": "Friday 27 November"},
    "A1002": {"order_id": "A1002", "status": "delivered", "carrier": "UPS", "eta": "delivered on 20 November"},
}
STOCK = {"Aeropress Go": 3, "Chemex": 0, "Hario V60": 12}


def get_order_status(order_id: str) -> dict:
    if order_id not in ORDERS:
        raise KeyError(f"there is no order {order_id}")
    return ORDERS[order_id]


def check_stock(product: str) -> dict:
    return {"product": product, "in_stock": STOCK.get(product, 0)}


def strict_tool(name: str, description: str, **params: str) -> dict:
    # A strict function tool whose parameters are all required strings.
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": {p: {"type": "string", "description": d} for p, d in params.items()},
                "required": list(params),
                "additionalProperties": False,
            },
            "strict": True,
        },
    }


TOOLS = [
    strict_tool("get_order_status", "Look up the status of an order by its order number.",
                order_id="The order number, e.g. A1001"),
    strict_tool("check_stock", "Check how many units of a product are in stock.",
                product="The product's name, e.g. Aeropress Go"),
]
REGISTRY = {"get_order_status": get_order_status, "check_stock": check_stock}
print([t["function"]["name"] for t in TOOLS])


# %% [markdown]
# ## 2. The context: a system prompt and a history under a token budget
#
# The model remembers nothing: every request carries the system prompt and the conversation (lesson 1). Left
# alone, the history grows until requests get slow, expensive and finally too long for the context window.
# So each request gets the **system prompt** (always, first) plus the **newest whole turns** that fit a token
# budget. A *turn* starts at a user message and includes the tool calls and results that followed it: cutting
# between a tool call and its result would make an invalid history (a 400).
#
# We count tokens with lesson 1's estimate (4 per message plus a token per 4 characters); `tiktoken` would be
# exact for OpenAI's models.

# %%
def estimate_tokens(messages: list[dict]) -> int:
    return 3 + sum(4 + math.ceil(len(m.get("content") or "") / 4) for m in messages)


def trim_to_budget(system: dict, history: list[dict], budget: int) -> list[dict]:
    # The system message, then the newest whole turns whose tokens fit in budget.
    turns: list[list[dict]] = []
    for message in history:
        if message["role"] == "user" or not turns:
            turns.append([message])
        else:
            turns[-1].append(message)
    kept: list[dict] = []
    for turn in reversed(turns):
        if estimate_tokens([system, *turn, *kept]) > budget:
            break
        kept = turn + kept
    return [system, *kept]


# %% [markdown]
# ## 3. Retries with backoff, and a timeout
#
# Rate limits (429), overloaded servers (5xx), timeouts and dropped connections pass if you wait; a 400, 401,
# 403 or 404 never does, and `insufficient_quota` is a 429 that no waiting fixes (lesson 5). Wait as long as the
# server says (`retry-after-ms`), else exponentially longer with jitter, and give up after a few attempts. The
# assistant does its own retries, so its client has the SDK's turned **off** (`max_retries=0`): with both, one
# call can turn into 4 × 3 requests. The `timeout` makes a hung request an error we can retry, instead of a
# notebook that waits forever.

# %%
RETRYABLE = (openai.RateLimitError, openai.APITimeoutError, openai.APIConnectionError, openai.InternalServerError)


def should_retry(err: Exception) -> bool:
    if isinstance(err, openai.RateLimitError) and err.code == "insufficient_quota":
        return False  # out of credit: waiting will not help
    return isinstance(err, RETRYABLE)


def server_wait(err: Exception) -> float | None:
    headers = getattr(getattr(err, "response", None), "headers", {})
    if headers.get("retry-after-ms"):
        return float(headers["retry-after-ms"]) / 1000
    if headers.get("retry-after"):
        return float(headers["retry-after"])
    return None


def with_retries(call, *, attempts=4, base=0.5, cap=8.0, sleep=time.sleep):
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as err:
            if attempt == attempts or not should_retry(err):
                raise
            wait = server_wait(err)
            if wait is None:
                wait = min(cap, base * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
            print(f"  [{type(err).__name__} {getattr(err, 'status_code', '')}: waiting {wait:.2f} s, "
                  f"then attempt {attempt + 1} of {attempts}]")
            sleep(wait)


# %% [markdown]
# ## 4. The assistant
#
# One class puts it together. `ask()` is the agent loop of lesson 4, with three changes:
#
# * every request is **streamed** with the SDK's `client.chat.completions.stream(...)` helper: `content.delta`
#   events carry the new text (we hand it to `on_token`), and `get_final_completion()` gives the assembled
#   message, with its `tool_calls`, and the usage (we ask for it with `stream_options`);
# * every request is built from `context()`, so it stays under the budget even deep into a conversation, and
#   is wrapped in `with_retries`;
# * the usage of **every** request goes on the meter: a question that needs a tool costs two requests, and the
#   second one carries the whole first one in its prompt.
#
# If a turn fails (retries used up, step limit hit), the history is put back as it was, so the next question
# does not carry a half-answered one.

# %%
SYSTEM_PROMPT = (
    "You are the customer-support assistant of Brewster's, an online shop for coffee gear. "
    "Be friendly and brief. Use the tools to look up orders and stock; never guess an order's status."
)


class ShopAssistant:
    def __init__(self, client, model, *, budget=1000, max_steps=5, sleep=time.sleep, timeout=20.0):
        self.client = client.with_options(max_retries=0, timeout=timeout)  # our retries, not the SDK's
        self.model = model
        self.budget = budget
        self.max_steps = max_steps
        self.sleep = sleep
        self.history: list[dict] = []  # the whole conversation, never trimmed
        self.meter = Meter(model)
        self.requests: list[tuple[str, int, int]] = []  # (what, prompt tokens, completion tokens)
        self.tool_params = models.chat_tools_params(model) or {}  # e.g. reasoning_effort="none" (lesson 04)

    def context(self) -> list[dict]:
        return trim_to_budget({"role": "system", "content": SYSTEM_PROMPT}, self.history, self.budget)

    def _count(self, what: str, usage) -> None:
        if usage is not None:
            self.meter.add(usage)
            self.requests.append((what, usage.prompt_tokens, usage.completion_tokens))

    def _stream(self, on_token):
        def attempt():
            with self.client.chat.completions.stream(
                model=self.model, messages=self.context(), tools=TOOLS, stream_options={"include_usage": True},
                **self.tool_params,
            ) as stream:
                for event in stream:
                    if event.type == "content.delta" and event.delta and on_token:
                        on_token(event.delta)
                return stream.get_final_completion()

        return with_retries(attempt, sleep=self.sleep)

    def ask(self, text: str, on_token=None) -> str:
        before = len(self.history)
        self.history.append({"role": "user", "content": text})
        try:
            for step in range(1, self.max_steps + 1):
                completion = self._stream(on_token)
                self._count(f"turn {self.turns}, step {step}", completion.usage)
                message = completion.choices[0].message
                entry = {"role": "assistant", "content": message.content}
                if message.tool_calls:
                    entry["tool_calls"] = [
                        {"id": c.id, "type": "function",
                         "function": {"name": c.function.name, "arguments": c.function.arguments}}
                        for c in message.tool_calls
                    ]
                self.history.append(entry)
                if not message.tool_calls:
                    return message.content or ""
                for call in message.tool_calls:
                    self.history.append({"role": "tool", "tool_call_id": call.id, "content": self._run(call)})
            raise RuntimeError(f"still asking for tools after {self.max_steps} steps")
        except BaseException:
            del self.history[before:]
            raise

    def _run(self, call) -> str:
        # Run one tool call; a failure becomes a result the model can read (lesson 4).
        try:
            result = REGISTRY[call.function.name](**json.loads(call.function.arguments))
        except Exception as err:
            result = {"error": f"{type(err).__name__}: {err}"}
        print(f"  [tool] {call.function.name}({call.function.arguments}) -> {json.dumps(result)}")
        return json.dumps(result)

    @property
    def turns(self) -> int:
        return sum(1 for m in self.history if m["role"] == "user")

    def status(self) -> str:
        return str(self.meter)


# %% [markdown]
# ## 5. A conversation
#
# Three questions: one needs the order tool, one the stock tool, one no tool at all. The reply is printed
# piece by piece as it streams (on a real model, and on the stub with pacing on, you watch it appear); tool
# calls are printed as they run.

# %%
assistant = ShopAssistant(client, MODEL, budget=260)


def chat(text: str) -> str:
    print("user:     ", text)
    started = False

    def on_token(piece: str) -> None:
        nonlocal started
        if not started:  # tool lines and retry notes come first, on their own lines
            print("assistant: ", end="")
            started = True
        print(piece, end="", flush=True)

    reply = assistant.ask(text, on_token=on_token)
    print()
    print("meter:    ", assistant.status())
    print()
    return reply


_ = chat("Hi! My order A1001 hasn't arrived yet. Where is it?")
_ = chat("Do you still have the Aeropress Go in stock? My sister would love one.")
_ = chat("The grinder in my last parcel arrived cracked. I'd like a refund, please.")

# %% [markdown]
# Notice where the tool lines appear: **before** any text. The first request of a tool turn streams no text at
# all, only the tool call's arguments; the text comes with the second request, after our code ran the tool.
#
# ## 6. The budget at work
#
# The history keeps everything; each request only gets what fits the budget (260 tokens here, tiny on purpose).

# %%
context = assistant.context()
print(f"history: {len(assistant.history)} messages, about {estimate_tokens(assistant.history)} tokens")
print(f"context: {len(context)} messages, about {estimate_tokens(context)} tokens (budget {assistant.budget})")
print("context roles:", [m["role"] for m in context])

# %% [markdown]
# The oldest turn (the order question, with its tool call and result) no longer fits, so it is left out whole;
# the system prompt stays first. The price: the assistant no longer "sees" order A1001 unless the user says it
# again. Real assistants soften that with a bigger budget, or a summary of the dropped turns.
#
# ## 7. Surviving a rate limit
#
# *This cell injects a fault, so it only runs on the stub.* A fault plan makes the next request carrying its id
# fail with a 429 (`retry-after` 0.5 s), and the one after succeed. `with_retries` waits as asked and the user
# never notices, apart from half a second.

# %%
if backend.skip_unless_stub("injecting a 429"):
    plan_id = f"capstone-{random.getrandbits(32):08x}"
    backend.stub.add_fault(["429", "ok"], plan_id=plan_id)
    normal_client = assistant.client
    assistant.client = normal_client.with_options(default_headers={"x-stub-fault-id": plan_id})
    try:
        _ = chat("How long do refunds usually take?")
    finally:
        assistant.client = normal_client

# %% [markdown]
# ## 8. From conversation to ticket: structured output
#
# The support team wants a ticket, not a chat log. A pydantic model describes it; the SDK's `.parse()` turns
# it into a **strict** JSON schema (every field required, `additionalProperties: false`, as lesson 3 did by
# hand) and validates the reply into the model. A refusal is not an exception: check `message.refusal`. The
# request gets the whole conversation as a transcript (not the trimmed context), is retried like the others,
# and goes on the meter too.

# %%
from enum import Enum


class Category(str, Enum):
    order_status = "order_status"
    delivery_problem = "delivery_problem"
    damaged_item = "damaged_item"
    refund = "refund"
    product_question = "product_question"
    other = "other"


class Priority(str, Enum):
    low = "low"
    normal = "normal"
    high = "high"


class SupportTicket(BaseModel):
    category: Category
    order_id: str | None = Field(description="The order number the customer gave, e.g. A1001; null if none.")
    summary: str = Field(description="One sentence: what the customer needs.")
    priority: Priority


TICKET_INSTRUCTIONS = (
    "You turn a customer-support conversation into a ticket for the support team. "
    "Use only what the conversation says; order_id is null when no order number was given."
)


def transcript(history: list[dict]) -> str:
    return "\n".join(f"{m['role']}: {m['content']}" for m in history if m["role"] in ("user", "assistant") and m["content"])


def extract_ticket(assistant: ShopAssistant) -> SupportTicket:
    completion = with_retries(lambda: assistant.client.chat.completions.parse(
        model=assistant.model,
        messages=[{"role": "system", "content": TICKET_INSTRUCTIONS},
                  {"role": "user", "content": transcript(assistant.history)}],
        response_format=SupportTicket,
        **models.sampling_params(assistant.model, temperature=0),  # with reasoning_effort="none" where it is needed
    ), sleep=assistant.sleep)
    assistant._count("ticket", completion.usage)
    message = completion.choices[0].message
    if message.refusal:
        raise ValueError(f"the model refused to write the ticket: {message.refusal}")
    return message.parsed


ticket = extract_ticket(assistant)
print(type(ticket).__name__, "with category", repr(ticket.category))
print(ticket.model_dump_json(indent=2))

# %% [markdown]
# `ticket.category` is a `Category`, not a string that merely looks like one: code downstream can route the
# ticket (`if ticket.priority is Priority.high: ...`) without re-checking it. Read the ticket against the
# conversation: the customer never said which order the grinder came in (A1001, the order they asked about,
# is still in transit), so `order_id` is `null` rather than a guess, which is what the instructions ask for.
# A ticket is only as good as its faithfulness to the conversation; spot-check them.
#
# Another customer, another conversation, another ticket:

# %%
other = ShopAssistant(client, MODEL)
_ = other.ask("Where is my order A1002? The tracking page says delivered, but nothing has arrived.")
print("assistant:", other.history[-1]["content"])
print(extract_ticket(other).model_dump_json(indent=2))

# %% [markdown]
# ## 9. What it cost
#
# Every request is on the meter, tool hops and the ticket included. The prompt column shows why long
# conversations get expensive: each request resends the context (and the tool definitions, a couple of hundred
# tokens on every request), and a tool turn sends it all twice. Turn 4's prompt is smaller than turn 3's: the
# budget dropped the oldest turn.

# %%
print(f"{'request':<20}{'prompt':>8}{'completion':>12}{'cost':>12}")
for what, prompt, completion in assistant.requests:
    cost = Meter(MODEL, 1, prompt, completion).dollars
    print(f"{what:<20}{prompt:>8}{completion:>12}{usd(cost):>12}")
print()
print("total:", assistant.status())

# %% [markdown]
# ## 10. A chat window
#
# `course.assistant_widget.AssistantBox` draws any assistant with `ask(text, on_token=...)` and a `history`:
# the reply streams into the box, tool calls and results show in grey, the meter sits underneath, and *Make
# ticket* runs the extraction. Below, one question is sent from code (the same as typing it and pressing Send),
# then the box is shown: ask it about order A1002, or whether the Hario V60 is in stock.

# %%
from course.assistant_widget import AssistantBox


class ShopAssistantWithTicket(ShopAssistant):
    def extract_ticket(self) -> SupportTicket:
        return extract_ticket(self)


box = AssistantBox(ShopAssistantWithTicket(client, MODEL))
print("assistant:", box.send("Is the Chemex in stock?"))
box

# %% [markdown]
# ## 11. Choosing a model: speed, cost and quality, measured
#
# Which model should the shop use? Not the biggest by default, and not the cheapest either: measure. Put a few
# questions whose right answers you know through the **same** assistant on each candidate, and record what
# matters: did it get the facts right (quality), how long did it take (speed), what did it cost. The candidates
# come from the course's model table (lesson 00, section 5): today's models that take function tools on Chat
# Completions, from the cheapest to the dearest. On the stub every model answers from the same script at the
# same pace, so quality and speed tie (the times measure your machine) and the table shows how prices and
# reasoning tokens differ: the models that need effort `none` for tools answer without reasoning, the others
# reason at their default effort, and the same three answers cost many times more on one than on another. With
# a key, the same cell is a real comparison (keep the questions, add harder ones, and run each several times:
# real latencies vary).

# %%
import contextlib
import io

EVAL = [  # (question, a fact the answer must contain)
    ("Hi! My order A1001 hasn't arrived yet. Where is it?", "in transit"),
    ("Do you still have the Aeropress Go in stock? My sister would love one.", "3 units"),
    ("Is the Chemex in stock?", "sold out"),
]
with_tools = [m for m in models.current() if models.chat_tools(m) != "responses_only"]
by_price = sorted(with_tools, key=lambda m: models.info(m).prices.input)
CANDIDATES = [*by_price[:3], by_price[-1]]  # the three cheapest and the dearest

costs = {}
print(f"{'model':<14}{'right':>7}{'time per question':>19}{'cost per question':>19}{'reasoning tokens':>18}")
for candidate in CANDIDATES:
    tester = ShopAssistant(client, candidate)
    right, started = 0, time.perf_counter()
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the assistant's tool lines, not needed here
            for question, fact in EVAL:
                right += fact in tester.ask(question).lower()
    except openai.NotFoundError:
        print(f"{candidate:<14}  not available on {backend.provider}")
        continue
    seconds = (time.perf_counter() - started) / len(EVAL)
    print(f"{candidate:<14}{right:>5}/{len(EVAL)}{seconds * 1000:>15.1f} ms"
          f"{usd(tester.meter.dollars / len(EVAL)):>19}{tester.meter.reasoning_tokens:>18}")
    costs[candidate] = tester.meter.dollars
if len(costs) > 1:
    dearest, cheapest = max(costs, key=costs.get), min(costs, key=costs.get)
    print(f"\n{dearest} cost {costs[dearest] / costs[cheapest]:.0f} times as much as {cheapest} for the same answers")

# %% [markdown]
# Read it as a decision, not a ranking: take the cheapest model that gets every question right at a speed your
# users accept, and re-run the comparison when prices or models change (they do, often: the course's table has
# a shutdown date for every model OpenAI is retiring). A reasoning model earns its extra tokens on problems that
# need thinking, not on looking up an order.

# %% [markdown]
# ## 12. Takeaways
#
# The course in nine lines:
#
# 1. A chat call takes the whole conversation as a list of messages and returns one new message (01).
# 2. Nothing is remembered between calls: your code keeps the history, appends every reply, and resends it (01).
# 3. You pay for every token sent and received, on every call: read `usage`, trim histories, reuse long
#    prefixes so they are cached, and remember that reasoning tokens are billed too (01).
# 4. `stream=True` shows the reply as it is written; join the deltas and store the result like any reply (02).
# 5. When code reads the reply, ask for a strict JSON schema, and still check refusals, truncation and values (03).
# 6. Tools let the model ask; your code runs them, sends the results back, treats them as untrusted, and loops
#    with a step limit: that loop is an agent (04).
# 7. Retry what waiting can fix (429, 5xx, timeouts) with backoff, jitter and `Retry-After`; never 400 or 401 (05).
# 8. Cap attempts and time, stay under RPM and TPM with a small concurrency limit, and guard every parse (05).
# 9. Keys live in the environment or a secret manager: never in code, in git, or in a browser (00).

# %% [markdown]
# ## 13. Checklist: the common mistakes of the whole course
#
# Each line is a bug that works in a demo and fails in production. The lesson that covers it explains the
# symptom and the fix.
#
# | mistake | symptom | fix | lesson |
# | --- | --- | --- | --- |
# | API key hard-coded, committed, or shipped to a browser | the key leaks (git history, notebook outputs, a web page's network tab) and someone spends your money | read it from the environment or a secret manager; `.env` is git-ignored; browsers talk to your server, never to the provider | [00 · setup](00_setup.ipynb) |
# | history not resent | "What's my name?" gets "I don't know" | send the whole conversation on every request | [01 · messages](01_messages.ipynb) |
# | the assistant's reply not appended | the model can't refer to what it said; two user messages in a row | append every reply (streamed ones too, joined) | [01 · messages](01_messages.ipynb), [02 · streaming](02_streaming.ipynb) |
# | several system messages stacked | instructions pile up, contradict each other, cost tokens | one system message, first; edit it to change the rules | [01 · messages](01_messages.ipynb) |
# | `max_completion_tokens` too low | replies cut mid-sentence or mid-JSON with no error, only `finish_reason` `"length"`; on reasoning models an empty reply | check `finish_reason`; leave room, more on reasoning models | [01 · messages](01_messages.ipynb), [03 · structured output](03_structured_output.ipynb) |
# | `max_tokens` sent to a reasoning model, or `temperature` while it reasons | 400 `unsupported_parameter` / `unsupported_value` | `max_completion_tokens`; `temperature` only with `reasoning_effort="none"`, decided from the model's facts (`course.models`), not its name | [01 · messages](01_messages.ipynb) |
# | function tools on Chat Completions while the model reasons | 400 "Function tools with reasoning_effort are not supported" | `reasoning_effort="none"` where the model has it, else the Responses API | [04 · tool calling](04_tool_calling.ipynb), [07 · Responses API](07_responses_api.ipynb) |
# | a model used past its shutdown date | every request gets a 404 "has been deprecated" | read `shutdown_date` (`GET /v1/models`); move before the date | [00 · setup](00_setup.ipynb) |
# | system prompt lost when trimming | the assistant forgets its role and rules | keep the system message first, trim whole turns after it | [01 · messages](01_messages.ipynb) |
# | history never trimmed | slower, costlier requests, then a 400 `context_length_exceeded` | a token budget per request | [01 · messages](01_messages.ipynb) |
# | cost counted from the last response only | the bill is several times the meter | add the usage of every request, tool hops included | [01 · messages](01_messages.ipynb) |
# | not streaming a long reply | the user stares at nothing for seconds | `stream=True`, show each delta as it arrives | [02 · streaming](02_streaming.ipynb) |
# | streaming without `include_usage` | no token counts, the meter stays at zero | `stream_options={"include_usage": True}` | [02 · streaming](02_streaming.ipynb) |
# | `None` deltas joined into the text | `TypeError`, or "None" in the reply | skip chunks without content (role, finish, usage chunks) | [02 · streaming](02_streaming.ipynb) |
# | "reply in JSON" in the prompt only | `json.loads` fails on a chatty or truncated reply | `response_format` with a strict `json_schema` | [03 · structured output](03_structured_output.ipynb) |
# | JSON trusted without validation | a wrong type deep in your code, much later | validate into a pydantic model; handle refusals and `finish_reason` `"length"` | [03 · structured output](03_structured_output.ipynb) |
# | tool result without the assistant's `tool_calls` message, or with the wrong `tool_call_id` | 400 "must be a response to a preceding message" | append the assistant message, answer each call with its own id | [04 · tool calling](04_tool_calling.ipynb) |
# | a tool exception escapes the loop | the whole turn crashes on one bad argument | return the error to the model as the tool result | [04 · tool calling](04_tool_calling.ipynb) |
# | tool results obeyed, destructive tools run unconfirmed | a review or a web page "tells" the assistant to cancel an order, and it does | tool results are data; confirm destructive actions with the user | [04 · tool calling](04_tool_calling.ipynb) |
# | an agent loop without a step limit | a model that keeps calling tools never stops (and keeps costing) | at most `max_steps` requests per turn | [04 · tool calling](04_tool_calling.ipynb) |
# | retrying a 400/401/404 or `insufficient_quota` | the same failure, several times slower | retry only 429 rate limits, 5xx, timeouts, connection errors | [05 · errors and retries](05_errors_and_retries.ipynb) |
# | retries without backoff, jitter or `retry-after` | every client hammers the server at once; more 429s | wait as asked, else exponentially with jitter, with a cap | [05 · errors and retries](05_errors_and_retries.ipynb) |
# | your retries on top of the SDK's | one call becomes a dozen requests | `max_retries=0` where you retry yourself | [05 · errors and retries](05_errors_and_retries.ipynb) |
# | no timeout | a hung request hangs your program | `timeout=` on the client or per call | [05 · errors and retries](05_errors_and_retries.ipynb) |
# | hundreds of requests fired in parallel | a wall of 429s, slower than going steadily | a small concurrency limit with retries and backoff | [05 · errors and retries](05_errors_and_retries.ipynb) |
# | watching requests per minute only; asking for more quota at the last minute | 429s on tokens per minute; no increase in time for a launch | trim tokens, right-size `max_completion_tokens`; ask for an increase early (usage tiers) | [05 · errors and retries](05_errors_and_retries.ipynb) |
# | the model picked by habit | paying for a big model where a small one answers as well, or the reverse | measure quality, speed and cost on your own questions | [06 · capstone](06_capstone.ipynb) |
#
# ## Lab 6
#
# Open `labs/lab06_assistant.py`. The class `Assistant` and its `__init__` are given; you write `context()`,
# `record_usage()`, `cost`, `call_model()`, `ask()` and `extract_ticket()`, each a few lines that call **your**
# functions from labs 1 to 5 (`trim_history`, `estimate_cost`, `strict_response_format`, `parse_reply`,
# `function_to_tool`, `execute_tool_calls`, `assistant_to_dict`, `call_with_retries`). If a check fails inside
# an earlier lab, finish that lab first. Check your work with:
#
# ```
# make check LAB=6        (or: python -m course check 6)
# ```
#
# The tests use the same shop: they check that the context fits the budget and starts with the system prompt,
# that replies stream, that tool results go back with the right `tool_call_id`, that the loop stops at its step
# limit, that a 429 is retried and a 400 is not, that the ticket comes from a strict schema and is validated,
# and that the meter counts every request.
#
# **Next:** OpenAI's newer **Responses API** (`client.responses.create`) does the same five moves with other
# names and a few extras; [07 · Responses API](07_responses_api.ipynb) shows them side by side with what you
# learned here.
