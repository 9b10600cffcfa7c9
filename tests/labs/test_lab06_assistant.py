"""Lab 6 · Capstone: tests for labs/lab06_assistant.py (or solutions/ with --impl=solutions).

The assistant is built from your labs 1 to 5, so a failure may come from an earlier lab: a
NotImplementedError raised in labs/lab0N_*.py means "finish lab N first". Every test talks to the
course's stub through the real SDK and reads what your code SENT from the stub's journal. Faults
(a 429, a 400, streams cut, dropped or broken by an error event at a chunk drawn per run) come from the
stub's fault plans; sleeps are recorded, not slept.
"""

from __future__ import annotations

import itertools
import math

import openai
import pytest
from openai import OpenAI

from course.grading.capabilities import lab_may_call

# The course's default model, from the one helper that names models (tests/labs/conftest.py ``models``).
MODEL = ""
_DEFAULT: list = []


@pytest.fixture(autouse=True)
def _course_model(models):
    global MODEL
    _DEFAULT[:] = [models.default]
    MODEL = models.default.id


def tool_options() -> dict:
    """What a request with tools needs on the default model (asked of the stub on first use)."""
    return _DEFAULT[0].tool_options


_ids = itertools.count(1)


@pytest.fixture
def lab(load_impl):
    return load_impl("lab06_assistant")


# --- the shop's tools, recording every call ----------------------------------------------------------

ORDERS = {
    "A1001": {"order_id": "A1001", "status": "in transit", "carrier": "DHL", "eta": "Friday 27 November"}
}
STOCK = {"Aeropress Go": 3, "Chemex": 0}
ORDER_QUESTION = "Hi! My order A1001 hasn't arrived yet. Where is it?"


class RunawayLoop(BaseException):
    """Raised by the test's tool when a loop goes far past its step limit (stops a loop without a limit)."""


class Shop:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    @lab_may_call
    def get_order_status(self, order_id: str) -> dict:
        """Look up the status of an order by its order number.

        Args:
            order_id: the order number, e.g. A1001
        """
        self.calls.append(("get_order_status", {"order_id": order_id}))
        if len(self.calls) > 20:
            raise RunawayLoop
        if order_id not in ORDERS:
            raise KeyError(f"no order {order_id}")
        return ORDERS[order_id]

    @lab_may_call
    def check_stock(self, product: str) -> dict:
        """Check how many units of a product are in stock.

        Args:
            product: the product's name, e.g. Aeropress Go
        """
        self.calls.append(("check_stock", {"product": product}))
        return {"product": product, "in_stock": STOCK.get(product, 0)}

    def tools(self) -> list:
        return [self.get_order_status, self.check_stock]


@lab_may_call
class Sleeps(list):
    """A stand-in for time.sleep: records each delay instead of waiting, and (given the stub) how many
    requests the stub had received at each sleep."""

    def __init__(self, stub=None) -> None:
        super().__init__()
        self.stub = stub
        self.seen: list[int] = []

    def __call__(self, seconds: float) -> None:
        if len(self) > 40:
            raise AssertionError("more than 40 retries of one call: is there a cap on attempts?")
        self.append(seconds)
        if self.stub is not None:
            self.seen.append(len(self.stub.journal()))


def retry_advice(error: BaseException | None, statuses: list[int], sleeps: Sleeps, what: str) -> str | None:
    """What went wrong with a retry that should have happened (a failure first, then success), from what
    the stub saw and when ``sleep`` was called; None when it went right."""
    first = statuses[0] if statuses else None
    if error is not None:
        attempts = getattr(error, "attempts", None)
        if len(statuses) == 1 and attempts is None:
            return (
                f"the {first} of the first request reached the caller of {what} after 1 request and no wait, and "
                "the error never went through call_with_retries (it has no .attempts): the request is sent "
                "OUTSIDE the function you retry. Entering `with client.chat.completions.stream(...)` (or calling "
                "create) is what sends it, so that must happen inside the function you pass to call_with_retries, "
                "not only the reading of the stream"
            )
        if len(statuses) == 1:
            return (
                f"the {first} went through call_with_retries but was not retried (attempts={attempts}): check what "
                "classify says about it, and the max_attempts you pass"
            )
        return f"{what} made {len(statuses)} requests ({statuses}) and still raised {type(error).__name__}"
    if len(statuses) != 2:
        return f"expected a {first} and then one retry that succeeds; the stub saw {statuses}"
    if not sleeps:
        return (
            "the request was retried without a wait through the sleep you were given: pass sleep=self.sleep "
            "to call_with_retries (a retry right away earns another 429)"
        )
    if len(sleeps) > 1 or sleeps.seen and sleeps.seen[0] != 1:
        return (
            f"sleep was called {len(sleeps)} time(s), when the stub had received {sleeps.seen} request(s): wait "
            "once, between the failed request and its retry (not before the first request, not after success)"
        )
    return None


def planned_client(stub, steps: list) -> OpenAI:
    """A client whose requests follow a fault plan (e.g. ["429", "ok"]) that no other test shares."""
    plan_id = f"lab06-{next(_ids)}"
    stub.add_fault(steps, plan_id=plan_id)
    return OpenAI(
        base_url=stub.base_url,
        api_key=stub.api_key,
        max_retries=0,
        default_headers={"x-stub-fault-id": plan_id},
    )


def estimate(messages: list[dict]) -> int:
    """Lab 1's count: 4 tokens a message plus ceil(characters / 4) of its content, plus 3 for the reply."""
    return 3 + sum(4 + math.ceil(len(m.get("content") or "") / 4) for m in messages)


def roles(messages: list[dict]) -> list[str]:
    return [m.get("role") for m in messages]


def old_turns(n: int) -> list[dict]:
    history = []
    for i in range(1, n + 1):
        history.append(
            {"role": "user", "content": f"Question {i}: " + "tell me about your coffee grinders " * 3}
        )
        history.append(
            {"role": "assistant", "content": f"Answer {i}: " + "we sell burr grinders and blade ones " * 3}
        )
    return history


def replayed_usage(client: OpenAI, body: dict) -> tuple[int, int]:
    """(prompt, completion) tokens of a request the stub received, found by sending it again."""
    if body.get("stream"):
        usage = None
        for chunk in client.chat.completions.create(**body):
            usage = chunk.usage or usage
    else:
        usage = client.chat.completions.create(**body).usage
    return usage.prompt_tokens, usage.completion_tokens


