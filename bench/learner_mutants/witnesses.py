"""Witnesses: proof that a mutant the lab tests let through is a real mistake, not an equivalent program.

    python -m bench.learner_mutants.witnesses [NAME ...]

A witness is an input on which the contract clause a mutant names is broken: a function that takes a lab
module and raises ``AssertionError`` (saying what the contract wants and what came back) when the clause
does not hold. Each one must pass on the reference solution and fail on its mutant; this command checks
both, for every witness (or those whose label contains a NAME). A caught mutant needs no witness: failing a
test the solution passes already proves it differs. Witnesses are kept here for every mutant that survived
the BEFORE run (BASELINE.md).

The inputs are scripted, built from the SDK's own types (a stub cannot be told to send, say, text beside
tool calls); they are proofs about the code, not tests of the course.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import json
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType, SimpleNamespace
from typing import Any

from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import (
    Response,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseReasoningItem,
)
from pydantic import BaseModel, Field

from bench.learner_mutants import HERE, REPO, Mutant, lab_modules, mutants

Witness = Callable[[ModuleType], None]
WITNESSES: dict[str, Witness] = {}


def witness(label: str) -> Callable[[Witness], Witness]:
    def register(fn: Witness) -> Witness:
        WITNESSES[label] = fn
        return fn

    return register


# -- scripted inputs, built from the SDK's types ------------------------------------------------------------


def chunk(
    content: str | None = None, *, role: str | None = None, finish: str | None = None
) -> ChatCompletionChunk:
    delta: dict[str, Any] = {"content": content}
    if role:
        delta["role"] = role
    return ChatCompletionChunk.model_validate(
        {
            "id": "chatcmpl-w",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "witness-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
    )


def text_stream(*pieces: str) -> list[ChatCompletionChunk]:
    """A stream as the API sends it: the role chunk (content ""), the pieces, the finish chunk."""
    return [chunk("", role="assistant"), *(chunk(p) for p in pieces), chunk(None, finish="stop")]


def call(call_id: str, name: str, arguments: dict) -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}


def completion(
    content: str | None = None, calls: list[dict] | None = None, finish: str | None = None
) -> ChatCompletion:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if calls is not None:
        message["tool_calls"] = calls
    return ChatCompletion.model_validate(
        {
            "id": "chatcmpl-w",
            "object": "chat.completion",
            "created": 0,
            "model": "witness-model",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": finish or ("tool_calls" if calls else "stop"),
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
    )


def response(*items: Any, response_id: str = "resp_w") -> Response:
    return Response.model_construct(id=response_id, object="response", output=list(items), status="completed")


def reasoning() -> ResponseReasoningItem:
    return ResponseReasoningItem.model_validate({"id": "rs_w", "type": "reasoning", "summary": []})


def message(text: str) -> ResponseOutputMessage:
    return ResponseOutputMessage.model_validate(
        {
            "id": "msg_w",
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}],
        }
    )


def function_call(call_id: str, name: str, arguments: dict) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall.model_validate(
        {"type": "function_call", "call_id": call_id, "name": name, "arguments": json.dumps(arguments)}
    )


class ScriptedClient:
    """Answers ``chat.completions.create`` / ``responses.create`` from a script, in order, and keeps every
    request. When the script runs out it repeats its last reply (a loop that should have stopped meets the
    same reply again, not an error of the script's own)."""

    def __init__(self, *replies: Any) -> None:
        self.replies = list(replies)
        self.requests: list[dict] = []
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))
        self.responses = SimpleNamespace(create=self._create)

    def with_options(self, **_: Any) -> ScriptedClient:
        return self

    def _create(self, **request: Any) -> Any:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return iter(reply) if isinstance(reply, list) else reply


def weather(city: str) -> dict:
    return {"city": city, "celsius": 21}


# -- lab 02 --------------------------------------------------------------------------------------------------


