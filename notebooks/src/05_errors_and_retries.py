# %% [markdown]
# # 05 · Errors, retries and rate limits: fail well
#
# Every call to an LLM API crosses a network to a shared, busy service. Some calls **will** fail: the server is
# overloaded for a second (503), you sent requests faster than your plan allows (429), the connection dropped,
# the reply took too long. Other failures are *your* request being wrong (400), your key being wrong (401), or
# your account being out of credit. The first kind goes away if you wait and try again; the second kind never
# does, and retrying it only burns time, money and your rate limit.
#
# A program that survives in production does three things:
#
# 1. **tells the two kinds apart** (retry a 503, never a 400);
# 2. **waits the right amount** before retrying (exponential backoff with jitter, or exactly what the server said);
# 3. **stays under its rate limit** when it has a lot to do (a small concurrency limit), instead of firing
#    everything at once and collecting 429s.
#
# In this lesson:
#
# 1. what an error looks like, and every error class the SDK raises, triggered live;
# 2. the retries the SDK already does for you (`max_retries`, `timeout`, `with_options`);
# 3. writing your own retry: backoff, jitter, a cap, `Retry-After`; and `tenacity`, which does it for you;
# 4. context too long: trim or summarise, don't retry;
# 5. timeouts for normal and streamed calls, and streams that break in the middle;
# 6. throughput under a rate limit: a burst of 429s, then the fix, measured; pacing ahead of time from the
#    `x-ratelimit-*` headers; tokens per minute; the Batch API for work that can wait; usage tiers and asking
#    for more;
# 7. the lab.

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

# %% [markdown]
# ## 1. What an error looks like
#
# When the API answers with an error status, the SDK raises an exception. Here is a real one: `temperature`
# must be between 0 and 2, so 3 is a **400 Bad Request**. This cell works on any provider.

# %%
import openai

try:
    client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}], temperature=3)
except openai.BadRequestError as err:
    print("class:      ", type(err).__name__)
    print("status_code:", err.status_code)
    print("code:       ", err.code)
    print("param:      ", err.param)
    print("message:    ", err.body["message"])
    print("request_id: ", err.request_id)

# %% [markdown]
# Everything you need to decide what to do is on the exception:
#
# * its **class** (and `status_code`): which family of problem;
# * `code`: the precise reason (`context_length_exceeded`, `insufficient_quota`, `rate_limit_exceeded`, ...);
# * `param`: which parameter was wrong, when one was;
# * `request_id`: quote it when you ask the provider's support about a failed call (log it, always).
#
# Every error class derives from `openai.APIError`; those with an HTTP status from `openai.APIStatusError`:

# %%
print(" -> ".join(k.__name__ for k in openai.RateLimitError.__mro__[:-2]))
print(" -> ".join(k.__name__ for k in openai.APITimeoutError.__mro__[:-2]))

# %% [markdown]
# ### Every error class, live
#
# | exception | status | what it means | retry? | what to fix |
# | --- | --- | --- | --- | --- |
# | `BadRequestError` | 400 | the request is malformed or invalid | **never** | read `err.param` and the message |
# | `AuthenticationError` | 401 | missing or wrong API key | **never** | the key in `.env` |
# | `PermissionDeniedError` | 403 | the key may not use this model / region | **never** | the model name, the project's access |
# | `NotFoundError` | 404 | no such model (or URL) | **never** | the model name, the base URL |
# | `APIStatusError` | 408 | the server gave up waiting | yes | nothing; maybe a smaller request |
# | `RateLimitError` | 429 `rate_limit_exceeded` | too many requests or tokens per minute | yes, **after `Retry-After`** | slow down: fewer at once |
# | `RateLimitError` | 429 `insufficient_quota` | out of credit | **never** | billing (same class, different `code`!) |
# | `InternalServerError` | 500, 502, 503 | the provider's problem | yes, with backoff | nothing |
# | `APITimeoutError` | (none) | no answer within your timeout | yes | maybe a longer timeout |
# | `APIConnectionError` | (none) | network: DNS, refused, dropped | yes | your network, the base URL |
#
# To see them all, the next cell asks the course's stub to fail on purpose. A request that carries the header
# `x-stub-fault: 503` gets a 503, exactly as the real API sends it (the header is a stub feature, ignored by
# real providers; the lesson's *fault plans* are explained in `llm_stub/faults.py`). It only runs on the stub.
# `with_options(max_retries=0)` turns the SDK's own retries off, so we see each error as it is.

# %%
raw = client.with_options(max_retries=0, timeout=0.5)  # no SDK retries; give up after half a second


def trigger(step: str) -> openai.APIError:
    try:
        raw.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Say hello."}], extra_headers={"x-stub-fault": step}
        )
    except openai.APIError as err:
        return err
    raise AssertionError("no error?")


if backend.skip_unless_stub("injecting faults"):
    for step in ["400", "401", "403", "404", "408", "429", "quota", "500", "502", "503", "slow:2"]:
        err = trigger(step)
        status = getattr(err, "status_code", "-")
        print(f"{step:7} -> {type(err).__name__:22} status {status!s:4} code {getattr(err, 'code', None)}")

