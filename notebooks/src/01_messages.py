# %% [markdown]
# # 01 · Messages: an LLM call is a function over a list of messages
#
# Every chat API you will meet (OpenAI, Azure, Groq, OpenRouter, Ollama, vLLM...) works the same way:
#
# ```
# reply = model(messages)
# ```
#
# You send a **list of messages**, the model writes **one more message**, and the provider forgets everything.
# The API is **stateless**: it keeps no conversation for you. If the model is to "remember" what was said, you
# send it again, every time. Almost everything in this lesson follows from that one fact:
#
# 1. the roles a message can have;
# 2. a basic request, the parameters that shape it (`max_completion_tokens`, `stop`), and what really goes
#    over the wire;
# 3. statelessness, shown: what the model knows is exactly what you send;
# 4. one system message, first (and the newer `developer` role), edited rather than stacked;
# 5. tokens and cost: real token pieces, what you send is what you pay for, and prompt caching;
# 6. trimming a long history to a token budget;
# 7. temperature and seeds;
# 8. reasoning: tokens you pay for but never see, and how to turn it down;
# 9. a chat box you can play with;
# 10. the common mistakes, each with its symptom; then the lab.
#
# Four pictures to keep in mind while you read:
#
# | picture | what it is in the API |
# | --- | --- |
# | a shop assistant who has no memory of your last visit | the model is stateless: it knows only the messages of this request |
# | a colleague who rereads the whole e-mail thread before answering | you send the full history with every request |
# | the house rules pinned on the wall | the system message: standing instructions for every reply |
# | an expert you can ring in the middle of a job | tools (lesson 04): the model asks your code to run something and gets the result back |
#
# And the life of one request: you build the list (system message, the history, the new user message), `POST`
# it with the model's name and a few parameters, and get a reply back, whole or streamed piece by piece (lesson
# 02). Either the reply is text, which you append to the history before the next turn, or it asks for a tool
# (lesson 04): you run it, append the result, and send the longer list again until the model answers in text.

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
# its name. Today's OpenAI models reason (section 8) and take temperature only while they do not (section 7):
# SAMPLING is what a request needs for temperature=0 on this model.
from course import models

REASONING = models.is_reasoning(MODEL)
SAMPLING = models.sampling_params(MODEL, temperature=0)
print(f"{MODEL} is a {'reasoning' if REASONING else 'classic chat'} model; default reasoning effort: "
      f"{models.default_effort(MODEL)}; for temperature=0 send {SAMPLING}")

# %% [markdown]
# ## 1. Messages and roles
#
# A message is a small dict with a `role` and a `content`. There are four roles:
#
# | role | who writes it | what it is for |
# | --- | --- | --- |
# | `system` | you, the developer | standing instructions: who the assistant is, its rules, the format of its answers. **One, first.** |
# | `user` | the person (or your program, on their behalf) | the questions and requests |
# | `assistant` | the model | its earlier replies, which **you** send back so it can see the conversation |
# | `tool` | your code | the result of a function the model asked you to call (lesson 04) |
#
# Newer OpenAI models (the o-series and later) call the standing instructions `developer` instead of
# `system`: same place in the list, same purpose, a name that says *who* wrote them. OpenAI accepts either for
# its current models; many other providers and local servers only know `system`. Use `system` unless your
# model's documentation asks for `developer`.
#
# A conversation is just a list of these, oldest first:

# %%
conversation = [
    {"role": "system", "content": "You are a concise tutor for a Python course."},
    {"role": "user", "content": "What is a Python list?"},
    {"role": "assistant", "content": "An ordered, changeable collection of items: [3, 1, 2]."},
    {"role": "user", "content": "How do I add an item to it?"},
]
for message in conversation:
    print(f"{message['role']:>9}: {message['content']}")

