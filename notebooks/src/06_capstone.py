# %% [markdown]
# # 06 · Capstone: a support assistant for an online shop
#
# Five lessons, five moves: messages and history (01), streaming (02), structured output (03), tool calling
# (04), errors and retries (05). A real assistant needs all of them **at once**, and the interesting bugs live
# where they meet: a retry in the middle of a tool loop, a stream that breaks after half a sentence was shown,
# a trimmed history that cuts a tool call from its result, a cost meter that only counted the last hop.
#
# We build the customer-support assistant of *Brewster's*, a small online shop for coffee gear. It can look up
# an order and check the stock, it answers only from what its tools and the shop's policies say, it streams its
# replies and survives a stream that breaks, it survives a rate limit, it turns the conversation into a support
# ticket for the team, and it knows what it has cost so far. One turn looks like this:
#
# ```
# user's question ─► history ─► context(): system prompt + newest turns; with the tools, under the budget  (01)
#                                │
#                                ▼
#               with_retries( stream the reply, tools on offer )  ──► tokens to the screen as they come  (05, 02)
#                   a stream without finish_reason is incomplete: retried, never shown twice, never stored
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
import math
import random
import re
import time

import openai
from openai import OpenAI
from pydantic import BaseModel, Field

from course import models
from course.pricing import Meter, usd

client = OpenAI()
# The assistant offers function tools on Chat Completions, which some models take only at reasoning effort none
# and others only through the Responses API (lesson 04, section 2): course.models says what each needs.
MODEL, TOOL_PARAMS = models.chat_tools_model(backend.model)  # e.g. {"reasoning_effort": "none"}
if MODEL != backend.model:
    print(f"{backend.model} takes function tools only through the Responses API; the capstone runs on {MODEL}")

# %% [markdown]
# ## 1. The shop, its policies and its two tools
#
# The functions are plain Python over made-up data (a real shop would query its database). The model never
# runs them: it asks, our code runs them, and the result goes back as a `tool` message (lesson 4). The tool
# descriptions are **strict**, so the model's arguments always match the schema; the SDK's stream helper that
# we use below insists on it.
#
# The shop's **policies** are written down too, because the assistant will be told to answer from them and
# from the tools' results, and from nothing else (section 5 shows why, and how to check it).

# %%
ORDERS = {
    "A1001": {"order_id": "A1001", "status": "in transit", "carrier": "DHL", "eta": "Friday 27 November"},
    "A1002": {"order_id": "A1002", "status": "delivered", "carrier": "UPS", "eta": "delivered on 20 November"},
}
STOCK = {"Aeropress Go": 3, "Chemex": 0, "Hario V60": 12}
POLICIES = """\
- Delivery: orders ship with DHL or UPS; the tracking page shows where a parcel is.
- Returns: unused items, in their original packaging, within 30 days of delivery.
- Damaged on arrival: ask for the order number and a photo of the damage; the support team then sends a \
replacement or a refund.
- Refunds go back to the payment method the customer used, within 5 working days of the return reaching us.
- Anything the tools and these policies do not answer (restock dates, claims with a carrier, exceptions): \
say you don't know, and that the support team will follow up."""


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
# The budget is for the whole **prompt**, and the prompt is more than the messages: the tool definitions are
# sent, and billed, with every request. How many tokens do they cost? Ask the API: send the same tiny request
# with and without the tools and subtract the two `prompt_tokens` (two requests, once). What is left of the
# budget goes to the messages, which we count with lesson 01b's estimate (4 per message plus a token per 4
# characters; `tiktoken` would be exact for OpenAI's models).

# %%
def prompt_tokens(**request) -> int:
    reply = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}], **request)
    return reply.usage.prompt_tokens


