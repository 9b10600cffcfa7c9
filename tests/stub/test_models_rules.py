"""Per-model parameter rules (llm_stub/model_rules.py) through the SDK, on both endpoints, each 400 checked
against the real body it imitates (the source is named in each test's docstring; source keys S1, E1... are
the catalogue's [sources] in llm_stub/data/models.toml).

Models are drawn from the catalogue by the rule they follow (tests/stub/models.py), over every row, shut down
or not: the stub's clock is pinned to a day the drawn model is served. Inputs vary per run (a seeded random
source; the seed is in every assertion message). Every error body is validated against the OpenAPI
description's ErrorResponse.
"""

from __future__ import annotations

import json
import random

import openai
import pytest

from llm_stub.catalog import EFFORTS

from . import models
from .models import draw, info, serve
from .openapi import errors

SEED = random.randrange(2**32)
REASONING = lambda m: m.is_reasoning  # noqa: E731
CLASSIC = lambda m: not m.is_reasoning  # noqa: E731
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@pytest.fixture
def rng() -> random.Random:
    return random.Random(SEED)


def hello(rng: random.Random) -> list[dict]:
    return [
        {"role": "user", "content": rng.choice(["hello", "What is a token?", "Name a river.", "hi there"])}
    ]


def bad_request(call, **kwargs) -> dict:
    with pytest.raises(openai.BadRequestError) as caught:
        call(**kwargs)
    err = caught.value
    assert err.status_code == 400
    body = err.response.json()
    assert errors("ErrorResponse", body) == [], body
    return body["error"]


def reasoning_effort_not_none(rng: random.Random, model: str) -> dict:
    """Keyword arguments that make ``model`` reason on Chat Completions: an explicit effort other than none,
    or nothing when its default already reasons."""
    m = info(model)
    choices = [e for e in m.chat_efforts if e != "none"]
    if m.default_effort != "none" and rng.random() < 0.5:
        return {}
    return {"reasoning_effort": rng.choice(choices)}


def at_effort_none(model: str) -> dict:
    return {} if info(model).default_effort == "none" else {"reasoning_effort": "none"}


def quoted(values) -> str:
    q = [f"'{v}'" for v in values]
    return " and ".join(q) if len(q) <= 2 else ", ".join(q[:-1]) + f", and {q[-1]}"


# ---------------------------------------------------------------------------------- Chat Completions


def test_max_tokens_on_a_reasoning_model(client, stub, rng):
    """gpt-5: griptape-ai/ComfyUI-Griptape#312; gpt-5.1: fish2018/YPrompt#26; gpt-5.2: jeremychone/rust-genai#139;
    gpt-6-astra: E8 (fact sheet 3.5)."""
    model = serve(stub, draw(rng, REASONING, "reasons"))
    e = bad_request(
        client.chat.completions.create, model=model, messages=hello(rng), max_tokens=rng.randint(1, 4000)
    )
    assert e == {
        "message": "Unsupported parameter: 'max_tokens' is not supported with this model. "
        "Use 'max_completion_tokens' instead.",
        "type": "invalid_request_error",
        "param": "max_tokens",
        "code": "unsupported_parameter",
    }, f"seed={SEED} model={model}"


def test_max_tokens_still_works_on_a_classic_model(client, stub, rng):
    """The classic models take the old cap (E2: the measured classic model's token limit is max_tokens)."""
    model = serve(stub, draw(rng, CLASSIC, "is a classic chat model"))
    r = client.chat.completions.create(model=model, messages=hello(rng), max_tokens=rng.randint(200, 900))
    assert r.choices[0].finish_reason == "stop", f"seed={SEED} model={model}"


def test_max_completion_tokens_is_accepted_by_every_model(client, stub, rng):
    """The cap that replaced max_tokens (S1: max_tokens 'is not compatible with o-series models')."""
    for m in models.ROWS:
        serve(stub, m.id)
        r = client.chat.completions.create(model=m.id, messages=hello(rng), max_completion_tokens=4000)
        assert r.choices[0].finish_reason in ("stop", "length"), f"seed={SEED} model={m.id}"