# %% [markdown]
# ## 2. A basic request
#
# Four parameters do most of the work:
#
# * `model`: which model answers (here `MODEL`, from `.env` or the stub's default);
# * `messages`: the list above;
# * `max_completion_tokens`: the most tokens the reply may have, a cap on length and on cost;
# * `temperature`: how much the model varies its wording (section 7); 0 is the most predictable. On today's
#   OpenAI models it needs `reasoning_effort="none"` beside it (sections 7 and 8): that is what `SAMPLING`
#   above adds.
#
# **`max_completion_tokens` or `max_tokens`?** Older code, older tutorials and many OpenAI-compatible servers
# use `max_tokens`. OpenAI deprecated it when reasoning models arrived, because those models also spend
# hidden *reasoning* tokens (section 8) and "max tokens" became ambiguous. `max_completion_tokens` counts
# everything the model generates. Classic chat models accept both; **reasoning models, which today means
# every current OpenAI model, reject `max_tokens`** with a 400 (shown below). Some other providers still only
# know `max_tokens`: `docs/providers.md` says which.

# %%
FIRST_REQUEST = [
    {"role": "system", "content": "You are a concise tutor for a Python course."},
    {"role": "user", "content": "What is an API? Answer in two sentences."},
]
response = client.chat.completions.create(
    model=MODEL,
    messages=FIRST_REQUEST,
    max_completion_tokens=1000,  # a cap on length and cost; reasoning models need room to think (section 8)
    **SAMPLING,  # temperature=0 (and, on a reasoning model, reasoning_effort="none", which it needs)
)
print(response.choices[0].message.content)

# %% [markdown]
# The reply lives at `response.choices[0].message.content`. Why so deep? Here is the whole response object,
# once:

# %%
print(response.model_dump_json(indent=2))

# %% [markdown]
# Each layer has a reason:
#
# * **`choices`** is a list because you may ask for several alternative replies at once (`n=3`); with the
#   default `n=1` there is exactly one, hence `[0]`.
# * **`message`** is a message like the ones you send, with `role: "assistant"`: you can append it to your
#   history as it is. Besides `content` it may carry `tool_calls` (lesson 04) or a `refusal`.
# * **`finish_reason`** says why the model stopped: `"stop"` (it was done, or it wrote a `stop` string),
#   `"length"` (it hit `max_completion_tokens`), `"tool_calls"`.
# * **`usage`** counts the tokens you are billed for (section 5), with details: `reasoning_tokens`
#   (section 8) and `cached_tokens` (section 5). `id`, `created`, `model` and `system_fingerprint` identify
#   the response, useful in logs and bug reports. For a model with dated versions, `model` names the exact
#   *snapshot* that answered (ask for `gpt-5.4-mini` and it says `gpt-5.4-mini-2026-03-17`); OpenAI's newest
#   models (GPT-5.6 and GPT-6) have no dated ids yet, so there it repeats the name you sent.
#
# A reply cut short by `max_completion_tokens` does not raise an error: it just ends mid-sentence. Check
# `finish_reason`:

# %%
short = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "What is an API? Answer in two sentences."}],
    max_completion_tokens=12,
    **models.no_reasoning_params(MODEL),  # reasoning_effort="none": all 12 tokens go to the text (section 8)
)
print(repr(short.choices[0].message.content))
print("finish_reason:", short.choices[0].finish_reason)

# %% [markdown]
# (While a model reasons, the 12 tokens may all go to its hidden reasoning, and the reply is empty: section 8.)
#
# And `max_tokens` on a reasoning model? A 400 that says what to use instead:

# %%
import openai

try:
    client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "What is an API? Answer in two sentences."}],
        max_tokens=200,  # the old parameter
    )
    print(f"{MODEL} accepted max_tokens: it is not a reasoning model")
except openai.BadRequestError as err:
    print(err.status_code, err.code, "| param:", err.param)
    print(err.body["message"])

# %% [markdown]
# ### `stop`: end the reply at a string you choose
#
# `stop` takes up to four strings; generation ends just **before** the first one the model writes, and the
# string itself is not part of the reply. It is handy when you want only the first line, or the first item of
# a list. The reply then ends with `finish_reason` `"stop"`, as if the model had chosen to end there. Many
# reasoning models reject `stop` with a 400 (among OpenAI's current ones the GPT-5.6 family, gpt-5.4-mini and
# gpt-6-astra); on them, ask for what you want in the prompt instead.