TOOL_TOKENS = prompt_tokens(tools=TOOLS, **TOOL_PARAMS) - prompt_tokens()
print(f"the two tool definitions add {TOOL_TOKENS} tokens to every request that offers them")


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
#
# A **stream that breaks after it started** needs one more rule (lesson 5, section 5). The SDK raises nothing
# when a stream simply ends early: the only sign is that no chunk carried a `finish_reason`. An error event in
# the middle raises a bare `openai.APIError`, and a dropped connection an `APIConnectionError`. All three mean
# the same: the reply is incomplete, and trying again is the cure. `IncompleteStream` names the first two; it is
# an `APIConnectionError` (the connection delivered less than a whole reply), so the retry rule already covers it.

# %%
class IncompleteStream(openai.APIConnectionError):
    """A streamed reply that stopped before its end: no finish_reason, or an error event in the middle."""

    def __init__(self, message: str = "the stream ended before the reply was complete (no finish_reason)"):
        super().__init__(message=message, request=None)  # the stream helper does not expose its HTTP request


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


def note(message: str) -> None:
    print("  " + message)  # tool runs and retries, indented under the conversation


def with_retries(call, *, attempts=4, base=0.5, cap=8.0, sleep=time.sleep, log=note, rand=random.random):
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as err:
            if attempt == attempts or not should_retry(err):
                raise
            wait = server_wait(err)
            if wait is None:
                wait = min(cap, base * 2 ** (attempt - 1)) * (0.5 + rand() / 2)
            status = getattr(err, "status_code", None)
            log(f"[{type(err).__name__}{f' {status}' if status else ''}: waiting {wait:.2f} s, "
                f"then attempt {attempt + 1} of {attempts}]")
            sleep(wait)


# %% [markdown]
# ## 4. The assistant
#
# One class puts it together. `ask()` is the agent loop of lesson 4, with these changes:
#
# * every request is **streamed** with the SDK's `client.chat.completions.stream(...)` helper: `content.delta`
#   events carry the new text, `chunk` events the raw chunks (we look for a `finish_reason` in them), and
#   `get_final_completion()` gives the assembled message, with its `tool_calls`, and the usage (we ask for it
#   with `stream_options`);
# * a stream without a `finish_reason` raises `IncompleteStream` **before** anything is assembled from it, so a
#   half reply never reaches the history, and a tool never runs with half its arguments;
# * the text goes to the screen through `Screen`, which remembers what the user has already seen: a retried
#   stream that repeats it shows only what is new, and one that says something else first says that the reply
#   was cut off (a real model, sampling, may well word its second try differently);
# * every request is built from `context()`, so it stays under the budget even deep into a conversation, and
#   is wrapped in `with_retries`;
# * the usage of **every** request goes on the meter: a question that needs a tool costs two requests, and the
#   second one carries the whole first one in its prompt.
#
# If a turn fails (retries used up, step limit hit), the history is put back as it was, so the next question
# does not carry a half-answered one.

# %%
SYSTEM_PROMPT = (
    "You are the customer-support assistant of Brewster's, an online shop for coffee gear. Be friendly and brief. "
    "Use the tools to look up orders and stock; never guess an order's status or the stock. Answer only from the "
    "tool results and the policies below; when they don't say, say that you don't know.\n"
    "Policies:\n" + POLICIES
)
CUT_NOTICE = "\n[the reply was cut off; here it is again]\n"


class Screen:
    """What the user has seen of one reply, over every attempt, so a retry never shows text twice."""

    def __init__(self, on_token):
        self.on_token = on_token or (lambda piece: None)
        self.shown = ""  # on the user's screen
        self.text = ""  # received in the current attempt

    def new_attempt(self) -> None:
        self.text = ""

    def add(self, piece: str) -> None:
        self.text += piece
        if self.shown.startswith(self.text):
            return  # the retry is repeating what the user already saw
        if not self.text.startswith(self.shown):  # the retry says something else: say so, start again
            self.on_token(CUT_NOTICE)
            self.shown = ""
        self.on_token(self.text[len(self.shown):])
        self.shown = self.text

    def done(self) -> None:
        if self.shown != self.text:  # the screen holds more than the final reply says
            self.on_token(CUT_NOTICE + self.text)
            self.shown = self.text


