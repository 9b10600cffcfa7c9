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
# 5. a chat box you can play with;
# 6. the common mistakes, each with its symptom; then the first half of the lab.
#
# Lesson 01b continues with what the list costs: tokens, prices, prompt caching, trimming a long history,
# temperature and seeds, and reasoning models.
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

# What this model accepts comes from the course's model catalogue (course.models), never from the look of its
# name. Today's OpenAI models reason (lesson 01b, section 4) and take temperature only while they do not
# (lesson 01b, section 3): SAMPLING is what a request needs for temperature=0 on this model.
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
# * `temperature`: how much the model varies its wording (lesson 01b, section 3); 0 is the most predictable.
#   On today's OpenAI models it needs `reasoning_effort="none"` beside it (lesson 01b, sections 3 and 4): that
#   is what `SAMPLING` above adds.
#
# **`max_completion_tokens` or `max_tokens`?** Older code, older tutorials and many OpenAI-compatible servers
# use `max_tokens`. OpenAI deprecated it when reasoning models arrived, because those models also spend hidden
# *reasoning* tokens (lesson 01b, section 4) and "max tokens" became ambiguous. `max_completion_tokens` counts
# everything the model generates. Classic chat models accept both; **reasoning models, which today means every
# current OpenAI model, reject `max_tokens`** with a 400 (shown below). Some other providers still only know
# `max_tokens`: `docs/providers.md` says which.

# %%
FIRST_REQUEST = [
    {"role": "system", "content": "You are a concise tutor for a Python course."},
    {"role": "user", "content": "What is an API? Answer in two sentences."},
]
response = client.chat.completions.create(
    model=MODEL,
    messages=FIRST_REQUEST,
    max_completion_tokens=1000,  # a cap on length and cost; reasoning models need room to think (lesson 01b)
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
# * **`usage`** counts the tokens you are billed for (lesson 01b, section 1), with details: `reasoning_tokens`
#   (lesson 01b, section 4) and `cached_tokens` (lesson 01b, section 1). `id`, `created`, `model` and
#   `system_fingerprint` identify the response, useful in logs and bug reports. For a model with dated
#   versions, `model` names the exact *snapshot* that answered (ask for `gpt-5.4-mini` and it says
#   `gpt-5.4-mini-2026-03-17`); OpenAI's newest models (GPT-5.6 and GPT-6) have no dated ids yet, so there it
#   repeats the name you sent.
#
# A reply cut short by `max_completion_tokens` does not raise an error: it just ends mid-sentence. Check
# `finish_reason`:

# %%
short = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "What is an API? Answer in two sentences."}],
    max_completion_tokens=12,
    **models.no_reasoning_params(MODEL),  # reasoning_effort="none": all 12 tokens go to the text (lesson 01b)
)
print(repr(short.choices[0].message.content))
print("finish_reason:", short.choices[0].finish_reason)

# %% [markdown]
# (While a model reasons, the 12 tokens may all go to its hidden reasoning, and the reply is empty: lesson
# 01b, section 4.)
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
# ## 5. A chat box
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
# ## 6. Common mistakes, and how they show
#
# | mistake | symptom | fix |
# | --- | --- | --- |
# | expecting the API to remember | follow-ups ignore earlier turns ("I don't know your name") | resend the whole history every call |
# | forgetting to append the reply | two user messages in a row; the model can't refer to its own answer | append the assistant message after each call |
# | several system messages | prompt grows by the instructions every turn; mixed or ignored instructions; some providers reject it | one system message, first, kept out of the appended history; edit it to change the rules |
# | `max_completion_tokens` too low | text ends mid-sentence (or mid-JSON), `finish_reason == "length"`, and no error | check `finish_reason`; raise the cap or ask for less |
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
# ## Lab 01, first part
#
# Lab 01 goes with this lesson and lesson 01b. Open [`labs/lab01_messages.py`](../labs/lab01_messages.py):
# after this lesson you can write its first two functions (replace each `raise NotImplementedError`; the
# docstrings state the contracts):
#
# * `build_messages(system_prompt, history, user_message)`: one system message first, the history, the new
#   question last;
# * `Conversation(client, model, system_prompt).ask(text)`: resend the history, append both turns only after
#   a successful call, add up `usage`.
#
# The tests run your code against the stub and read what it sent. Check your work with one command:
#
# ```
# make check LAB=1
# ```
#
# Run it in JupyterLab's terminal: *File → New → Terminal* opens one in the course folder, with the
# course's Python ready (`python -m course check 1` does the same in any shell there). Each failing test says
# what to fix, e.g. *"request 2 had 2 messages; the conversation had 4"*. Until you have done lesson 01b, the
# tests of its functions (`estimate_tokens`, `split_turns`, `trim_history`, `estimate_cost`) fail with
# `NotImplementedError`: that is expected.
#
# **Next:** [lesson 01b](01b_tokens_and_cost.ipynb), tokens, cost and reasoning: what this list of messages
# costs, and how to keep it affordable.