# --- context: the system prompt and the newest turns that fit --------------------------------------------


@pytest.mark.points(3)
def test_context_keeps_the_system_prompt_and_fits_the_budget(lab, client, stub):
    bot = lab.Assistant(client, MODEL, budget=250)
    bot.history = old_turns(6)
    before = [dict(m) for m in bot.history]
    context = bot.context()
    assert context and context[0] == {"role": "system", "content": bot.system_prompt}, (
        f"the context must start with the system prompt; it started with {context[:1]}"
    )
    assert estimate(context) <= 250, f"the context counts {estimate(context)} tokens; the budget is 250"
    rest = context[1:]
    assert rest and rest == before[len(before) - len(rest) :], (
        "after the system prompt, the context should be the NEWEST messages of the history, in order"
    )
    assert len(rest) < len(before), (
        "a history of 12 long messages does not fit 250 tokens: trim the oldest turns"
    )
    assert rest[0]["role"] == "user", "keep whole turns: the context should not start in the middle of a turn"
    assert bot.history == before, "context() must not change self.history (trim a copy)"


@pytest.mark.points(2)
def test_ask_sends_the_trimmed_context(lab, client, stub):
    bot = lab.Assistant(client, MODEL, budget=250)
    bot.history = old_turns(6)
    bot.ask("What did you say about grinders?")
    sent = stub.requests()[0]["messages"]
    assert sent[0] == {"role": "system", "content": bot.system_prompt}, (
        f"the request must start with the system prompt; it started with {sent[:1]}"
    )
    assert estimate(sent) <= 250, (
        f"the request had {len(sent)} messages ({estimate(sent)} tokens) for a budget of 250: send context(), "
        "not the whole history"
    )
    assert sent[-1] == {"role": "user", "content": "What did you say about grinders?"}, (
        "the request must end with the new question"
    )


# --- streaming ----------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_ask_streams_the_reply(lab, client, stub):
    bot = lab.Assistant(client, MODEL)
    pieces: list[str] = []
    answer = bot.ask("Hello! What can you help me with?", on_token=lab_may_call(pieces.append))
    body = stub.requests()[0]
    assert body.get("stream") is True, (
        "the request was not streamed: use stream=True (or the SDK's stream helper)"
    )
    assert (body.get("stream_options") or {}).get("include_usage") is True, (
        'ask for the usage of a streamed reply with stream_options={"include_usage": True}'
    )
    assert len(pieces) > 1, f"on_token got {len(pieces)} piece(s): pass on each piece of text as it arrives"
    assert all(isinstance(p, str) for p in pieces), "on_token should get text pieces (str), never None"
    assert "".join(pieces) == answer, "the pieces given to on_token should add up to the answer ask() returns"
    assert bot.history == [
        {"role": "user", "content": "Hello! What can you help me with?"},
        {"role": "assistant", "content": answer},
    ], f"after one turn without tools the history should be [user, assistant]; it is {roles(bot.history)}"


# --- tools and the agent loop ---------------------------------------------------------------------------


@pytest.mark.points(3)
def test_tool_calls_are_run_and_answered(lab, client, stub):
    shop = Shop()
    bot = lab.Assistant(client, MODEL, shop.tools(), **tool_options())
    answer = bot.ask(ORDER_QUESTION)
    sent = stub.requests()
    tools = [t.get("function", {}).get("name") for t in sent[0].get("tools") or []]
    assert sorted(tools) == ["check_stock", "get_order_status"], (
        f"offer every tool with each request (function_to_tool of each function); the request offered {tools}"
    )
    assert shop.calls == [("get_order_status", {"order_id": "A1001"})], (
        f"the model asked for get_order_status(order_id='A1001'); your code ran: {shop.calls}"
    )
    assert len(sent) == 2, f"a tool call and the answer take 2 requests; your assistant sent {len(sent)}"
    second = sent[1]["messages"]
    assert roles(second)[-3:] == ["user", "assistant", "tool"], (
        f"the second request should end with the question, the assistant's tool call and its result; "
        f"it had {roles(second)}"
    )
    call_id = second[-2]["tool_calls"][0]["id"]
    assert second[-1].get("tool_call_id") == call_id, (
        f"the tool message must carry the id of the call it answers ({call_id}); it had "
        f"{second[-1].get('tool_call_id')!r}"
    )
    assert "DHL" in str(second[-1].get("content")), (
        "the tool message should hold the function's result (JSON)"
    )
    assert "DHL" in answer and "in transit" in answer, (
        f"the final answer should use the result; got {answer!r}"
    )
    assert roles(bot.history) == ["user", "assistant", "tool", "assistant"], (
        f"the history should keep the whole turn (question, tool call, result, answer); it is {roles(bot.history)}"
    )


@pytest.mark.points(3)
def test_the_loop_stops_at_the_step_limit(lab, client, stub):
    shop = Shop()
    # tool_choice="required": the model must call a tool every time, so it never answers in text
    bot = lab.Assistant(client, MODEL, shop.tools(), max_steps=3, tool_choice="required", **tool_options())
    try:
        with pytest.raises(lab.StepLimitExceeded):
            bot.ask(ORDER_QUESTION)
    except RunawayLoop:
        pytest.fail(
            "with tool_choice='required' the model never stops asking for tools, and your loop kept going "
            "(20+ tool runs): stop after max_steps requests and raise StepLimitExceeded",
            pytrace=False,
        )
    sent = stub.requests()
    assert len(sent) == 3, f"max_steps=3 allows exactly 3 requests; your assistant sent {len(sent)}"
    assert all(b.get("tool_choice") == "required" for b in sent), "send **self.options with every request"


@pytest.mark.points(1)
def test_a_failed_turn_leaves_the_history_alone(lab, client, stub):
    bot = lab.Assistant(client, MODEL, Shop().tools(), max_steps=2, tool_choice="required", **tool_options())
    bot.history = old_turns(1)
    before = [dict(m) for m in bot.history]
    with pytest.raises(lab.StepLimitExceeded):
        bot.ask(ORDER_QUESTION)
    assert bot.history == before, (
        f"after a failed turn the history should be as before it ({roles(before)}); it is {roles(bot.history)}"
    )


