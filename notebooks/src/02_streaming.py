# %% [markdown]
# # 02 · Streaming: show the reply while it is being written
#
# A model writes its reply one **token** (a word or a piece of a word) at a time. Without streaming, the API
# waits until the very last token, then sends everything at once: for a paragraph that can be several seconds of
# a blank screen, and users think the app is broken. With **streaming**, the API sends each token as soon as it
# exists, and your program can show the first words almost immediately.
#
# In this lesson:
#
# 1. why stream: *time to first token* against *total time*, measured;
# 2. `stream=True`: read the chunks, print them as they arrive, keep the full reply;
# 3. what the chunks really are (role chunk, content deltas, finish chunk);
# 4. usage while streaming, and the `IndexError` that catches everyone once;
# 5. the SDK's higher-level `client.chat.completions.stream()` helper;
# 6. stopping a stream early;
# 7. live rendering in JupyterLab;
# 8. the common mistakes, then the lab.

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

client = OpenAI()
MODEL = backend.model
# What this model accepts (lesson 01b, sections 3 and 4): temperature only at reasoning effort none, on the
# models that have it. course.models reads it from the course's model catalogue.
from course import models

# %% [markdown]
# ## 1. Why stream: the first word matters more than the last
#
# Two numbers describe how fast a reply *feels*:
#
# * **time to first token** (TTFT): from sending the request to the first piece of text;
# * **total time**: from sending the request to the last piece of text.
#
# Streaming does not make the model faster: the total time stays the same. It changes what the user sees
# during that time. Let us measure both on the same question, once without and once with streaming.
#
# The stub normally answers instantly. The next cell slows it down to a realistic pace (a first token after
# half a second, then 15 ms per token). This is a stub setting, so the cell says so and is skipped on a real provider,
# which has its own pace. The requests turn reasoning off (`reasoning_effort="none"`, lesson 01b, section 4): a
# model that reasons writes its hidden reasoning tokens first, and they take their time before the first
# visible word, streamed or not. Section 4 shows that the reasoning is billed, streamed or not.

# %%
if backend.skip_unless_stub("slowing the stub down to a realistic pace"):
    backend.stub.configure(time_to_first_token=0.5, time_per_token=0.015)

# %%
import time

QUESTION = [{"role": "user", "content": "Why is the sky blue? Answer in a short paragraph."}]

# Without streaming: one response, when the whole reply is ready.
start = time.perf_counter()
response = client.chat.completions.create(model=MODEL, messages=QUESTION, **models.no_reasoning_params(MODEL))
waited = time.perf_counter() - start
print(f"without streaming: a blank screen for {waited:.2f} s, then {len(response.choices[0].message.content)} characters at once")

# With streaming: note when each piece of text arrives.
start = time.perf_counter()
arrivals = []  # (seconds since the request, characters on screen so far)
shown = 0
for chunk in client.chat.completions.create(model=MODEL, messages=QUESTION, stream=True, **models.no_reasoning_params(MODEL)):
    if chunk.choices and chunk.choices[0].delta.content:
        shown += len(chunk.choices[0].delta.content)
        arrivals.append((time.perf_counter() - start, shown))
print(f"with streaming:    first words after {arrivals[0][0]:.2f} s, the last after {arrivals[-1][0]:.2f} s")

# %% [markdown]
# The same two measurements as a picture: characters on screen over time. Both lines end at about the same
# moment; the streamed one starts much earlier.

# %%
import matplotlib.pyplot as plt

length = len(response.choices[0].message.content)
end = max(waited, arrivals[-1][0]) * 1.05
fig, ax = plt.subplots(figsize=(7, 3))
ax.step([0] + [t for t, _ in arrivals] + [end], [0] + [c for _, c in arrivals] + [length], where="post", label="stream=True")
ax.step([0, waited, end], [0, length, length], where="post", label="without streaming")
ax.axvline(arrivals[0][0], color="grey", linestyle=":", label="time to first token")
ax.set_xlabel("seconds since the request")
ax.set_ylabel("characters on screen")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# For the rest of the lesson the stub keeps a gentler pace (short, but enough to watch text appear in
# JupyterLab):

# %%
if backend.skip_unless_stub("changing the stub's pace"):
    backend.stub.configure(time_to_first_token=0.2, time_per_token=0.01)