def test_temperature_while_reasoning(client, stub, rng):
    """johny-b/llmcomp#69 (gpt-5.4), BasedHardware/omi#11285 (gpt-5.6-luna), E1 (gpt-5.6-terra, 0.5 -> 400): fact
    sheet 3.3; S8/S9: only at effort none."""
    model = serve(stub, draw(rng, REASONING, "reasons"))
    value = rng.choice([0, 0.0, 0.2, 0.7, 1.5, 2])
    e = bad_request(
        client.chat.completions.create,
        model=model,
        messages=hello(rng),
        temperature=value,
        **reasoning_effort_not_none(rng, model),
    )
    assert e == {
        "message": f"Unsupported value: 'temperature' does not support {json.dumps(value)} with this model. "
        "Only the default (1) value is supported.",
        "type": "invalid_request_error",
        "param": "temperature",
        "code": "unsupported_value",
    }, f"seed={SEED} model={model} temperature={value}"


def test_sampling_parameters_at_effort_none(client, stub, rng):
    """S8/S9 and the fact sheet 1d: temperature, top_p and logprobs work while the model does not reason; measured:
    gpt-5.6-luna + none + temperature 0.2 -> 200 (anomalyco/models.dev#6639); E1 (logprobs and penalties at none
    -> 200); E2 (gpt-5.4-mini takes them at its default, none)."""
    model = serve(stub, draw(rng, lambda m: "none" in m.chat_efforts, "takes effort none"))
    r = client.chat.completions.create(
        model=model,
        messages=hello(rng),
        temperature=rng.choice([0, 0.3, 1.2]),
        top_p=rng.choice([0.1, 0.5, 0.9]),
        logprobs=True,
        presence_penalty=rng.choice([0.5, -0.5]),
        **at_effort_none(model),
    )
    assert r.usage.completion_tokens_details.reasoning_tokens == 0, f"seed={SEED} model={model}"


def test_default_temperature_and_top_p_are_accepted_while_reasoning(client, stub, rng):
    """E1: temperature 1 and top_p 1 -> 200 on gpt-5.6-terra."""
    model = serve(stub, draw(rng, REASONING, "reasons"))
    r = client.chat.completions.create(
        model=model, messages=hello(rng), temperature=1, top_p=1, **reasoning_effort_not_none(rng, model)
    )
    assert r.choices[0].message.content is not None, f"seed={SEED} model={model}"


@pytest.mark.parametrize(
    "param, value",
    [("top_p", 0.5), ("logprobs", True), ("presence_penalty", 0.5), ("frequency_penalty", -1)],
)
def test_other_sampling_parameters_while_reasoning(client, stub, rng, param, value):
    """top_p: HIllya51/LunaTranslator#1842 (gpt-5), E1 (gpt-5.6-terra 0.5 -> 400); logprobs and penalties: E1
    ("refused while the model reasons"), E2; the same 'Unsupported parameter' form."""
    model = serve(stub, draw(rng, REASONING, "reasons"))
    e = bad_request(
        client.chat.completions.create,
        model=model,
        messages=hello(rng),
        **{param: value},
        **reasoning_effort_not_none(rng, model),
    )
    assert e == {
        "message": f"Unsupported parameter: '{param}' is not supported with this model.",
        "type": "invalid_request_error",
        "param": param,
        "code": "unsupported_parameter",
    }, f"seed={SEED} model={model}"


def test_sampling_never_applies_to_a_model_without_effort_none(client, stub, rng):
    """Models without a 'none' effort (gpt-6.1-sol, gpt-6-astra, gpt-6.2-*), so no temperature ever (fact sheet 1d)."""
    model = serve(
        stub, draw(rng, lambda m: m.is_reasoning and "none" not in m.efforts, "never takes effort none")
    )
    assert info(model).sampling == "never"
    e = bad_request(client.chat.completions.create, model=model, messages=hello(rng), temperature=0)
    assert e["param"] == "temperature", f"seed={SEED} model={model}"


