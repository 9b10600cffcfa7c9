# %% [markdown]
# # 00 · Setup: your first LLM call, with no key and no account
#
# This course teaches you to call a large language model (LLM) from Python: send messages, stream replies,
# get JSON back, let the model call your functions, and survive token limits, errors and rate limits.
#
# **Why start here?** Most tutorials begin with "get an API key and a credit card". This one begins by
# working. The course ships with a small **stub server** that speaks the same HTTP API as OpenAI, so every
# notebook runs on your machine, for free, with predictable answers. When you want a real model, you add a
# key to a `.env` file and the very same notebooks talk to OpenAI or any OpenAI-compatible provider.
#
# The stub speaks the real wire format (requests, streaming, token counts, tools, JSON schemas, errors, rate
# limits), but it is not a language model: section 1 prints, in one sentence, what it can and cannot do.
#
# What you need: Python 3.11+ and the packages from `requirements.txt` (`make lab` installs them into `.venv`).

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

# %% [markdown]
# ## 1. Choose the backend
#
# `course.setup()` is the first code cell of every lesson. It reads `.env` if there is one, then:
#
# * if `OPENAI_API_KEY` is set (and `LLM_BACKEND` is not `stub`), it uses that provider;
# * otherwise it starts the stub in the background and sets `OPENAI_BASE_URL` and `OPENAI_API_KEY`
#   so that a plain `OpenAI()` finds it.
#
# It prints one line saying which backend, base URL and model you are on. It never prints your key.

# %%
import course

backend = course.setup()

# %% [markdown]
# What the stub can and cannot do (every chat box in the course repeats it while it talks to the stub):

# %%
import llm_stub

if backend.is_stub:
    print(llm_stub.LIMITS_SENTENCE)

# %% [markdown]
# The stub listens on a free port on `127.0.0.1` (your machine only). The SDK reads two environment
# variables, which `setup()` filled in for you. Look at them; the key is masked, as any key should be
# whenever you print it:

# %%
import os

print("OPENAI_BASE_URL =", os.environ["OPENAI_BASE_URL"])
print("OPENAI_API_KEY  =", course.mask(os.environ["OPENAI_API_KEY"]))
print("MODEL           =", backend.model)

# %% [markdown]
# ## 2. The first call
#
# Three lines matter: make a client, send a list of messages, read the reply. `OpenAI()` takes its key and
# base URL from the environment, which is why **the key never appears in your code**. Hard-coding a key in a
# notebook is the most common way keys leak (into git, into shared outputs, into screenshots).

# %%
from openai import OpenAI

client = OpenAI()  # reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment

response = client.chat.completions.create(
    model=backend.model,
    messages=[{"role": "user", "content": "In one sentence, what is a large language model?"}],
)
print(response.choices[0].message.content)

# %% [markdown]
# The reply is nested: `response.choices[0].message.content`. The next lesson explains every layer of that
# object. For now, notice one more field that every response carries, `usage`: how many **tokens** the
# request and the reply cost. Providers bill by the token.

# %%
usage = response.usage
print(usage.prompt_tokens, "prompt tokens +", usage.completion_tokens, "completion tokens =", usage.total_tokens, "tokens")
details = usage.completion_tokens_details
reasoning = details.reasoning_tokens if details and details.reasoning_tokens else 0
print(f"of the {usage.completion_tokens} completion tokens, {reasoning} were hidden reasoning")

# %% [markdown]
# Look at the last line. Today's OpenAI models **reason** before they answer, even for a one-sentence question:
# they write hidden *reasoning tokens* first, which you never see but pay for as output. That is why the
# completion counts far more tokens than the sentence above. Lesson 01 shows how to turn it down
# (`reasoning_effort`) and what it costs.

# %% [markdown]
# ### Where the key lives, and where it never goes
#
# An API key is a password that spends your money. Three rules:
#
# * **Read it from the environment** (`.env` locally, a *secret manager* in production: your cloud's secret
#   store, your CI's encrypted secrets, a vault), never from a string in your code.
# * **Never commit it.** `.env` is in `.gitignore`; a key pushed to a public repository is found by scanners
#   within minutes. If one leaks, revoke it on the provider's dashboard and make a new one.
# * **Never ship it to a browser or a mobile app.** Whatever a web page or an app contains, its user can read:
#   the developer tools show every request and its `Authorization` header, and an app package can be unpacked.
#   Anyone who copies the key can then call the API on your bill. So a web front end calls **your** server,
#   and only your server, which holds the key, calls the LLM provider.
#
# ```
# browser ──(your own API, your login)──► your server (key from the environment) ──(Authorization: Bearer sk-…)──► provider
# ```