# %% [markdown]
# ## 2. `stream=True`: read the reply piece by piece
#
# Add `stream=True` and `create()` no longer returns a `ChatCompletion`. It returns a `Stream`: an iterator of
# `ChatCompletionChunk` objects that arrive while the model is writing. `create()` itself returns as soon as the
# response headers arrive, before any text.
#
# Each chunk carries a small **delta**: the piece of text added since the previous chunk, in
# `chunk.choices[0].delta.content`. To show the reply, print each delta as it comes (`end=""` keeps them on one
# line, `flush=True` pushes each one to the screen immediately). To *keep* the reply, collect the deltas and join
# them at the end, then append it to the history like any other assistant message.

# %%
history = [
    {"role": "system", "content": "You are a concise assistant for software developers."},
    {"role": "user", "content": "Give me three tips for writing clear commit messages."},
]

stream = client.chat.completions.create(model=MODEL, messages=history, stream=True)

parts = []
for chunk in stream:
    if not chunk.choices:  # some chunks carry no choice at all (section 4)
        continue
    piece = chunk.choices[0].delta.content
    if piece:  # and some carry no text (section 3)
        print(piece, end="", flush=True)
        parts.append(piece)
print()

reply = "".join(parts)
history.append({"role": "assistant", "content": reply})
print(f"\n[{len(parts)} pieces, {len(reply)} characters; the history now has {len(history)} messages]")

# %% [markdown]
# A stream is read **once**. After the loop it is exhausted: looping over it again yields nothing (no error,
# just nothing), which is why the loop that prints also collects.

# %%
print("a second pass over the same stream yields", len(list(stream)), "chunks")

# %% [markdown]
# ## 3. What the chunks really are
#
# Not every chunk carries text. First, what actually travels over the wire: the SDK's
# `with_streaming_response` gives the raw HTTP body. It is **server-sent events**: each chunk is one line
# `data: {json}` followed by a blank line, and the stream ends with `data: [DONE]`. (Here the first two chunks and
# the last two lines.)

# %%
GREETING = [{"role": "user", "content": "Greet me in five words."}]

with client.chat.completions.with_streaming_response.create(model=MODEL, messages=GREETING, stream=True) as raw:
    lines = [line for line in raw.iter_lines() if line]  # drop the blank separator lines
for line in lines[:2] + ["..."] + lines[-2:]:
    print(line)

# %% [markdown]
# (On OpenAI each chunk may also carry an `obfuscation` field: random padding, so that someone watching the
# encrypted traffic cannot guess the tokens from the size of each packet. Ignore it;
# `stream_options={"include_obfuscation": False}` leaves it out when you trust the network in between.)
#
# The SDK parses each line into a `ChatCompletionChunk`. One line per chunk of the same reply:

# %%
chunks = list(client.chat.completions.create(model=MODEL, messages=GREETING, stream=True))

for i, chunk in enumerate(chunks):
    choice = chunk.choices[0]
    print(f"chunk {i}: role={choice.delta.role!r:<12} content={choice.delta.content!r:<11} finish_reason={choice.finish_reason!r}")

print("\nsame id on every chunk:", len({c.id for c in chunks}) == 1,
      "· same created:", len({c.created for c in chunks}) == 1, "· same model:", {c.model for c in chunks})

# %% [markdown]
# Read it top to bottom:
#
# * **the role chunk** opens the stream: `role="assistant"` and `content=""` (empty, not missing);
# * **content deltas**: one per token, each with a piece of text and nothing else;
# * **the finish chunk**: an empty delta (`content` is `None`) with the `finish_reason`: `"stop"` when the model
#   finished, `"length"` when `max_completion_tokens` cut it short (see below), `"tool_calls"` when it called a tool
#   (lesson 4);
# * every chunk repeats the same `id`, `created` and `model`.
#
# With `n=2` (two alternative replies to the same request) the chunks of both choices arrive **interleaved**, each
# with a single choice whose `index` says which reply it belongs to. Assemble them by `choice.index`, never by
# position:

# %%
DAWN = [{"role": "user", "content": "Describe a river at dawn."}]
sampling = models.sampling_params(MODEL, temperature=1.0)  # adds reasoning_effort="none" where it is needed
stream = client.chat.completions.create(model=MODEL, messages=DAWN, stream=True, n=2, seed=1, **sampling)

