"""The capstone's assistant (notebooks/src/06_capstone.py) survives every stream fault the stub can inject.

The lesson's own code is run, not a copy: the code cells up to the ``ShopAssistant`` class are executed
against a fresh embedded stub, and the assistant is then driven through the stub's stream faults
(``stream_cut``, ``stream_drop``, ``stream_error``: llm_stub/faults.py) at a chunk drawn per run, on a plain
answer and on a tool call. The notebook shows one chunk per fault; these tests try them all.
"""

from __future__ import annotations

import os
import random

import jupytext
import openai
import pytest

from course.backend import DEFAULT_MODEL, start_stub
from tools import lesson

FAULTS = ["stream_cut", "stream_drop", "stream_error"]
SEED = int.from_bytes(os.urandom(4), "big")
PLAIN = "How long do refunds usually take?"
TOOL_TURN = "Hi! My order A1001 hasn't arrived yet. Where is it?"


@pytest.fixture(scope="module")
def capstone():
    """The capstone's namespace after its definitions (sections 1 to 4), on a stub of its own."""
    saved = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
    backend = start_stub(DEFAULT_MODEL)
    try:
        cells = [c for c in jupytext.read(lesson.source_path("06_capstone")).cells if c.cell_type == "code"]
        last = next(i for i, c in enumerate(cells) if "class ShopAssistant" in c.source)
        namespace: dict = {"backend": backend}
        for cell in cells[1 : last + 1]:  # the first cell is course.setup(): the backend is given instead
            exec(compile(cell.source, "06_capstone.py", "exec"), namespace)  # noqa: S102 - the course's own lesson
        yield namespace
    finally:
        backend.stub.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def frames_before_finish(ns: dict, question: str) -> int:
    """Data frames the assistant's first request streams before its finish chunk (role chunk included)."""
    messages = [{"role": "system", "content": ns["SYSTEM_PROMPT"]}, {"role": "user", "content": question}]
    frames = 0
    for chunk in ns["client"].chat.completions.create(
        model=ns["MODEL"], messages=messages, tools=ns["TOOLS"], stream=True, **ns["TOOL_PARAMS"]
    ):
        if any(c.finish_reason for c in chunk.choices):
            return frames
        frames += 1
    raise AssertionError("the stub's stream had no finish chunk")


def assistant_with_faults(ns: dict, steps: list[str]):
    bot = ns["ShopAssistant"](ns["client"], ns["MODEL"], sleep=lambda seconds: None, log=lambda message: None)
    plan_id = f"capstone-test-{random.getrandbits(40):010x}"
    ns["backend"].stub.add_fault(steps, plan_id=plan_id)
    bot.client = bot.client.with_options(default_headers={"x-stub-fault-id": plan_id})
    return bot


@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize("question", [PLAIN, TOOL_TURN], ids=["answer", "tool-call"])
def test_a_broken_stream_is_retried_shown_once_and_stored_whole(capstone, kind, question):
    rng = random.Random(f"{SEED}-{kind}-{question}")
    ns = capstone
    expected = ns["ShopAssistant"](ns["client"], ns["MODEL"], log=lambda message: None).ask(question)
    after = rng.randint(0, frames_before_finish(ns, question))
    bot = assistant_with_faults(ns, [f"{kind}:{after}", "ok"])
    shown: list[str] = []
    reply = bot.ask(question, on_token=shown.append)
    where = f"{kind}:{after} on the first request (seed {SEED})"
    assert reply == expected, f"{where}: the reply should be the whole one, {expected!r}; got {reply!r}"
    assert "".join(shown) == reply, (
        f"{where}: the screen should show the reply once; it showed {''.join(shown)!r}"
    )
    assert bot.history[0] == {"role": "user", "content": question}
    assert bot.history[-1] == {"role": "assistant", "content": reply}, (
        f"{where}: the history ends {bot.history[-1]}"
    )
    runs = [m for m in bot.history if m.get("role") == "tool"]
    assert len(runs) == (1 if question == TOOL_TURN else 0), f"{where}: the tool ran {len(runs)} times"


@pytest.mark.parametrize("kind", FAULTS)
def test_a_stream_that_never_finishes_leaves_the_history_as_it_was(capstone, kind):
    rng = random.Random(f"{SEED}-{kind}-never")
    ns = capstone
    after = rng.randint(0, frames_before_finish(ns, PLAIN))
    bot = assistant_with_faults(ns, [f"{kind}:{after}"] * 4)
    bot.history = [
        {"role": "user", "content": "Hello!"},
        {"role": "assistant", "content": "Hello! How can I help?"},
    ]
    before = list(bot.history)
    with pytest.raises(openai.APIConnectionError):  # IncompleteStream is one too
        bot.ask(PLAIN)
    assert bot.history == before, f"{kind}:{after} every time (seed {SEED}): nothing may be stored"
    assert bot.requests == [], "no finished response, so nothing on the meter"