# %% [markdown]
# ## 3. When something is wrong: the doctor
#
# `python -m course doctor` (or `make doctor`) checks your Python, the pinned packages, `.env`, the key
# (masked), that the base URL answers and that the model exists. Each problem comes with the fix.

# %%
from course import doctor

problems = doctor.run()  # 0 when every check passed

# %% [markdown]
# ## 4. Using a real provider
#
# 1. Copy `.env.example` to `.env` (it is git-ignored, so your key stays on your machine).
# 2. Set `OPENAI_API_KEY`, and for a provider other than OpenAI, `OPENAI_BASE_URL` and `MODEL`
#    (`.env.example` has blocks for OpenAI, Azure OpenAI, Ollama, Groq and OpenRouter).
# 3. Restart the kernel and run the notebook again: the first line now names your provider.
#
# The model matters too. Without a key, `MODEL` picks one of the models the stub serves; the default is
# `gpt-6-luna`, the model OpenAI recommends for cheap, high-volume work. Every notebook runs on any of them.
#
# Set `LLM_BACKEND=stub` to go back to the stub without deleting your key. Cells that only make sense on the
# stub (the ones that inject errors on purpose) say so and are skipped on a real provider.
#
# ## 5. Choosing a model, and knowing when it retires
#
# A provider offers many models, and they differ in what matters to you: the price per token, how much text
# they can read at once (the **context window**), and how hard they can think before answering (the
# **reasoning effort**). The course keeps one table of OpenAI's current models, with the source of every
# number (`llm_stub/data/models.toml`; `docs/providers.md` shows it whole). Prices are US dollars per
# million tokens:

# %%
from course import models

print(models.table())

# %% [markdown]
# How to read it: *effort* is the range of `reasoning_effort` values the model takes on Chat Completions
# (lesson 01b, section 4) and *default* the one it uses when you send none; *sampling* says when it accepts
# `temperature` (always, only at effort `none`, or never: lesson 01b, section 3), and *CC tools* when it takes
# function tools on Chat Completions (lesson 04, section 2). Every one of these models reasons by default. For a
# first project, start with the cheapest model that does the job (the default), and measure before you pay
# more: lesson 06 compares models on the same questions.
#
# **Models retire.** Providers shut old models down, usually with months of notice, and from that day every
# request to them fails. OpenAI lists the dates on its deprecations page, and `GET /v1/models` gives each model
# a `shutdown_date` (`null` when none is announced): code that runs for months should read it.
# `course.setup()` and `python -m course doctor` do, and warn you when your `MODEL` is about to go.

# %% tags=["deprecation"]
current = client.models.retrieve(backend.model)
print(f"{current.id}: shutdown_date = {current.shutdown_date}")
dated = sorted((m for m in client.models.list() if getattr(m, "shutdown_date", None)), key=lambda m: (m.shutdown_date, m.id))
print(f"{len(dated)} models have a shutdown date, for example:")
for m in dated[:: max(1, len(dated) // 6)][:6]:
    print(f"  {m.id:<24} {m.shutdown_date}")

# %% [markdown] tags=["deprecation"]
# And the day after? A request to a model past its shutdown date gets a **404**, with a message that says
# so. The cell asks the model with the earliest date in that list (on a real provider, if it still lists one):

# %% tags=["deprecation"]
import openai

if dated:
    try:
        client.chat.completions.create(model=dated[0].id, messages=[{"role": "user", "content": "Hello"}])
        print(f"{dated[0].id} still answers (its date, {dated[0].shutdown_date}, has not come yet)")
    except openai.NotFoundError as err:
        print(err.status_code, err.code, "|", err.body["message"])

# %% [markdown]
# The 404's `code` is `model_not_found`, the same as for a name with a typo; the message tells them apart. The
# fix is never a retry: set `MODEL` to a current model (the replacement OpenAI names is on its deprecations
# page, and in `docs/providers.md`).
#
# ## Next
#
# Open [`01_messages.ipynb`](01_messages.ipynb): the one mental model behind every LLM API, a function over a
# list of messages.
