"""Lab 7 · The Responses API: tests for labs/lab07_responses.py (or solutions/ with --impl=solutions).

Every test talks to the course's stub through the real SDK. The stub serves ``/v1/responses`` the way
the real API does (a ``function_call_output`` must answer a ``function_call`` of the conversation, stored
responses can be continued with ``previous_response_id``, ``instructions`` and ``tools`` are not carried
over, a reasoning model's output starts with a reasoning item), and its journal shows what your code SENT.
Inputs (names, tools, replies, ids, fault texts, step limits) are random per run; the tool loops are
scripted per run (parallel calls, several rounds); tests marked ``default-model`` / ``reasoning-model``
run on both. A failing test prints the seed that replays it.
"""

from __future__ import annotations

import copy
import json

import openai
import pytest

NAMES = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Dennis", "Frances", "Radia", "Edsger"]


@pytest.fixture
def lab(load_impl):
    return load_impl("lab07_responses")


def sent(stub) -> list[dict]:
    """The bodies of the Responses requests the stub received, oldest first."""
    return [e["body"] for e in stub.state.journal.entries(0) if e["path"] == "/v1/responses"]


def response_ids(stub) -> list[str]:
    """The ids of the responses the stub returned, oldest first (the journal notes each one)."""
    return [
        e["extra"].get("response_id")
        for e in stub.state.journal.entries(0)
        if e["path"] == "/v1/responses" and e["status"] == 200
    ]


def refused(err: openai.BadRequestError) -> str:
    message = err.body.get("message", str(err)) if isinstance(err.body, dict) else str(err)
    return f"the stub (like the real API) refused a request your code sent, with a 400:\n  {message}"


def flat_tool(rng, name: str | None = None) -> dict:
    """A Responses-shaped (flat) function tool, drawn per run."""
    param = rng.word()
    return {
        "type": "function",
        "name": name or f"get_{rng.word()}",
        "description": rng.sentence(),
        "parameters": {
            "type": "object",
            "properties": {param: {"type": "string", "description": rng.sentence()}},
            "required": [param],
            "additionalProperties": False,
        },
        "strict": True,
    }


# --- to_responses_request ------------------------------------------------------------------------------


def _chat_call(rng, name: str | None = None, arguments: dict | None = None) -> dict:
    return {
        "id": "call_" + rng.token(),
        "type": "function",
        "function": {
            "name": name or f"get_{rng.word()}",
            "arguments": json.dumps(arguments if arguments is not None else {rng.word(): rng.sentence()}),
        },
    }


def _parts(rng, n: int) -> list[dict]:
    return [{"type": "text", "text": rng.sentence()} for _ in range(n)]


def expected_request(messages: list[dict], tools: list[dict] | None) -> dict:
    """The contract of to_responses_request, written out: what the tests compare with."""
    instructions = [m["content"] for m in messages if m["role"] in ("system", "developer")]
    items: list[dict] = []
    for m in messages:
        role = m["role"]
        if role in ("system", "developer"):
            continue
        if role == "tool":
            items.append(
                {"type": "function_call_output", "call_id": m["tool_call_id"], "output": m["content"]}
            )
            continue
        content = m.get("content")
        if isinstance(content, list):
            kind = "output_text" if role == "assistant" else "input_text"
            content = [{"type": kind, "text": p["text"]} for p in content]
        calls = m.get("tool_calls") or []
        if not calls or content not in (None, ""):
            items.append({"role": role, "content": content})
        items += [
            {
                "type": "function_call",
                "call_id": c["id"],
                "name": c["function"]["name"],
                "arguments": c["function"]["arguments"],
            }
            for c in calls
        ]
    return {
        "instructions": "\n\n".join(instructions) if instructions else None,
        "input": items,
        "tools": [{"type": "function", **t["function"]} for t in tools or []],
    }


