# %% [markdown]
# # 01b · Tokens, cost and reasoning: what a conversation really costs
#
# Lesson 01 ended with a working conversation: a list of messages that you resend, whole, with every request.
# This lesson is about the price of that list. Models read and write **tokens**, providers bill by the
# token, and the list grows with every turn:
#
# 1. tokens and cost: real token pieces, counting them yourself, prices, why every turn costs more than the
#    last, and prompt caching;
# 2. trimming a long history to a token budget;
# 3. temperature and seeds;
# 4. reasoning models: tokens you pay for but never see;
# 5. the common mistakes, each with its symptom; then the second half of lab 01.
#
# The set-up is lesson 01's: the same client and model, and the same checks on what this model accepts.

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

from openai import OpenAI

client = OpenAI()  # reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment (set by setup() or .env)
MODEL = backend.model

# What this model accepts comes from the course's model catalogue (course.models), never from the look of
# its name. Today's OpenAI models reason (section 4) and take temperature only while they do not (section 3):
# SAMPLING is what a request needs for temperature=0 on this model.
from course import models

REASONING = models.is_reasoning(MODEL)
SAMPLING = models.sampling_params(MODEL, temperature=0)
print(f"{MODEL} is a {'reasoning' if REASONING else 'classic chat'} model; default reasoning effort: "
      f"{models.default_effort(MODEL)}; for temperature=0 send {SAMPLING}")

# %% [markdown]
# Lesson 01's first request once more, so that this lesson has a response to look at, and its `ask` helper
# (send a list of messages, return the reply's text):

# %%
import openai

FIRST_REQUEST = [
    {"role": "system", "content": "You are a concise tutor for a Python course."},
    {"role": "user", "content": "What is an API? Answer in two sentences."},
]
response = client.chat.completions.create(
    model=MODEL,
    messages=FIRST_REQUEST,
    max_completion_tokens=1000,  # a cap on length and cost; reasoning models need room to think (section 4)
    **SAMPLING,  # temperature=0 (and, on a reasoning model, reasoning_effort="none", which it needs)
)
print(response.choices[0].message.content)


def ask(messages: list[dict]) -> str:
    response = client.chat.completions.create(model=MODEL, messages=messages, **SAMPLING)
    return response.choices[0].message.content

# %% [markdown]
# ## 1. Tokens and cost
#
# Models read and write **tokens**: common words are one token, rarer words are split into pieces, and a
# space usually travels with the word after it. Providers bill per token, and every response says how many it
# used:

# %%
usage = response.usage
print(f"prompt: {usage.prompt_tokens} tokens (what we sent), completion: {usage.completion_tokens} tokens "
      f"(what the model wrote), total: {usage.total_tokens}")

# %% [markdown]
# A rule of thumb for English: a token is **about 4 characters, or about ¾ of a word** (100 tokens ≈ 75
# words). Good enough for a budget; for an exact count use the model's tokenizer. OpenAI publishes theirs as
# the `tiktoken` package: `tiktoken.encoding_for_model(model)` gives the encoding (`o200k_base` for OpenAI's
# models since 2024; `cl100k_base` for the older ones). A new model's name can be missing from tiktoken's table
# for a while (tiktoken 0.14 does not know the GPT-6 names yet, though they use `o200k_base`), so the cell
# falls back to `o200k_base`. tiktoken normally downloads the encoding on first use; the course ships it, so
# this works offline. Here is a sentence cut into its real tokens:

# %%
import tiktoken

from course import pricing

try:
    encoding = tiktoken.encoding_for_model(MODEL)
except KeyError:  # a name tiktoken does not know (a newer model, another provider's): OpenAI's current encoding
    encoding = tiktoken.get_encoding("o200k_base")

sentence = "Common words are one token, but rare ones like hyperventilating split into pieces, and so does 2024."
ids = encoding.encode(sentence)
print(f"{encoding.name}: {len(sentence)} characters, {len(sentence.split())} words -> {len(ids)} tokens")
print("pieces:", [encoding.decode([i]) for i in ids])  # the quotes show the spaces each piece carries
print("ids:   ", ids)
print(f"rule of thumb: {len(sentence) / 4:.0f} tokens by characters, {len(sentence.split()) / 0.75:.0f} by words")

# %% [markdown]
# A message costs a little more than its text: a few tokens mark where each message starts and which role it
# has. OpenAI's cookbook ("How to count tokens with tiktoken") documents the count for current models: 3 per
# message, the tokens of each field (role and content, and 1 more for a `name`), and 3 that start the reply.
# Count the first request above that way and compare with what the API billed:

# %%
def count_chat_tokens(messages: list[dict]) -> int:
    total = 3  # every reply is primed with <|start|>assistant<|message|>
    for message in messages:
        total += 3 + sum(len(encoding.encode(v)) for v in message.values() if isinstance(v, str))
        total += 1 if "name" in message else 0
    return total


print("counted with tiktoken:", count_chat_tokens(FIRST_REQUEST), "· billed by the API:", usage.prompt_tokens)
reply_text = response.choices[0].message.content
print(f"the reply: {len(reply_text)} characters -> {len(encoding.encode(reply_text))} tokens")

# %% [markdown]
# Prices are per million tokens, and output tokens cost more than input tokens. Cached input (below) is
# cheaper still; writing to the cache costs a little more than input, from GPT-5.6 on ("-": free). The course's
# table of today's models (check your provider's page for the latest prices):

# %%
print(pricing.pricing_table())
print()
print(f"The first request cost {pricing.usd(pricing.cost(usage, MODEL))} on {MODEL}.")

# %% [markdown]
# Fractions of a cent. But remember lesson 01, section 3: every turn resends the **whole** history. Let us
# have a six-turn conversation and watch the prompt grow:

# %%
questions = [
    "What is a Python list?",
    "How do I add an item to it?",
    "And how do I remove one?",
    "What is the difference between a list and a tuple?",
    "When should I use a dictionary instead?",
    "Give me a one-line example of a dictionary.",
]
tutor = [{"role": "system", "content": "You are a concise tutor for a Python course."}]
rows = []
spent = 0.0
for turn, question in enumerate(questions, start=1):
    outgoing = [*tutor, {"role": "user", "content": question}]
    r = client.chat.completions.create(model=MODEL, messages=outgoing, **SAMPLING)
    tutor = [*outgoing, {"role": "assistant", "content": r.choices[0].message.content}]
    spent += pricing.cost(r.usage, MODEL) or 0.0
    rows.append((turn, len(outgoing), r.usage.prompt_tokens, r.usage.completion_tokens, spent))

print(f"{'turn':>4} {'messages':>9} {'prompt':>7} {'completion':>11} {'spent so far':>13}")
for turn, n, prompt, completion, so_far in rows:
    print(f"{turn:>4} {n:>9} {prompt:>7} {completion:>11} {pricing.usd(so_far):>13}")
total_prompt = sum(r[2] for r in rows)
print(f"\nThe last turn alone sent {rows[-1][2]} prompt tokens; over the conversation we paid for {total_prompt}.")

# %%
import matplotlib.pyplot as plt

turns = [r[0] for r in rows]
prompts = [r[2] for r in rows]
fig, ax = plt.subplots(figsize=(7, 3.2))
ax.bar(turns, prompts, color="#4c72b0", label="prompt tokens sent this turn")
ax.plot(turns, [sum(prompts[:i]) for i in turns], "o-", color="#dd8452", label="prompt tokens paid so far")
ax.set_xlabel("turn")
ax.set_ylabel("tokens")
ax.set_title("Every turn resends the whole history")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Each turn's prompt is everything before it plus the new question, so the prompt grows with the conversation
# and the **total** grows roughly with its square: a 50-turn chat costs far more than 10 five-turn chats.
# Long prompts are also slower, and past the model's context window the request fails with a 400
# `context_length_exceeded`.
#
# **Mistake: ignoring usage.** Symptom: a surprise on the bill, a chat that gets slower and dearer the longer
# it runs, then errors. Log `usage` on every response and keep a running total (the lab's `Conversation`
# does).
#
# ### Prompt caching: the repeated beginning is cheaper
#
# Providers soften that arithmetic a little. OpenAI caches the **beginning** of a prompt automatically: when a
# request starts with the same 1,024 tokens or more as a recent one, that prefix is read from a cache, reported
# as `usage.prompt_tokens_details.cached_tokens`, billed at a discount (a tenth or a twentieth of the input
# price on current models) and answered a little faster. From GPT-5.6 on, **writing** a prefix to the cache
# costs something too: 1.25 times the input price, reported as `prompt_tokens_details.cache_write_tokens`. So
# the first request of a series pays a little more, and every request that reuses the prefix pays much less.
# Nothing to turn on; what you control is the **order**: put what stays the same (system prompt, tool
# definitions, examples) first and what changes (the newest messages) last. Two different questions behind the
# same long system prompt:

# %%
POLICIES = [
    "Orders ship within two working days from our warehouse in Rotterdam.",
    "Customers may return unused items within 30 days for a full refund.",
    "Opened coffee can be returned only if it is faulty.",
    "Refunds go back to the original payment method within 5 working days of the return arriving.",
    "Damaged deliveries are replaced free of charge when reported within 7 days with a photo.",
    "We never share customer data with third parties except the carrier.",
]
HANDBOOK = "You are the support assistant of a coffee shop. Follow the handbook.\n" + "\n".join(
    f"Rule {i}.{j}: {rule}" for i in range(1, 11) for j, rule in enumerate(POLICIES, start=1)
)
print(f"system prompt: {count_chat_tokens([{'role': 'system', 'content': HANDBOOK}])} tokens")

for question in ("Can I return an opened bag of coffee?", "How long does a refund take?"):
    r = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "system", "content": HANDBOOK}, {"role": "user", "content": question}],
        max_completion_tokens=1000,
        **models.no_reasoning_params(MODEL),  # no reasoning tokens here, so the prompt's share of the cost shows
    )
    cached, written = pricing.cached_tokens(r.usage), pricing.cache_write_tokens(r.usage)
    print(f"{question:40} prompt {r.usage.prompt_tokens}: {cached:>4} read from the cache, {written:>4} written · "
          f"cost {pricing.usd(pricing.cost(r.usage, MODEL))}")
    print("   ", r.choices[0].message.content)

# %% [markdown]
# The first request wrote its prompt to the cache (on a model that bills writes, it paid a quarter more for
# those tokens); the second repeated the first one's prefix, so most of its prompt came from the cache and its
# cost dropped, although it sent just as many tokens. Caching lowers the price of a long, stable prefix that is
# reused; it does not make a growing history free (every new turn is new text, written once more), so trimming
# still matters.
#
# ## 2. Trimming the history to a budget
#
# When a conversation outgrows its budget, drop the **oldest** turns and keep:
#
# * the system message (it holds the rules; without it the assistant changes character);
# * the most recent turns, **whole**: a reply without its question confuses the model.
#
# A first version, for conversations made of strict user/assistant pairs, with a message-level estimate
# (the 4-characters rule plus 4 tokens a message and 3 for the reply, close to what APIs count):

# %%
def estimate(messages: list[dict]) -> int:
    return 3 + sum(4 + pricing.estimate_tokens(m["content"] or "") for m in messages)


def trim(messages: list[dict], budget: int) -> list[dict]:
    system, rest = messages[:1], messages[1:]
    while rest and estimate(system + rest) > budget:
        rest = rest[2:]  # drop the oldest user + assistant pair: never half a turn
    return system + rest


intro = [{"role": "user", "content": "Hi! My name is Ada."},
         {"role": "assistant", "content": "Nice to meet you, Ada! How can I help you today?"}]
long_chat = [tutor[0], *intro, *tutor[1:]]
trimmed = trim(long_chat, budget=300)
print(f"before: {len(long_chat)} messages, about {estimate(long_chat)} tokens")
print(f"after:  {len(trimmed)} messages, about {estimate(trimmed)} tokens:", [m["role"] for m in trimmed])

# %% [markdown]
# Trimming has a price: what was dropped is forgotten. Ada's name was in the first turn:

# %%
question = {"role": "user", "content": "What's my name?"}
print("full history:   ", ask([*long_chat, question]))
print("trimmed history:", ask([*trimmed, question]))

# %% [markdown]
# Ways around it: move facts that must survive into the system message, or replace the dropped turns by a
# short summary (one more LLM call). In the lab you write a general `trim_history` that handles turns of any
# shape (an assistant reply, tool calls and their results) and any token counter.
#
# ## 3. Temperature and seed
#
# At each step the model picks the next token from a probability distribution. **Temperature** reshapes it:
# at `0` the model (almost) always takes the most likely token, so the same question gets the same answer; at
# `1` it samples, so answers vary. Use low temperatures for extraction, classification and code, higher ones
# for brainstorming.
#
# **On today's OpenAI models, sampling parameters work only while the model does not reason.** At any
# reasoning effort but `none` (section 4), `temperature` other than 1, `top_p` and `logprobs` get a 400; with
# `reasoning_effort="none"` they work as above. Models without a `none` effort (gpt-6.1-sol, gpt-6.2-sol and
# -astra, gpt-6-astra) never take them. Classic chat models, and most other providers' models, take them
# always. Code that may run on any model asks the course's model information (`course.models`) what to send,
# as this cell does, instead of guessing from the name:

# %%
coffee = [{"role": "user", "content": "Suggest a name for a new coffee shop."}]
try:
    client.chat.completions.create(model=MODEL, messages=coffee, temperature=0)
    print(f"{MODEL} took temperature=0 as it is")
except openai.BadRequestError as err:
    print(f"{MODEL} at its default effort ({models.default_effort(MODEL)}): {err.status_code} {err.body['message']}")

if models.sampling(MODEL) == "never":
    print(f"\n{MODEL} has no effort none: it samples at its own settings; a seed still fixes its choice")
    for seed in (1, 2, 3):
        r = client.chat.completions.create(model=MODEL, messages=coffee, seed=seed)
        print(f"default settings, seed {seed}:", r.choices[0].message.content)
else:
    print(f"\nwith what course.models.sampling_params adds for {MODEL}: {models.sampling_params(MODEL)}")
    for _ in range(3):
        r = client.chat.completions.create(model=MODEL, messages=coffee, **models.sampling_params(MODEL, temperature=0))
        print("temperature 0:        ", r.choices[0].message.content)
    for seed in (1, 2, 3):
        r = client.chat.completions.create(
            model=MODEL, messages=coffee, seed=seed, **models.sampling_params(MODEL, temperature=1)
        )
        print(f"temperature 1, seed {seed}:", r.choices[0].message.content)

# %% [markdown]
# Why the `seed`? At temperature 1 each run would give different names, and this notebook's stored outputs
# must be reproducible (the course checks that a fresh run prints exactly what you see). A seed fixes the
# sampling: the same request with the same seed gives the same answer. On the stub that is exact; real
# providers promise only *best effort* (OpenAI returns a `system_fingerprint`: when it changes, the backend
# changed and the same seed may give a different answer). Even temperature 0 is not perfectly deterministic
# on real models, so never write code that depends on the exact wording of a reply.
#
# ## 4. Reasoning: tokens you pay for and never see
#
# Today's models **reason** before they answer: they generate a hidden chain of **reasoning tokens**, then the
# visible reply. Every current OpenAI model does it by default, even for "hello" (lesson 00 showed it on the
# very first call). You never see those tokens, but they are real output: they count in
# `usage.completion_tokens` (the detail is `usage.completion_tokens_details.reasoning_tokens`), they are
# **billed at the output price**, they count against `max_completion_tokens`, and they take time before the
# first visible word.
#
# `reasoning_effort` says how hard to think. The values each model takes differ (lesson 00, section 5, has
# the table): from `none` (no reasoning at all: the model answers at once, like a classic chat model) through
# `low`, `medium` (the usual default) and `high` to `xhigh`; some models have no `none`, and the Responses API
# (lesson 07) also takes `max`. A value the model does not take is a 400 that lists the ones it does. More
# effort gives better answers on hard problems, and costs more tokens and more time. Here is one question at
# every effort this model takes on Chat Completions:

# %%
REASONER = MODEL if REASONING else models.DEFAULT_MODEL  # another provider's model: try the course's default
puzzle = [{"role": "user", "content": "A bat and a ball cost $1.10 in total. The bat costs $1.00 more than "
                                      "the ball. How much does the ball cost?"}]
try:
    default = client.chat.completions.create(model=REASONER, messages=puzzle)
    print(f"no reasoning_effort sent ({REASONER}'s default, {models.default_effort(REASONER)}): "
          f"{default.usage.completion_tokens_details.reasoning_tokens} reasoning tokens")
    for effort in models.efforts(REASONER):
        r = client.chat.completions.create(model=REASONER, messages=puzzle, reasoning_effort=effort)
        u = r.usage
        reasoning = u.completion_tokens_details.reasoning_tokens if u.completion_tokens_details else 0
        print(f"effort {effort:6}: {u.completion_tokens:>4} completion tokens = {reasoning:>4} reasoning + "
              f"{u.completion_tokens - reasoning:>3} visible · {pricing.usd(pricing.cost(u, REASONER))}")
    print("answer:", r.choices[0].message.content)
    try:
        client.chat.completions.create(model=REASONER, messages=puzzle, reasoning_effort="minimal")
    except openai.BadRequestError as err:
        print(f"\n'minimal' on {REASONER}: {err.body['message']}")
