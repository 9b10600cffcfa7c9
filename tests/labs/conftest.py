"""Per-run random inputs for the lab tests, so that no hard-coded answer passes them.

Every test that checks a value derived from a reply (or from prices, budgets, limits, prompts) draws
its inputs from ``rng``: a ``random.Random`` seeded from the run's seed and the test's name. The seed
is printed in pytest's header and added to a failing test's report, so a failure can be replayed::

    LAB_TEST_SEED=1234 make check LAB=1

``script`` makes the stub answer chosen prompts with chosen replies (a reply file written for this
test), so a test can vary the reply itself. Both live on the trusted side: only the values they make
(strings, dicts, SDK objects) reach the lab code.
"""

from __future__ import annotations

import os
import random
import re
import string
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml

from course.backend import DEFAULT_MODEL as COURSE_DEFAULT_MODEL
from course.backend import REPLIES_DIR
from course.grading.capabilities import lab_may_call
from llm_stub import StubConfig, StubServer, catalog

SEED_VARIABLE = "LAB_TEST_SEED"


def _run_seed() -> int:
    value = os.environ.get(SEED_VARIABLE, "").strip()
    if value:
        return int(value)
    return random.SystemRandom().randrange(1, 10**6)


RUN_SEED = _run_seed()


def pytest_report_header(config: pytest.Config) -> str:
    return f"lab tests: random inputs from seed {RUN_SEED} (replay with {SEED_VARIABLE}={RUN_SEED})"


def _with_note(text: str, note: str) -> str:
    """``text`` with ``note`` as a line of its own, before pytest's ``assert ...`` explanation if any."""
    head, sep, tail = text.partition("\nassert ")
    return f"{head}\n{note}{sep}{tail}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    exc = getattr(call.excinfo, "value", None)
    if exc is not None and "rng" in getattr(item, "fixturenames", ()):
        note = f"seed: {RUN_SEED} (the inputs were random; replay them with {SEED_VARIABLE}={RUN_SEED})"
        if isinstance(getattr(exc, "msg", None), str) and "seed: " not in exc.msg:  # pytest.fail(...)
            exc.msg = _with_note(exc.msg, note)
        elif exc.args and isinstance(exc.args[0], str) and "seed: " not in exc.args[0]:
            exc.args = (_with_note(exc.args[0], note), *exc.args[1:])
        item.user_properties.append(("seed", RUN_SEED))
    yield


# Word lists for inputs that read like real text ("Mara packs the quiet lantern near a harbour."), not random
# letters. Plain, everyday words: none of them is an order number, a name the tests ask about, a JSON word or
# a phrase of the course's scripted replies, so a sentence never triggers a rule by chance.
NAMES = (
    "Ada Amara Anton Bea Bruno Carmen Chidi Dara Elif Emil Farah Felix Greta Hana Hugo Ines Ivo Jonas Kai Kenji "
    "Lena Leon Lina Luca Maia Mara Marek Mateo Mina Nadia Nico Noor Olga Omar Oscar Priya Rafa Rosa Ruben Sami "
    "Sara Silas Sofia Tariq Tessa Theo Uma Vera Viktor Wen Yara Yusuf Zane Zoe"
).split()
NOUNS = (
    "apple badge basket beacon bench bicycle blanket boat bottle bridge bucket button cabin candle canvas "
    "castle chair chimney cliff clock cloud compass cottage curtain desk door drum feather fence fern field "
    "garden gate glove harbour hat hill island jacket jar kettle key ladder lake lamp lantern leaf letter "
    "library map market meadow mirror mountain notebook orchard paddle painting path pebble pencil piano "
    "pillow pocket pond river road rope saddle scarf shelf shore signal station stone street suitcase "
    "table teapot tent thread tower train tree trumpet tunnel umbrella valley village violin wagon wall "
    "window workshop"
).split()
ADJECTIVES = (
    "amber ancient blue bright busy calm careful cheerful clever cold copper crooked dusty early empty "
    "faded gentle golden green heavy hidden hollow little lively lonely loud narrow new old pale patient "
    "polished quiet rainy rapid rusty shiny silent silver slow small smooth steady sturdy sunny tall tidy "
    "tiny warm wooden yellow young"
).split()
VERBS = (
    "builds carries cleans closes collects draws fixes folds follows finds holds lifts mends moves opens "
    "packs paints passes pulls pushes reads repairs shares sketches sorts spots stacks visits washes watches "
    "wraps"
).split()
PLACES = "near behind beside under above across past inside".split()