def test_stop_on_a_model_that_refuses_it(client, stub, rng):
    """gpt-5 family: huggingface/smolagents#1662; o3: crewAIInc/crewAI#2738; gpt-5.6 and gpt-5.4-mini: E1, E2;
    gpt-6-astra: E8."""
    model = serve(stub, draw(rng, lambda m: not m.supports_stop, "refuses stop"))
    stop = rng.choice(["\n", ["END"], ["a", "b"]])
    e = bad_request(client.chat.completions.create, model=model, messages=hello(rng), stop=stop)
    assert e == {
        "message": "Unsupported parameter: 'stop' is not supported with this model.",
        "type": "invalid_request_error",
        "param": "stop",
        "code": "unsupported_parameter",
    }, f"seed={SEED} model={model}"


def test_stop_works_where_it_is_accepted(client, stub, rng):
    """Classic models (E2: the measured classic model stops at the string); rows the evidence says nothing about are permissive."""
    model = serve(stub, draw(rng, lambda m: m.supports_stop, "accepts stop"))
    r = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Name a river."}], stop=["zzzz"]
    )
    assert r.choices[0].finish_reason == "stop", f"seed={SEED} model={model}"


def test_reasoning_effort_on_a_classic_model(client, stub, rng):
    """gpt-4o-mini: davidmigloz/langchain_dart#712 and E3 (measured 2026-08-31); gpt-4o: E2."""
    model = serve(stub, draw(rng, CLASSIC, "is a classic chat model"))
    effort = rng.choice(["none", "low", "medium", "high", "minimal"])
    e = bad_request(client.chat.completions.create, model=model, messages=hello(rng), reasoning_effort=effort)
    assert e == {
        "message": "Unrecognized request argument supplied: reasoning_effort",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }, f"seed={SEED} model={model}"


def test_every_effort_a_model_lists_is_accepted_on_chat_completions(client, stub, rng):
    """The values per model are the catalogue's (S2-S13, E4, E5)."""
    model = serve(stub, draw(rng, REASONING, "reasons"))
    for effort in info(model).chat_efforts:
        r = client.chat.completions.create(model=model, messages=hello(rng), reasoning_effort=effort)
        assert r.usage.completion_tokens_details is not None, f"seed={SEED} model={model} effort={effort}"


def test_an_effort_a_model_does_not_take_on_chat_completions(client, stub, rng):
    """egoist/chatwise-releases#1257 (the wording), E5 (gpt-5.6 + minimal; the list stops at xhigh: no max on Chat
    Completions), E4 (gpt-6-astra + none); Oxford 'and' as in the captured bodies."""
    model = serve(
        stub, draw(rng, lambda m: m.is_reasoning and len(m.chat_efforts) < len(EFFORTS), "lacks an effort")
    )
    allowed = info(model).chat_efforts
    outside = rng.choice([e for e in EFFORTS if e not in allowed])
    e = bad_request(
        client.chat.completions.create, model=model, messages=hello(rng), reasoning_effort=outside
    )
    assert e == {
        "message": f"Unsupported value: 'reasoning_effort' does not support '{outside}' with this model. "
        f"Supported values are: {quoted(allowed)}.",
        "type": "invalid_request_error",
        "param": "reasoning_effort",
        "code": "unsupported_value",
    }, f"seed={SEED} model={model}"