@pytest.mark.points(2)
@pytest.mark.parametrize("count", [0, 1, "several"], ids=["no-instructions", "one", "several"])
def test_system_and_developer_messages_become_instructions(lab, rng, count):
    n = rng.randint(2, 4) if count == "several" else count
    messages = [{"role": "user", "content": rng.sentence()}, {"role": "assistant", "content": rng.sentence()}]
    messages.append({"role": "user", "content": rng.sentence()})
    standing = []
    for _ in range(n):  # anywhere in the list: first, between turns, last
        message = {"role": rng.choice(["system", "developer"]), "content": rng.sentence()}
        messages.insert(rng.randint(0, len(messages)), message)
    standing = [m["content"] for m in messages if m["role"] in ("system", "developer")]
    out = lab.to_responses_request(messages)
    want = "\n\n".join(standing) if standing else None
    assert out.get("instructions") == want, (
        "instructions: the content of every system and developer message, in order, joined with a blank line "
        f"('\\n\\n'), None when there are none; the messages had {len(standing)}: expected {want!r}, got "
        f"{out.get('instructions')!r}"
    )
    rest = [
        {"role": m["role"], "content": m["content"]} for m in messages if m["role"] in ("user", "assistant")
    ]
    assert out.get("input") == rest, (
        f"system and developer messages go to instructions, not to input; input was {out.get('input')!r}"
    )


@pytest.mark.points(2)
def test_user_and_assistant_messages_keep_their_order(lab, rng):
    messages = []
    for _ in range(rng.randint(2, 4)):
        messages.append({"role": "user", "content": rng.sentence()})
        messages.append({"role": "assistant", "content": rng.sentence()})
    out = lab.to_responses_request(messages)
    expected = [{"role": m["role"], "content": m["content"]} for m in messages]
    assert out.get("input") == expected, (
        "user and assistant messages become {'role', 'content'} items, in order, a string content unchanged;\n"
        f"expected {expected}\n     got {out.get('input')}"
    )
    assert out.get("tools") == [], f"with no tools, tools is []; got {out.get('tools')!r}"


@pytest.mark.points(1)
def test_text_parts_are_named_by_direction(lab, rng):
    messages = []
    for _ in range(rng.randint(1, 3)):
        messages.append({"role": "user", "content": _parts(rng, rng.randint(1, 3))})
        messages.append({"role": "assistant", "content": _parts(rng, rng.randint(1, 3))})
        messages.append({"role": "user", "content": rng.sentence()})  # a string stays a string
    got = lab.to_responses_request(messages).get("input")
    expected = expected_request(messages, None)["input"]
    assert got == expected, (
        "a list of {'type': 'text'} parts becomes 'input_text' parts (user) or 'output_text' parts (assistant); "
        f"a string stays a string;\nexpected {expected}\n     got {got}"
    )


@pytest.mark.points(3)
@pytest.mark.parametrize("lead", ["text", None, ""], ids=["assistant-text", "content-None", "content-empty"])
def test_tool_calls_and_tool_results_become_function_call_items(lab, rng, lead):
    calls = [_chat_call(rng) for _ in range(rng.randint(1, 3))]
    text = rng.sentence() if lead == "text" else lead
    results = [json.dumps({rng.word(): rng.randint(-5, 35)}) for _ in calls]
    question = rng.sentence()
    messages = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": text, "tool_calls": calls},
        *[
            {"role": "tool", "tool_call_id": c["id"], "content": r}
            for c, r in zip(calls, results, strict=True)
        ],
    ]
    expected = expected_request(messages, None)["input"]
    got = lab.to_responses_request(messages).get("input")
    assert got == expected, (
        "an assistant message's tool_calls become one function_call item per call, in order (after its text, "
        f"if it has any: here {text!r}; None and '' are no text: no message item for them), and each tool "
        "message a function_call_output item with the call's id;\n"
        f"expected {json.dumps(expected, indent=1)}\n     got {json.dumps(got, indent=1, default=str)}"
    )