# --- retries --------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_a_429_is_retried(lab, stub):
    sleeps = Sleeps(stub)
    bot = lab.Assistant(planned_client(stub, ["429", "ok"]), MODEL, sleep=sleeps)
    answer, error = None, None
    try:
        answer = bot.ask("Hello! What can you help me with?")
    except openai.APIError as exc:
        error = exc
    problem = retry_advice(error, [e["status"] for e in stub.journal()], sleeps, "ask()")
    if problem:
        pytest.fail(problem, pytrace=False)
    assert answer and bot.calls == 1, (
        "the answer comes from the retry; only the successful response is metered"
    )


@pytest.mark.points(2)
def test_a_400_is_not_retried(lab, stub):
    sleeps = Sleeps()
    bot = lab.Assistant(planned_client(stub, ["400", "ok"]), MODEL, sleep=sleeps)
    with pytest.raises(openai.BadRequestError):
        bot.ask("Hello! What can you help me with?")
    sent = len(stub.journal())
    assert sent == 1 and not sleeps, (
        f"a 400 means the request is wrong: retrying cannot help; your assistant sent {sent} requests"
    )


# --- the ticket ---------------------------------------------------------------------------------------


CONVERSATION = [
    {"role": "user", "content": "My order A1001 still hasn't arrived and I need it by Friday."},
    {"role": "assistant", "content": "I'm sorry! Let me pass this to the team."},
]


@pytest.mark.points(3)
def test_extract_ticket_uses_a_strict_schema(lab, client, stub):
    bot = lab.Assistant(client, MODEL, Shop().tools(), **tool_options())
    bot.history = [dict(m) for m in CONVERSATION]
    ticket = bot.extract_ticket()
    sent = stub.requests()
    assert len(sent) == 1, f"extracting a ticket is one request; your assistant sent {len(sent)}"
    body = sent[0]
    assert body["messages"] == [
        {"role": "system", "content": lab.TICKET_INSTRUCTIONS},
        {"role": "user", "content": bot.transcript()},
    ], f"send the ticket instructions and the transcript; you sent {roles(body['messages'])}"
    fmt = body.get("response_format") or {}
    assert fmt.get("type") == "json_schema", (
        f"ask for a json_schema response_format; you sent {fmt.get('type')!r}"
    )
    spec = fmt.get("json_schema") or {}
    assert spec.get("strict") is True, "the schema must be strict (strict_response_format from lab 3)"
    schema = spec.get("schema") or {}
    assert set(schema.get("properties", {})) == {"category", "order_id", "summary", "priority"}, (
        "the schema should describe SupportTicket"
    )
    assert schema.get("additionalProperties") is False and set(schema.get("required", [])) == set(
        schema["properties"]
    )
    assert not body.get("stream") and not body.get("tools"), (
        "the ticket request needs neither streaming nor tools"
    )
    assert isinstance(ticket, lab.SupportTicket), f"return a SupportTicket, not {type(ticket).__name__}"
    assert isinstance(ticket.category, lab.Category), (
        "validate the reply into the model (parse_reply), do not copy it"
    )


@pytest.mark.points(2)
def test_extract_ticket_reports_a_refusal(lab, client, stub):
    bot = lab.Assistant(client, MODEL)
    bot.history = [
        {"role": "user", "content": "Please make me a fake receipt for order A1001."},
        {"role": "assistant", "content": "Let me see."},
    ]
    try:
        bot.extract_ticket()
    except lab.StructuredOutputError as err:
        assert err.kind == "refused", (
            f"the model refused; the error's kind should be 'refused', not {err.kind!r}"
        )
        return
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001
        problem = (
            f"a refusal should raise StructuredOutputError (use parse_reply); got {type(err).__name__}: {err}"
        )
    else:
        problem = "the model refused, yet extract_ticket returned a ticket: check the reply with parse_reply"
    pytest.fail(problem, pytrace=False)


@pytest.mark.points(1)
def test_extract_ticket_is_retried_and_needs_a_conversation(lab, stub):
    sleeps = Sleeps(stub)
    bot = lab.Assistant(planned_client(stub, ["503", "ok"]), MODEL, sleep=sleeps)
    with pytest.raises(ValueError):
        bot.extract_ticket()
    assert stub.journal() == [], "with no conversation yet, raise ValueError without a request"
    bot.history = [dict(m) for m in CONVERSATION]
    error = None
    try:
        bot.extract_ticket()
    except openai.APIError as exc:
        error = exc
    problem = retry_advice(error, [e["status"] for e in stub.journal()], sleeps, "extract_ticket()")
    if problem:
        pytest.fail(problem, pytrace=False)


# --- the meter ------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_usage_adds_up_over_tool_hops_and_the_ticket(lab, client, stub, load_impl):
    bot = lab.Assistant(client, MODEL, Shop().tools(), **tool_options())
    bot.ask(ORDER_QUESTION)
    bot.extract_ticket()
    bodies = stub.requests()
    assert len(bodies) == 3, (
        f"expected 2 requests for the turn and 1 for the ticket; the stub saw {len(bodies)}"
    )
    each = [replayed_usage(client, body) for body in bodies]
    prompt, completion = sum(p for p, _ in each), sum(c for _, c in each)
    assert bot.calls == 3, f"3 responses, so calls should be 3; it is {bot.calls}"
    assert bot.usage == {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }, f"usage should add up every response (each tool hop and the ticket): {each}; yours is {bot.usage}"
    prices = load_impl("lab01_messages").PRICES_PER_MILLION  # lab 1's table (given)
    want = None
    if MODEL in prices:
        want = pytest.approx((prompt * prices[MODEL][0] + completion * prices[MODEL][1]) / 1e6)
    assert bot.cost == want, (
        f"cost: estimate_cost(self.usage, self.model) with lab 1's table ({MODEL}: {prices.get(MODEL)}), "
        f"None for a model it does not know; got {bot.cost!r}"
    )