class ShopAssistant:
    def __init__(self, client, model, *, budget=1000, max_steps=5, sleep=time.sleep, timeout=20.0, log=note,
                 rand=random.random):
        self.client = client.with_options(max_retries=0, timeout=timeout)  # our retries, not the SDK's
        self.model = model
        self.budget = budget  # prompt tokens per request: the tools, the system prompt and the newest turns
        self.max_steps = max_steps
        self.sleep = sleep
        self.log = log
        self.rand = rand  # the jitter of the retries' waits
        self.history: list[dict] = []  # the whole conversation, never trimmed
        self.meter = Meter(model)
        self.requests: list[tuple[str, int, int, int]] = []  # (what, estimated, billed prompt, completion tokens)
        self.tool_params = models.chat_tools_params(model) or {}  # e.g. reasoning_effort="none" (lesson 04)

    def context(self) -> list[dict]:
        system = {"role": "system", "content": SYSTEM_PROMPT}
        return trim_to_budget(system, self.history, self.budget - TOOL_TOKENS)

    def _count(self, what: str, usage, estimated: int = 0) -> None:
        if usage is not None:
            self.meter.add(usage)
            self.requests.append((what, estimated, usage.prompt_tokens, usage.completion_tokens))

    def _stream(self, messages: list[dict], on_token):
        screen = Screen(on_token)

        def attempt():
            screen.new_attempt()
            finished = False
            with self.client.chat.completions.stream(
                model=self.model, messages=messages, tools=TOOLS, stream_options={"include_usage": True},
                **self.tool_params,
            ) as stream:
                try:
                    for event in stream:
                        if event.type == "chunk":
                            finished = finished or any(c.finish_reason for c in event.chunk.choices)
                        elif event.type == "content.delta" and event.delta:
                            screen.add(event.delta)
                except openai.APIError as err:
                    if isinstance(err, (openai.APIStatusError, openai.APIConnectionError)):
                        raise
                    raise IncompleteStream(f"an error event in the middle of the stream: {err.message}") from err
                if not finished:
                    raise IncompleteStream()
                return stream.get_final_completion()

        completion = with_retries(attempt, sleep=self.sleep, log=self.log, rand=self.rand)
        screen.done()
        return completion

    def ask(self, text: str, on_token=None) -> str:
        before = len(self.history)
        self.history.append({"role": "user", "content": text})
        try:
            for step in range(1, self.max_steps + 1):
                messages = self.context()
                completion = self._stream(messages, on_token)
                self._count(f"turn {self.turns}, step {step}", completion.usage, estimate_tokens(messages) + TOOL_TOKENS)
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
        self.log(f"[tool] {call.function.name}({call.function.arguments}) -> {json.dumps(result)}")
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
# calls and retries are printed as they happen, on lines of their own.

# %%
assistant = ShopAssistant(client, MODEL, budget=500)


def chat(text: str, bot=None) -> str:
    bot = bot or assistant
    print("user:     ", text)
    line_open, started = False, False  # the "assistant: ..." line is being written; some text was shown

    def log(message: str) -> None:  # tool runs and retries, on a line of their own
        nonlocal line_open
        print(("\n" if line_open else "") + "  " + message)
        line_open = False

    def on_token(piece: str) -> None:
        nonlocal line_open, started
        if not line_open:
            print("assistant: " if not started else "           …", end="")  # "…": the reply goes on
            line_open, started = True, True
        print(piece, end="", flush=True)

    bot.log = log
    try:
        reply = bot.ask(text, on_token=on_token)
    except openai.APIError as err:
        print(f"\n  [no complete reply ({type(err).__name__}): nothing was stored; please ask again]")
        raise
    finally:
        bot.log = note
    print()
    print("meter:    ", bot.status())
    print()
    return reply


_ = chat("Hi! My order A1001 hasn't arrived yet. Where is it?")
_ = chat("Do you still have the Aeropress Go in stock? My sister would love one.")
_ = chat("The grinder in my last parcel arrived cracked. I'd like a refund, please.")