# %% [markdown]
# (`slow:2` makes the stub wait two seconds before answering; our client gave up after 0.5 s.) The last one needs
# no stub at all: nothing listens on port 9 of your machine, so the connection is refused.

# %%
nowhere = OpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-not-needed", max_retries=0)
try:
    nowhere.models.list()
except openai.APIConnectionError as err:
    print(type(err).__name__, "->", err.message)

# %% [markdown]
# Notice the trap in the table: `insufficient_quota` arrives as the **same class** as an ordinary rate limit,
# `RateLimitError` with status 429. Code that retries every `RateLimitError` retries an empty account forever.
# Look at `err.code`:

# %%
if backend.skip_unless_stub("injecting faults"):
    for step in ["429", "quota"]:
        err = trigger(step)
        print(f"{type(err).__name__}  code={err.code!r:24} retry-after={err.response.headers.get('retry-after')}")
        print("   ", err.body["message"][:110] + "...")


# %% [markdown]
# ## 2. The SDK already retries (twice)
#
# Before writing any retry code, know what the SDK does by itself. Every `OpenAI()` client:
#
# * retries **connection errors, timeouts, 408, 409, 429 and every 5xx**, at most `max_retries` times (default **2**);
# * waits what the server says in `retry-after-ms` / `retry-after` (up to 60 s), otherwise
#   0.5 s, 1 s, 2 s, ... capped at 8 s, minus up to 25 % random jitter;
# * obeys a header `x-should-retry: true|false` when the server sends one;
# * never retries 400, 401, 403, 404 and 422;
# * waits up to **600 s** for an answer by default (`timeout`): far too long for most apps.
#
# You set both for a client, or for a few calls with `with_options`:
#
# ```python
# client = OpenAI(max_retries=5, timeout=20.0)               # every call
# fast = client.with_options(max_retries=0, timeout=5.0)     # a copy with other settings
# client.with_options(timeout=openai.Timeout(30.0, connect=2.0)).chat.completions.create(...)
# ```
#
# Watch it work. The stub fails the first two attempts (a 429 that asks for 0.2 s, then a 503), then answers.
# The SDK marks each retry with a header `x-stainless-retry-count`, which the stub's journal records:

# %%
def journal_mark() -> int:
    entries = backend.stub.journal()
    return entries[-1]["seq"] if entries else 0


def show_attempts(mark: int) -> None:
    entries = backend.stub.journal(mark)
    t0 = entries[0]["received_at"]
    for e in entries:
        print(f"  attempt {e['attempt']}: status {e['status']}  at +{e['received_at'] - t0:.2f} s")


if backend.skip_unless_stub("injecting faults"):
    mark = journal_mark()
    patient = client.with_options(max_retries=3)
    reply = patient.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "In one sentence, what does an HTTP 429 status mean?"}],
        extra_headers={"x-stub-fault": "429:0.2,503:0.2,ok"},
    )
    show_attempts(mark)
    print(reply.choices[0].message.content)

# %% [markdown]
# Two failures, and your code never saw them. And `insufficient_quota`? The stub sends it with
# `x-should-retry: false`, so the SDK gives up at once instead of retrying a call that cannot succeed:

# %%
if backend.skip_unless_stub("injecting faults"):
    mark = journal_mark()
    try:
        patient.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Say hello."}], extra_headers={"x-stub-fault": "quota,quota,quota"}
        )
    except openai.RateLimitError as err:
        print(type(err).__name__, err.code, "| x-should-retry:", err.response.headers.get("x-should-retry"))
    show_attempts(mark)

# %% [markdown]
# So for a single interactive call, the SDK's retries plus a sensible `timeout` are often all you need.
# Write your own when you need to **see** the retries (log them), **decide** differently (give up on
# `insufficient_quota` with a provider that does not send `x-should-retry`; retry an answer that failed your
# validation, as in lesson 3), or bound the **total** time spent. Then set `max_retries=0` on that client, or
# the two layers multiply: 3 SDK attempts × 5 of yours = 15 requests for one call.
#
# ## 3. Writing your own retry
#
# Three ideas, each preventing a specific disaster:
#
# * **Exponential backoff**: wait 0.5 s, 1 s, 2 s, 4 s, ... A struggling server gets breathing room instead of
#   a hammering. *Without it*: a fixed 0.1 s retry loop turns one outage into a self-inflicted DDoS.
# * **A cap** on the wait and on the **number of attempts**: `2**20` seconds is twelve days. *Without it*: a
#   worker that "hangs" forever on a dead endpoint.
# * **Jitter**: a random part of the wait. *Without it*: 100 clients that failed together retry together, in
#   lockstep, and fail together again.
#
# And one override: when the server says **`Retry-After`**, wait exactly that. It knows when it will have room.
# The delays, with base 0.5 s and a cap of 8 s (jitter: between half the ceiling and the ceiling):

# %%
import random

rng = random.Random(5)  # seeded, so this table is the same every run


def backoff(attempt: int, base: float = 0.5, cap: float = 8.0, rand=random.random) -> float:
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling * (0.5 + rand() / 2)


print("retry  ceiling  with jitter")
for n in range(1, 9):
    print(f"{n:5}  {min(8.0, 0.5 * 2 ** (n - 1)):6.1f}s  {backoff(n, rand=rng.random):9.2f}")