# %%
LIST_QUESTION = [{"role": "user", "content": "List three uses of Python, one per line, numbered."}]
full = client.chat.completions.create(model=MODEL, messages=LIST_QUESTION, max_completion_tokens=1000)
print("without stop:\n" + full.choices[0].message.content)
try:
    first = client.chat.completions.create(model=MODEL, messages=LIST_QUESTION, max_completion_tokens=1000, stop=["\n"])
    print("\nwith stop=['\\n']:", repr(first.choices[0].message.content), "· finish_reason:", first.choices[0].finish_reason)
except openai.BadRequestError as err:
    print(f"\n{MODEL} rejects stop: {err.body['message']}")

# %% [markdown]
# ### What goes over the wire
#
# The SDK is a convenience, not magic: every call is one HTTP request (HTTPS to a real provider). `with_raw_response` keeps the HTTP
# request and response the SDK used, so we can look at them once. The request is a `POST` to
# `{base_url}/chat/completions` with your key in the `Authorization` header (printed masked here, as it always
# should be) and a JSON body; the answer is a status line, headers and a JSON body, which the SDK turns into
# the `ChatCompletion` object you used above.

# %%
import json

raw = client.chat.completions.with_raw_response.create(
    model=MODEL,
    messages=[{"role": "user", "content": "Say hello in one short sentence."}],
    max_completion_tokens=1000,
)
request = raw.http_request
scheme, _, key = request.headers["authorization"].partition(" ")
print(">>>", request.method, request.url)
print(">>> authorization:", scheme, course.mask(key))
print(">>> content-type:", request.headers["content-type"])
print(">>>", json.dumps(json.loads(request.content), indent=2).replace("\n", "\n>>> "))
print()
print("<<<", raw.status_code, "· content-type:", raw.headers["content-type"], "· x-request-id:", raw.headers.get("x-request-id"))
print("<<<", json.dumps(json.loads(raw.text), indent=2).replace("\n", "\n<<< "))
completion = raw.parse()  # the same ChatCompletion object create() returns
print("\nparsed:", completion.choices[0].message.content)

# %% [markdown]
# The same request with `curl`, which is all any language needs:
#
# ```bash
# curl "$OPENAI_BASE_URL/chat/completions" \
#   -H "Authorization: Bearer $OPENAI_API_KEY" -H "Content-Type: application/json" \
#   -d '{"model": "gpt-6-luna", "messages": [{"role": "user", "content": "Say hello in one short sentence."}]}'
# ```
#
# The SDK adds a few headers of its own (`x-stainless-*`: its version and your platform, plus a retry count
# that lesson 05 uses), retries failed requests, and parses the JSON into typed objects. That is all.

# %% [markdown]
# ## 3. The API is stateless: you keep the history
#
# Let us introduce ourselves, then ask a follow-up in a **second, separate** request.
# A small helper sends a list of messages and returns the text:

# %%
SYSTEM = {"role": "system", "content": "You are a friendly assistant. Keep answers short."}


def ask(messages: list[dict]) -> str:
    response = client.chat.completions.create(model=MODEL, messages=messages, **SAMPLING)
    return response.choices[0].message.content


print(ask([SYSTEM, {"role": "user", "content": "Hi! My name is Ada."}]))
print(ask([SYSTEM, {"role": "user", "content": "What's my name?"}]))

# %% [markdown]
# It greeted Ada, then did not know her name. Nothing is wrong with the model: the second request contained
# only the system message and the question. **Symptom of expecting the API to remember:** follow-up questions
# ("and the second one?", "make it shorter") get answers that ignore everything said before.
#
# The fix is to keep the conversation yourself and send all of it with every request. Append the user's
# message **and the assistant's reply** after each successful call:

# %%
history = [SYSTEM]