# %% [markdown]
# Notice where the tool lines appear: **before** any text. The first request of a tool turn streams no text at
# all, only the tool call's arguments; the text comes with the second request, after our code ran the tool.
#
# ### Grounded answers: nothing the tools and the policies did not say
#
# Read the three replies again: the order's status, carrier and date come from the tool's result, the stock
# from the other tool, and the answer about the cracked grinder from the policy on damaged items. That is the
# rule the system prompt sets, and the first thing a real deployment must enforce. A model that is not held to
# it fills the gaps with plausible inventions ("usually back within two weeks", "a refund within 3 days", "I'll
# keep an eye on it"), and every one is a promise the shop has not made: a customer who is told a policy will
# hold you to it. So: put the facts the assistant may state in the prompt (the policies) or behind a tool, tell
# it to answer only from those, and to say "I don't know" otherwise.
#
# Telling is not checking. A cheap automatic check compares what can be compared: the **numbers** (digits and
# number words) and the **names** (capitalised words inside a sentence) of a reply must each appear in a tool
# result, the policies, or what the customer said.

# %%
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "fourteen": "14", "thirty": "30"}
PRONOUNS = {"I", "I'm", "I'll", "I've", "I'd"}
WORD = r"[A-Za-z0-9][\w'-]*"


def normalised(word: str) -> str:
    bare = word.removesuffix("'s").lower()
    return NUMBER_WORDS.get(bare, bare)  # "two" and "2" are the same claim


def claims(reply: str) -> list[str]:
    # The words of a reply a simple check can compare: numbers (digits or words) and names (capitalised
    # words that do not start a sentence).
    found = []
    for sentence in re.split(r"(?<=[.!?;])\s+", reply):
        for i, word in enumerate(re.findall(WORD, sentence)):
            if any(ch.isdigit() for ch in word) or normalised(word) in NUMBER_WORDS.values():
                found.append(word)
            elif i > 0 and word[0].isupper() and word not in PRONOUNS:
                found.append(word)
    return found


def ungrounded(reply: str, sources: list[str]) -> list[str]:
    # The claims of reply that no source mentions.
    known = {normalised(word) for word in re.findall(WORD, "\n".join(sources))}
    return [word for word in claims(reply) if normalised(word) not in known]


def sources_of(history: list[dict], upto: int) -> list[str]:
    # What a reply may rest on: the policies (in the system prompt), what the customer said, the tool results.
    return [SYSTEM_PROMPT] + [m["content"] for m in history[:upto] if m["role"] in ("user", "tool")]


for i, message in enumerate(assistant.history):
    if message["role"] == "assistant" and message["content"]:
        flagged = ungrounded(message["content"], sources_of(assistant.history, i))
        print(f"{message['content'][:60]:<62}-> {'grounded' if not flagged else 'NOT grounded: ' + ', '.join(flagged)}")

# %% [markdown]
# Now a reply of the kind the check exists for: an earlier draft of this capstone's script had the assistant
# say this about the Chemex (sold out, and no tool or policy knows when it comes back):

# %%
draft = ("I'm afraid the Chemex is sold out right now (0 in stock). It's usually back within two weeks; "
         "I'll note that you're interested and let you know.")
stock_result = json.dumps(check_stock("Chemex"))
print("ungrounded:", ungrounded(draft, [SYSTEM_PROMPT, "Is the Chemex in stock?", stock_result]))

# %% [markdown]
# Caught: "two" (weeks) is in no tool result and no policy. Be clear about what such a check can and cannot do:
#
# * it **catches** invented numbers, dates, prices, durations and names, the claims that hurt most;
# * it **misses** inventions in plain words: "I'll note that you're interested" promises an action no tool can
#   take, and passes; so does a true number put in the wrong place ("3 units" where the tool said 3 of another
#   product), and a negation ("not in transit");
# * it **flags** harmless words too (a capitalised brand the customer did not type): read its output, don't
#   block replies on it blindly.
#
# The next step up is a **second model call as a judge**: send the reply, the tool results and the policies,
# and ask (with a strict schema, lesson 3) for every claim that none of them supports. A judge reads meaning, so
# it also catches the promise to "note" an interest; but it is a model too, so it can miss or invent, and it
# costs a request per reply. Production assistants combine the three: the rule in the prompt, cheap checks on
# every reply, and a judge or a human on a sample.
#
# ## 6. The budget at work
#
# The history keeps everything; each request only gets what fits the budget: 500 tokens for the whole prompt
# (tiny on purpose), of which the tools take their share first.

