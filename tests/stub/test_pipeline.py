"""The pipeline's context checks (llm_stub/pipeline.py): a cap above the model's output limit names the cap the
caller sent. Real body (ChatGPTNextWeb/NextChat#3195): "max_tokens is too large: 8192. This model supports at most
4096 completion tokens, whereas you provided 8192.", param "max_tokens", code null. Inputs vary per run (the seed is
in every assertion message).
"""

from __future__ import annotations

import random

import openai
import pytest
from openai import OpenAI

from llm_stub.catalog import DEFAULT_MODELS

from .models import serve
from .openapi import errors

SEED = random.randrange(2**32)


@pytest.mark.parametrize("param", ["max_tokens", "max_completion_tokens"])
def test_a_cap_above_the_models_output_limit_names_the_parameter_sent(llm_stub, param: str) -> None:
    rng = random.Random(f"{SEED}-{param}")
    models = [m for m in DEFAULT_MODELS if param == "max_completion_tokens" or not m.is_reasoning]
    model = rng.choice(models)
    serve(llm_stub, model.id)  # a day the drawn model is served
    cap = model.max_output_tokens + rng.randint(1, 50_000)
    client = OpenAI(base_url=llm_stub.base_url, api_key=llm_stub.api_key, max_retries=0)
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(
            model=model.id, messages=[{"role": "user", "content": "hello"}], **{param: cap}
        )
    body = caught.value.response.json()
    assert not errors("ErrorResponse", body), body
    where = f"(seed {SEED}, model {model.id}, {param}={cap})"
    assert body["error"]["param"] == param, where
    assert body["error"]["code"] is None, where
    assert body["error"]["message"] == (
        f"{param} is too large: {cap}. This model supports at most {model.max_output_tokens} completion tokens, "
        f"whereas you provided {cap}."
    ), where


def test_a_cap_at_the_models_output_limit_is_accepted(llm_stub) -> None:
    rng = random.Random(SEED)
    model = rng.choice([m for m in DEFAULT_MODELS if not m.is_reasoning])
    serve(llm_stub, model.id)
    client = OpenAI(base_url=llm_stub.base_url, api_key=llm_stub.api_key, max_retries=0)
    reply = client.chat.completions.create(
        model=model.id,
        messages=[{"role": "user", "content": "hello"}],
        max_completion_tokens=model.max_output_tokens,
    )
    assert reply.choices[0].finish_reason in ("stop", "length"), f"seed {SEED}"
