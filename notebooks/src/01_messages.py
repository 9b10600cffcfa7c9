"""Source of notebooks/01_messages.ipynb; build with: python notebooks/src/build.py 01_messages"""

CELLS = [
("md", r"""
# 01 · Messages: an LLM call is a function over a list of messages

Every chat API you will meet (OpenAI, Azure, Groq, OpenRouter, Ollama, vLLM...) works the same way:

```
reply = model(messages)
```

You send a **list of messages**, the model writes **one more message**, and the provider forgets everything.
The API is **stateless**: it keeps no conversation for you. If the model is to "remember" what was said, you
send it again, every time. Almost everything in this lesson follows from that one fact:

1. the roles a message can have, and a basic request;
2. statelessness, shown: what the model knows is exactly what you send;
3. one system message, first (and the newer `developer` role);
4. tokens and cost: what you send is what you pay for, turn after turn;
5. trimming a long history to a token budget;
6. temperature and seeds;
7. a chat box you can play with;
8. the common mistakes, each with its symptom; then the lab.
"""),
("code", r"""
import course

backend = course.setup()

from openai import OpenAI

client = OpenAI()  # reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment (set by setup() or .env)
MODEL = backend.model
"""),
("md", r"""
## 1. Messages and roles

A message is a small dict with a `role` and a `content`. There are four roles:

| role | who writes it | what it is for |
| --- | --- | --- |
| `system` | you, the developer | standing instructions: who the assistant is, its rules, the format of its answers. **One, first.** |
| `user` | the person (or your program, on their behalf) | the questions and requests |
| `assistant` | the model | its earlier replies, which **you** send back so it can see the conversation |
| `tool` | your code | the result of a function the model asked you to call (lesson 04) |

Newer OpenAI models (the o-series and later) call the standing instructions `developer` instead of
`system`: same place in the list, same purpose, a name that says *who* wrote them. OpenAI accepts either for
its current models; many other providers and local servers only know `system`. Use `system` unless your
model's documentation asks for `developer`.

A conversation is just a list of these, oldest first:
"""),
("code", r"""
conversation = [
    {"role": "system", "content": "You are a concise tutor for a Python course."},
    {"role": "user", "content": "What is a Python list?"},
    {"role": "assistant", "content": "An ordered, changeable collection of items: [3, 1, 2]."},
    {"role": "user", "content": "How do I add an item to it?"},
]
for message in conversation:
    print(f"{message['role']:>9}: {message['content']}")
"""),
("md", r"""
## 2. A basic request

Four parameters do most of the work:

* `model`: which model answers (here `MODEL`, from `.env` or the stub's default);
* `messages`: the list above;
* `temperature`: how much the model varies its wording (section 6); 0 is the most predictable;
* `max_tokens`: the most tokens the reply may have, a cap on cost and length.
"""),
("code", r"""
response = client.chat.completions.create(
    model=MODEL,
    messages=[
        {"role": "system", "content": "You are a concise tutor for a Python course."},
        {"role": "user", "content": "What is an API? Answer in two sentences."},
    ],
    temperature=0,
    max_tokens=200,
)
print(response.choices[0].message.content)
"""),
("md", r"""
The reply lives at `response.choices[0].message.content`. Why so deep? Here is the whole response object,
once:
"""),
("code", r"""
print(response.model_dump_json(indent=2))
"""),
("md", r"""
Each layer has a reason:

* **`choices`** is a list because you may ask for several alternative replies at once (`n=3`); with the
  default `n=1` there is exactly one, hence `[0]`.
* **`message`** is a message like the ones you send, with `role: "assistant"`: you can append it to your
  history as it is. Besides `content` it may carry `tool_calls` (lesson 04) or a `refusal`.
* **`finish_reason`** says why the model stopped: `"stop"` (it was done), `"length"` (it hit `max_tokens`),
  `"tool_calls"`.
* **`usage`** counts the tokens you are billed for (section 4). `id`, `created`, `model` and
  `system_fingerprint` identify the response, useful in logs and bug reports.

A reply cut short by `max_tokens` does not raise an error: it just ends mid-sentence. Check `finish_reason`:
"""),
("code", r"""
short = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "What is an API? Answer in two sentences."}],
    max_tokens=12,
)
print(repr(short.choices[0].message.content))
print("finish_reason:", short.choices[0].finish_reason)
"""),
("md", r"""
## 3. The API is stateless: you keep the history

Let us introduce ourselves, then ask a follow-up in a **second, separate** request.
A small helper sends a list of messages and returns the text:
"""),
("code", r"""
SYSTEM = {"role": "system", "content": "You are a friendly assistant. Keep answers short."}


def ask(messages: list[dict]) -> str:
    response = client.chat.completions.create(model=MODEL, messages=messages, temperature=0)
    return response.choices[0].message.content


print(ask([SYSTEM, {"role": "user", "content": "Hi! My name is Ada."}]))
print(ask([SYSTEM, {"role": "user", "content": "What's my name?"}]))
"""),
("md", r"""
It greeted Ada, then did not know her name. Nothing is wrong with the model: the second request contained
only the system message and the question. **Symptom of expecting the API to remember:** follow-up questions
("and the second one?", "make it shorter") get answers that ignore everything said before.

The fix is to keep the conversation yourself and send all of it with every request. Append the user's
message **and the assistant's reply** after each successful call:
"""),
("code", r"""
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
"""),
("md", r"""
### Forgetting to append the reply

A common bug: the user's messages go into the history but the model's replies do not. The model then sees
questions without answers, so it cannot refer to what it said:
"""),
("code", r"""
forgetful = [SYSTEM]


def chat_forgetful(text: str) -> str:
    forgetful.append({"role": "user", "content": text})
    return ask(forgetful)  # the reply is returned, but never appended


print(chat_forgetful("Suggest a name for a black cat."))
print(chat_forgetful("What did you just suggest?"))
print("roles sent:", [m["role"] for m in forgetful])
"""),
("md", r"""
Two user messages in a row and no assistant message: from the model's point of view it never answered.
**Symptoms:** "as I said above" means nothing to it, it repeats or contradicts itself, "make it shorter" has
nothing to shorten. With the reply appended, it works:
"""),
("code", r"""
print(chat("Suggest a name for a black cat."))
print(chat("What did you just suggest?"))
"""),
("md", r"""
## 4. Standing instructions: one system message, first

The system message sets the rules for the whole conversation, so it belongs at the start, once. With the
`developer` role it reads the same way (and the model can use what it says):
"""),
("code", r"""
import openai

try:
    print(ask([
        {"role": "developer", "content": "The user's name is Grace. Address her by name."},
        {"role": "user", "content": "What's my name?"},
    ]))
except openai.BadRequestError as err:  # some providers only know "system"
    print(f"{backend.provider} rejected the developer role ({err.status_code}): use a system message there.")
"""),
("md", r"""
**Mistake: several system messages.** It usually happens by accident: a helper builds
`[system, *history, user]` and the history already contains the system message, so each turn adds one more:
"""),
("code", r"""
buggy_history: list[dict] = []
for question in ["What is a Python list?", "How do I add an item to it?", "And how do I remove one?"]:
    sent = [SYSTEM, *buggy_history, {"role": "user", "content": question}]
    buggy_history = [*sent, {"role": "assistant", "content": ask(sent)}]  # the system message is now in it
print([m["role"] for m in sent])
"""),
("md", r"""
**Symptoms:** the prompt grows by a copy of the instructions every turn (you pay for each copy), and when
two system messages disagree the model follows one, the other, or a mix of both. Some providers and local
models' chat templates go further and reject a system message that is not first. Here two disagreeing
instructions get a reply that tries to obey both:
"""),
("code", r"""
print(ask([
    {"role": "system", "content": "You are a pirate. Answer like a pirate."},
    {"role": "system", "content": "Answer formally, in one sentence."},
    {"role": "user", "content": "How do I open a file in Python?"},
]))
"""),
("md", r"""
The fix: keep **one** system message, first, holding every standing instruction, and keep it out of the
history you append to (add it when you build each request).

## 5. Tokens and cost

Models read and write **tokens**: pieces of words. `" understanding"` may be 2 tokens, `"2024"` 1 or 2,
a space or a comma 1. Providers bill per token, and every response says how many it used:
"""),
("code", r"""
usage = response.usage
print(f"prompt: {usage.prompt_tokens} tokens (what we sent), completion: {usage.completion_tokens} tokens "
      f"(what the model wrote), total: {usage.total_tokens}")
"""),
("md", r"""
A rule of thumb for English: **about 4 characters a token**. Good enough for a budget; for an exact count
use the model's tokenizer. OpenAI publishes theirs as the `tiktoken` package, which downloads its encoding
file (a few MB) the first time it is used. Offline, or in CI (which has no network), that download fails,
so this notebook falls back to the course's estimate and says which counter it used:
"""),
("code", r"""
from course import pricing

try:
    import tiktoken

    encoding = tiktoken.get_encoding("o200k_base")  # the encoding of the gpt-4o family; downloaded once, then cached
    count_tokens = lambda text: len(encoding.encode(text))  # noqa: E731
    counter = "tiktoken (o200k_base)"
except Exception:  # no network (or a blocked download): estimate instead
    count_tokens = pricing.estimate_tokens
    counter = "the course's estimate (about 4 characters a token): tiktoken could not download its encoding"
print("Counting tokens with", counter)

reply_text = response.choices[0].message.content
print(f"{len(reply_text)} characters -> {count_tokens(reply_text)} tokens by this counter; "
      f"the API counted {usage.completion_tokens}")
"""),
("md", r"""
Prompt tokens also include a few tokens per message for the role and separators, which is why
`prompt_tokens` is a little more than the text alone.

Prices are per million tokens, and output tokens cost more than input tokens. A small table (check your
provider's page for today's prices):
"""),
("code", r"""
print(pricing.pricing_table())
print()
print(f"The request of section 2 cost {pricing.usd(pricing.cost(usage, MODEL))} on {MODEL}.")
"""),
("md", r"""
Fractions of a cent. But remember section 3: every turn resends the **whole** history. Let us have a
six-turn conversation and watch the prompt grow:
"""),
("code", r"""
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
    r = client.chat.completions.create(model=MODEL, messages=outgoing, temperature=0)
    tutor = [*outgoing, {"role": "assistant", "content": r.choices[0].message.content}]
    spent += pricing.cost(r.usage, MODEL) or 0.0
    rows.append((turn, len(outgoing), r.usage.prompt_tokens, r.usage.completion_tokens, spent))

print(f"{'turn':>4} {'messages':>9} {'prompt':>7} {'completion':>11} {'spent so far':>13}")
for turn, n, prompt, completion, so_far in rows:
    print(f"{turn:>4} {n:>9} {prompt:>7} {completion:>11} {pricing.usd(so_far):>13}")
total_prompt = sum(r[2] for r in rows)
print(f"\nThe last turn alone sent {rows[-1][2]} prompt tokens; over the conversation we paid for {total_prompt}.")
"""),
("code", r"""
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
"""),
("md", r"""
Each turn's prompt is everything before it plus the new question, so the prompt grows with the conversation
and the **total** grows roughly with its square: a 50-turn chat costs far more than 10 five-turn chats.
Long prompts are also slower, and past the model's context window the request fails with a 400
`context_length_exceeded`.

**Mistake: ignoring usage.** Symptom: a surprise on the bill, a chat that gets slower and dearer the longer
it runs, then errors. Log `usage` on every response and keep a running total (the lab's `Conversation`
does).

## 6. Trimming the history to a budget

When a conversation outgrows its budget, drop the **oldest** turns and keep:

* the system message (it holds the rules; without it the assistant changes character);
* the most recent turns, **whole**: a reply without its question confuses the model.

A first version, for conversations made of strict user/assistant pairs, with a message-level estimate
(the 4-characters rule plus 4 tokens a message and 3 for the reply, close to what APIs count):
"""),
("code", r"""
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
"""),
("md", r"""
Trimming has a price: what was dropped is forgotten. Ada's name was in the first turn:
"""),
("code", r"""
question = {"role": "user", "content": "What's my name?"}
print("full history:   ", ask([*long_chat, question]))
print("trimmed history:", ask([*trimmed, question]))
"""),
("md", r"""
Ways around it: move facts that must survive into the system message, or replace the dropped turns by a
short summary (one more LLM call). In the lab you write a general `trim_history` that handles turns of any
shape (an assistant reply, tool calls and their results) and any token counter.

## 7. Temperature and seed

At each step the model picks the next token from a probability distribution. **Temperature** reshapes it:
at `0` the model (almost) always takes the most likely token, so the same question gets the same answer; at
`1` it samples, so answers vary. Use low temperatures for extraction, classification and code, higher ones
for brainstorming.
"""),
("code", r"""
coffee = [{"role": "user", "content": "Suggest a name for a new coffee shop."}]
for _ in range(3):
    r = client.chat.completions.create(model=MODEL, messages=coffee, temperature=0)
    print("temperature 0:        ", r.choices[0].message.content)
for seed in (1, 2, 3):
    r = client.chat.completions.create(model=MODEL, messages=coffee, temperature=1, seed=seed)
    print(f"temperature 1, seed {seed}:", r.choices[0].message.content)
"""),
("md", r"""
Why the `seed`? At temperature 1 each run would give different names, and this notebook's stored outputs
must be reproducible (the course checks that a fresh run prints exactly what you see). A seed fixes the
sampling: the same request with the same seed gives the same answer. On the stub that is exact; real
providers promise only *best effort* (OpenAI returns a `system_fingerprint`: when it changes, the backend
changed and the same seed may give a different answer). Even temperature 0 is not perfectly deterministic
on real models, so never write code that depends on the exact wording of a reply.

## 8. A chat box

`course.widgets.ChatBox` puts the ideas together: a text box and a Send button, the conversation so far,
the messages list it sends (open "The messages list sent with the last request") and a running token and
cost meter. It keeps one system message and the history exactly as in section 3. It works on the stub and
on a real provider. Below, two turns are sent from code (the same as typing and pressing Send), then the
box is shown: try a few turns of your own and watch the prompt grow.
"""),
("code", r"""
from course.widgets import ChatBox

box = ChatBox(client, MODEL, system="You are a friendly assistant. Keep answers short.")
box.send("Hi! My name is Sam.")
box.send("What's my name?")
print(box.session.transcript())
"""),
("code", r"""
box
"""),
("md", r"""
## 9. Common mistakes, and how they show

| mistake | symptom | fix |
| --- | --- | --- |
| expecting the API to remember | follow-ups ignore earlier turns ("I don't know your name") | resend the whole history every call |
| forgetting to append the reply | two user messages in a row; the model can't refer to its own answer | append the assistant message after each call |
| several system messages | prompt grows by the instructions every turn; mixed or ignored instructions; some providers reject it | one system message, first, kept out of the appended history |
| reply cut short | text ends mid-sentence, `finish_reason == "length"` | check `finish_reason`; raise `max_tokens` or ask for less |
| ignoring usage | a surprise bill; slower, dearer turns; finally `context_length_exceeded` | log `usage`, keep a running total, trim to a budget |
| hard-coding the key | the key leaks into git, notebook outputs, screenshots; revoked keys break the code | put it in `.env` (git-ignored); `OpenAI()` reads it from the environment |

On the last one: never write `OpenAI(api_key="sk-proj-...")` in a notebook or a script. `course.setup()`
loads `.env`, and `OpenAI()` with no arguments reads `OPENAI_API_KEY` from the environment. If you need
to check the key, check that it is set and print it masked, never in full:
"""),
("code", r"""
import os

print("OPENAI_API_KEY is set:", bool(os.environ.get("OPENAI_API_KEY")), "·", course.mask(os.environ.get("OPENAI_API_KEY")))
"""),
("md", r"""
## Lab 01

Open **`labs/lab01_messages.py`** and replace each `raise NotImplementedError`. Every function states its
contract in its docstring:

* `build_messages(system_prompt, history, user_message)`: one system message first, the history, the new
  question last;
* `Conversation(client, model, system_prompt).ask(text)`: resend the history, append both turns only after
  a successful call, add up `usage`;
* `estimate_tokens(messages)`: the course's estimate of a messages list (4 per message plus 4 characters a
  token, plus 3);
* `split_turns(messages)` and `trim_history(messages, budget)`: keep the system message and the newest
  whole turns that fit the budget;
* `estimate_cost(usage, model)`: dollars from the lab's pricing table.

The tests run your code against the stub and read what it sent. Check your work with one command:

```
make check LAB=1
```

(or `python -m course check 1`). Each failing test says what to fix, e.g. *"request 2 had 2 messages; the
conversation had 4"*.

**Next:** lesson 02, streaming: showing the reply while the model is still writing it.
"""),
]