def test_max_effort_is_refused_on_chat_completions_where_responses_takes_it(client, stub, rng):
    """Fact sheet section 8: max is accepted on /v1/responses, refused on Chat Completions (E4, E5,
    BerriAI/litellm-docs#1173)."""
    model = serve(stub, draw(rng, lambda m: "max" in m.efforts, "takes max"))
    e = bad_request(client.chat.completions.create, model=model, messages=hello(rng), reasoning_effort="max")
    assert e["code"] == "unsupported_value" and "'max'" in e["message"], f"seed={SEED} model={model}"
    r = client.responses.create(model=model, input="hello", reasoning={"effort": "max"})
    assert r.usage.output_tokens_details.reasoning_tokens > 0, f"seed={SEED} model={model}"


def test_a_null_effort_on_a_reasoning_model(client, stub, rng):
    """livekit/agents#3966 (gpt-5.1 + null): "... does not support null with this model. Supported values are: ..." """
    model = serve(stub, draw(rng, REASONING, "reasons"))
    e = bad_request(client.chat.completions.create, model=model, messages=hello(rng), reasoning_effort=None)
    assert e["message"] == (
        f"Unsupported value: 'reasoning_effort' does not support null with this model. "
        f"Supported values are: {quoted(info(model).chat_efforts)}."
    ), f"seed={SEED} model={model}"


def _tools_refusal(model: str) -> str:
    hint = (
        "Please use /v1/responses instead."
        if info(model).chat_tools_hint == "responses"
        else "To use function tools, use /v1/responses or set reasoning_effort to 'none'."
    )
    return (
        f"Function tools with reasoning_effort are not supported for {model} in /v1/chat/completions. {hint}"
    )


def weather(rng: random.Random) -> list[dict]:
    return [{"role": "user", "content": f"What's the weather in {rng.choice(['Paris', 'Oslo', 'Lima'])}?"}]


def test_tools_at_a_reasoning_effort_on_models_that_need_none(client, stub, rng):
    """GEMISIS/leviath#333, GoogleChromeLabs/webmcp-tools#417 (gpt-5.6-terra), onyx-dot-app/onyx#15008 (gpt-6-sol);
    an omitted effort whose default reasons is refused too (E5: BerriAI/litellm#34569); GPT-5.2/5.4 end with
    'Please use /v1/responses instead.' (pipecat-ai/pipecat#4043). Param reasoning_effort, code null."""
    model = serve(stub, draw(rng, lambda m: m.chat_tools == "effort_none", "needs effort none for tools"))
    e = bad_request(
        client.chat.completions.create,
        model=model,
        messages=weather(rng),
        tools=[WEATHER],
        reasoning_effort=rng.choice([x for x in info(model).chat_efforts if x != "none"]),
    )
    assert e == {
        "message": _tools_refusal(model),
        "type": "invalid_request_error",
        "param": "reasoning_effort",
        "code": None,
    }, f"seed={SEED} model={model}"


def test_tools_with_an_omitted_effort_follow_the_default(client, stub, rng):
    """E5: gpt-5.6 with tools and no reasoning_effort -> 400 (default medium); E6: gpt-5.2/5.4 'just need it
    absent' (default none)."""
    model = serve(stub, draw(rng, lambda m: m.chat_tools == "effort_none", "needs effort none for tools"))
    call = dict(model=model, messages=weather(rng), tools=[WEATHER])
    if info(model).default_effort == "none":
        r = client.chat.completions.create(**call)
        assert r.choices[0].message.tool_calls, f"seed={SEED} model={model}"
    else:
        assert bad_request(client.chat.completions.create, **call)["message"] == _tools_refusal(model)


def test_tools_at_effort_none_are_the_first_way_out(client, stub, rng):
    """E5 (litellm#34569): 'tools + reasoning_effort=none => 200 tool_calls=1'."""
    model = serve(stub, draw(rng, lambda m: m.chat_tools == "effort_none", "needs effort none for tools"))
    r = client.chat.completions.create(
        model=model, messages=weather(rng), tools=[WEATHER], reasoning_effort="none"
    )
    assert r.choices[0].message.tool_calls[0].function.name == "get_weather", f"seed={SEED} model={model}"
    assert r.usage.completion_tokens_details.reasoning_tokens == 0