except openai.NotFoundError:
    print(f"{backend.provider} does not serve {REASONER}; set MODEL to one of its reasoning models to try this.")

# %% [markdown]
# Read the table from the top: at `none` the model spends no reasoning tokens and the bill is the visible
# answer only; at its default it already spends a few hundred tokens on a one-line answer, and each step up
# costs more. For chat, lookups and simple extraction, `none` or `low` is usually enough (OpenAI's own
# migration advice for older chat workloads is to start at `none`); keep the higher efforts for problems that
# need thinking, and measure (lesson 06). At `none` the model also accepts `temperature` again (section 3) and,
# on some models, function tools on Chat Completions (lesson 04).
#
# **The empty-answer trap.** Give a reasoning model a small `max_completion_tokens` and the reasoning can use
# all of it: the reply is then an **empty string**, with `finish_reason` `"length"`, and you still pay for the
# tokens it spent thinking. A budget that was ample for a classic model is not for a reasoning one:

# %%
try:
    r = client.chat.completions.create(
        model=REASONER, messages=puzzle, reasoning_effort="high", max_completion_tokens=100
    )
    u = r.usage
    reasoning = u.completion_tokens_details.reasoning_tokens if u.completion_tokens_details else 0
    print(f"content: {r.choices[0].message.content!r} · finish_reason: {r.choices[0].finish_reason}")
    print(f"billed: {u.completion_tokens} completion tokens, {reasoning} of them reasoning "
          f"({pricing.usd(pricing.cost(u, REASONER))})")
except openai.NotFoundError:
    print(f"{backend.provider} does not serve {REASONER}.")

# %% [markdown]
# So with reasoning models: leave generous room (thousands of tokens, not hundreds), check `finish_reason`
# and an empty `content` together, and lower `reasoning_effort` when you need short, cheap answers. Classic
# chat models (OpenAI's older ones, and many other providers' models) have no reasoning at all and refuse
# `reasoning_effort` with a 400 ("Unrecognized request argument supplied: reasoning_effort").

# %% [markdown]
# ## 5. Common mistakes, and how they show
#
# | mistake | symptom | fix |
# | --- | --- | --- |
# | `max_tokens` sent to a reasoning model | 400 `unsupported_parameter` | `max_completion_tokens` |
# | a small cap on a reasoning model | an empty reply, `finish_reason == "length"`, tokens still billed | leave room for reasoning; lower `reasoning_effort` |
# | `temperature` sent to a model while it reasons | 400 `unsupported_value` | send `reasoning_effort="none"` with it where the model has that effort (`course.models.sampling_params`), else leave it out |
# | every call left at the default reasoning effort | answers that take longer and cost many times the visible text | pick the effort per task; `none` or `low` for chat and lookups |
# | ignoring usage | a surprise bill; slower, dearer turns; finally `context_length_exceeded` | log `usage`, keep a running total, trim to a budget |

# %% [markdown]
# ## Lab 01
#
# Open [`labs/lab01_messages.py`](../labs/lab01_messages.py) and replace each `raise NotImplementedError`
# (the first two functions go with lesson 01, the rest with this lesson). Every function states its
# contract in its docstring:
#
# * `build_messages(system_prompt, history, user_message)`: one system message first, the history, the new
#   question last;
# * `Conversation(client, model, system_prompt).ask(text)`: resend the history, append both turns only after
#   a successful call, add up `usage`;
# * `estimate_tokens(messages)`: the course's estimate of a messages list (4 per message plus 4 characters a
#   token, plus 3);
# * `split_turns(messages)` and `trim_history(messages, budget)`: keep the system message and the newest
#   whole turns that fit the budget;
# * `estimate_cost(usage, model)`: dollars from the lab's pricing table.
#
# Cap lengths with `max_completion_tokens` in your labs: the tests may run them on a reasoning model too.
#
# The tests run your code against the stub and read what it sent. Check your work with one command:
#
# ```
# make check LAB=1
# ```
#
# Run it in JupyterLab's terminal: *File → New → Terminal* opens one in the course folder, with the
# course's Python ready (`python -m course check 1` does the same in any shell there).
# Each failing test says what to fix, e.g. *"request 2 had 2 messages; the conversation had 4"*.
#
# **Next:** lesson 02, streaming: showing the reply while the model is still writing it.