texts = {}
for i, chunk in enumerate(stream):
    for choice in chunk.choices:
        texts[choice.index] = texts.get(choice.index, "") + (choice.delta.content or "")
        if i < 6:
            print(f"chunk {i}: index={choice.index} content={choice.delta.content!r}")
print("...")
for index, text in sorted(texts.items()):
    print(f"choice {index}: {text}")

# %% [markdown]
# A reply cut by `max_completion_tokens` streams the same way, and says so in its finish chunk. Always check
# `finish_reason` before you treat a streamed reply as complete:

# %%
parts, finish_reason = [], None
for chunk in client.chat.completions.create(
    model=MODEL, messages=QUESTION, stream=True, max_completion_tokens=12, **models.no_reasoning_params(MODEL)
):
    choice = chunk.choices[0]
    parts.append(choice.delta.content or "")
    finish_reason = choice.finish_reason or finish_reason
print(repr("".join(parts)))
print("finish_reason:", finish_reason)

# %% [markdown]
# (The request turned reasoning off, `reasoning_effort="none"`, so all 12 tokens went to the text. While a
# model reasons, the text may even be empty: its hidden reasoning used up the 12 tokens, as lesson 01b,
# section 4, shows.)

# %% [markdown]
# ## 4. Usage while streaming
#
# A normal response has `usage` (the tokens you are billed for). A stream has **no usage unless you ask for it**
# with `stream_options={"include_usage": True}`. Then the API adds one more chunk at the very end, after the
# finish chunk: it carries `usage` and an **empty `choices` list**. (All the other chunks have `usage=None`.)
# Not every provider supports that option (`docs/providers.md`); where it is missing, count the tokens yourself
# with the model's tokenizer (`tiktoken` for OpenAI's models, lesson 01b), knowing it is an estimate of the bill.
#
# That empty list breaks the loop everybody writes first, `chunk.choices[0]`, on the very last chunk. (Some
# providers send chunks without choices even when you did not ask for usage: Azure OpenAI, for one, opens its
# streams with a chunk that only carries content-filter results. Robust code checks `chunk.choices` every time.)

# %%
stream = client.chat.completions.create(
    model=MODEL, messages=GREETING, stream=True, stream_options={"include_usage": True}
)
text = ""
try:
    for chunk in stream:
        text += chunk.choices[0].delta.content or ""
except IndexError as err:
    print(f"IndexError: {err}   <- on the last chunk: choices={chunk.choices}, usage is set")
print("text so far:", repr(text))

# %% [markdown]
# The fix: look at `chunk.choices` before indexing it, and pick up `chunk.usage` wherever it appears.

# %%
stream = client.chat.completions.create(
    model=MODEL, messages=GREETING, stream=True, stream_options={"include_usage": True}
)
text, usage = "", None
for chunk in stream:
    if chunk.usage is not None:
        usage = chunk.usage
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""

print("text: ", repr(text))
print("usage:", usage.prompt_tokens, "prompt +", usage.completion_tokens, "completion =", usage.total_tokens, "tokens")
reasoning = usage.completion_tokens_details.reasoning_tokens if usage.completion_tokens_details else 0
print(f"of the completion, {reasoning} tokens were hidden reasoning: billed, never streamed as content")

# %% [markdown]
# The completion counts more tokens than the text has: at its default effort the model reasoned first, and
# the reasoning tokens never arrive as deltas (so counting the deltas yourself would miss them: one more reason
# to ask for `include_usage`).
#
# ### No usage in the stream? Count the tokens yourself
#
# Some providers ignore `include_usage`, some proxies drop the last chunk, and a stream that breaks (lesson 05)
# never reaches it. You can still count: the tokenizer the model uses (`tiktoken` for OpenAI's models, loaded
# offline by the course) turns the text you sent and the text you received into the same tokens the API
# counts. The prompt side follows lesson 01b's rule from OpenAI's cookbook (3 tokens per message, its text, 3
# that start the reply); the completion side is the tokens of the text you joined. Here is the same greeting
# streamed **without** `include_usage`, counted by hand, next to the bill of the stream above:

# %%
import tiktoken

try:
    encoding = tiktoken.encoding_for_model(MODEL)
except KeyError:  # a model tiktoken does not know (another provider's): OpenAI's current encoding as a guide
    encoding = tiktoken.get_encoding("o200k_base")


def count_prompt_tokens(messages: list[dict]) -> int:
    return 3 + sum(3 + sum(len(encoding.encode(v)) for v in m.values() if isinstance(v, str)) for m in messages)