# %% [markdown]
# The loop itself. It asks `is_retryable` (the table of section 1 as code), prefers the server's wait, and
# gives up after `max_attempts`, re-raising the last error so the caller sees what really went wrong:

# %%
import time


def is_retryable(err: Exception) -> bool:
    if isinstance(err, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    if isinstance(err, openai.APIStatusError):
        if err.code == "insufficient_quota":
            return False  # a 429, but waiting cannot fix an empty account
        return err.status_code in (408, 409, 429) or err.status_code >= 500
    return False  # 400/401/403/404 and bugs in our own code: fix them, don't repeat them


def server_wait(err: Exception) -> float | None:
    headers = err.response.headers if isinstance(err, openai.APIStatusError) else {}
    if "retry-after-ms" in headers:
        return float(headers["retry-after-ms"]) / 1000
    if "retry-after" in headers:
        return float(headers["retry-after"])
    return None


def with_retries(fn, max_attempts: int = 5, log=print):
    for attempt in range(1, max_attempts + 1):
        try:
            return fn()
        except Exception as err:
            if attempt == max_attempts or not is_retryable(err):
                raise
            wait = server_wait(err)
            wait = backoff(attempt) if wait is None else wait
            log(f"attempt {attempt}: {type(err).__name__} ({getattr(err, 'status_code', '-')}); retrying in {wait:.2f} s")
            time.sleep(wait)


# %% [markdown]
# A hand-written loop sends every attempt as a first try (its client has `max_retries=0`), so the fault header
# gets a plan id: the stub then walks through the plan one attempt after the other.

# %%
import uuid

once = client.with_options(max_retries=0)


def fault(steps: str) -> dict:
    # A stub-only header: script the next attempts (a fresh plan id each time the cell runs).
    return {"x-stub-fault": steps, "x-stub-fault-id": uuid.uuid4().hex}


if backend.skip_unless_stub("injecting faults"):
    headers = fault("503,429:0.3,ok")
    reply = with_retries(lambda: once.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "In one sentence, why should retries use jitter?"}],
        extra_headers=headers,
    ))
    print(reply.choices[0].message.content)

    headers = fault("401")
    try:
        with_retries(lambda: once.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Say hello."}], extra_headers=headers))
    except openai.AuthenticationError as err:
        print("gave up at once:", type(err).__name__, err.code)

# %% [markdown]
# ### The same with tenacity
#
# In production code you would rather not maintain that loop. [tenacity](https://tenacity.readthedocs.io) is
# the standard library for it: a decorator, with `stop`, `wait` and `retry` policies. Its
# `wait_random_exponential` is backoff with (full) jitter; a small custom `wait` adds `Retry-After`:

# %%
from tenacity import RetryCallState, retry, retry_if_exception, stop_after_attempt, wait_random_exponential

exponential = wait_random_exponential(multiplier=0.5, max=8)


def server_or_backoff(state: RetryCallState) -> float:
    wait = server_wait(state.outcome.exception())
    return exponential(state) if wait is None else wait


def announce(state: RetryCallState) -> None:
    err = state.outcome.exception()
    print(f"tenacity: attempt {state.attempt_number} got {type(err).__name__}; retrying in {state.upcoming_sleep:.2f} s")


@retry(
    retry=retry_if_exception(is_retryable),
    wait=server_or_backoff,
    stop=stop_after_attempt(5),
    reraise=True,  # raise the last error itself, not tenacity's RetryError
    before_sleep=announce,
)
def ask(prompt: str, headers: dict | None = None) -> str:
    reply = once.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt}], extra_headers=headers)
    return reply.choices[0].message.content


if backend.skip_unless_stub("injecting faults"):
    print(ask("Write a short poem about patience.", headers=fault("429:0.2,502:0.2,ok")))

# %% [markdown]
# ## 4. Context too long: trim, don't retry
#
# A conversation grows with every turn. Once the prompt is bigger than the model's **context window**, the API
# answers 400 `context_length_exceeded`. Retrying sends the same tokens and fails the same way: the fix is to
# send fewer. Today's windows are large (400,000 to 1,050,000 tokens; some models also cap the prompt lower,
# gpt-5.2 at 272,000 input tokens), so the demo takes the current model with the smallest limit and a logbook
# kept for three years. It only runs on the stub: on a real provider, sending that much would take a while.

# %%
from course import models

SMALL_MODEL = min(models.current(), key=models.input_limit)  # the current model with the smallest prompt limit
WINDOW = models.input_limit(SMALL_MODEL)
print(f"{SMALL_MODEL}: at most {WINDOW:,} prompt tokens")

entry = "The lighthouse keeper wrote in his logbook every evening, noting the weather, the sea and the ships. " * 12
history = [{"role": "system", "content": "You are a helpful assistant who remembers the whole conversation."}]
for day in range(1, 1101):
    history.append({"role": "user", "content": f"Day {day} of the logbook: {entry}"})
    history.append({"role": "assistant", "content": f"Noted the entry for day {day}."})
history.append({"role": "user", "content": "Summarise our conversation so far in one sentence."})