# %%
context = assistant.context()
estimate = estimate_tokens(context)
print(f"history: {len(assistant.history)} messages, about {estimate_tokens(assistant.history)} tokens")
print(f"context: {len(context)} messages, about {estimate} tokens, + {TOOL_TOKENS} for the tools "
      f"= {estimate + TOOL_TOKENS} (budget {assistant.budget})")
print("context roles:", [m["role"] for m in context])

# %% [markdown]
# The oldest turn (the order question, with its tool call and result) no longer fits, so it is left out whole;
# the system prompt stays first. The price: the assistant no longer "sees" order A1001 unless the user says it
# again. Real assistants soften that with a bigger budget, or a summary of the dropped turns (lesson 5 shows
# one). The estimate is only an estimate; section 9 puts it beside what each request was billed.
#
# ## 7. Surviving a rate limit, and a stream that breaks
#
# *These cells inject faults, so they only run on the stub.* A fault plan makes the next request carrying its
# id fail with a 429 (`retry-after` 0.5 s), and the one after succeed. `with_retries` waits as asked and the user
# never notices, apart from half a second.

# %%
def faulty(bot: ShopAssistant, steps: list) -> OpenAI:
    # bot's client, with a fault plan (stub only) for the next requests; returns the normal client.
    plan_id = f"capstone-{random.getrandbits(32):08x}"
    backend.stub.add_fault(steps, plan_id=plan_id)
    normal = bot.client
    bot.client = normal.with_options(default_headers={"x-stub-fault-id": plan_id})
    return normal


if backend.skip_unless_stub("injecting a 429"):
    normal_client = faulty(assistant, ["429", "ok"])
    try:
        _ = chat("How long do refunds usually take?")
    finally:
        assistant.client = normal_client

# %% [markdown]
# Now the three ways a stream breaks after it started, each on the reply's 12th chunk: cut (the body ends
# without `[DONE]`), dropped (the connection resets) and an error event. Watch the screen: the first attempt
# shows the start of the reply, the retry continues it from where the user's screen stopped ("…"), without
# showing a word twice; and what goes into the history is the whole reply of the attempt that finished. (The
# meter counts one call: a broken stream never reached its usage chunk. The provider bills the tokens it
# generated anyway; to count them yourself, lesson 2 shows how.)

# %%
if backend.skip_unless_stub("injecting broken streams"):
    for fault in ["stream_cut:12", "stream_drop:12", "stream_error:12"]:
        print(f"--- {fault} ---")
        bot = ShopAssistant(client, MODEL, rand=random.Random(6).random)  # seeded jitter: the same waits every run
        normal_client = faulty(bot, [fault, "ok"])
        reply = chat("How long do refunds usually take?", bot)
        stored = bot.history[-1]["content"]
        print(f"stored in the history: the whole reply ({len(stored)} characters): {stored == reply}\n")

# %% [markdown]
# And a stream that never completes, however often it is tried: after four attempts the turn fails, the user is
# told, and the history is exactly as it was before the question: no half answer is stored as if it were one.

# %%
if backend.skip_unless_stub("injecting broken streams"):
    bot = ShopAssistant(client, MODEL, sleep=lambda seconds: None, rand=random.Random(6).random)  # no real waits
    before = list(bot.history)
    normal_client = faulty(bot, ["stream_cut:12"] * 4)
    try:
        chat("How long do refunds usually take?", bot)
    except IncompleteStream:
        pass
    print("history unchanged:", bot.history == before)

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
    ), sleep=assistant.sleep, log=assistant.log, rand=assistant.rand)
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
# ## 9. What it cost, and what the budget estimated
#
# Every request is on the meter, tool hops and the ticket included. The prompt column shows why long
# conversations get expensive: each request resends the context and the tool definitions, and a tool turn sends
# it all twice. The "estimated" column is what the budget counted for each chat request (lesson 01b's estimate of
# the messages, plus the measured cost of the tools); "billed" is the `prompt_tokens` the API reported.