@pytest.mark.points(2)
def test_tools_are_flattened(lab, rng):
    tools, kinds = [], [(d, s) for d in (True, False) for s in (True, False)]
    rng.shuffle(kinds)  # every combination of optional keys, in a random order
    for described, strict in kinds:
        function = {
            "name": f"{rng.choice(['get', 'find', 'book'])}_{rng.word()}",
            "parameters": {"type": "object", "properties": {rng.word(): {"type": "string"}}},
        }
        if described:
            function["description"] = rng.sentence()
        if strict:
            function["strict"] = rng.choice([True, False])
        tools.append({"type": "function", "function": function})
    out = lab.to_responses_request([{"role": "user", "content": rng.sentence()}], tools)
    expected = expected_request([], tools)["tools"]
    assert out.get("tools") == expected, (
        'a Responses tool is flat: {"type": "function", "name", "description", "parameters", "strict"} '
        "(only the keys the chat tool's function has), no nested 'function' object;\n"
        f"expected {expected}\n     got {out.get('tools')}"
    )
    assert lab.to_responses_request([{"role": "user", "content": "x"}], []).get("tools") == [], (
        "an empty tools list gives tools []"
    )


def random_conversation(rng) -> list[dict]:
    """A chat history of every kind of message the contract covers, in a random mix."""
    messages: list[dict] = []
    if rng.random() < 0.7:
        messages.append({"role": rng.choice(["system", "developer"]), "content": rng.sentence()})
    for _ in range(rng.randint(1, 4)):
        messages.append(
            {"role": "user", "content": rng.choice([rng.sentence(), _parts(rng, rng.randint(1, 2))])}
        )
        if rng.random() < 0.6:
            calls = [_chat_call(rng) for _ in range(rng.randint(1, 3))]
            text = rng.choice([None, "", rng.sentence(), _parts(rng, 1)])
            messages.append({"role": "assistant", "content": text, "tool_calls": calls})
            messages += [{"role": "tool", "tool_call_id": c["id"], "content": rng.sentence()} for c in calls]
        if rng.random() < 0.3:
            messages.append({"role": "developer", "content": rng.sentence()})
        messages.append({"role": "assistant", "content": rng.choice([rng.sentence(), _parts(rng, 2)])})
    return messages


@pytest.mark.points(2)
def test_random_conversations_convert_as_the_contract_says(lab, rng):
    for _ in range(12):
        messages = random_conversation(rng)
        tools = rng.choice(
            [None, [{"type": "function", "function": {"name": rng.word(), "parameters": {"type": "object"}}}]]
        )
        expected = expected_request(messages, tools)
        got = lab.to_responses_request(messages, tools)
        for key in ("instructions", "input", "tools"):
            assert got.get(key) == expected[key], (
                f"{key} of this conversation:\n{json.dumps(messages, indent=1)}\nexpected "
                f"{json.dumps(expected[key], indent=1)}\n     got {json.dumps(got.get(key), indent=1, default=str)}"
            )


@pytest.mark.points(2)
def test_the_callers_objects_are_unchanged_deep(lab, rng):
    """Every message, part, call and tool the caller passed stays exactly as it was."""
    messages = random_conversation(rng)
    messages.insert(
        1, {"role": "user", "content": _parts(rng, 2)}
    )  # parts: the ones a re-typing would change
    messages.append({"role": "assistant", "content": _parts(rng, 2)})
    if not any(m.get("role") in ("system", "developer") for m in messages):
        # the messages a conversion moves to ``instructions`` must be there to be (wrongly) taken out
        messages.insert(0, {"role": rng.choice(["system", "developer"]), "content": rng.sentence()})
    tools = [
        {
            "type": "function",
            "function": {"name": rng.word(), "description": rng.sentence(), "parameters": {}},
        }
        for _ in range(rng.randint(1, 2))
    ]
    before = copy.deepcopy((messages, tools))
    out = lab.to_responses_request(messages, tools)
    assert len(messages) == len(before[0]) and len(tools) == len(before[1]), (
        f"to_responses_request must not add to or take from the caller's lists: the messages went from "
        f"{len(before[0])} to {len(messages)}, the tools from {len(before[1])} to {len(tools)}"
    )
    changed = [
        f"messages[{i}]: {json.dumps(b)} became {json.dumps(a)}"
        for i, (a, b) in enumerate(zip(messages, before[0], strict=True))
        if a != b
    ] + [f"tools[{i}] became {t}" for i, (t, b) in enumerate(zip(tools, before[1], strict=True)) if t != b]
    assert len(messages) == len(before[0]) and len(tools) == len(before[1]) and not changed, (
        "to_responses_request must not change the caller's lists, dicts or parts (build new ones: a part "
        "re-typed in place changes the caller's history too):\n" + "\n".join(changed)
    )
    assert out.get("input") == expected_request(before[0], None)["input"], (
        "(and still convert them) the input items are not what the contract says"
    )