def test_tools_on_models_that_serve_them_only_through_responses(client, stub, rng):
    """gpt-6-astra: E4 (refused at low and xhigh), E8 ('at every effort level'); gpt-6.1-sol/-terra: S4, S7, S8.
    The hint to set 'none' comes even where 'none' is not a value (Wei-Shaw/sub2api#6740)."""
    model = serve(
        stub, draw(rng, lambda m: m.chat_tools == "responses_only", "serves tools only on Responses")
    )
    effort = rng.choice([None, *info(model).chat_efforts])
    kwargs = {} if effort is None else {"reasoning_effort": effort}
    e = bad_request(
        client.chat.completions.create, model=model, messages=weather(rng), tools=[WEATHER], **kwargs
    )
    assert e["message"] == _tools_refusal(model) and e["param"] == "reasoning_effort", f"seed={SEED} {model}"


def test_tools_at_any_effort_where_the_model_allows_it(client, stub, rng):
    """gpt-5.1 (vercel/ai#10932), gpt-5.5 (E1), gpt-5/o3 (fact sheet 1d), classic models; gpt-6.2-* permissive."""
    model = serve(stub, draw(rng, lambda m: m.chat_tools == "any", "takes tools at any effort"))
    kwargs = reasoning_effort_not_none(rng, model) if info(model).is_reasoning else {}
    r = client.chat.completions.create(model=model, messages=weather(rng), tools=[WEATHER], **kwargs)
    assert r.choices[0].message.tool_calls, f"seed={SEED} model={model}"


def test_tools_through_the_responses_api_at_any_effort(client, stub, rng):
    """The second way out the 400 names: the Responses API takes function tools with reasoning (S8; E4; goose#11413)."""
    model = serve(stub, draw(rng, lambda m: m.is_reasoning and m.chat_tools != "any", "restricts CC tools"))
    effort = rng.choice([e for e in info(model).efforts if e != "none"])
    r = client.responses.create(
        model=model,
        input=weather(rng)[0]["content"],
        tools=[{"type": "function", **WEATHER["function"]}],
        reasoning={"effort": effort},
    )
    assert [i.type for i in r.output][-1] == "function_call", f"seed={SEED} model={model} effort={effort}"
    assert r.usage.output_tokens_details.reasoning_tokens > 0


# ---------------------------------------------------------------------------------- Responses API


def test_an_effort_a_model_does_not_take_on_responses(client, stub, rng):
    """anomalyco/opencode#4451 (gpt-5.1 + minimal): "Unsupported value: 'minimal' is not supported with the
    'gpt-5.1' model. Supported values are: 'none', 'low', 'medium', and 'high'.", param reasoning.effort."""
    model = serve(
        stub, draw(rng, lambda m: m.is_reasoning and len(m.efforts) < len(EFFORTS), "lacks an effort")
    )
    allowed = info(model).efforts
    outside = rng.choice([e for e in EFFORTS if e not in allowed])
    e = bad_request(client.responses.create, model=model, input="hello", reasoning={"effort": outside})
    assert e == {
        "message": f"Unsupported value: '{outside}' is not supported with the '{model}' model. "
        f"Supported values are: {quoted(allowed)}.",
        "type": "invalid_request_error",
        "param": "reasoning.effort",
        "code": "unsupported_value",
    }, f"seed={SEED} model={model}"