if backend.skip_unless_stub(f"the {SMALL_MODEL} context-window demo"):
    try:
        once.chat.completions.create(model=SMALL_MODEL, messages=history, max_completion_tokens=200)
    except openai.BadRequestError as err:
        print(type(err).__name__, err.code)
        print(err.body["message"])

# %% [markdown]
# Trimming keeps the system message and the newest turns, dropping the oldest user/assistant pairs until an
# estimate of the prompt fits the window minus room for the answer. The estimate is the rule of thumb of
# about 4 characters per token (`course.pricing.estimate_tokens`; `tiktoken` counts exactly for OpenAI
# models); a margin covers its error.

# %%
from course.pricing import estimate_tokens


def trim_to_fit(messages: list[dict], reply_tokens: int, window: int = WINDOW, margin: float = 0.9) -> list[dict]:
    budget = int(window * margin) - reply_tokens
    system, turns = messages[:1], messages[1:]
    while len(turns) > 1 and sum(estimate_tokens(m["content"]) + 4 for m in system + turns) > budget:
        turns = turns[2:]  # drop the oldest user message and its reply, together
    return system + turns


if backend.skip_unless_stub(f"the {SMALL_MODEL} context-window demo"):
    trimmed = trim_to_fit(history, reply_tokens=200)
    reply = once.chat.completions.create(model=SMALL_MODEL, messages=trimmed, max_completion_tokens=200)
    print(f"{len(history)} messages -> {len(trimmed)} messages; first kept: {trimmed[1]['content'][:12]!r}")
    print("prompt tokens:", reply.usage.prompt_tokens, "of", WINDOW)
    print(reply.choices[0].message.content)

# %% [markdown]
# Dropping old turns loses what they said. Two alternatives: move to a model with a larger window (most current
# models take about a million tokens: `docs/providers.md` lists them), which costs more per call as the prompt
# grows (past 272,000 prompt tokens the whole request is billed at twice the input price on today's models); or
# **summarise** the turns that no longer fit.
#
# ### Summarise instead of dropping
#
# One more call turns the old turns into a few sentences, and the summary takes their place. Where does it go?
# Into the one system message (the rule of lesson 01: exactly one, first), after the standing instructions, so
# that every later request carries it. Three details keep it honest:
#
# * leave room for the summary when you trim (here 200 tokens), or the summary pushes the prompt over again;
# * the summary call needs a window that holds the old turns: send it to a model with a bigger one (here the
#   lesson's `MODEL`), or summarise in chunks;
# * ask the summary to keep what later turns may need (names, numbers, decisions), and know that it loses the
#   rest: it is a lossy copy, and one more request on the bill.

# %%
SUMMARY_INSTRUCTIONS = ("Summarise these earlier turns of a conversation in two or three sentences. Keep names, "
                        "numbers and decisions; leave out small talk.")


def summarise_to_fit(messages: list[dict], reply_tokens: int, summary_tokens: int = 200) -> tuple[list[dict], object]:
    # The system message (with a summary of the turns that do not fit) and the newest turns; and the summary's usage.
    kept = trim_to_fit(messages, reply_tokens + summary_tokens)
    dropped = messages[1 : len(messages) - len(kept) + 1]
    transcript = "\n".join(f"{m['role']}: {m['content']}" for m in dropped)
    summary = once.chat.completions.create(
        model=MODEL,  # a window large enough for the old turns
        messages=[{"role": "system", "content": SUMMARY_INSTRUCTIONS}, {"role": "user", "content": transcript}],
        max_completion_tokens=summary_tokens,
        **models.no_reasoning_params(MODEL),  # a summary needs no reasoning: all its tokens go to the text
    )
    system = {"role": "system",
              "content": f"{messages[0]['content']}\n\nSummary of the earlier conversation: {summary.choices[0].message.content}"}
    return [system, *kept[1:]], summary.usage


if backend.skip_unless_stub(f"the {SMALL_MODEL} context-window demo"):
    summarised, summary_usage = summarise_to_fit(history, reply_tokens=200)
    reply = once.chat.completions.create(model=SMALL_MODEL, messages=summarised, max_completion_tokens=200)
    print(f"{len(history)} messages -> {len(summarised)} messages; first kept turn: {summarised[1]['content'][:12]!r}")
    print("system message now:", summarised[0]["content"])
    print(f"the summary cost one request: {summary_usage.prompt_tokens} prompt + {summary_usage.completion_tokens} "
          f"completion tokens")
    print("prompt tokens:", reply.usage.prompt_tokens, "of", WINDOW)
    print(reply.choices[0].message.content)

# %% [markdown]
# The dropped days are no longer lost without a trace: the model is told what they held. As the conversation
# grows, do it again (summarise the summary and the next turns that no longer fit), and keep the original
# history in your own storage: the summary is for the model, your records keep everything.
#
# ## 5. Timeouts, for normal and streamed calls
#
# A **non-streamed** call waits for the whole answer, so `timeout` bounds the whole call. Without one you wait
# up to 600 s for a stuck request. The SDK retries timeouts too, so with `max_retries=2` a 20 s timeout can cost
# a minute; count that in. Here the stub takes 2 s and we allow 0.5 s:

# %%
if backend.skip_unless_stub("injecting a slow answer"):
    started = time.perf_counter()
    try:
        client.with_options(timeout=0.5, max_retries=0).chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Say hello."}], extra_headers={"x-stub-fault": "slow:2"}
        )
    except openai.APITimeoutError as err:
        print(f"{type(err).__name__} after {time.perf_counter() - started:.1f} s")

# %% [markdown]
# A **streamed** call is different: the timeout applies to *each read*, waiting for the next chunk. A stream that
# keeps trickling tokens never times out, however long it runs. To bound the total, check the clock in your
# loop and close the stream (closing it stops the generation, and the billing):

# %%
if backend.skip_unless_stub("slowing the stub down"):
    backend.stub.configure(time_per_token=0.03)  # 30 ms per token: about a second for this short poem
    poem = [{"role": "user", "content": "Write a short poem about patience."}]
    patient_reader = client.with_options(timeout=0.5)  # 0.5 s per read

    started = time.perf_counter()
    for _chunk in patient_reader.chat.completions.create(model=MODEL, messages=poem, stream=True):
        pass
    print(f"whole stream: {time.perf_counter() - started:.1f} s, far beyond the 0.5 s timeout, and no error")

    started, pieces = time.perf_counter(), []
    stream = patient_reader.chat.completions.create(model=MODEL, messages=poem, stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        if time.perf_counter() - started > 0.4:  # our own deadline for the whole stream
            stream.close()
            break
    print("with our own 0.4 s deadline: stopped early, with a partial reply:", 0 < len("".join(pieces)) < 150)
    backend.stub.configure(time_per_token=0.0)


# %% [markdown]
# A stream can also break **after** it started, and then the SDK does **not** retry: the 200 status was already
# received. Two ways it happens:
#
# * an **error event** in the middle: the SDK raises `openai.APIError` from the loop (a dropped connection
#   raises `APIConnectionError`);
# * the stream simply **ends without `[DONE]`**: no exception at all! The only sign is that no chunk carried a
#   `finish_reason`. Always check it before trusting a streamed reply.

# %%
def read_stream(headers: dict) -> tuple[str, str | None]:
    text, finish = "", None
    for chunk in once.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "Write a short poem about patience."}],
        stream=True, extra_headers=headers,
    ):
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    return text, finish


if backend.skip_unless_stub("injecting broken streams"):
    try:
        read_stream(fault("stream_error:6"))
    except openai.APIError as err:
        print("error mid-stream:", type(err).__name__, "-", err.message)
    text, finish = read_stream(fault("stream_cut:6"))
    print(f"cut stream: no exception, text {text!r}, finish_reason {finish}")
    if finish is None:
        print("-> incomplete: retry the call (or show it as cut off), don't present it as the answer")

# %% [markdown]
# ## 6. Throughput under a rate limit
#
# Providers limit each key to so many **requests per minute** (RPM) and **tokens per minute** (TPM). Every
# response says where you stand, in six headers:
#
# | header | meaning |
# | --- | --- |
# | `x-ratelimit-limit-requests` / `-tokens` | your per-minute limit |
# | `x-ratelimit-remaining-requests` / `-tokens` | what is left right now |
# | `x-ratelimit-reset-requests` / `-tokens` | time until the bucket is full again (`100ms`, `6m0s`) |
#
# **Your limits, and raising them.** Limits are set per organization (or project) and per model, and they grow
# with your **usage tier**: providers move an account up as it gets older and as its total spend grows
# (OpenAI's tiers run from "free" to "tier 5", each with higher RPM and TPM and a higher monthly spending cap;
# the limits page of your account shows yours). If a launch, a batch job or a class of 30 students will need
# more than your tier allows, **ask for an increase early**, from the provider's limits page: approval can
# take days, and a tier upgrade may need a payment history first. Until then, the code in this section keeps
# you under whatever limit you have.
#
# The limit is a bucket that refills continuously, and providers may enforce it over a shorter window: 600 RPM
# can mean "10 per second". The next cell turns on exactly that on the stub (600 RPM, enforced per second: a
# burst of 10, then 10 per second) and reads the headers with `with_raw_response`:

# %%
if backend.skip_unless_stub("turning on a rate limit"):
    backend.stub.configure(requests_per_minute=600, rate_limit_window=1)
    raw_reply = once.chat.completions.with_raw_response.create(
        model=MODEL, messages=[{"role": "user", "content": "Say hello."}]
    )
    for name in ("limit", "remaining", "reset"):
        print(f"x-ratelimit-{name}-requests: {raw_reply.headers[f'x-ratelimit-{name}-requests']}")
    reply = raw_reply.parse()  # the usual ChatCompletion

# %% [markdown]
# Now the classic mistake: 40 prompts, 40 threads, all at once, no retries. Most of them bounce. How many get
# through depends on the machine: the bucket holds 10, and it refills at 10 a second while the 40 threads
# start, so a run answers 10, or a few more on a busy machine where the threads take longer to start:

# %%
from concurrent.futures import ThreadPoolExecutor