@witness("lab02_streaming/reply_stripped")
def _(lab: ModuleType) -> None:
    client = ScriptedClient(text_stream(" Hello", " world", "\n"))
    got = lab.stream_reply(client, "m", [{"role": "user", "content": "hi"}], lambda piece: None)
    assert got == " Hello world\n", (
        f"the reply must be exactly the pieces joined, ' Hello world\\n'; got {got!r}"
    )


@witness("lab02_streaming/whitespace_deltas_dropped")
def _(lab: ModuleType) -> None:
    seen: list[str] = []
    lab.stream_reply(ScriptedClient(text_stream("Hi", " ", "there")), "m", [], seen.append)
    assert seen == ["Hi", " ", "there"], f"on_token must get every non-empty piece, ' ' too; got {seen!r}"


@witness("lab02_streaming/ttft_zero_without_text")
def _(lab: ModuleType) -> None:
    ticks = iter(range(100))
    timing = lab.measure_stream(ScriptedClient(text_stream()), "m", [], clock=lambda: float(next(ticks)))
    assert timing.time_to_first_token is None, (
        f"no text: the time to first token is None, not {timing.time_to_first_token!r}"
    )


@witness("lab02_streaming/turn_callback_after_the_stream")
def _(lab: ModuleType) -> None:
    chunks = text_stream("One", " two", " three")
    read: list[int] = []

    def stream() -> Iterator[ChatCompletionChunk]:
        for i, c in enumerate(chunks):
            read.append(i)
            yield c

    client = ScriptedClient(None)
    client.chat.completions.create = lambda **request: stream()
    when: list[int] = []
    lab.streaming_chat_turn(client, "m", [], "count", on_token=lambda piece: when.append(len(read)))
    assert when == [2, 3, 4], (
        f"each piece goes to on_token as its chunk arrives (after chunks 2, 3, 4); got {when}"
    )


# -- lab 03 --------------------------------------------------------------------------------------------------


class _Address(BaseModel):
    city: str


class _Order(BaseModel):
    ship_to: _Address = Field(description="Where the parcel goes.")


@witness("lab03_structured/ref_description_dropped")
def _(lab: ModuleType) -> None:
    schema = lab.strict_response_format(_Order)["json_schema"]["schema"]
    field = schema["properties"]["ship_to"]
    assert "$ref" not in field or len(field) == 1, f"a $ref must stand alone: {field}"
    assert field.get("description") == "Where the parcel goes.", f"the field's description is lost: {field}"


# -- lab 04 --------------------------------------------------------------------------------------------------


@witness("lab04_tools/content_null_omitted")
def _(lab: ModuleType) -> None:
    msg = completion(None, [call("call_1", "weather", {"city": "Oslo"})]).choices[0].message
    out = lab.assistant_to_dict(msg)
    assert "content" in out and out["content"] is None, f"content: None must be there; got {out}"


def _agent(lab: ModuleType, client: ScriptedClient, max_steps: int = 5) -> tuple[str, list[dict]]:
    return lab.run_agent(
        client, "m", [{"role": "user", "content": "weather?"}], [], {"weather": weather}, max_steps=max_steps
    )


@witness("lab04_tools/empty_tool_calls_are_calls")
def _(lab: ModuleType) -> None:
    client = ScriptedClient(completion("Done.", []))
    answer, _ = _agent(lab, client)
    assert answer == "Done." and len(client.requests) == 1, "an empty tool_calls list is no tool calls"


@witness("lab04_tools/returns_text_beside_tool_calls")
def _(lab: ModuleType) -> None:
    client = ScriptedClient(
        completion("Let me check.", [call("call_1", "weather", {"city": "Oslo"})]), completion("It is 21 °C.")
    )
    answer, _ = _agent(lab, client)
    assert answer == "It is 21 °C.", f"a message with tool calls is not the answer; got {answer!r}"