@pytest.mark.points(1)
def test_cost_of_an_unknown_model_is_none(lab, client, rng):
    bot = lab.Assistant(client, f"my-local-{rng.word()}-{rng.randint(1, 99)}b")
    bot.usage = {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
    assert bot.cost is None, (
        "a model the price table does not know has no cost (None), not a crash or a guess"
    )


# --- values that change every run ---------------------------------------------------------------------


@pytest.mark.points(2)
def test_ask_returns_streams_and_remembers_whatever_the_model_says(lab, client, stub, script, rng, models):
    question = f"{rng.token()} {rng.sentence()}"
    reply = " ".join(rng.sentence(3, 10) for _ in range(rng.randint(1, 3)))
    script({question.split()[0]: reply})
    model = models.any(rng)
    bot = lab.Assistant(client, model)
    pieces: list[str] = []
    got = bot.ask(question, on_token=lab_may_call(pieces.append))
    assert got == reply, f"the model replied {reply!r}; ask() returned {got!r}"
    assert "".join(pieces) == reply and all(pieces), (
        f"on_token should get every piece of {reply!r}; got {pieces!r}"
    )
    assert bot.history[-2:] == [
        {"role": "user", "content": question},
        {"role": "assistant", "content": reply},
    ], f"the history should end with the question and the reply; it ends with {bot.history[-2:]!r}"
    assert stub.requests()[0]["model"] == model, f"use the assistant's model ({model!r})"


@pytest.mark.points(1)
def test_cost_uses_the_usage_so_far_and_the_models_prices(lab, client, rng, load_impl):
    prices = load_impl("lab01_messages").PRICES_PER_MILLION  # lab 1's table (given)
    # every model of the table, in an order drawn per run: the prices are the assistant's model's, not one
    # model's for all (the course's default model among them)
    for model in rng.sample(sorted(prices), len(prices)):
        bot = lab.Assistant(client, model)
        prompt, completion = rng.randint(0, 5_000_000), rng.randint(0, 1_000_000)
        bot.usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        want = (prompt * prices[model][0] + completion * prices[model][1]) / 1e6
        assert bot.cost == pytest.approx(want), (
            f"{prompt} prompt + {completion} completion tokens on {model} cost ${want:.6f} at its prices "
            f"{prices[model]} per million; cost was {bot.cost!r}: use the prices of the assistant's model"
        )


@pytest.mark.points(2)
def test_extract_ticket_returns_what_the_model_answered(lab, client, stub, script, rng):
    marker = rng.token()
    data = {
        "category": rng.choice(
            ["order_status", "delivery_problem", "damaged_item", "refund", "product_question"]
        ),
        "order_id": rng.choice([None, f"A{rng.randint(1000, 9999)}"]),
        "summary": rng.sentence(),
        "priority": rng.choice(["low", "normal", "high"]),
    }
    script({marker: {"json": data}})
    bot = lab.Assistant(client, MODEL)
    bot.history = [
        {"role": "user", "content": f"{marker} {rng.sentence()}"},
        {"role": "assistant", "content": rng.sentence()},
    ]
    ticket = bot.extract_ticket()
    got = {k: getattr(getattr(ticket, k), "value", getattr(ticket, k)) for k in data}
    assert got == data, f"the model answered {data}; extract_ticket returned {got}"
    assert bot.calls == 1, f"one response, so calls should be 1; it is {bot.calls}"


@pytest.mark.points(1)
def test_extract_ticket_works_on_a_reasoning_model(lab, client, stub, models, rng):
    reasoning = models.reasoning(rng).id
    bot = lab.Assistant(client, reasoning)
    bot.history = [dict(m) for m in CONVERSATION]
    error = None
    try:
        bot.extract_ticket()
    except Exception as exc:  # noqa: BLE001
        error = exc
    body = stub.requests()[0] if stub.requests() else {}
    if "max_tokens" in body:
        pytest.fail(
            f"extract_ticket sent max_tokens={body['max_tokens']} to {reasoning}: reasoning models reject max_tokens "
            "(a 400, 'Use max_completion_tokens instead'); cap a reply with max_completion_tokens, if at all",
            pytrace=False,
        )
    if body.get("temperature") not in (None, 1):
        pytest.fail(
            f"extract_ticket sent temperature={body['temperature']} to {reasoning}: reasoning models accept only the "
            "default temperature (a 400 otherwise); the strict schema already fixes the shape, so leave it out",
            pytrace=False,
        )
    if error is not None:
        raise error


@pytest.mark.points(1)
def test_the_step_limit_and_attempts_are_the_ones_given(lab, client, stub, rng):
    steps = rng.randint(1, 4)
    bot = lab.Assistant(
        client, MODEL, Shop().tools(), max_steps=steps, tool_choice="required", **tool_options()
    )
    with pytest.raises(lab.StepLimitExceeded) as info:
        bot.ask(ORDER_QUESTION)
    assert len(stub.requests()) == steps, (
        f"max_steps={steps}: expected {steps} requests, got {len(stub.requests())}"
    )
    assert info.value.max_steps == steps and isinstance(info.value.history, list) and info.value.history, (
        f"raise StepLimitExceeded(self.max_steps, <the history>): got max_steps={info.value.max_steps!r}, "
        f"history={info.value.history!r}"
    )
    stub.reset()
    attempts = rng.randint(2, 3)
    sleeps = Sleeps()
    bot = lab.Assistant(planned_client(stub, ["503"] * 10), MODEL, max_attempts=attempts, sleep=sleeps)
    with pytest.raises(openai.InternalServerError):
        bot.ask(rng.sentence())
    assert len(stub.journal()) == attempts, (
        f"max_attempts={attempts}: a request that keeps failing is tried {attempts} times in all; "
        f"the stub saw {len(stub.journal())}: pass max_attempts=self.max_attempts to call_with_retries"
    )
    stub.reset()
    sleeps = Sleeps()
    bot = lab.Assistant(planned_client(stub, ["503"] * 10), MODEL, max_attempts=attempts, sleep=sleeps)
    bot.history = [dict(m) for m in CONVERSATION]
    with pytest.raises(openai.InternalServerError):
        bot.extract_ticket()
    assert len(stub.journal()) == attempts, (
        f"max_attempts={attempts}: the ticket request is tried {attempts} times in all; the stub saw "
        f"{len(stub.journal())}"
    )


@pytest.mark.points(1)
def test_extract_ticket_sends_the_transcript(lab, client, stub, rng):
    bot = lab.Assistant(client, MODEL)
    history = [
        {"role": "user", "content": rng.sentence()},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "check_stock", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"in_stock": 3}'},
        {"role": "assistant", "content": rng.sentence()},
        {"role": "user", "content": rng.sentence()},
    ]
    bot.history = [dict(m) for m in history]
    bot.extract_ticket()
    want = "\n".join(f"{m['role']}: {m['content']}" for m in history if m["role"] != "tool" and m["content"])
    sent = stub.requests()[0]["messages"]
    assert sent[-1] == {"role": "user", "content": want}, (
        f"the ticket request's user message should be self.transcript() ({want!r}); it was {sent[-1]!r}"
    )