CITIES = ["Lisbon", "Nairobi", "Osaka", "Quito", "Tallinn", "Perth", "Marrakesh", "Bergen", "Cusco", "Hanoi",
          "Krakow", "Valparaiso", "Accra", "Leipzig", "Busan", "Porto", "Cordoba", "Tbilisi", "Gdansk", "Lyon",
          "Seville", "Bologna", "Ghent", "Utrecht", "Aarhus", "Tampere", "Graz", "Basel", "Cork", "Glasgow",
          "Montreal", "Oaxaca", "Medellin", "Recife", "Durban", "Luxor", "Izmir", "Chiang Mai", "Cebu", "Auckland"]
PROMPTS = [f"One word: which country is {city} in?" for city in CITIES]


def attempt_logged(prompt: str, log: list, t0: float) -> str:
    # One attempt; note when it was sent and how it ended, for the plot below.
    sent = time.perf_counter() - t0
    try:
        reply = once.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt}])
        log.append((sent, 200))
        return reply.choices[0].message.content
    except openai.APIStatusError as err:
        log.append((sent, err.status_code))
        raise


if backend.skip_unless_stub("the rate-limit demo"):
    time.sleep(1.0)  # let the bucket refill
    burst_log, t0 = [], time.perf_counter()

    def fire(prompt):
        try:
            return attempt_logged(prompt, burst_log, t0)
        except openai.RateLimitError:
            return None

    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(fire, PROMPTS))
    answered = sum(a is not None for a in answers)
    # 10 (the bucket's burst), plus one for every tenth of a second the 40 threads took to send.
    print(f"answered {answered} of the {len(PROMPTS)}; the other {len(PROMPTS) - answered} got 429 rate_limit_exceeded")

# %% [markdown]
# The fix is not "more threads" but fewer: a **small concurrency limit** (here 4 workers) and retries that honour
# `Retry-After`. Each worker takes the next prompt only when its previous one is done; a 429 makes it wait
# exactly as long as the server asked. `pool.map` returns the answers **in the order of the prompts**, whatever
# order they finished in, and a progress bar (tqdm) shows how far it got.

# %%
import sys

from tqdm import tqdm

tqdm.monitor_interval = 0  # no background refreshes: the bar prints at the start and the end only

if backend.skip_unless_stub("the rate-limit demo"):
    time.sleep(1.0)  # let the bucket refill
    fixed_log, t0 = [], time.perf_counter()
    # A fixed bar format, printed to stdout only at the start and the end, so the stored output is stable.
    bar = tqdm(total=len(PROMPTS), file=sys.stdout, ascii=True, ncols=60, mininterval=3600,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}", desc="batch")

    def patient_ask(prompt):
        # A generous cap: 4 workers compete for 10 slots a second and wake together after the same
        # Retry-After, so one prompt can lose several rounds in a row on a busy machine.
        try:
            return with_retries(lambda: attempt_logged(prompt, fixed_log, t0), max_attempts=100, log=lambda _: None)
        finally:
            bar.update(1)

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(patient_ask, PROMPTS))
    bar.close()
    elapsed = time.perf_counter() - t0
    print(f"answered {sum(a is not None for a in answers)}/{len(PROMPTS)} in {elapsed:.1f} s "
          f"(the limit allows 10 at once, then 10 per second)")
    for city, answer in list(zip(CITIES, answers, strict=True))[:4]:
        print(f"  {city}: {answer}")

# %% [markdown]
# The retries got every prompt answered, but look at how: every time the bucket ran dry, the four workers
# collected 429s, slept for the same `Retry-After`, woke together and raced for the few free slots. Each 429
# costs only a short wait, and yet each is a request sent in vain (in the plot below, the red crosses of the
# right-hand panel: often as many as there are prompts, or more).
#
# ### Pacing ahead of time: read the headers, queue the rest
#
# The server says where you stand on every response: `x-ratelimit-remaining-requests` (and `-tokens`), and
# `x-ratelimit-reset-requests` (and `-tokens`), how long until the bucket is full again. So a sender can stop
# **before** the 429: keep the prompts in a queue, send the next one only while the last response said there
# is room, and when it says nothing is left, hold the queue until the reset. Here one sender does that,
# one request at a time; a 429 that still slips through puts its prompt back at the front of the queue.

# %%
import re
from collections import deque


def seconds(duration: str) -> float:
    # A reset header ("100ms", "1s", "6m0s", "1h2m3.5s") in seconds.
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(float(n) * units[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration))


class Pacer:
    # Holds the next request while the last response said a bucket is empty, until that bucket resets.
    def __init__(self) -> None:
        self.resume_at = 0.0

    def wait_for_room(self) -> None:
        time.sleep(max(0.0, self.resume_at - time.monotonic()))

    def read(self, headers) -> None:
        for kind in ("requests", "tokens"):
            remaining = headers.get(f"x-ratelimit-remaining-{kind}")
            if remaining is not None and int(remaining) <= 0:
                reset = seconds(headers.get(f"x-ratelimit-reset-{kind}", "1s"))
                self.resume_at = max(self.resume_at, time.monotonic() + reset)