class Rng(random.Random):
    """``random.Random`` with a few helpers for test inputs that read like real text."""

    def word(self, low: int = 4, high: int = 9) -> str:
        """One lower-case word (of ``low`` to ``high`` letters when the lists have one that long)."""
        fitting = [w for w in NOUNS + ADJECTIVES if low <= len(w) <= high]
        return self.choice(fitting or NOUNS)

    def distinct_words(self, n: int) -> list[str]:
        """``n`` different words (a dict keyed by them keeps ``n`` keys)."""
        return self.sample(sorted(set(NOUNS + ADJECTIVES)), n)

    def words(self, n: int) -> str:
        """``n`` words that read like a phrase: "mara packs the quiet lantern near a harbour"."""
        pattern = [
            lambda: self.choice(NAMES),
            lambda: self.choice(VERBS),
            lambda: self.choice(["the", "a", "her", "his", "our"]),
            lambda: self.choice(ADJECTIVES),
            lambda: self.choice(NOUNS),
            lambda: self.choice(PLACES),
            lambda: self.choice(["the", "a"]),
            lambda: self.choice(NOUNS),
            lambda: self.choice(["and", "then", "while"]),
        ]
        text = " ".join(pattern[i % len(pattern)]() for i in range(n))
        return re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", text)  # "an early hill", not "a early hill"

    def sentence(self, low: int = 3, high: int = 12) -> str:
        """A sentence of ``low`` to ``high`` words, capitalised, ending with a noun and a full stop."""
        # words() ends on a verb or a noun after 2, 5, 8, 11, ... words: pick one of those lengths.
        whole = [n for n in range(low, high + 1) if n % 9 in (2, 5, 8)]
        text = self.words(self.choice(whole) if whole else self.randint(low, high))
        return text[0].upper() + text[1:] + "."

    def token(self) -> str:
        """A marker unlikely to appear anywhere by chance, e.g. ``zq7k2m``: scripts a reply for one test."""
        return "zq" + "".join(self.choice(string.ascii_lowercase + string.digits) for _ in range(8))


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> Rng:
    """A random source for this test, from the run's seed and the test's id (order-independent)."""
    return Rng(RUN_SEED * 1_000_003 + zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture
def script(stub, tmp_path: Path) -> Callable[..., None]:
    """``script({"prompt words": "the reply", ...})``: the stub answers a user message containing the
    prompt words with that reply (the course's replies still answer everything else). A value may also
    be a rule body, e.g. ``{"refusal": "..."}``, ``{"json": {...}}`` or ``{"steps": [...]}``. Rules
    installed by several calls in one test all apply."""

    book: list[dict] = []  # every rule installed in this test: a second call adds to the first

    def install(rules: dict[str, object]) -> None:
        for prompt, reply in rules.items():
            body = reply if isinstance(reply, dict) else {"reply": reply}
            book.append({"when": {"contains": prompt}, **body})
        path = tmp_path / f"script-{len(list(tmp_path.glob('script-*.yaml')))}.yaml"
        path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
        stub.configure(reply_files=[str(path), str(REPLIES_DIR)])

    return install


# --- the models the tests run on: the ONE place that names them ------------------------------------------


@dataclass(frozen=True)
class TestModel:
    """A model a test runs on, with what a Chat Completions request with tools needs on it."""

    id: str
    reasoning: bool
    models: Models | None = field(default=None, repr=False, compare=False)

    @property
    def tool_options(self) -> dict:
        """e.g. ``{"reasoning_effort": "none"}`` where the model's rules ask for it with tools (asked of the
        stub on first use: a first request with tools costs the stub a warm-up, paid once per process)."""
        return self.models.tool_options(self.id) if self.models is not None else {}

    def __str__(self) -> str:
        return self.id


class Models:
    """The course's default model and the catalogue's models the stub serves today, probed once a session.

    Re-point here when the catalogue changes: the default comes from ``course.backend.DEFAULT_MODEL``, the
    reasoning models from ``llm_stub.catalog.REASONING_MODELS``, every other name from the catalogue's
    aliases; a model the stub does not answer (shut down) is left out.
    """

    def __init__(self, client: openai.OpenAI) -> None:
        self.client = client
        served = [m.id for m in client.models.list().data]
        aliases = set(getattr(catalog, "ALIASES", served))
        self.catalogue = [m for m in served if m in aliases and catalog.family_of(m) is not None]
        self._works: dict[tuple[str, str], bool] = {}
        self._tools: dict[str, dict] = {}

    def _probe(self, model: str, api: str) -> bool:
        """Does the stub answer ``model`` today (on ``api``: "chat", or "responses" with a reasoning item first)?"""
        if (model, api) not in self._works:
            try:
                if api == "chat":
                    self.client.chat.completions.create(
                        model=model, messages=[{"role": "user", "content": "Hi"}]
                    )
                    ok = True
                else:
                    output = self.client.responses.create(model=model, input="Hi").output
                    ok = bool(output) and output[0].type == "reasoning"
            except openai.APIStatusError:
                ok = False
            self._works[(model, api)] = ok
        return self._works[(model, api)]

    def tool_options(self, model: str) -> dict:
        """What a Chat Completions request with tools needs on ``model``: ``{}``, or the ``reasoning_effort``
        the model's rules ask for (found by asking the stub, which knows each model's rules)."""
        if model not in self._tools:
            tool = {
                "type": "function",
                "function": {"name": "noop", "parameters": {"type": "object", "properties": {}}},
            }
            messages = [{"role": "user", "content": "Hi"}]
            for options in ({}, {"reasoning_effort": "none"}, {"reasoning_effort": "minimal"}):
                try:
                    self.client.chat.completions.create(
                        model=model, messages=messages, tools=[tool], **options
                    )
                except openai.BadRequestError:
                    continue
                self._tools[model] = options
                break
            else:
                self._tools[model] = {}
        return dict(self._tools[model])

    def model(self, model: str) -> TestModel:
        return TestModel(model, catalog.family_of(model) == catalog.REASONING, self)

    @property
    def default(self) -> TestModel:
        """The course's default model."""
        return self.model(COURSE_DEFAULT_MODEL)

    def reasoning(self, rng: random.Random, api: str = "responses") -> TestModel:
        """A reasoning model drawn per run among those the stub serves; on the Responses API its output
        starts with a reasoning item."""
        candidates = [m for m in catalog.REASONING_MODELS if m in self.catalogue]
        rng.shuffle(candidates)
        found = next((m for m in candidates if self._probe(m, "chat") and self._probe(m, api)), None)
        if found is None:
            pytest.fail(f"(test setup) the stub serves no reasoning model among {catalog.REASONING_MODELS}")
        return self.model(found)

    def plain(self, rng: random.Random) -> TestModel:
        """A model without reasoning drawn per run (its output is the text alone: caps cut the text itself)."""
        return self.model(
            self.any(rng, [m for m in self.catalogue if catalog.family_of(m) != catalog.REASONING])
        )

    def any(self, rng: random.Random, among: Any = None) -> str:
        """A model name drawn per run among the catalogue's models the stub serves (or among ``among``)."""
        pool = [m for m in self.catalogue if among is None or m in among]
        rng.shuffle(pool)
        found = next((m for m in pool if self._probe(m, "chat")), None)
        if found is None:
            pytest.fail(f"(test setup) the stub serves none of the models {sorted(among or self.catalogue)}")
        return found


@pytest.fixture(scope="session")
def models() -> Iterator[Models]:
    """Probed on a stub of its own: the tests' stub sees no request of the probes (journal, fault plans)."""
    with StubServer(StubConfig(reply_files=[str(REPLIES_DIR)])) as server:
        yield Models(
            openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=60)
        )


