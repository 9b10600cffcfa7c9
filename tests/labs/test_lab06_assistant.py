"""Lab 6 · Capstone: tests for labs/lab06_assistant.py (or solutions/ with --impl=solutions).

The assistant is built from your labs 1 to 5, so a failure may come from an earlier lab: a
NotImplementedError raised in labs/lab0N_*.py means "finish lab N first". Every test talks to the
course's stub through the real SDK and reads what your code SENT from the stub's journal. Faults
(a 429, a 400) come from the stub's fault plans; sleeps are recorded, not slept.
"""

from __future__ import annotations

import itertools
import math

import openai
import pytest
from openai import OpenAI

MODEL = "gpt-4o-mini"
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

    def check_stock(self, product: str) -> dict:
        """Check how many units of a product are in stock.

        Args:
            product: the product's name, e.g. Aeropress Go
        """
        self.calls.append(("check_stock", {"product": product}))
        return {"product": product, "in_stock": STOCK.get(product, 0)}

    def tools(self) -> list:
        return [self.get_order_status, self.check_stock]


class Sleeps(list):
    """A stand-in for time.sleep: records each delay instead of waiting."""

    def __call__(self, seconds: float) -> None:
        if len(self) > 40:
            raise AssertionError("more than 40 retries of one call: is there a cap on attempts?")
        self.append(seconds)


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
    answer = bot.ask("Hello! What can you help me with?", on_token=pieces.append)
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
    bot = lab.Assistant(client, MODEL, shop.tools())
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
    bot = lab.Assistant(client, MODEL, shop.tools(), max_steps=3, tool_choice="required")
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
    bot = lab.Assistant(client, MODEL, Shop().tools(), max_steps=2, tool_choice="required")
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
    sleeps = Sleeps()
    bot = lab.Assistant(planned_client(stub, ["429", "ok"]), MODEL, sleep=sleeps)
    try:
        answer = bot.ask("Hello! What can you help me with?")
    except openai.RateLimitError:
        pytest.fail(
            "a 429 (rate limit) reached the caller: wrap each request in call_with_retries", pytrace=False
        )
    statuses = [e["status"] for e in stub.journal()]
    assert statuses == [429, 200], f"expected a 429, then a retry that succeeds; the stub saw {statuses}"
    assert len(sleeps) == 1, (
        f"one retry, one wait (pass sleep=self.sleep to call_with_retries); waits: {sleeps}"
    )
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
    bot = lab.Assistant(client, MODEL, Shop().tools())
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
    sleeps = Sleeps()
    bot = lab.Assistant(planned_client(stub, ["503", "ok"]), MODEL, sleep=sleeps)
    with pytest.raises(ValueError):
        bot.extract_ticket()
    assert stub.journal() == [], "with no conversation yet, raise ValueError without a request"
    bot.history = [dict(m) for m in CONVERSATION]
    try:
        bot.extract_ticket()
    except openai.InternalServerError:
        pytest.fail(
            "a 503 reached the caller: retry the ticket request too (call_with_retries)", pytrace=False
        )
    assert [e["status"] for e in stub.journal()] == [503, 200] and len(sleeps) == 1


# --- the meter ------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_usage_adds_up_over_tool_hops_and_the_ticket(lab, client, stub):
    bot = lab.Assistant(client, MODEL, Shop().tools())
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
    assert bot.cost == pytest.approx((prompt * 0.15 + completion * 0.60) / 1e6), (
        "cost: estimate_cost(self.usage, self.model) (gpt-4o-mini: $0.15 in, $0.60 out per million)"
    )


@pytest.mark.points(1)
def test_cost_of_an_unknown_model_is_none(lab, client):
    bot = lab.Assistant(client, "my-local-model")
    bot.usage = {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
    assert bot.cost is None, (
        "a model the price table does not know has no cost (None), not a crash or a guess"
    )