@pytest.mark.points(2)
def test_a_converted_conversation_is_accepted_by_the_responses_api(lab, client, rng, model, toolbox):
    box = toolbox(1)
    name = box.names[0]
    arguments = box.arguments(name)
    call = _chat_call(rng, name, arguments)
    result = box.result(name, next(iter(arguments.values())))
    messages = [
        {"role": "system", "content": rng.sentence()},
        {"role": "user", "content": rng.sentence()},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)},
    ]
    converted = lab.to_responses_request(messages, box.chat_tools())
    try:
        response = client.responses.create(model=model.id, **converted)
    except openai.BadRequestError as err:
        pytest.fail(refused(err), pytrace=False)
    assert response.status == "completed" and response.output_text, (
        f"the model should answer from the tool's result; it said {response.output_text!r}"
    )


# --- collect_response_stream ---------------------------------------------------------------------------


def _events(client, model, **request):
    return list(client.responses.create(model=model.id, stream=True, **request))


@pytest.mark.points(2)
def test_stream_text_is_the_deltas_joined(lab, client, script, rng, model):
    prompt, reply = rng.token(), rng.sentence(8, 20)
    script({prompt: reply})
    events = _events(client, model, input=f"Please answer {prompt}")
    result = lab.collect_response_stream(events)
    assert result.text == reply, (
        f"text: every response.output_text.delta's delta, joined; expected {reply!r}, got {result.text!r}"
    )
    assert result.status == "completed", (
        f"status of a finished response is 'completed'; got {result.status!r}"
    )
    assert result.tool_calls == [], f"no function calls in this stream; got {result.tool_calls!r}"


@pytest.mark.points(1)
@pytest.mark.parametrize("ending", ["completed", "incomplete"])
def test_stream_usage_comes_from_the_final_response(lab, client, script, rng, model, ending):
    prompt = rng.token()
    script({prompt: rng.sentence(30, 40)})
    cap = {"max_output_tokens": rng.randint(16, 20)} if ending == "incomplete" else {}
    events = _events(client, model, input=f"Tell me {prompt}", **cap)
    final = events[-1].response
    assert events[-1].type == f"response.{ending}", f"(test setup) the stream ended with {events[-1].type}"
    result = lab.collect_response_stream(events)
    got = result.usage
    assert got is not None and (got.input_tokens, got.output_tokens, got.total_tokens) == (
        final.usage.input_tokens,
        final.usage.output_tokens,
        final.usage.total_tokens,
    ), f"usage is the terminal event's response.usage ({final.usage}); got {got!r}"
    assert result.status == ending, f"status: the terminal event's status ({ending!r}); got {result.status!r}"


def _scripted_calls(client, model, turn, **request):
    return _events(client, model, input=turn.question, tools=turn.toolbox.responses_tools(), **request)


def _calls_in(events) -> list[dict]:
    final = [i for i in events[-1].response.output if i.type == "function_call"]
    return [{"call_id": i.call_id, "name": i.name, "arguments": i.arguments} for i in final]