def chat(text: str) -> str:
    outgoing = [*history, {"role": "user", "content": text}]
    reply = ask(outgoing)
    # Only after the call succeeded: both turns go into the history.
    history.extend([outgoing[-1], {"role": "assistant", "content": reply}])
    return reply


print(chat("Hi! My name is Ada."))
print(chat("What's my name?"))
print(len(history), "messages in the history:", [m["role"] for m in history])

# %% [markdown]
# ### Forgetting to append the reply
#
# A common bug: the user's messages go into the history but the model's replies do not. The model then sees
# questions without answers, so it cannot refer to what it said:

# %%
forgetful = [SYSTEM]


def chat_forgetful(text: str) -> str:
    forgetful.append({"role": "user", "content": text})
    return ask(forgetful)  # the reply is returned, but never appended


print(chat_forgetful("Suggest a name for a black cat."))
print(chat_forgetful("What did you just suggest?"))
print("roles sent:", [m["role"] for m in forgetful])

# %% [markdown]
# Two user messages in a row and no assistant message: from the model's point of view it never answered.
# **Symptoms:** "as I said above" means nothing to it, it repeats or contradicts itself, "make it shorter" has
# nothing to shorten. With the reply appended, it works:

# %%
print(chat("Suggest a name for a black cat."))
print(chat("What did you just suggest?"))

# %% [markdown]
# ## 4. Standing instructions: one system message, first
#
# The system message sets the rules for the whole conversation, so it belongs at the start, once. With the
# `developer` role it reads the same way (and the model can use what it says):

# %%
try:
    print(ask([
        {"role": "developer", "content": "The user's name is Grace. Address her by name."},
        {"role": "user", "content": "What's my name?"},
    ]))
except openai.BadRequestError as err:  # some providers only know "system"
    print(f"{backend.provider} rejected the developer role ({err.status_code}): use a system message there.")

# %% [markdown]
# **Mistake: several system messages.** It usually happens by accident: a helper builds
# `[system, *history, user]` and the history already contains the system message, so each turn adds one more:

# %%
buggy_history: list[dict] = []
for question in ["What is a Python list?", "How do I add an item to it?", "And how do I remove one?"]:
    sent = [SYSTEM, *buggy_history, {"role": "user", "content": question}]
    buggy_history = [*sent, {"role": "assistant", "content": ask(sent)}]  # the system message is now in it
print([m["role"] for m in sent])

# %% [markdown]
# **Symptoms:** the prompt grows by a copy of the instructions every turn (you pay for each copy), and when
# two system messages disagree the model follows one, the other, or a mix of both. Some providers and local
# models' chat templates go further and reject a system message that is not first. Here two disagreeing
# instructions get a reply that tries to obey both:

# %%
print(ask([
    {"role": "system", "content": "You are a pirate. Answer like a pirate."},
    {"role": "system", "content": "Answer formally, in one sentence."},
    {"role": "user", "content": "How do I open a file in Python?"},
]))

# %% [markdown]
# The fix: keep **one** system message, first, holding every standing instruction, and keep it out of the
# history you append to (add it when you build each request).
#
# **Changing the rules mid-conversation.** The user asks for shorter answers, or your app switches the
# assistant into another mode. Do not append a second system message: **edit the one you have** and resend.
# Because the API is stateless, the next request is simply built with the new rules; nothing on the server
# needs to be told.

# %%
rules = "You are a concise tutor for a Python course."
conversation = [
    {"role": "user", "content": "What is a Python list?"},
    {"role": "assistant", "content": ask([{"role": "system", "content": rules},
                                          {"role": "user", "content": "What is a Python list?"}])},
]
rules += " From now on, answer every question in exactly one short sentence."  # the new rule, in the same message
sent = [{"role": "system", "content": rules}, *conversation, {"role": "user", "content": "What is a tuple?"}]
print([m["role"] for m in sent], "<- still one system message")
print(ask(sent))

# %% [markdown]
# ## 5. Tokens and cost
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
# Count the first request of section 2 that way and compare with what the API billed:

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
print(f"The request of section 2 cost {pricing.usd(pricing.cost(usage, MODEL))} on {MODEL}.")