def test_temperature_and_top_p_on_responses_while_reasoning(client, stub, rng):
    """E1 (gpt-5.6-terra): temperature 0.5 -> 400 code null, 1 -> 200; top_p -> 400 code null even at 1;
    BerriAI/litellm#39631 ('temperature' is not supported with this model, gpt-6-astra)."""
    model = serve(stub, draw(rng, REASONING, "reasons"))
    effort = {"effort": rng.choice([e for e in info(model).efforts if e != "none"])}
    e = bad_request(
        client.responses.create, model=model, input="hi", temperature=rng.choice([0, 0.5]), reasoning=effort
    )
    assert e == {
        "message": "Unsupported parameter: 'temperature' is not supported with this model.",
        "type": "invalid_request_error",
        "param": "temperature",
        "code": None,
    }, f"seed={SEED} model={model}"
    e = bad_request(
        client.responses.create, model=model, input="hi", top_p=rng.choice([1, 0.5]), reasoning=effort
    )
    assert e["param"] == "top_p" and e["code"] is None, f"seed={SEED} model={model}"
    r = client.responses.create(model=model, input="hi", temperature=1, reasoning=effort)
    assert r.status == "completed"


def test_temperature_on_responses_at_effort_none(client, stub, rng):
    """S8/S9: the rule is the same on both endpoints: sampling at effort none."""
    model = serve(stub, draw(rng, lambda m: "none" in m.efforts, "takes effort none"))
    r = client.responses.create(
        model=model, input="hi", temperature=rng.choice([0, 0.4]), reasoning={"effort": "none"}
    )
    assert r.usage.output_tokens_details.reasoning_tokens == 0, f"seed={SEED} model={model}"


def test_logprobs_on_responses_while_reasoning(client, stub, rng):
    """Fact sheet 1d (S8, S9): while the model reasons drop top_logprobs; UKGovernmentBEIS/inspect_ai#2739:
    logprobs are not supported for reasoning models on the Responses API; probed 2026-09-25 on GPT-5.x/GPT-6:
    "'logprobs' is not supported with this model" (find_string id 68402646183). No Responses body captured:
    the Chat Completions form (code unsupported_parameter), naming the parameter sent."""
    model = serve(stub, draw(rng, REASONING, "reasons"))
    effort = {"effort": rng.choice([e for e in info(model).efforts if e != "none"])}
    include = ["message.output_text.logprobs"]
    e = bad_request(client.responses.create, model=model, input="hi", include=include, reasoning=effort)
    assert e == {
        "message": "Unsupported parameter: 'logprobs' is not supported with this model.",
        "type": "invalid_request_error",
        "param": "logprobs",
        "code": "unsupported_parameter",
    }, f"seed={SEED} model={model}"
    top = rng.randint(1, 20)
    e = bad_request(
        client.responses.create, model=model, input="hi", include=include, top_logprobs=top, reasoning=effort
    )
    assert e["param"] == "top_logprobs" and e["code"] == "unsupported_parameter", f"seed={SEED} model={model}"


def test_logprobs_on_responses_at_effort_none(client, stub, rng):
    """S8/S9: token log probabilities come back once the model does not reason (effort none)."""
    model = serve(stub, draw(rng, lambda m: "none" in m.efforts, "takes effort none"))
    top = rng.randint(0, 5)
    r = client.responses.create(
        model=model,
        input=rng.choice(["hello", "Name a river."]),
        include=["message.output_text.logprobs"],
        top_logprobs=top,
        reasoning={"effort": "none"},
    )
    part = r.output[-1].content[0]
    assert part.logprobs and all(len(t.top_logprobs) == top for t in part.logprobs), (
        f"seed={SEED} model={model}"
    )


def test_logprobs_on_chat_completions_while_reasoning(client, stub, rng):
    """E1 and a gpt-5.6-sol probe (2026-08-24, find_string id 61858290689): "Unsupported parameter: 'logprobs'
    is not supported with this model.", code unsupported_parameter; accepted at effort none (S8, S9)."""
    model = serve(stub, draw(rng, lambda m: m.is_reasoning and "none" in m.chat_efforts, "takes effort none"))
    e = bad_request(
        client.chat.completions.create,
        model=model,
        messages=hello(rng),
        logprobs=True,
        reasoning_effort=rng.choice([x for x in info(model).chat_efforts if x != "none"]),
    )
    assert (e["param"], e["code"]) == ("logprobs", "unsupported_parameter"), f"seed={SEED} model={model}"
    r = client.chat.completions.create(
        model=model, messages=hello(rng), logprobs=True, top_logprobs=2, reasoning_effort="none"
    )
    assert r.choices[0].logprobs.content, f"seed={SEED} model={model}"