# %%
print(f"{'request':<20}{'estimated':>10}{'billed':>8}{'completion':>12}{'cost':>12}")
for what, estimated, prompt, completion in assistant.requests:
    cost = Meter(MODEL, 1, prompt, completion).dollars
    print(f"{what:<20}{estimated or '-':>10}{prompt:>8}{completion:>12}{usd(cost):>12}")
print()
print("total:", assistant.status())
chat_requests = [(e, p) for _, e, p, _ in assistant.requests if e]
print(f"largest estimate: {max(e for e, _ in chat_requests)} (budget {assistant.budget}); "
      f"largest bill: {max(p for _, p in chat_requests)} prompt tokens")
misses = [p - e for e, p in chat_requests]
print(f"the bill differed from the estimate by {min(misses):+} to {max(misses):+} tokens per request")

# %% [markdown]
# Two things to read here. The budget holds for what it counts: no estimate is above it, tools included. And
# the estimate is a rule of thumb: English text runs about 4 characters a token, but order numbers, JSON and
# short words do not, and each message has a few tokens of overhead the rule only guesses. The last line says
# how far off it was in this conversation: leave that much margin below the model's real limit, or count
# exactly (`tiktoken` for OpenAI's models, or the bill of the previous request, as here).
# Without the tools in the budget, every request would have been billed more than the budget said, by the
# tools' cost that section 2 measured: small with two tools, and a real surprise with twenty.
#
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
# ## 12. Another provider, the same code
#
# Almost every provider speaks the API this course uses, so moving the assistant to another one changes three
# settings and no code: the **base URL**, the **model** and that provider's **key** (in `.env`:
# `OPENAI_BASE_URL`, `MODEL`, `OPENAI_API_KEY`; `docs/providers.md` lists what each provider accepts). To see
# it live without a second account, the next cell starts a **second server**, another stub on another port
# with its own key, standing in for a second provider. The same `ShopAssistant` class talks to the course's
# backend and to the second server; only the client and the model name differ, and each server's journal
# shows that it answered. With a key in `.env`, the first is your real provider and the second the stub.

# %%
from llm_stub import StubServer


def a_model_of(provider: OpenAI, besides: str) -> str:
    # The first model the provider lists (other than `besides`) that answers: a listed model may still be
    # closed to your key, or shut down.
    for listed in provider.models.list():
        if listed.id.startswith(besides):  # the same model, or one of its dated snapshots
            continue
        try:
            provider.chat.completions.create(model=listed.id, messages=[{"role": "user", "content": "Hi"}])
        except openai.APIStatusError:
            continue
        return listed.id
    raise LookupError("no model of this provider answers")


from llm_stub import StubConfig

second = StubConfig(api_keys=["sk-second-provider-" + "0" * 24])  # that provider's key (a made-up one)
with StubServer(second) as second_server:  # another server on another port
    second_client = OpenAI(base_url=second_server.base_url, api_key=second_server.api_key)
    providers = [("the course's backend", client, MODEL),
                 ("a second server", second_client, a_model_of(second_client, besides=MODEL))]
    for name, provider_client, model in providers:
        shop = ShopAssistant(provider_client, model, log=lambda message: None)
        reply = shop.ask("Do you still have the Aeropress Go in stock? My sister would love one.")
        print(f"{name}, model {model}:\n   {reply}")
    print("\nanother base URL:", second_client.base_url != client.base_url,
          "| another key:", second_server.api_key != client.api_key,
          "| requests with the tools in the second server's journal:",
          sum("tools" in entry["body"] for entry in second_server.journal()))