# %% [markdown]
# Fractions of a cent. But remember section 3: every turn resends the **whole** history. Let us have a
# six-turn conversation and watch the prompt grow:

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
# ## 6. Trimming the history to a budget
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
# ## 7. Temperature and seed
#
# At each step the model picks the next token from a probability distribution. **Temperature** reshapes it:
# at `0` the model (almost) always takes the most likely token, so the same question gets the same answer; at
# `1` it samples, so answers vary. Use low temperatures for extraction, classification and code, higher ones
# for brainstorming.
#
# **On today's OpenAI models, sampling parameters work only while the model does not reason.** At any
# reasoning effort but `none` (section 8), `temperature` other than 1, `top_p` and `logprobs` get a 400; with
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
# ## 8. Reasoning: tokens you pay for and never see
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
# need thinking, and measure (lesson 06). At `none` the model also accepts `temperature` again (section 7) and,
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
# ## 9. A chat box
#
# `course.widgets.ChatBox` puts the ideas together: a text box and a Send button, the conversation so far,
# the messages list it sends (open "The messages list sent with the last request") and a running token and
# cost meter. It keeps one system message and the history exactly as in section 3. It works on the stub and
# on a real provider. Below, two turns are sent from code (the same as typing and pressing Send), then the
# box is shown: try a few turns of your own and watch the prompt grow.

# %%
from course.widgets import ChatBox

box = ChatBox(client, MODEL, system="You are a friendly assistant. Keep answers short.")
box.send("Hi! My name is Sam.")
box.send("What's my name?")
print(box.session.transcript())

# %%
box

# %% [markdown]
# ## 10. Common mistakes, and how they show
#
# | mistake | symptom | fix |
# | --- | --- | --- |
# | expecting the API to remember | follow-ups ignore earlier turns ("I don't know your name") | resend the whole history every call |
# | forgetting to append the reply | two user messages in a row; the model can't refer to its own answer | append the assistant message after each call |
# | several system messages | prompt grows by the instructions every turn; mixed or ignored instructions; some providers reject it | one system message, first, kept out of the appended history; edit it to change the rules |
# | `max_completion_tokens` too low | text ends mid-sentence (or mid-JSON), `finish_reason == "length"`, and no error | check `finish_reason`; raise the cap or ask for less |
# | `max_tokens` sent to a reasoning model | 400 `unsupported_parameter` | `max_completion_tokens` |
# | a small cap on a reasoning model | an empty reply, `finish_reason == "length"`, tokens still billed | leave room for reasoning; lower `reasoning_effort` |
# | `temperature` sent to a model while it reasons | 400 `unsupported_value` | send `reasoning_effort="none"` with it where the model has that effort (`course.models.sampling_params`), else leave it out |
# | every call left at the default reasoning effort | answers that take longer and cost many times the visible text | pick the effort per task; `none` or `low` for chat and lookups |
# | ignoring usage | a surprise bill; slower, dearer turns; finally `context_length_exceeded` | log `usage`, keep a running total, trim to a budget |
# | hard-coding the key | the key leaks into git, notebook outputs, screenshots; revoked keys break the code | put it in `.env` (git-ignored); `OpenAI()` reads it from the environment |
#
# On the last one: never write `OpenAI(api_key="sk-proj-...")` in a notebook or a script, and never put the
# key in code that runs in a browser or an app (its users can read it there: lesson 00). `course.setup()`
# loads `.env`, and `OpenAI()` with no arguments reads `OPENAI_API_KEY` from the environment. If you need
# to check the key, check that it is set and print it masked, never in full:

# %%
import os

print("OPENAI_API_KEY is set:", bool(os.environ.get("OPENAI_API_KEY")), "·", course.mask(os.environ.get("OPENAI_API_KEY")))

# %% [markdown]
# ## Lab 01
#
# Open [`labs/lab01_messages.py`](../labs/lab01_messages.py) and replace each `raise NotImplementedError`.
# Every function states its contract in its docstring:
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