@pytest.mark.points(2)
def test_stream_tool_calls_are_assembled_in_order(lab, client, rng, model, toolbox, scripted_turn):
    turn = scripted_turn(toolbox(3), [rng.randint(2, 4)])
    events = _scripted_calls(client, model, turn)
    expected = _calls_in(events)
    assert [c["name"] for c in expected] == [n for n, _ in turn.rounds[0]], "(test setup) the calls differ"
    result = lab.collect_response_stream(events)
    assert result.tool_calls == expected, (
        "tool_calls: one {'call_id', 'name', 'arguments'} per function call, in output_index order, with the "
        f"complete arguments ({'a reasoning item comes first here: ' if model.reasoning else ''}"
        f"output_index starts at {events[-1].response.output.index(next(i for i in events[-1].response.output if i.type == 'function_call'))});"
        f"\nexpected {expected}\n     got {result.tool_calls}"
    )
    assert result.text == "", f"the model only called tools: text is ''; got {result.text!r}"


@pytest.mark.points(1)
@pytest.mark.parametrize("kept", ["deltas-only", "done-only"])
def test_stream_arguments_come_from_the_deltas_or_the_done_event(
    lab, client, rng, model, toolbox, scripted_turn, kept
):
    """Some servers send only the argument deltas, others only the done event: either gives the arguments."""
    turn = scripted_turn(toolbox(2), [rng.randint(1, 3)])
    events = _scripted_calls(client, model, turn)
    expected = _calls_in(events)
    drop = (
        "response.function_call_arguments.done"
        if kept == "deltas-only"
        else "response.function_call_arguments.delta"
    )
    events = [e for e in events if e.type != drop]
    result = lab.collect_response_stream(events)
    assert result.tool_calls == expected, (
        f"this stream has no {drop} events; the arguments are still complete: take them from the "
        f"{'joined delta events' if kept == 'deltas-only' else 'done event'};\nexpected {expected}\n     "
        f"got {result.tool_calls}"
    )


@pytest.mark.points(1)
def test_stream_cut_by_max_output_tokens_is_incomplete(lab, client, script, rng, models):
    prompt, reply = rng.token(), rng.sentence(30, 40)
    script({prompt: reply})
    plain = models.plain(rng)  # a model without reasoning: the cap cuts the text itself
    events = _events(client, plain, input=f"Explain {prompt}", max_output_tokens=16)
    result = lab.collect_response_stream(events)
    assert result.status == "incomplete", (
        f"a stream that ends with response.incomplete has status 'incomplete'; got {result.status!r}"
    )
    assert result.text and reply.startswith(result.text) and result.text != reply, (
        f"the text so far, cut short: expected a beginning of {reply!r}, got {result.text!r}"
    )