# %% [markdown]
# Same class, same tools, same policies, and the same facts from the tool; what changed is one
# `OpenAI(base_url=..., api_key=...)` and one model name. The wording differs: another model (here the second
# server, which has not loaded the course's scripted replies) writes its own sentences. That is the part that
# does **not** carry over by itself: which parameters a provider honours (strict schemas, `tool_choice`, `n`:
# the table in `docs/providers.md`), its prices and rate limits, and how well its models follow your system
# prompt. So re-run section 11's measurement, and the grounding check of section 5, before you switch.

# %% [markdown]
# ## 13. Takeaways
#
# The course in nine lines:
#
# 1. A chat call takes the whole conversation as a list of messages and returns one new message (01).
# 2. Nothing is remembered between calls: your code keeps the history, appends every reply, and resends it (01).
# 3. You pay for every token sent and received, on every call: read `usage`, trim histories, reuse long
#    prefixes so they are cached, and remember that reasoning tokens are billed too (01).
# 4. `stream=True` shows the reply as it is written; join the deltas, and store the result only when a chunk
#    carried its `finish_reason`: a broken stream is retried, never shown twice, never stored (02, 05).
# 5. When code reads the reply, ask for a strict JSON schema, and still check refusals, truncation and values (03).
# 6. Tools let the model ask; your code runs them, sends the results back, treats them as untrusted, and loops
#    with a step limit: that loop is an agent (04). It answers from tool results and stated policies, and
#    says it doesn't know otherwise (06).
# 7. Retry what waiting can fix (429, 5xx, timeouts) with backoff, jitter and `Retry-After`; never 400 or 401 (05).
# 8. Cap attempts and time, stay under RPM and TPM with a small concurrency limit, and guard every parse (05).
# 9. Keys live in the environment or a secret manager: never in code, in git, or in a browser (00).

# %% [markdown]
# ## 14. Checklist: the common mistakes of the whole course
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
# | a stream that broke treated as a reply | half a sentence stored as the answer; a retry shows the text twice | no `finish_reason`: incomplete; retry, show only the new text, store only a finished reply | [05 · errors and retries](05_errors_and_retries.ipynb), [06 · capstone](06_capstone.ipynb) |
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
# | an assistant that answers beyond its sources | invented policies, dates and promises the business must then keep | policies in the system prompt, tools for facts, "I don't know" otherwise; check replies against the sources | [06 · capstone](06_capstone.ipynb) |
# | the model picked by habit | paying for a big model where a small one answers as well, or the reverse | measure quality, speed and cost on your own questions | [06 · capstone](06_capstone.ipynb) |
#
# ## Lab 6
#
# Open [`labs/lab06_assistant.py`](../labs/lab06_assistant.py). The class `Assistant` and its `__init__` are
# given; you write `context()`,
# `record_usage()`, `cost`, `call_model()`, `ask()` and `extract_ticket()`, each a few lines that call **your**
# functions from labs 1 to 5 (`trim_history`, `estimate_cost`, `strict_response_format`, `parse_reply`,
# `function_to_tool`, `execute_tool_calls`, `assistant_to_dict`, `call_with_retries`). The one new piece is in
# `call_model()`: what section 4 does for a stream that breaks (a missing `finish_reason` is an
# `IncompleteStream`, a retry shows the user only what is new). If a check fails inside an earlier lab, finish
# that lab first. Check your work with:
#
# ```
# make check LAB=6        (or: python -m course check 6)
# ```
#
# Run it in JupyterLab's terminal: *File → New → Terminal* opens one in the course folder, with the
# course's Python ready.
#
# The tests use the same shop: they check that the context fits the budget and starts with the system prompt,
# that replies stream, that tool results go back with the right `tool_call_id`, that the loop stops at its step
# limit, that a 429 is retried and a 400 is not, that every kind of broken stream the stub can inject (cut,
# dropped, an error event, at a chunk drawn per run) is retried with no text shown twice and nothing partial
# stored, that the ticket comes from a strict schema and is validated, and that the meter counts every request.
#
# **Next:** OpenAI's newer **Responses API** (`client.responses.create`) does the same five moves with other
# names and a few extras; [07 · Responses API](07_responses_api.ipynb) shows them side by side with what you
# learned here.