stream = client.chat.completions.create(model=MODEL, messages=GREETING, stream=True)  # no stream_options
text, seen = "", None
for chunk in stream:
    seen = chunk.usage or seen
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""

print("usage in this stream:", seen)
print(f"counted by hand:  {count_prompt_tokens(GREETING)} prompt + {len(encoding.encode(text))} completion tokens")
print(f"billed (above):   {usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens, "
      f"{reasoning} of them hidden reasoning")

# %% [markdown]
# The prompt count matches the bill, and so does the completion once you add the hidden reasoning tokens:
# the text you can count by hand is only the visible part of what you pay for. Know where counting by hand
# stops: reasoning tokens (here the larger part of the completion) never reach you, another provider's model
# uses another tokenizer (the counts become estimates), and tools and images add tokens by rules of their own.
# When the bill matters, ask for `include_usage`; count by hand when it cannot come.

# %% [markdown]
# ## 5. The SDK's helper: `client.chat.completions.stream()`
#
# Assembling chunks by hand is worth doing once (it is the lab). In an application, the SDK can do it for you.
# `client.chat.completions.stream(...)` takes the same arguments as `create()` (without `stream=True`) and must
# be used in a `with` block, which guarantees the connection is closed. It gives you **events** instead of raw
# chunks:
#
# * `content.delta`: a new piece of text (`event.delta`) and everything so far (`event.snapshot`);
# * `content.done`: the full text;
# * `chunk`: every raw chunk, if you still want it;
# * `refusal.*` and `tool_calls.function.arguments.*` for refusals and tool calls (lesson 4).
#
# After the loop, `stream.get_final_completion()` returns an ordinary `ChatCompletion`, assembled from the chunks.

# %%
from collections import Counter

RIVERS = [{"role": "user", "content": "Name three rivers in Europe."}]

with client.chat.completions.stream(model=MODEL, messages=RIVERS, stream_options={"include_usage": True}) as stream:
    kinds = Counter()
    for event in stream:
        kinds[event.type] += 1
        if event.type == "content.delta":
            print(event.delta, end="", flush=True)
    print()
    final = stream.get_final_completion()

print("events:", dict(kinds))
print("final message:", repr(final.choices[0].message.content), "· finish_reason:", final.choices[0].finish_reason)
print("usage:", final.usage.total_tokens, "tokens")

# %% [markdown]
# **When to prefer which.** Use `.stream()` when you want the finished `ChatCompletion` at the end as well as the
# live text, and when you stream structured output (it parses JSON into your pydantic model as it arrives,
# lesson 3) or tool calls (it assembles the argument fragments, lesson 4). Use `create(stream=True)` when you
# just pass text through (to a web client, say), when you need the raw chunks, or when you use a provider's
# client that only offers the plain iterator. The wire format is the same; the helper only saves you the
# bookkeeping.

# %% [markdown]
# ## 6. Stopping early
#
# The user pressed *Stop*, or the first sentence already answered the question: stop reading and **close the
# stream**. Closing drops the connection, which tells the server to stop generating. (Tokens generated before the
# server noticed may still be billed; you stop paying for the rest.) A `with` block closes the stream for you,
# even on `break` or an exception; without one, call `stream.close()`.

# %%
STORY = [{"role": "user", "content": "Tell me a long story about a lighthouse keeper."}]

start = time.perf_counter()
with client.chat.completions.create(model=MODEL, messages=STORY, stream=True) as stream:
    words = []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            words.append(chunk.choices[0].delta.content)
        if len(words) == 25:  # enough: we stop here
            break
print("".join(words) + " ...")
print(f"\nstopped after {len(words)} pieces and {time.perf_counter() - start:.2f} s; connection closed: {stream.response.is_closed}")

# %% [markdown]
# ## 7. Live rendering in JupyterLab
#
# `print(..., end="")` is fine for plain text. A chat reply is usually Markdown, and you want it rendered as it
# grows. With **ipywidgets** you display a widget once and update its value on every delta: JupyterLab redraws
# it in place. (Outside a notebook, a terminal app would redraw its line; a web app would send each delta to the
# browser, for example over server-sent events.)

# %%
import ipywidgets as widgets
import mistune  # a Markdown renderer; it comes with JupyterLab
from IPython.display import display