def test_reasoning_items_follow_the_effort_used_on_responses(client, stub, rng):
    """Reasoning tokens follow the effort (S1 docstring of reasoning.effort: none performs no reasoning): at
    none there is no reasoning item, so no summary and no encrypted content; above it both come when asked
    (recorded stream: vercel/ai openai-reasoning-encrypted-content.1.chunks.txt)."""
    model = serve(stub, draw(rng, lambda m: "none" in m.efforts, "takes effort none"))
    ask = dict(include=["reasoning.encrypted_content"], store=False)
    quiet = client.responses.create(
        model=model, input="hi", reasoning={"effort": "none", "summary": "auto"}, **ask
    )
    assert [i.type for i in quiet.output] == ["message"], f"seed={SEED} model={model}"
    effort = rng.choice([e for e in info(model).efforts if e != "none"])
    busy = client.responses.create(
        model=model, input="Why is the sky blue?", reasoning={"effort": effort, "summary": "auto"}, **ask
    )
    item = busy.output[0]
    assert item.type == "reasoning" and item.summary and item.encrypted_content, f"seed={SEED} model={model}"
    assert busy.usage.output_tokens_details.reasoning_tokens > 0


def test_reasoning_effort_on_a_classic_model_through_responses(client, stub, rng):
    """BoundaryML/baml#2708 (gpt-4.1): "Unsupported parameter: 'reasoning.effort' is not supported with this
    model.", code unsupported_parameter."""
    model = serve(stub, draw(rng, CLASSIC, "is a classic chat model"))
    e = bad_request(
        client.responses.create, model=model, input="hi", reasoning={"effort": rng.choice(["low", "high"])}
    )
    assert e == {
        "message": "Unsupported parameter: 'reasoning.effort' is not supported with this model.",
        "type": "invalid_request_error",
        "param": "reasoning.effort",
        "code": "unsupported_parameter",
    }, f"seed={SEED} model={model}"


# ---------------------------------------------------------------------------------- both


def test_system_is_accepted_and_read_as_developer_on_reasoning_models(client, stub, rng):
    """'With [the first o-series] models and newer, developer messages replace the previous system messages' (OpenAPI
    ChatCompletionRequestDeveloperMessage): either role, the same reply and the same bill."""
    model = serve(stub, draw(rng, REASONING, "reasons"))
    instruction = rng.choice(["Answer in one word.", "Be brief.", "You are a helpful assistant."])
    replies = {}
    for role in ("system", "developer"):
        r = client.chat.completions.create(
            model=model, messages=[{"role": role, "content": instruction}, *hello(random.Random(SEED))]
        )
        replies[role] = r
    assert replies["system"].choices[0].message.content == replies["developer"].choices[0].message.content, (
        f"seed={SEED} model={model}"
    )
    assert replies["system"].usage.prompt_tokens == replies["developer"].usage.prompt_tokens


def test_prompt_cache_key_must_be_a_string(client, stub, rng):
    """The SDK types it Optional[str] (S1)."""
    model = serve(stub, rng.choice(models.ids()))
    value = rng.choice([1, 2.5, True, ["k"], {"k": 1}])
    e = bad_request(client.chat.completions.create, model=model, messages=hello(rng), prompt_cache_key=value)
    assert e["param"] == "prompt_cache_key" and e["code"] == "invalid_type", f"seed={SEED}"
    r = client.chat.completions.create(model=model, messages=hello(rng), prompt_cache_key="user-42")
    assert r.usage.prompt_tokens_details.cached_tokens == 0