@pytest.mark.points(1)
def test_ask_a_reply_without_text_is_empty(lab, client, stub, script, rng):
    question = f"{rng.token()} {rng.sentence()}"
    script({question.split()[0]: {"refusal": rng.sentence()}})
    bot = lab.Assistant(client, MODEL)
    got = bot.ask(question)
    assert got == "", f'the model refused (no text): ask() should return "", not {got!r}'


@pytest.mark.points(1)
def test_the_sdks_own_retries_stay_off(lab, stub):
    """The given __init__ turns the SDK's retries off; call_model must use self.client (not a client of its own)."""
    plan_id = f"lab06-{next(_ids)}"
    stub.add_fault(["429", "ok"], plan_id=plan_id)
    eager = OpenAI(
        base_url=stub.base_url,
        api_key=stub.api_key,
        max_retries=3,
        default_headers={"x-stub-fault-id": plan_id},
    )
    sleeps = Sleeps(stub)
    bot = lab.Assistant(eager, MODEL, sleep=sleeps)
    assert (bot.max_steps, bot.max_attempts, bot.budget) == (5, 4, 1000), "the given defaults were changed"
    bot.ask("Hello!")
    assert len(sleeps) == 1 and sleeps.seen == [1], (
        f"the 429 should be retried by YOUR loop (one wait through self.sleep, after the first request); waits "
        f"{list(sleeps)} at {sleeps.seen} request(s): send requests through self.client, whose SDK retries are off"
    )


# --- streams that break after they started (lesson 5, section 5) ---------------------------------------
#
# The stub's stream faults (llm_stub/faults.py): stream_cut:<n> ends the body after n data frames without
# [DONE]; stream_drop:<n> resets the connection after n frames; stream_error:<n> sends an error event after
# n frames. Each test draws where the stream breaks, anywhere before its finish chunk.

STREAM_FAULTS = {
    "stream_cut": "ended without a finish_reason",
    "stream_drop": "lost its connection",
    "stream_error": "sent an error event",
}


def frames_before_finish(client: OpenAI, **request) -> int:
    """How many data frames a stream sends before its finish chunk (the role chunk, then one per piece)."""
    frames = 0
    for chunk in client.chat.completions.create(stream=True, **request):
        if any(c.finish_reason for c in chunk.choices):
            return frames
        frames += 1
    raise AssertionError("the stub's stream had no finish chunk")


def scripted_turn(client: OpenAI, script, rng) -> tuple[str, str, int]:
    """A question with a scripted reply drawn for this run, and the frames its stream sends before finishing."""
    question = f"{rng.token()} {rng.sentence()}"
    reply = " ".join(rng.sentence(4, 10) for _ in range(rng.randint(1, 3)))
    script({question.split()[0]: reply})
    frames = frames_before_finish(client, model=MODEL, messages=[{"role": "user", "content": question}])
    return question, reply, frames


@pytest.mark.points(2)
@pytest.mark.parametrize("kind", sorted(STREAM_FAULTS))
def test_a_stream_that_breaks_is_retried_and_its_text_shown_once(lab, client, stub, script, rng, kind):
    question, reply, frames = scripted_turn(client, script, rng)
    mark = len(stub.journal())
    after = rng.randint(
        0, frames
    )  # anywhere before the finish chunk: nothing yet, the role, part of the text
    sleeps = Sleeps()
    bot = lab.Assistant(planned_client(stub, [f"{kind}:{after}", "ok"]), MODEL, sleep=sleeps)
    pieces: list[str] = []
    try:
        got = bot.ask(question, on_token=lab_may_call(pieces.append))
    except (openai.APIError, lab.IncompleteStream) as err:
        pytest.fail(
            f"the first stream {STREAM_FAULTS[kind]} after {after} chunk(s) and ask() raised {type(err).__name__}: "
            "a stream that breaks is incomplete, and trying again is the cure: raise IncompleteStream inside the "
            "function you pass to call_with_retries (an error event arrives as a bare openai.APIError)",
            pytrace=False,
        )
    sent = len(stub.journal()) - mark
    assert got == reply, (
        f"the first stream {STREAM_FAULTS[kind]} after {after} chunk(s) and the retry was whole; ask() returned "
        f"{got!r} instead of the whole reply {reply!r}: check that a chunk carried a finish_reason before you "
        "trust a stream, and raise IncompleteStream when none did"
    )
    assert sent == 2, f"one broken stream and one retry make 2 requests; the stub saw {sent}"
    screen = "".join(pieces)
    assert screen == reply, (
        f"the user should see the reply once, whole: on_token got {screen!r}. On a retry, pass on only the "
        "text that goes beyond what on_token already got (here the retry repeated it word for word)"
    )
    assert bot.history[-2:] == [
        {"role": "user", "content": question},
        {"role": "assistant", "content": reply},
    ], f"the history should end with the question and the WHOLE reply; it ends with {bot.history[-2:]!r}"
    assert len(sleeps) == 1, f"the retry should wait once, through self.sleep; waits: {list(sleeps)}"
    assert bot.calls == 1, f"only the finished stream is a response to meter; calls is {bot.calls}"