if backend.skip_unless_stub("the rate-limit demo"):
    time.sleep(1.0)  # let the bucket refill
    paced_log, t0, pacer = [], time.perf_counter(), Pacer()
    queue, paced_answers = deque(enumerate(PROMPTS)), [None] * len(PROMPTS)
    while queue:
        index, prompt = queue.popleft()
        pacer.wait_for_room()
        sent = time.perf_counter() - t0
        try:
            raw_reply = once.chat.completions.with_raw_response.create(
                model=MODEL, messages=[{"role": "user", "content": prompt}]
            )
        except openai.RateLimitError as err:  # slipped through: wait as asked, then this prompt goes first
            paced_log.append((sent, 429))
            pacer.resume_at = time.monotonic() + (server_wait(err) or 1.0)
            queue.appendleft((index, prompt))
            continue
        paced_log.append((sent, 200))
        pacer.read(raw_reply.headers)
        paced_answers[index] = raw_reply.parse().choices[0].message.content
    elapsed = time.perf_counter() - t0
    print(f"answered {sum(a is not None for a in paced_answers)}/{len(PROMPTS)} in {elapsed:.1f} s, "
          f"with {sum(s == 429 for _, s in paced_log)} 429s")

# %% [markdown]
# No 429 at all, in about the same time: the queue waited whenever the server said there was no room.
# With several workers, the same idea needs one shared pacer, and a margin (several requests are in flight
# before the headers of the first come back), so a few 429s may still slip through: keep the retries as the
# safety net, with pacing as the plan. `-tokens` works the same way for tokens per minute.
#
# The plot shows the three runs against the limit: the burst (left) sends everything at once, and only the
# bucket's first 10 (and those the refill let through while it was being sent) succeed; the retrying batch
# (middle) follows the limit's line at the price of many 429s; the paced queue (right) stays under it without
# a single one: it pauses each time the headers say the bucket is empty, until they say it is full again, which
# costs a little of the speed the limit would allow and wastes no request.

# %%
import matplotlib.pyplot as plt

if backend.skip_unless_stub("the rate-limit demo"):
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6), sharey=True)
    runs = ((axes[0], burst_log, "40 at once, no retries"), (axes[1], fixed_log, "4 workers + retries"),
            (axes[2], paced_log, "a queue paced by the headers"))
    for ax, log, title in runs:
        log = sorted(log)
        ok_times = [t for t, s in log if s == 200]
        ax.step(ok_times, range(1, len(ok_times) + 1), where="post", label="answered (cumulative)")
        ax.plot([t for t, s in log if s == 429], [0.5] * sum(s == 429 for _, s in log), "rx", label="429")
        horizon = max(t for t, _ in log) + 0.5
        ax.plot([0, horizon], [10, 10 + 10 * horizon], "k--", label="limit: 10 + 10/s")
        ax.set_title(title)
        ax.set_xlabel("seconds")
        ax.set_ylim(0, 45)
    axes[0].set_ylabel("requests")
    axes[2].legend(loc="lower right")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ### The same with `AsyncOpenAI`
#
# With asyncio, an `asyncio.Semaphore` is the concurrency limit, and the SDK's own retries (which honour
# `retry-after-ms`) can do the waiting. Jupyter runs `await` at the top level of a cell:

# %%
import asyncio

from openai import AsyncOpenAI


async def ask_all(prompts: list[str], limit: int = 4) -> list[str]:
    aclient = AsyncOpenAI(max_retries=10)  # the SDK retries 429s, waiting what the server says
    gate = asyncio.Semaphore(limit)

    async def one(prompt: str) -> str:
        async with gate:  # at most `limit` requests in flight
            reply = await aclient.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt}])
            return reply.choices[0].message.content

    try:
        return await asyncio.gather(*(one(p) for p in prompts))  # results in the order of the prompts
    finally:
        await aclient.close()


time.sleep(1.0)  # let the bucket refill
answers = await ask_all(PROMPTS[:20])
print(len(answers), "answers;", ", ".join(answers[:5]), "...")

# %% [markdown]
# ### Tokens per minute
#
# Requests are only half of it. The **tokens-per-minute** bucket is charged, for each request, its prompt
# tokens **plus its `max_completion_tokens`** (the provider reserves room for the longest reply you allowed
# before the model writes a word). A few big requests (long histories, whole documents) empty it long before
# the requests bucket notices. Here the stub allows plenty of requests but 3,000 tokens a minute, and each
# request sends a long logbook:

# %%
if backend.skip_unless_stub("turning on a tokens-per-minute limit"):
    backend.stub.configure(requests_per_minute=600, tokens_per_minute=3_000, rate_limit_window=60.0)
    logbook = ("Summarise this logbook in one sentence: "
               + "The keeper noted the weather, the sea and the ships that passed the island. " * 45)
    for i in range(1, 5):
        try:
            raw_reply = once.chat.completions.with_raw_response.create(
                model=MODEL, messages=[{"role": "user", "content": logbook}], max_completion_tokens=200
            )
            usage = raw_reply.parse().usage
            h = raw_reply.headers
            print(f"request {i}: 200 · charged {usage.prompt_tokens} prompt + 200 reserved tokens · limits "
                  f"{h['x-ratelimit-limit-requests']} requests and {h['x-ratelimit-limit-tokens']} tokens a minute")
        except openai.RateLimitError as err:
            reason = "tokens per min (TPM)" if "(TPM)" in err.body["message"] else "requests per min (RPM)"
            print(f"request {i}: 429 {err.code} on {reason}; the requests bucket still had plenty of room")