MODEL_KINDS = ("default", "reasoning")


@pytest.fixture(params=MODEL_KINDS, ids=[f"{k}-model" for k in MODEL_KINDS])
def model(request: pytest.FixtureRequest, models: Models, rng: Rng) -> TestModel:
    """Each test that takes it runs twice: on the course's default model and on a reasoning model."""
    return models.default if request.param == "default" else models.reasoning(rng)


# --- tools made per run, and scripted tool loops ---------------------------------------------------------

TOOL_VERBS = ("get", "find", "check", "list", "count", "fetch", "lookup", "measure")


class Toolbox:
    """Tools made for one test: names, one parameter each, descriptions and results drawn per run.

    Each tool is a real Python function (type hints, a docstring with ``Args:``), so lab 4's
    ``function_to_tool`` and lab 6's ``Assistant`` take it as it is; ``chat_tools()`` and
    ``responses_tools()`` are its definitions in each wire format. Every call is recorded in ``calls``
    (name, arguments); ``result(name, value)`` is what the function returns for that argument (a dict, a
    list, a string or a number, drawn per run, the same for the same argument).
    """

    def __init__(self, rng: Rng, n: int) -> None:
        self.rng = rng
        self.calls: list[tuple[str, dict]] = []
        self._results: dict[tuple[str, str], Any] = {}
        self._raises: dict[str, BaseException] = {}
        names: list[str] = []
        while len(names) < n:
            name = f"{rng.choice(TOOL_VERBS)}_{rng.word()}"
            if name not in names:
                names.append(name)
        self.params = {name: rng.word() for name in names}
        self.descriptions = {name: rng.sentence() for name in names}
        self.functions = {name: self._make(name) for name in names}

    @property
    def names(self) -> list[str]:
        return list(self.functions)

    def _make(self, name: str) -> Callable[..., Any]:
        param = self.params[name]
        source = (
            f"def {name}({param}: str):\n"
            f'    """{self.descriptions[name]}\n\n    Args:\n        {param}: {self.rng.sentence()}\n    """\n'
            f"    return _run({name!r}, {param})\n"
        )
        namespace: dict[str, Any] = {}
        exec(compile(source, f"<toolbox:{name}>", "exec"), {"_run": self._run}, namespace)  # noqa: S102
        return lab_may_call(namespace[name])  # lab code calls it (under the grader too)

    def _run(self, name: str, value: str) -> Any:
        self.calls.append((name, {self.params[name]: value}))
        if len(self.calls) > 60:
            raise RunawayLoop
        if name in self._raises:
            raise self._raises[name]
        return self.result(name, value)

    def result(self, name: str, value: str) -> Any:
        if (name, value) not in self._results:
            rng = self.rng
            self._results[(name, value)] = rng.choice(
                [
                    {rng.word(): rng.randint(-40, 40), "about": value, "note": rng.token()},
                    [value, rng.randint(0, 999), rng.token()],
                    f"{value}: {rng.sentence()} ({rng.token()})",
                    rng.randint(-(10**6), 10**6),
                ]
            )
        return self._results[(name, value)]

    def set_result(self, name: str, value: str, result: Any) -> None:
        """Make ``name(value)`` return ``result`` (a test that needs one result of each kind)."""
        self._results[(name, value)] = result

    def raise_on(self, name: str, error: BaseException) -> None:
        """Make every call of ``name`` raise ``error`` (a tool that fails, or ends the turn the hard way)."""
        self._raises[name] = error

    def arguments(self, name: str) -> dict:
        """Arguments for a call of ``name``, drawn per run (a word the function gets)."""
        return {self.params[name]: f"{self.rng.word()} {self.rng.token()}"}

    def schema(self, name: str) -> dict:
        return {
            "type": "object",
            "properties": {self.params[name]: {"type": "string"}},
            "required": [self.params[name]],
            "additionalProperties": False,
        }

    def chat_tools(self) -> list[dict]:
        return [
            {
                "type": "function",
                "function": {
                    "name": n,
                    "description": self.descriptions[n],
                    "parameters": self.schema(n),
                    "strict": True,
                },
            }
            for n in self.names
        ]

    def responses_tools(self) -> list[dict]:
        return [
            {
                "type": "function",
                "name": n,
                "description": self.descriptions[n],
                "parameters": self.schema(n),
                "strict": True,
            }
            for n in self.names
        ]

    def registry(self) -> dict[str, Callable[..., Any]]:
        return dict(self.functions)