view = widgets.HTML(value="<i>waiting for the first token…</i>")
status = widgets.Label(value="")
display(widgets.VBox([view, status]))

EXPLAIN = [{"role": "user", "content": "Explain in one paragraph what streaming changes for the user."}]
text = ""
with client.chat.completions.create(model=MODEL, messages=EXPLAIN, stream=True) as stream:
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
            view.value = mistune.html(text)  # re-render the Markdown so far
            status.value = f"{len(text)} characters"
status.value += " · done"

# %% [markdown]
# The widget above shows the reply as it was rendered live (on GitHub, where widgets do not run, you see only its
# placeholder). The final text, for the record:

# %%
print(text)


# %% [markdown]
# Without ipywidgets, `handle = display(Markdown(""), display_id=True)` followed by `handle.update(Markdown(text))`
# in the loop does the same job in any Jupyter front end.
#
# ## 8. Common mistakes
#
# **Forgetting to store the streamed reply in the history.** With `create()` you append
# `response.choices[0].message`; with a stream there is no such object, only the pieces you joined. Forget
# to append them and the conversation silently loses every assistant turn:

# %%
def stream_text(messages):
    parts = []
    for chunk in client.chat.completions.create(model=MODEL, messages=messages, stream=True):
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return "".join(parts)

forgetful = [{"role": "user", "content": "Suggest a name for a grey cat."}]
print("assistant:", stream_text(forgetful))               # shown to the user ... but not stored
forgetful.append({"role": "user", "content": "Repeat your last suggestion."})
print("assistant:", stream_text(forgetful))
print("roles sent:", [m["role"] for m in forgetful])

# %%
careful = [{"role": "user", "content": "Suggest a name for a grey cat."}]
careful.append({"role": "assistant", "content": stream_text(careful)})  # store it
careful.append({"role": "user", "content": "Repeat your last suggestion."})
print("assistant:", stream_text(careful))
print("roles sent:", [m["role"] for m in careful])

# %% [markdown]
# **Assuming every chunk has content.** The finish chunk has `content=None` (and the usage chunk has no choices
# at all). Joining blindly fails, and `str()`-ing the pieces is worse: the reply ends in the word "None".

# %%
chunks = list(client.chat.completions.create(model=MODEL, messages=GREETING, stream=True))
try:
    "".join(chunk.choices[0].delta.content for chunk in chunks)
except TypeError as err:
    print("TypeError:", err)
print("with str():", repr("".join(str(chunk.choices[0].delta.content) for chunk in chunks)))
print("correct:   ", repr("".join(chunk.choices[0].delta.content or "" for chunk in chunks)))

# %% [markdown]
# **Expecting usage without asking for it.** Without `stream_options={"include_usage": True}` no chunk carries
# usage, so code that logs costs quietly records nothing:

# %%
print("usage on the chunks:", {chunk.usage for chunk in chunks})

# %% [markdown]
# The other mistakes from this lesson, in one place: reading a stream twice (the second pass is empty),
# indexing `chunk.choices[0]` on the usage chunk (`IndexError`), mixing up the choices when `n` > 1 (use
# `choice.index`), ignoring `finish_reason="length"`, and measuring "time to first token" at the role chunk, which
# has no text yet.

# %%
if backend.skip_unless_stub("resetting the stub's pace"):
    backend.stub.configure(time_to_first_token=0.0, time_per_token=0.0)

# %% [markdown]
# ## Lab 2
#
# Open [`labs/lab02_streaming.py`](../labs/lab02_streaming.py) and implement:
#
# * `collect_stream(stream)`: the full text of every choice, the finish reasons and the usage (when present),
#   robust to chunks without content and to the usage chunk;
# * `stream_reply(client, model, messages, on_token)`: call `on_token` with each piece as it arrives and return
#   the full text;
# * `measure_stream(client, model, messages, clock=...)`: time to first token and total time, with a clock the
#   tests control;
# * `streaming_chat_turn(client, model, history, user_text, on_token=None)`: a streamed chat turn that asks for
#   usage and appends the assembled reply to the history.
#
# Check your work (each test says what went wrong and how to fix it):
#
# ```
# make check LAB=2
# ```
#
# Run it in JupyterLab's terminal: *File → New → Terminal* opens one in the course folder, with the
# course's Python ready (`python -m course check 2` does the same in any shell there).
# Next: **`03_structured_output.ipynb`**, getting JSON you can rely on.