# %% [markdown]
# Three requests, and the token bucket was empty while the request bucket had hundreds to spare. Two things
# help: send fewer tokens (trim histories, lesson 01b; summarise documents first), and set
# `max_completion_tokens` to what you need rather than to the maximum, since the whole cap is reserved. The
# same concurrency limit and retries as above then keep you under both buckets.

# %%
if backend.skip_unless_stub("turning the rate limit off"):
    backend.stub.configure(requests_per_minute=None, tokens_per_minute=None, rate_limit_window=60.0)

# %% [markdown]
# ### Work that can wait: the Batch API
#
# Everything above is for answers someone is waiting for. Work that can wait (classify last month's reviews,
# translate a catalogue, run an evaluation overnight) has a better road: OpenAI's **Batch API** takes a file of
# requests, one JSON object per line, and runs them within 24 hours, at half the price of the same requests
# sent one by one, under a separate, much larger limit that does not eat into your live traffic's
# ([Batch API guide](https://platform.openai.com/docs/guides/batch); several other providers offer the same).
# Each line names the endpoint and carries an ordinary request body, with a `custom_id` to match the answers
# to the prompts, since they come back in any order:

# %%
import json
import tempfile
from pathlib import Path

batch_lines = [
    {"custom_id": f"city-{i}", "method": "POST", "url": "/v1/chat/completions",
     "body": {"model": MODEL, "messages": [{"role": "user", "content": prompt}], "max_completion_tokens": 5,
              **models.no_reasoning_params(MODEL)}}  # 5 tokens leave no room for reasoning
    for i, prompt in enumerate(PROMPTS)
]
batch_file = Path(tempfile.mkdtemp()) / "countries.jsonl"
batch_file.write_text("".join(json.dumps(line) + "\n" for line in batch_lines))
print(f"{len(batch_lines)} requests in {batch_file.name}; the first line:")
print(batch_file.read_text().splitlines()[0])

# %% [markdown]
# Then two calls send it (not run here: the stub serves no Batch API), and a third, later, collects the answers:
#
# ```python
# uploaded = client.files.create(file=batch_file.open("rb"), purpose="batch")
# batch = client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h")
# ...  # hours later: client.batches.retrieve(batch.id).status == "completed"
# answers = client.files.content(client.batches.retrieve(batch.id).output_file_id).text   # JSONL, by custom_id
# ```
#
# Rule of thumb: a user waiting, the live API with pacing and retries; nobody waiting, a batch.

# %% [markdown]
# ## The mistakes this lesson prevents
#
# | mistake | symptom |
# | --- | --- |
# | retrying a 400 / 401 / 403 / 404 | the same error N times, N times slower; a bad key hammers the API |
# | retrying `insufficient_quota` | a job that "hangs" for hours with an empty account |
# | no cap on attempts | a worker stuck forever on a dead endpoint |
# | ignoring `Retry-After` | a 429 on every retry: you came back too early |
# | no jitter | clients that failed together keep failing together |
# | your retries on top of the SDK's | 3 × 5 = 15 requests for one call; set `max_retries=0` under your own loop |
# | no timeout | a request stuck for 10 minutes (the default) |
# | a streamed reply with no `finish_reason` | a truncated answer shown as if complete |
# | firing a whole batch (hundreds of requests) at once | a wall of 429s; a small concurrency limit is faster |
# | waiting for 429s to learn the limit | requests sent in vain; pace ahead of time with `x-ratelimit-remaining-*` and a queue |
# | sending work that can wait through the live API | full price, and limits your users need; use the Batch API |
# | trimming without a trace | the model forgets what the dropped turns said; summarise them into the system message |
# | watching requests per minute only | 429s "on tokens per min (TPM)" with few, large requests; a huge `max_completion_tokens` reserves tokens it never uses |
# | asking for a higher limit the week of the launch | no increase in time; ask early, your usage tier sets the limits |
# | collecting results as they finish | answers attached to the wrong prompts |
#
# ## Lab 5
#
# Open [`labs/lab05_errors.py`](../labs/lab05_errors.py) and implement:
#
# * `classify(exc)`: retry or not, and why (a `Decision`): transient errors yes; 400/401/403/404,
#   `insufficient_quota` and bugs in your own code, never;
# * `retry_delay(attempt, retry_after=..., rand=...)`: exponential, capped, with jitter, overridden by the
#   server's `Retry-After` (the random source is a parameter, so tests can fix it);
# * `call_with_retries(fn, max_attempts=..., sleep=...)`: at most `max_attempts` attempts, the right sleep between
#   them (the tests pass their own `sleep`, so they take no real time), and the last error re-raised with
#   `exc.attempts`;
# * `run_batch(client, prompts, model=..., max_concurrency=...)`: every prompt, never more than
#   `max_concurrency` in flight, with retries, results in input order, failures reported, none lost.
#
# The tests run through the stub with fault plans and rate limits, and read the attempts from its journal.
# Check your work:
#
# ```
# make check LAB=5
# ```
#
# Run it in JupyterLab's terminal: *File → New → Terminal* opens one in the course folder, with the
# course's Python ready (`python -m course check 5` does the same in any shell there).