@witness("lab04_tools/steps_count_tool_calls")
def _(lab: ModuleType) -> None:
    two = [call("call_a", "weather", {"city": "Oslo"}), call("call_b", "weather", {"city": "Rome"})]
    client = ScriptedClient(completion(None, two), completion(None, two), completion("Both mild."))
    answer, _ = _agent(lab, client, max_steps=3)
    assert answer == "Both mild.", (
        "3 model calls fit a step limit of 3, whatever number of tool calls they made"
    )


@witness("lab04_tools/stops_on_finish_reason")
def _(lab: ModuleType) -> None:
    client = ScriptedClient(
        completion(None, [call("call_1", "weather", {"city": "Oslo"})], finish="stop"), completion("21 °C.")
    )
    answer, history = _agent(lab, client)
    assert answer == "21 °C.", f"tool calls with finish_reason 'stop' are still tool calls; got {answer!r}"
    assert any(m["role"] == "tool" for m in history), "the call was never answered"


# -- lab 05 --------------------------------------------------------------------------------------------------


@witness("lab05_errors/huge_attempt_overflows")
def _(lab: ModuleType) -> None:
    assert lab.retry_delay(2000, rand=lambda: 0.5) == 8.0 * 0.75, (
        "attempt 2000: the capped delay, no overflow"
    )


# -- lab 06: the agent loop of ask(), with call_model scripted ----------------------------------------------


def _assistant(lab: ModuleType, *replies: ChatCompletion, **options: Any) -> tuple[Any, list[list[dict]]]:
    assistant = lab.Assistant(ScriptedClient(completion("unused")), "m", [weather], **options)
    script, sent = list(replies), []

    def call_model(messages: list[dict], on_token: Any = None) -> ChatCompletion:
        sent.append(copy.deepcopy(messages))
        reply = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(reply, Exception):
            raise reply
        return reply

    assistant.call_model = call_model
    return assistant, sent


@witness("lab06_assistant/calls_not_counted_without_usage")
def _(lab: ModuleType) -> None:
    assistant, _ = _assistant(lab, completion("hi"))
    assistant.record_usage(None)
    assert assistant.calls == 1, f"a response without usage is still a call; calls = {assistant.calls}"


@witness("lab06_assistant/context_built_once_then_extended")
def _(lab: ModuleType) -> None:
    from solutions.lab01_messages import estimate_tokens

    big = "x" * 400
    assistant, sent = _assistant(
        lab, completion(None, [call("call_1", "weather", {"city": big})]), completion("ok")
    )
    for i in range(3):
        assistant.history += [
            {"role": "user", "content": f"q{i} " + "y" * 200},
            {"role": "assistant", "content": "z" * 200},
        ]
    assistant.budget = (
        estimate_tokens([{"role": "system", "content": assistant.system_prompt}, *assistant.history]) + 10
    )
    assistant.registry = {"weather": lambda city: "w" * 400}
    assistant.ask("q?")
    sizes = [estimate_tokens(m) for m in sent]
    assert all(s <= assistant.budget for s in sizes), (
        f"every step's context fits {assistant.budget}; got {sizes}"
    )


@witness("lab06_assistant/history_restored_only_on_step_limit")
def _(lab: ModuleType) -> None:
    assistant, _ = _assistant(
        lab, completion(None, [call("call_1", "weather", {"city": "Oslo"})]), RuntimeError("the API is down")
    )
    assistant.history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello!"}]
    before = copy.deepcopy(assistant.history)
    try:
        assistant.ask("weather?")
    except RuntimeError:
        pass
    assert assistant.history == before, f"a failed turn leaves the history as it was; got {assistant.history}"


@witness("lab06_assistant/steps_not_reset_between_turns")
def _(lab: ModuleType) -> None:
    tool_then_answer = [completion(None, [call("call_1", "weather", {"city": "Oslo"})]), completion("21 °C.")]
    assistant, _ = _assistant(lab, *tool_then_answer, *tool_then_answer, completion("21 °C."), max_steps=3)
    assert [assistant.ask("Oslo?"), assistant.ask("And now?")] == ["21 °C.", "21 °C."], (
        "each turn has 3 steps"
    )