class RunawayLoop(BaseException):
    """Raised by a test's tool when a loop goes far past any step limit (stops a loop that has none)."""


@dataclass
class ScriptedTurn:
    """A tool loop scripted for one test: what the model does at each step, and the answer at the end."""

    question: str
    rounds: list[list[tuple[str, dict]]]  # per step with calls: (tool name, arguments), in order
    answer: str
    toolbox: Toolbox
    texts: list[str | None] = field(default_factory=list)  # text beside each round's calls (None: no text)

    @property
    def steps(self) -> int:
        """Model calls the loop needs: one per round of calls, one for the answer."""
        return len(self.rounds) + 1

    def expected_calls(self) -> list[tuple[str, dict]]:
        return [call for round_ in self.rounds for call in round_]

    def outputs(self, k: int) -> list:
        """The results of round ``k``'s calls, in order."""
        return [self.toolbox.result(name, next(iter(args.values()))) for name, args in self.rounds[k]]


@pytest.fixture
def scripted_turn(script, rng: Rng) -> Callable[..., ScriptedTurn]:
    """``scripted_turn(toolbox, rounds=[2, 1], text_beside=False, finish_reason=None, empty_list=False,
    forever=False)``: the stub answers a question made for this test with ``len(rounds)`` steps of calls
    (``rounds[k]`` calls at once, drawn among the toolbox's tools), then a final answer (with
    ``"tool_calls": []`` beside it when ``empty_list``); with ``forever`` the last round repeats and the
    model never answers. ``text_beside`` puts text beside each round's calls; ``finish_reason`` is sent
    with each round's calls instead of ``"tool_calls"``."""

    def make(
        toolbox: Toolbox,
        rounds: list[int],
        *,
        text_beside: bool = False,
        finish_reason: str | None = None,
        empty_list: bool = False,
        forever: bool = False,
    ) -> ScriptedTurn:
        marker = rng.token()
        question = f"{marker} {rng.sentence()}"
        answer = rng.sentence(5, 14)
        planned = [
            [(name, toolbox.arguments(name)) for name in rng.choices(toolbox.names, k=k)] for k in rounds
        ]
        texts = [rng.sentence(3, 8) if text_beside else None for _ in rounds]
        steps: list[dict] = []
        for calls, text in zip(planned, texts, strict=True):
            step: dict = {"tool_calls": [{"name": n, "arguments": a} for n, a in calls]}
            if text is not None:
                step["reply"] = text
            if finish_reason is not None:
                step["finish_reason"] = finish_reason
            steps.append(step)
        if not forever:
            steps.append({"reply": answer, **({"tool_calls": []} if empty_list else {})})
        script({marker: {"steps": steps}})
        return ScriptedTurn(question, planned, answer, toolbox, texts)

    return make


@pytest.fixture
def toolbox(rng: Rng) -> Callable[[int], Toolbox]:
    """``toolbox(n)``: ``n`` tools made for this test (see ``Toolbox``)."""
    return lambda n: Toolbox(rng, n)
