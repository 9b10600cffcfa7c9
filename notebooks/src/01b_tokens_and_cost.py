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

# Reasoning models (the gpt-5 family, the o-series: section 4) have rules of their own; the course tells them
# apart by name with course.backend.is_reasoning_model(MODEL), which backend.is_reasoning calls.
REASONING = backend.is_reasoning
# They accept only the default temperature (section 3): temperature=0 for the others only.
SAMPLING = {} if REASONING else {"temperature": 0}
print(f"{MODEL} is a {'reasoning' if REASONING else 'classic chat'} model")

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
    **SAMPLING,  # temperature=0 on a classic chat model
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
# the `tiktoken` package: `tiktoken.encoding_for_model(model)` gives the encoding (`o200k_base` for the
# gpt-4o, gpt-4.1, gpt-5 and o-series models; `cl100k_base` for gpt-3.5 and gpt-4). tiktoken normally
# downloads that file on first use; the course ships it, so this works offline. Here is a sentence cut into its
# real tokens:

# %%
import tiktoken

from course import pricing

try:
    encoding = tiktoken.encoding_for_model(MODEL)
except KeyError:  # a model tiktoken does not know (another provider's): OpenAI's current encoding as a guide
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
# cheaper still. A small table (check your provider's page for today's prices):

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
# request starts with the same 1,024 tokens or more as a recent one (minutes, not hours), that prefix is read
# from a cache, reported as `usage.prompt_tokens_details.cached_tokens` (in steps of 128 tokens), billed at a
# discount (a half to a tenth of the input price, by model) and answered a little faster. Nothing to turn on;
# what you control is the **order**: put what stays the same (system prompt, tool definitions, examples) first
# and what changes (the newest messages) last. Two different questions behind the same long system prompt:

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
    )
    details = r.usage.prompt_tokens_details
    cached = details.cached_tokens if details and details.cached_tokens else 0
    print(f"{question:40} prompt {r.usage.prompt_tokens}, of which cached {cached:>4} · "
          f"cost {pricing.usd(pricing.cost(r.usage, MODEL))}")
    print("   ", r.choices[0].message.content)

# %% [markdown]
# The second request repeated the first one's prefix, so most of its prompt came from the cache and its cost
# dropped, although it sent just as many tokens. Caching lowers the price of a long, stable prefix; it does
# not make a growing history free (every new turn is new text), so trimming still matters.
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
# Reasoning models (section 4) are the exception: they accept only the default, `temperature=1` (and no
# `top_p`), and answer anything else with a 400. Code that may run on either kind checks the family first, as
# this cell does.

# %%
coffee = [{"role": "user", "content": "Suggest a name for a new coffee shop."}]
if REASONING:
    try:
        client.chat.completions.create(model=MODEL, messages=coffee, temperature=0)
    except openai.BadRequestError as err:
        print(f"{MODEL} refuses temperature=0: {err.body['message']}")
    for seed in (1, 2, 3):  # the default temperature, which it samples at
        r = client.chat.completions.create(model=MODEL, messages=coffee, seed=seed)
        print(f"default temperature, seed {seed}:", r.choices[0].message.content)
else:
    for _ in range(3):
        r = client.chat.completions.create(model=MODEL, messages=coffee, temperature=0)
        print("temperature 0:        ", r.choices[0].message.content)
    for seed in (1, 2, 3):
        r = client.chat.completions.create(model=MODEL, messages=coffee, temperature=1, seed=seed)
        print(f"temperature 1, seed {seed}:", r.choices[0].message.content)

# %% [markdown]
# Why the `seed`? At temperature 1 each run would give different names, and this notebook's stored outputs
# must be reproducible (the course checks that a fresh run prints exactly what you see). A seed fixes the
# sampling: the same request with the same seed gives the same answer. On the stub that is exact; real
# providers promise only *best effort* (OpenAI returns a `system_fingerprint`: when it changes, the backend
# changed and the same seed may give a different answer). Even temperature 0 is not perfectly deterministic
# on real models, so never write code that depends on the exact wording of a reply.
#
# ## 4. Reasoning models: tokens you pay for and never see
#
# *Reasoning models* (OpenAI's o-series and the gpt-5 family, and similar models elsewhere) think before they
# answer: they generate a hidden chain of **reasoning tokens**, then the visible reply. You never see those
# tokens, but they are real output: they count in `usage.completion_tokens` (the detail is in
# `usage.completion_tokens_details.reasoning_tokens`), they are **billed at the output price**, and they count
# against `max_completion_tokens`. `reasoning_effort` (`"minimal"` on the gpt-5 family, `"low"`, `"medium"`,
# the default, `"high"`) says how hard to think: more effort, better answers on hard problems, more tokens,
# more time. Classic chat models reject `reasoning_effort` with a 400.
#
# The cells use `MODEL` if it is a reasoning model, and otherwise `gpt-5-mini` (served by the stub; with an
# OpenAI key it is a real request).

# %%
REASONER = MODEL if REASONING else "gpt-5-mini"
puzzle = [{"role": "user", "content": "A bat and a ball cost $1.10 in total. The bat costs $1.00 more than "
                                      "the ball. How much does the ball cost?"}]
try:
    for effort in ("low", "medium", "high"):
        r = client.chat.completions.create(model=REASONER, messages=puzzle, reasoning_effort=effort)
        u = r.usage
        reasoning = u.completion_tokens_details.reasoning_tokens if u.completion_tokens_details else 0
        print(f"effort {effort:6}: {u.completion_tokens:>4} completion tokens = {reasoning:>4} reasoning + "
              f"{u.completion_tokens - reasoning:>3} visible · {pricing.usd(pricing.cost(u, REASONER))}")
    print("answer:", r.choices[0].message.content)
except openai.NotFoundError:
    print(f"{backend.provider} does not serve {REASONER}; set MODEL to one of its reasoning models to try this.")

# %% [markdown]
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
# and an empty `content` together, and lower `reasoning_effort` when you need short, cheap answers. And the
# other way round, `reasoning_effort` on a classic chat model:

# %%
try:
    client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}], reasoning_effort="low"
    )
    print("accepted (this provider ignores it)")
except openai.BadRequestError as err:
    print(err.status_code, "·", err.body["message"], "· param:", err.param)

# %% [markdown]
# ## 5. Common mistakes, and how they show
#
# | mistake | symptom | fix |
# | --- | --- | --- |
# | `max_tokens` sent to a reasoning model | 400 `unsupported_parameter` | `max_completion_tokens` |
# | a small cap on a reasoning model | an empty reply, `finish_reason == "length"`, tokens still billed | leave room for reasoning; lower `reasoning_effort` |
# | `temperature` sent to a reasoning model | 400 `unsupported_value` | leave it out on reasoning models |
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
