"""llm_stub.warmup: an embedded stub loads its encodings and word lists in the background, once per process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from llm_stub import StubServer, tokenizer, warmup


def test_starting_a_stub_starts_one_warm_up_per_process() -> None:
    with StubServer():
        first = warmup.warm_in_background()
    with StubServer():
        assert warmup.warm_in_background() is first, "a second stub must not load everything again"


def test_the_warm_up_loads_every_encoding() -> None:
    warmup.warm_in_background().join(timeout=300)
    assert set(tokenizer._loaded) == set(tokenizer.ENCODINGS)


def test_a_request_during_the_warm_up_gets_the_same_answer_as_after_it() -> None:
    # in a fresh process, so that the first request really meets tables still being built
    script = textwrap.dedent(
        """
        import json
        from openai import OpenAI
        from llm_stub import StubServer, catalog, warmup

        def ask(client):
            reply = client.chat.completions.create(
                model=catalog.plain_model(), seed=7,
                messages=[{"role": "user", "content": "what time is it in Lisbon at 6:45 tomorrow?"}],
            )
            return reply.choices[0].message.content, reply.usage.prompt_tokens

        with StubServer() as stub:
            client = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=300)
            during = ask(client)
            warmup.warm_in_background().join(timeout=300)
            after = ask(client)
        print(json.dumps([during, after]))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600, check=True
    )
    during, after = __import__("json").loads(out.stdout)
    assert during == after