@witness("lab06_assistant/returns_text_beside_tool_calls")
def _(lab: ModuleType) -> None:
    assistant, _ = _assistant(
        lab, completion("Let me check.", [call("call_1", "weather", {"city": "Oslo"})]), completion("21 °C.")
    )
    answer = assistant.ask("Oslo?")
    assert answer == "21 °C.", f"a message with tool calls is not the answer; got {answer!r}"


@witness("lab06_assistant/steps_count_tool_calls")
def _(lab: ModuleType) -> None:
    two = [call("call_a", "weather", {"city": "Oslo"}), call("call_b", "weather", {"city": "Rome"})]
    assistant, sent = _assistant(
        lab, completion(None, two), completion(None, two), completion("Mild."), max_steps=3
    )
    assert assistant.ask("Oslo and Rome?") == "Mild.", (
        "3 requests fit max_steps=3, whatever the number of calls"
    )


@witness("lab06_assistant/stops_on_finish_reason")
def _(lab: ModuleType) -> None:
    assistant, _ = _assistant(
        lab,
        completion(None, [call("call_1", "weather", {"city": "Oslo"})], finish="stop"),
        completion("21 °C."),
    )
    answer = assistant.ask("Oslo?")
    assert answer == "21 °C.", f"tool calls with finish_reason 'stop' are still tool calls; got {answer!r}"


@witness("lab06_assistant/cost_default_model_prices")
def _(lab: ModuleType) -> None:
    from solutions.lab01_messages import PRICES_PER_MILLION, estimate_cost

    assistant, _ = _assistant(lab, completion("hi"))
    assistant.usage = {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}
    for model in PRICES_PER_MILLION:
        assistant.model = model
        want = estimate_cost(assistant.usage, model)
        assert assistant.cost == want, (
            f"{model}: the cost is ${want:.6f} at its own prices; got {assistant.cost!r}"
        )


# -- lab 07 --------------------------------------------------------------------------------------------------


def _loop(lab: ModuleType, client: ScriptedClient, max_steps: int = 5) -> str:
    return lab.run_tool_loop(client, "m", "weather?", [], {"weather": weather}, max_steps=max_steps)


@witness("lab07_responses/calls_looked_for_in_first_item")
def _(lab: ModuleType) -> None:
    client = ScriptedClient(
        response(reasoning(), function_call("call_1", "weather", {"city": "Oslo"}), response_id="resp_1"),
        response(reasoning(), message("Sunny, 21 °C."), response_id="resp_2"),
    )
    answer = _loop(lab, client)
    assert answer == "Sunny, 21 °C.", f"a call behind a reasoning item is still a call; got {answer!r}"


@witness("lab07_responses/reply_from_first_item")
def _(lab: ModuleType) -> None:
    answer = _loop(lab, ScriptedClient(response(reasoning(), message("Hello!"))))
    assert answer == "Hello!", f"the reply is the output_text, whatever item comes first; got {answer!r}"


@witness("lab07_responses/steps_count_tool_calls")
def _(lab: ModuleType) -> None:
    two = [
        function_call("call_a", "weather", {"city": "Oslo"}),
        function_call("call_b", "weather", {"city": "Rome"}),
    ]
    client = ScriptedClient(response(*two), response(*two), response(message("Mild.")))
    assert _loop(lab, client, max_steps=3) == "Mild.", (
        "3 requests fit max_steps=3, whatever the number of calls"
    )


_CALLS = [
    {"role": "user", "content": "Oslo?"},
    {"role": "assistant", "content": "", "tool_calls": [call("call_1", "weather", {"city": "Oslo"})]},
]


@witness("lab07_responses/empty_text_item_beside_calls")
def _(lab: ModuleType) -> None:
    items = lab.to_responses_request(_CALLS)["input"]
    assert [i.get("role") or i["type"] for i in items] == ["user", "function_call"], (
        f"no empty message item: {items}"
    )