@pytest.mark.points(2)
def test_a_failed_stream_raises_response_failed(lab, client, stub, rng, model):
    text = f"{rng.sentence()} ({rng.token()})"  # the error's text, drawn per run
    plan = rng.token()
    stub.add_fault([{"stream": "error", "after": rng.randint(2, 8), "message": text}], plan_id=plan)
    events = list(
        client.responses.create(
            model=model.id, input=rng.sentence(), stream=True, extra_headers={"x-stub-fault-id": plan}
        )
    )
    assert events[-1].type == "response.failed", "(test setup) the stream should have failed"
    with pytest.raises(lab.ResponseFailed) as info:
        lab.collect_response_stream(events)
        pytest.fail("the stream ended with response.failed: raise ResponseFailed", pytrace=False)
    assert text in str(info.value), (
        f"ResponseFailed's message should include the failed response's error.message ({text!r}); "
        f"got {str(info.value)!r}"
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("how", ["cut-by-the-server", "any-prefix"])
def test_a_stream_without_a_terminal_event_raises_response_failed(lab, client, stub, rng, model, how):
    if how == "cut-by-the-server":
        plan = rng.token()
        stub.add_fault([f"stream_cut:{rng.randint(2, 8)}"], plan_id=plan)
        events = list(
            client.responses.create(
                model=model.id, input=rng.sentence(), stream=True, extra_headers={"x-stub-fault-id": plan}
            )
        )
    else:
        events = _events(client, model, input=rng.sentence())
        events = events[: rng.randint(1, len(events) - 1)]  # anything before the terminal event
    with pytest.raises(lab.ResponseFailed):
        lab.collect_response_stream(events)
        pytest.fail(
            f"this stream stopped after {len(events)} events, before response.completed: raise ResponseFailed "
            "rather than return half an answer as if it were whole",
            pytrace=False,
        )


# --- chat_with_state -----------------------------------------------------------------------------------


@pytest.mark.points(3)
@pytest.mark.parametrize("turns", [1, "several"], ids=["one-turn", "several-turns"])
def test_chat_with_state_chains_previous_response_ids(lab, client, stub, rng, model, turns):
    name = rng.choice(NAMES)
    n = 1 if turns == 1 else rng.randint(3, 5)
    texts = [f"Hi! My name is {name}."] + [rng.sentence() for _ in range(n - 2)] + ["What's my name?"]
    texts = texts[-n:] if n > 1 else [rng.sentence()]
    try:
        replies = lab.chat_with_state(client, model.id, texts)
    except openai.BadRequestError as err:
        pytest.fail(refused(err), pytrace=False)
    bodies = sent(stub)
    assert len(bodies) == n, f"one request per turn: {n} expected, {len(bodies)} sent"
    assert [b.get("input") for b in bodies] == texts, (
        "each request's input is that turn's text only (a string): the server keeps the rest; "
        f"you sent {[b.get('input') for b in bodies]}"
    )
    assert [b.get("model") for b in bodies] == [model.id] * n, f"send the model you are given ({model.id})"
    assert bodies[0].get("previous_response_id") is None, "the first turn has no previous_response_id"
    ids = response_ids(stub)
    chain = [b.get("previous_response_id") for b in bodies[1:]]
    assert chain == ids[:-1], (
        "every later turn continues from the response just before it (a chain, not a star): "
        f"expected previous_response_id {ids[:-1]}, sent {chain}"
    )
    assert isinstance(replies, list) and len(replies) == n, f"one reply per turn; got {replies!r}"
    if n > 1:
        assert name in replies[-1], f"with the chain the model recalls the name {name!r}: got {replies[-1]!r}"


@pytest.mark.points(2)
def test_chat_with_state_returns_each_replys_text(lab, client, script, rng, model):
    turns = [f"{rng.token()} {rng.sentence()}" for _ in range(rng.randint(2, 4))]
    replies = [rng.sentence(4, 14) for _ in turns]
    script({t.split()[0]: r for t, r in zip(turns, replies, strict=True)})
    got = lab.chat_with_state(client, model.id, turns)
    assert got == replies, (
        f"return each response's output_text, in order{' (a reasoning item comes first in output here)' if model.reasoning else ''}: "
        f"the model said {replies!r}; got {got!r}"
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("given", [True, False], ids=["instructions", "no-instructions"])
def test_chat_with_state_sends_instructions_every_time(lab, client, stub, rng, models, given):
    instructions = rng.sentence() if given else None
    n = rng.randint(2, 4)
    lab.chat_with_state(client, models.default.id, [rng.sentence() for _ in range(n)], instructions)
    got = [b.get("instructions") for b in sent(stub)]
    assert got == [instructions] * n, (
        "instructions go with EVERY request: the API does not carry them over to the next response; "
        if given
        else "no instructions were given: send none (no 'instructions' key, or None); "
    ) + f"you sent {got}"


# --- run_tool_loop -------------------------------------------------------------------------------------


def run_loop(lab, client, model, turn, **kw):
    try:
        return lab.run_tool_loop(
            client, model.id, turn.question, turn.toolbox.responses_tools(), turn.toolbox.registry(), **kw
        )
    except openai.BadRequestError as err:
        problem = refused(err)
    pytest.fail(problem, pytrace=False)


def _outputs(turn, k: int, call_ids: list[str]) -> list[dict]:
    return [
        {"type": "function_call_output", "call_id": cid, "output": json.dumps(result)}
        for cid, result in zip(call_ids, turn.outputs(k), strict=True)
    ]


@pytest.mark.points(3)
def test_tool_loop_sends_only_the_new_function_outputs(lab, client, stub, rng, model, toolbox, scripted_turn):
    """Two rounds of parallel calls: each follow-up sends exactly that round's outputs, nothing earlier."""
    turn = scripted_turn(toolbox(3), [rng.randint(2, 3), rng.randint(2, 3)])
    answer = run_loop(lab, client, model, turn)
    bodies, ids = sent(stub), response_ids(stub)
    assert len(bodies) == turn.steps, (
        f"two rounds of calls and the answer take {turn.steps} requests; your loop sent {len(bodies)}"
    )
    assert bodies[0].get("input") == turn.question and not bodies[0].get("previous_response_id"), (
        f"the first request: input=user_text (the string), no previous_response_id; sent input "
        f"{bodies[0].get('input')!r}"
    )
    responses = [client.responses.retrieve(rid) for rid in ids]
    for k in range(len(turn.rounds)):
        calls = [i.call_id for i in responses[k].output if i.type == "function_call"]
        expected = _outputs(turn, k, calls)
        body = bodies[k + 1]
        assert body.get("previous_response_id") == ids[k], (
            f"request {k + 2} continues from the response that asked for the calls ({ids[k]}); it sent "
            f"previous_response_id {body.get('previous_response_id')!r}"
        )
        items = body.get("input")
        assert items == expected, (
            f"request {k + 2}'s input: one function_call_output per call of the response before it, in the calls' "
            "order, output = json.dumps(the function's result), and nothing else (the server has the question, "
            "the calls and the earlier outputs"
            + ("; the reasoning items too" if model.reasoning else "")
            + f");\nexpected {json.dumps(expected, indent=1)}\n     sent {json.dumps(items, indent=1)}"
        )
    assert turn.toolbox.calls == turn.expected_calls(), (
        f"run EACH call, in order, with its arguments as keyword arguments: expected {turn.expected_calls()}, "
        f"ran {turn.toolbox.calls}"
    )
    assert answer == turn.answer, (
        "return the output_text of the response without function calls"
        + (" (its output starts with a reasoning item, not the message)" if model.reasoning else "")
        + f": the model said {turn.answer!r}; got {answer!r}"
    )


@pytest.mark.points(2)
def test_tool_loop_outputs_are_the_json_of_every_kind_of_result(
    lab, client, stub, rng, models, toolbox, scripted_turn
):
    box = toolbox(4)
    kinds = [
        {rng.word(): rng.randint(0, 9)},
        [rng.word(), rng.randint(0, 9)],
        f"{rng.sentence()} {rng.token()}",
        rng.randint(-999, 999),
    ]
    turn = scripted_turn(box, [4])
    for (name, args), value in zip(turn.rounds[0], kinds, strict=True):
        box.set_result(name, next(iter(args.values())), value)  # one result of each kind
    run_loop(lab, client, models.default, turn)
    items = sent(stub)[1].get("input") or []
    got = [i.get("output") for i in items]
    assert got == [json.dumps(v) for v in kinds], (
        "output is json.dumps(result) for every result, a string too (it becomes a JSON string); "
        f"results {kinds!r}; you sent {got!r}"
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("given", [True, False], ids=["instructions", "no-instructions"])
def test_tool_loop_resends_tools_and_instructions(
    lab, client, stub, rng, model, toolbox, scripted_turn, given
):
    turn = scripted_turn(toolbox(rng.randint(1, 3)), [rng.randint(1, 2)] * rng.randint(1, 2))
    instructions = rng.sentence() if given else None
    run_loop(lab, client, model, turn, instructions=instructions)
    bodies = sent(stub)
    assert len(bodies) == turn.steps, f"{turn.steps} requests expected; {len(bodies)} sent"
    tools = turn.toolbox.responses_tools()
    assert all(b.get("tools") == tools for b in bodies), (
        "send the tools with every request: they are not carried over by previous_response_id; sent "
        f"{[len(b.get('tools') or []) for b in bodies]} tools"
    )
    got = [b.get("instructions") for b in bodies]
    assert got == [instructions] * len(bodies), (
        "send the instructions with every request: they are not carried over by previous_response_id; "
        if given
        else "no instructions were given: send none; "
    ) + f"you sent {got}"


@pytest.mark.points(2)
@pytest.mark.parametrize("limit", ["exactly-enough", "one-short"])
def test_the_step_limit_counts_model_calls(lab, client, stub, rng, model, toolbox, scripted_turn, limit):
    """Rounds of parallel calls: the limit counts requests to the model, not the tools they ran."""
    turn = scripted_turn(toolbox(2), [rng.randint(2, 3) for _ in range(rng.randint(1, 3))])
    max_steps = turn.steps if limit == "exactly-enough" else turn.steps - 1
    calls = len(turn.expected_calls())
    if limit == "exactly-enough":
        try:
            answer = run_loop(lab, client, model, turn, max_steps=max_steps)
        except lab.StepLimitExceeded:
            pytest.fail(
                f"the step limit is {max_steps} model calls and the loop needs exactly {max_steps} "
                f"({len(turn.rounds)} rounds of calls, {calls} tool runs in all, then the answer); your loop raised "
                "StepLimitExceeded: count requests to the model, not tool calls",
                pytrace=False,
            )
        assert answer == turn.answer, f"the answer is {turn.answer!r}; got {answer!r}"
    else:
        with pytest.raises(lab.StepLimitExceeded) as info:
            run_loop(lab, client, model, turn, max_steps=max_steps)
            pytest.fail(
                f"the step limit is {max_steps} model calls and the model still asked for tools at the last "
                "one: raise StepLimitExceeded(max_steps)",
                pytrace=False,
            )
        assert info.value.max_steps == max_steps, (
            f"raise StepLimitExceeded({max_steps}); it says max_steps={info.value.max_steps}"
        )
    made = len(sent(stub))
    assert made == max_steps, f"the step limit is {max_steps} model calls; the loop made {made}"


@pytest.mark.points(2)
@pytest.mark.parametrize("size", ["small", "large"])
def test_tool_loop_stops_after_max_steps(lab, client, stub, rng, model, toolbox, scripted_turn, size):
    turn = scripted_turn(toolbox(2), [rng.randint(1, 2)], forever=True)  # the model never answers
    max_steps = rng.randint(1, 2) if size == "small" else rng.randint(3, 6)
    options = {"tool_choice": "required", "metadata": {rng.word(): rng.token()}}
    with pytest.raises(lab.StepLimitExceeded) as info:
        run_loop(lab, client, model, turn, max_steps=max_steps, **options)
        pytest.fail("the model never stops calling tools: raise StepLimitExceeded", pytrace=False)
    bodies = sent(stub)
    assert len(bodies) == max_steps, f"the step limit is {max_steps} model calls; the loop made {len(bodies)}"
    assert info.value.max_steps == max_steps, (
        f"raise StepLimitExceeded({max_steps}); got {info.value.max_steps}"
    )
    for key, value in options.items():
        assert all(b.get(key) == value for b in bodies), (
            f"options go to every request unchanged: {key}={value!r}; sent {[b.get(key) for b in bodies]}"
        )


@pytest.mark.points(1)
def test_tool_loop_default_step_limit_is_five(lab, client, stub, rng, models, toolbox, scripted_turn):
    turn = scripted_turn(toolbox(1), [1], forever=True)
    with pytest.raises(lab.StepLimitExceeded) as info:
        run_loop(lab, client, models.default, turn)
    assert len(sent(stub)) == 5 and info.value.max_steps == 5, (
        f"the default max_steps is 5; the loop made {len(sent(stub))} model calls"
    )