TOOL_DEFINITIONS = [
    {
        "type": "function",
        "function": {
            "name": "get_order_status",
            "description": "Look up the status of an order by its order number.",
            "parameters": {
                "type": "object",
                "properties": {"order_id": {"type": "string", "description": "the order number, e.g. A1001"}},
                "required": ["order_id"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    }
]


@pytest.mark.points(2)
def test_a_tool_call_cut_in_its_arguments_is_retried_before_the_tool_runs(lab, client, stub, rng):
    frames = frames_before_finish(
        client,
        model=MODEL,
        messages=[{"role": "user", "content": ORDER_QUESTION}],
        tools=TOOL_DEFINITIONS,
        **tool_options(),
    )
    mark = len(stub.journal())
    kind, after = rng.choice(sorted(STREAM_FAULTS)), rng.randint(1, frames)
    shop = Shop()
    bot = lab.Assistant(
        planned_client(stub, [f"{kind}:{after}", "ok"]), MODEL, shop.tools(), sleep=Sleeps(), **tool_options()
    )
    try:
        answer = bot.ask(ORDER_QUESTION)
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001
        pytest.fail(
            f"the tool call's stream {STREAM_FAULTS[kind]} after {after} chunk(s) (its arguments were not whole) "
            f"and ask() raised {type(err).__name__}: {err}. Check for a finish_reason BEFORE "
            "get_final_completion(), which cannot parse half the arguments, and raise IncompleteStream so the "
            "request is retried",
            pytrace=False,
        )
    assert shop.calls == [("get_order_status", {"order_id": "A1001"})], (
        f"the tool should run once, with the arguments of the finished stream; your code ran: {shop.calls}"
    )
    sent = len(stub.journal()) - mark
    assert sent == 3, f"a broken tool call, its retry and the answer make 3 requests; the stub saw {sent}"
    assert "in transit" in answer, f"the final answer should use the tool's result; got {answer!r}"


@pytest.mark.points(2)
def test_a_stream_that_never_finishes_is_never_stored(lab, client, stub, script, rng):
    question, _, frames = scripted_turn(client, script, rng)
    mark = len(stub.journal())
    kind, attempts = rng.choice(sorted(STREAM_FAULTS)), rng.randint(2, 4)
    after = rng.randint(2, frames)  # some text shown before each break
    bot = lab.Assistant(
        planned_client(stub, [f"{kind}:{after}"] * 10), MODEL, max_attempts=attempts, sleep=Sleeps()
    )
    bot.history = old_turns(1)
    before = [dict(m) for m in bot.history]
    pieces: list[str] = []
    # IncompleteStream is an openai.APIConnectionError (graded, it arrives as the lab's own class)
    with pytest.raises((openai.APIError, lab.IncompleteStream)) as info:
        bot.ask(question, on_token=lab_may_call(pieces.append))
    sent = len(stub.journal()) - mark
    assert sent == attempts, (
        f"every stream {STREAM_FAULTS[kind]}; max_attempts={attempts}, so {attempts} requests, then give up; "
        f"the stub saw {sent}"
    )
    assert getattr(info.value, "attempts", None) == attempts, (
        "the error should come out of call_with_retries (it sets .attempts): raise IncompleteStream inside the "
        "retried function"
    )
    assert bot.history == before, (
        f"no stream finished, so nothing may be stored: the history should be as before the turn "
        f"({roles(before)}); it is {roles(bot.history)}"
    )
    assert bot.calls == 0 and bot.usage["total_tokens"] == 0, (
        f"no response finished, so none is metered; calls={bot.calls}, usage={bot.usage}"
    )


@pytest.mark.points(2)
def test_a_retry_that_says_something_else_tells_the_user_the_reply_was_cut(lab, client, stub, script, rng):
    marker = rng.token()
    alternatives: list[str] = []
    while len(alternatives) < 4:  # replies that differ from their first word
        candidate = f"{rng.sentence(6, 10)} {rng.sentence(4, 8)}"
        if all(candidate.split()[0] != a.split()[0] for a in alternatives):
            alternatives.append(candidate)
    script({marker: {"alternatives": alternatives}})
    question = f"{marker} {rng.sentence()}"
    for _ in range(12):  # temperature 1 picks an alternative per request: the retry differs 3 times in 4
        bot = lab.Assistant(
            planned_client(stub, ["stream_cut:4", "ok"]), MODEL, sleep=Sleeps(), temperature=1
        )
        pieces: list[str] = []
        got = bot.ask(question, on_token=lab_may_call(pieces.append))
        screen = "".join(pieces)
        assert got in alternatives, f"ask() returned {got!r}, which is none of the model's replies"
        assert bot.history[-1] == {"role": "assistant", "content": got}, "store the finished reply"
        if screen == got:
            continue  # the retry happened to give the same reply: nothing to tell the user
        assert screen.endswith(lab.CUT_NOTICE + got), (
            f"the retry said something else than the text already shown, so the user should read CUT_NOTICE "
            f"and then the new reply: on_token got {screen!r}"
        )
        first = screen[: -len(lab.CUT_NOTICE + got)]
        assert first and any(a.startswith(first) for a in alternatives), (
            f"before CUT_NOTICE the user should have seen the start of the first (cut) reply, once: {first!r}"
        )
        return
    pytest.fail("in 12 turns no retry gave another reply than the cut one (a 1 in 16 million chance)")


# --- state across the steps of a turn, and across turns (scripted tool loops drawn per run) ----------------
#
# The stub answers each question with a scripted turn (tests/labs/conftest.py ``scripted_turn``): rounds of
# calls (several at once), then the answer. Tests marked default-model / reasoning-model run on both.


def scripted_bot(lab, client, model, turn, **kw):
    """An Assistant with the turn's tools (functions made for this run) and what the model needs."""
    return lab.Assistant(
        client,
        model.id,
        list(turn.toolbox.functions.values()),
        sleep=Sleeps(),
        **{**model.tool_options, **kw},
    )


def turn_messages(turn, history: list[dict], start: int) -> list[int]:
    """The length of the history before each step of the turn that starts at ``history[start]`` (the user)."""
    lengths, at = [], start + 1
    for calls in turn.rounds:
        lengths.append(at)
        at += 1 + len(calls)
    lengths.append(at)
    return lengths


VARIANTS = {
    "calls-only": {},
    "text-beside-calls": {"text_beside": True},
    "calls-with-finish-stop": {"finish_reason": "stop"},
    "empty-list-answer": {"empty_list": True},
}


@pytest.mark.points(3)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_context_is_rebuilt_from_the_history_before_every_step(
    lab, client, stub, rng, model, toolbox, scripted_turn, variant
):
    """Every request of a turn is context() at that moment: the system prompt and the history so far, tool
    results of the earlier steps included; the loop stops on the presence of tool calls, nothing else."""
    turn = scripted_turn(
        toolbox(rng.randint(2, 3)), [rng.randint(1, 3) for _ in range(rng.randint(1, 3))], **VARIANTS[variant]
    )
    bot = scripted_bot(lab, client, model, turn, max_steps=turn.steps + rng.randint(0, 2))
    answer = bot.ask(turn.question)
    sent = [b["messages"] for b in stub.requests()]
    assert len(sent) == turn.steps, (
        f"the turn needs {turn.steps} model calls ({len(turn.rounds)} round(s) of calls, then the answer); the "
        f"assistant made {len(sent)}"
    )
    system = {"role": "system", "content": bot.system_prompt}
    for k, length in enumerate(turn_messages(turn, bot.history, 0)):
        want = [system, *bot.history[:length]]
        assert sent[k] == want, (
            f"request {k + 1} of the turn should be context() rebuilt from the history at that step: the system "
            f"prompt and {length} message(s) (roles {roles(want)}); it had roles {roles(sent[k])}: build the "
            "context again before every step, so it holds the tool results so far"
        )
    assert answer == turn.answer, (
        f"the answer is the text of the message without tool calls, {turn.answer!r}; got {answer!r}"
    )
    assert turn.toolbox.calls == turn.expected_calls(), (
        f"run every call, in order: expected {turn.expected_calls()}, ran {turn.toolbox.calls}"
    )
    assert bot.calls == turn.steps, f"{turn.steps} responses, so calls is {turn.steps}; it is {bot.calls}"


@pytest.mark.points(2)
def test_the_context_is_trimmed_again_as_a_turn_grows(lab, client, stub, rng, model, toolbox, scripted_turn):
    """Tool results can push a turn past the budget: each step's request is context() at that moment, so the
    oldest turns that no longer fit are dropped mid-turn (a context built once and extended keeps them)."""
    turn = scripted_turn(toolbox(2), [rng.randint(1, 2) for _ in range(rng.randint(2, 3))])
    for round_ in turn.rounds:  # long results: the turn grows by far more than any one old turn
        for name, args in round_:
            turn.toolbox.set_result(name, next(iter(args.values())), rng.words(rng.randint(40, 60)))
    bot = scripted_bot(lab, client, model, turn, max_steps=turn.steps + 1)
    system = {"role": "system", "content": bot.system_prompt}
    old = []
    for _ in range(rng.randint(4, 6)):
        old += [
            {"role": "user", "content": rng.words(rng.randint(10, 30))},
            {"role": "assistant", "content": rng.words(rng.randint(30, 60))},
        ]
    grown = sum(
        8 + sum(4 + math.ceil(len(turn.toolbox.result(n, next(iter(a.values())))) / 4) for n, a in r)
        for r in turn.rounds
    )  # what the calls and their results add (roughly: lab 4 may quote a result)
    question = {"role": "user", "content": turn.question}
    low = max(estimate([system, *old, question]), estimate([system, question]) + grown + 20)
    budget = rng.randint(low, low + grown // 3)  # all of the history fits at the first step, not at the last
    bot.history, bot.budget = [dict(m) for m in old], budget
    answer = bot.ask(turn.question)
    sent = [b["messages"] for b in stub.requests()]
    assert answer == turn.answer and len(sent) == turn.steps, (
        f"the turn needs {turn.steps} model calls and answers {turn.answer!r}; the assistant made {len(sent)} "
        f"and answered {answer!r}"
    )
    kept = []
    for k, length in enumerate(turn_messages(turn, bot.history, len(old))):
        want = newest_turns_that_fit(system, bot.history[:length], budget)
        kept.append(len(_turns(want[1:])) - 1)
        assert sent[k] == want, (
            f"request {k + 1} of the turn should be context() at that step: with a budget of {budget} tokens "
            f"and the tool results so far, the system prompt and the newest {len(_turns(want[1:]))} whole "
            f"turn(s) ({estimate(want)} tokens, roles {roles(want)}); it had {len(sent[k]) - 1} message(s) "
            f"({estimate(sent[k])} tokens, roles {roles(sent[k])}): call context() again before every step, so "
            "the oldest turns are dropped as the tool results fill the budget"
        )
    assert kept[0] > kept[-1], (
        f"test setup: the old turns kept per step were {kept}; the last step must keep fewer"
    )


@pytest.mark.points(2)
def test_the_step_limit_applies_to_each_turn(lab, client, stub, rng, model, toolbox, scripted_turn):
    """Two turns, each within the step limit: the step count starts again at every turn."""
    box = toolbox(2)
    first = scripted_turn(box, [rng.randint(1, 2) for _ in range(rng.randint(1, 2))])
    second = scripted_turn(box, [rng.randint(1, 2) for _ in range(rng.randint(1, 2))])
    limit = max(first.steps, second.steps)
    bot = scripted_bot(lab, client, model, first, max_steps=limit)
    got = []
    for turn in (first, second, first):
        try:
            got.append(bot.ask(turn.question))
        except lab.StepLimitExceeded:
            pytest.fail(
                f"the step limit is {limit} model calls per turn; turn {len(got) + 1} needs {turn.steps} "
                f"and the assistant raised StepLimitExceeded: count the steps of each turn from zero",
                pytrace=False,
            )
    assert got == [first.answer, second.answer, first.answer], f"the answers of the three turns; got {got}"
    made = len(stub.requests())
    assert made == 2 * first.steps + second.steps, (
        f"the three turns need {2 * first.steps + second.steps} model calls; the assistant made {made}"
    )


class Abort(BaseException):
    """What a test's tool raises to end a turn the hard way (not an Exception: execute_tool_calls lets it out)."""


FAILURES = ["step-limit", "bad-request", "server-errors", "broken-streams", "tool-aborts"]


@pytest.mark.points(2)
@pytest.mark.parametrize("kind", FAILURES)
def test_a_failed_turn_leaves_the_history_as_it_was(lab, stub, rng, model, toolbox, scripted_turn, kind):
    """Whatever ends a turn with an exception, at its first step or a later one, the history is put back."""
    turn = scripted_turn(
        toolbox(2), [rng.randint(1, 2) for _ in range(rng.randint(1, 3))], forever=kind == "step-limit"
    )
    ok_steps = rng.randint(1, len(turn.rounds))  # the turn fails at step ok_steps + 1: after some tool rounds
    plan = {
        "step-limit": ["ok"],
        "bad-request": ["ok"] * ok_steps + ["400"],
        "server-errors": ["ok"] * ok_steps + ["503"] * 10,
        "broken-streams": ["ok"] * ok_steps + [f"stream_cut:{rng.randint(1, 3)}"] * 10,
        "tool-aborts": ["ok"],
    }[kind]
    client = planned_client(stub, plan)
    bot = scripted_bot(
        lab, client, model, turn, max_steps=ok_steps if kind == "step-limit" else 8, max_attempts=2
    )
    if kind == "tool-aborts":
        name = turn.rounds[0][0][0]
        turn.toolbox.raise_on(name, Abort(f"{name} was stopped"))
    bot.history = old_turns(rng.randint(0, 2))
    before = [dict(m) for m in bot.history]
    with pytest.raises(BaseException) as info:
        bot.ask(turn.question)
    if isinstance(info.value, NotImplementedError):
        raise info.value
    assert bot.history == before, (
        f"the turn failed with {type(info.value).__name__} after {len(stub.journal())} request(s); the history "
        f"should be as before the turn ({roles(before)}); it is {roles(bot.history)}: put it back on every "
        "kind of failure (any exception), not only on one"
    )


@pytest.mark.points(2)
@pytest.mark.parametrize("missing", ["some", "all"])
def test_responses_without_usage_are_counted(lab, stub, rng, model, toolbox, scripted_turn, missing):
    """``calls`` counts every response; a response without usage (some servers send none) adds no tokens."""
    turn = scripted_turn(toolbox(2), [rng.randint(1, 2) for _ in range(rng.randint(1, 3))])
    if missing == "all":
        plan = ["no_usage"] * turn.steps
    else:
        plan = [rng.choice(["no_usage", "ok"]) for _ in range(turn.steps)]
        plan[rng.randrange(turn.steps)], plan[-1] = "no_usage", "ok"  # at least one of each
        if turn.steps == 2:
            plan = ["no_usage", "ok"] if rng.random() < 0.5 else ["ok", "no_usage"]
    bot = scripted_bot(lab, planned_client(stub, plan), model, turn)
    bot.ask(turn.question)
    reported = [e["extra"].get("usage") for e in stub.journal()]
    assert bot.calls == turn.steps, (
        f"{turn.steps} responses ({sum(u is None for u in reported)} of them without usage): calls counts every "
        f"response, usage or not; it is {bot.calls}"
    )
    prompt = sum(u["prompt_tokens"] for u in reported if u)
    completion = sum(u["completion_tokens"] for u in reported if u)
    want = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    assert bot.usage == want, (
        f"usage adds up the responses that reported it ({want}); a response without usage adds nothing; got "
        f"{bot.usage}"
    )


@pytest.mark.points(1)
def test_record_usage_counts_a_call_without_usage(lab, client, rng):
    from openai.types import CompletionUsage

    bot = lab.Assistant(client, MODEL)
    counts = [rng.randint(0, 500) for _ in range(2)]
    usage = CompletionUsage(prompt_tokens=counts[0], completion_tokens=counts[1], total_tokens=sum(counts))
    order = [usage, None, usage, None][: rng.randint(2, 4)]
    rng.shuffle(order)
    for u in order:
        bot.record_usage(u)
    n = sum(u is not None for u in order)
    assert bot.calls == len(order), (
        f"record_usage was called {len(order)} times ({order.count(None)} with None); calls is {bot.calls}"
    )
    assert bot.usage == {
        "prompt_tokens": n * counts[0],
        "completion_tokens": n * counts[1],
        "total_tokens": n * sum(counts),
    }, f"None adds no tokens; the {n} usage(s) add up; got {bot.usage}"


def sized_history(rng) -> list[dict]:
    """Turns of very different sizes (a few words, whole paragraphs, tool calls), oldest first."""
    history = []
    for _ in range(rng.randint(4, 8)):
        size = rng.choice([1, 2, 8, 30])
        history.append({"role": "user", "content": rng.words(rng.randint(2, 6) * size)})
        if rng.random() < 0.3:
            cid = f"call_{rng.token()}"
            history.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": cid, "type": "function", "function": {"name": "f", "arguments": "{}"}}
                    ],
                }
            )
            history.append({"role": "tool", "tool_call_id": cid, "content": rng.words(rng.randint(3, 40))})
        history.append(
            {"role": "assistant", "content": rng.words(rng.randint(2, 6) * rng.choice([1, 2, 8, 30]))}
        )
    return history


def newest_turns_that_fit(system: dict, history: list[dict], budget: int) -> list[dict]:
    """Lab 1's rule: the system message and the newest whole turns whose estimate fits the budget."""
    starts = [i for i, m in enumerate(history) if m["role"] == "user"]
    kept: list[dict] = []
    for start, end in reversed(list(zip(starts, [*starts[1:], len(history)], strict=True))):
        candidate = history[start:end] + kept
        if estimate([system, *candidate]) > budget:
            break
        kept = candidate
    return [system, *kept]


@pytest.mark.points(2)
@pytest.mark.parametrize("room", ["every-turn", "some-turns", "no-turn"])
def test_the_context_follows_the_token_budget(lab, client, rng, room):
    """Not a fixed number of turns: as many of the newest whole turns as the budget holds, counted as lab 1 does."""
    bot = lab.Assistant(client, MODEL)
    system = {"role": "system", "content": bot.system_prompt}
    for _ in range(6):
        history = sized_history(rng)
        whole = estimate([system, *history])
        alone = estimate([system])
        budget = {
            "every-turn": rng.randint(whole, whole + 200),
            "some-turns": rng.randint(alone + 1, whole - 1),
            "no-turn": rng.randint(alone, alone + estimate(history[-2:]) - 4),
        }[room]
        bot.history, bot.budget = [dict(m) for m in history], budget
        want = newest_turns_that_fit(system, history, budget)
        got = bot.context()
        assert got == want, (
            f"with a budget of {budget} tokens (lab 1's count) and turns of {[estimate(t) for t in _turns(history)]} "
            f"tokens, the context is the system prompt and the newest {len(_turns(want[1:]))} whole turn(s) "
            f"({estimate(want)} tokens); got {len(got) - 1} message(s) ({estimate(got)} tokens, roles {roles(got)}): "
            "keep what the budget holds, not a fixed number of turns"
        )
        assert bot.history == history, "context() must not change self.history"


def _turns(messages: list[dict]) -> list[list[dict]]:
    turns: list[list[dict]] = []
    for m in messages:
        if m["role"] == "user" or not turns:
            turns.append([m])
        else:
            turns[-1].append(m)
    return turns