@witness("lab07_responses/parts_retyped_in_place")
def _(lab: ModuleType) -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
    before = copy.deepcopy(messages)
    lab.to_responses_request(messages)
    assert messages == before, f"the caller's messages were changed: {messages}"


@witness("lab07_responses/fault_text_copied")
def _(lab: ModuleType) -> None:
    failed = SimpleNamespace(
        type="response.failed", response=SimpleNamespace(error=SimpleNamespace(message="disk on fire (w-42)"))
    )
    try:
        lab.collect_response_stream([failed])
    except lab.ResponseFailed as err:
        assert "disk on fire (w-42)" in str(err), f"the failure's own message must be in the error: {err}"
    else:
        raise AssertionError("a response.failed event must raise ResponseFailed")


@witness("lab07_responses/resends_all_outputs")
def _(lab: ModuleType) -> None:
    client = ScriptedClient(
        response(function_call("call_1", "weather", {"city": "Oslo"}), response_id="resp_1"),
        response(function_call("call_2", "weather", {"city": "Rome"}), response_id="resp_2"),
        response(message("Both mild."), response_id="resp_3"),
    )
    _loop(lab, client)
    third = [item["call_id"] for item in client.requests[2]["input"]]
    assert third == ["call_2"], f"the third request answers resp_2's call only; its input answers {third}"


@witness("lab07_responses/absent_tool_keys_as_none")
def _(lab: ModuleType) -> None:
    tool = {
        "type": "function",
        "function": {"name": "ping", "parameters": {"type": "object", "properties": {}}},
    }
    flat = lab.to_responses_request([], [tool])["tools"]
    assert flat == [
        {"type": "function", "name": "ping", "parameters": {"type": "object", "properties": {}}}
    ], f"only the keys the function object has; got {flat}"


# -- loading a lab module the way tests/meta/mutant_driver.py does -------------------------------------------


def _driver() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_mutant_driver", REPO / "tests" / "meta" / "mutant_driver.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def loaded(lab: str, mutant: Mutant | None) -> Iterator[ModuleType]:
    """The solution (``mutant`` None) or the mutant, bound into a fresh copy of the solution as the driver does."""
    driver = _driver()
    solution, before = driver.fresh_solution(lab)
    try:
        if mutant is None:
            yield solution
            return
        importlib.import_module("labs")
        spec = importlib.util.spec_from_file_location(f"labs.{lab}", mutant.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        driver.rebind(solution, module)
        yield module
    finally:
        sys.modules.pop(f"labs.{lab}", None)
        driver._restore(lab, before)


def _holds(lab: str, mutant: Mutant | None, check: Witness) -> tuple[bool, str]:
    with loaded(lab, mutant) as module:
        try:
            check(module)
        except Exception as err:  # an AssertionError, or the code under test crashing on a valid input
            return False, "".join(traceback.format_exception_only(type(err), err)).strip()
    return True, ""


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(REPO))
    catalogue = {m.label: m for lab in lab_modules() for m in mutants(lab)}
    unknown = sorted(set(WITNESSES) - set(catalogue))
    if unknown:
        print(f"witnesses for no mutant: {unknown}")
        return 2
    bad = 0
    for label, check in sorted(WITNESSES.items()):
        if argv and not any(text in label for text in argv):
            continue
        mutant = catalogue[label]
        solution_ok, why = _holds(mutant.lab, None, check)
        mutant_ok, broke = _holds(mutant.lab, mutant, check)
        good = solution_ok and not mutant_ok
        bad += not good
        print(f"{'ok ' if good else 'BAD'} {label}")
        if not solution_ok:
            print(f"    the solution fails its own witness: {why}")
        print(f"    mutant: {broke}" if not mutant_ok else "    the mutant passes: no proof it is wrong")
    return 1 if bad else 0


if __name__ == "__main__":
    assert HERE.is_dir()
    sys.exit(main(sys.argv[1:]))
