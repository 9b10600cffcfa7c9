"""Lab 2 · Streaming: tests for labs/lab02_streaming.py (or solutions/ with --impl=solutions).

Every test streams through the course's stub with the real SDK, then compares what your code
assembled with the same request made without streaming (the stub is deterministic), and reads
what your code SENT from the stub's journal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai import OpenAI

from course.grading.capabilities import lab_may_call


def visible_tokens(usage) -> int:
    """The tokens a stream shows: the completion without the hidden reasoning tokens (the default model reasons)."""
    details = usage.completion_tokens_details
    return usage.completion_tokens - (details.reasoning_tokens or 0 if details else 0)


# The course's default model, from the one helper that names models (tests/labs/conftest.py ``models``).
MODEL = ""


@pytest.fixture(autouse=True)
def _course_model(models):
    global MODEL
    MODEL = models.default.id


RIVER = [{"role": "user", "content": "Describe a river at dawn."}]
PLANETS = [{"role": "user", "content": "List the planets of the solar system."}]
BOOK = [{"role": "user", "content": "Recommend a book about the sea."}]


@pytest.fixture
def lab(load_impl):
    return load_impl("lab02_streaming")


def reference(client: OpenAI, messages: list[dict], **options):
    """The same request without streaming: what the assembled stream must equal."""
    return client.chat.completions.create(model=MODEL, messages=messages, **options)


def streamed_bodies(stub) -> list[dict]:
    return [b for b in stub.requests() if isinstance(b, dict) and b.get("stream")]


def usage_tuple(usage) -> tuple[int, int, int] | None:
    return None if usage is None else (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens)


# --- a fake clock that moves only when the response moves ----------------------------------------------
#
# The time each step takes is drawn per run: from sending the request to the headers, and before each SSE
# frame ("data: ...\n\n"). The transport notes when each frame arrived, so a test knows the exact time of
# the first piece of text and of the end of the stream: no constant answer matches them.


@lab_may_call  # lab code reads it (measure_stream's clock)
class SteppingClock:
    """``clock()`` returns the fake time; the transport below advances it as the response arrives."""

    def __init__(self, rng, start: int = 0) -> None:
        self.now = start  # any start: only differences of clock() readings mean anything
        self.rng = rng
        self.frames: list[tuple[float, bytes]] = []  # (the time a frame arrived, the frame)
        self.sent_at: float | None = None  # when the request went out

    def __call__(self) -> float:
        return self.now

    def step(self) -> None:
        self.now += self.rng.randint(1, 9)

    def first_text_at(self) -> float | None:
        """When the first frame with non-empty ``delta.content`` arrived (None: no text at all)."""
        for at, frame in self.frames:
            data = frame.decode().removeprefix("data: ").strip()
            if data.startswith("{") and any(
                (c.get("delta") or {}).get("content") for c in json.loads(data)["choices"]
            ):
                return at
        return None

    def end_at(self) -> float:
        return self.frames[-1][0]


class _FrameByFrame(httpx2.SyncByteStream):
    def __init__(self, inner: httpx2.SyncByteStream, clock: SteppingClock) -> None:
        self.inner, self.clock = inner, clock

    def __iter__(self) -> Iterator[bytes]:
        pending = b""
        for data in self.inner:
            pending += data
            while b"\n\n" in pending:
                frame, pending = pending.split(b"\n\n", 1)
                self.clock.step()
                self.clock.frames.append((self.clock.now, frame))
                yield frame + b"\n\n"
        if pending:
            yield pending

    def close(self) -> None:
        self.inner.close()


class SteppingTransport(httpx2.HTTPTransport):
    """A real loopback transport that hands the SDK one SSE frame at a time and moves the clock with it."""

    def __init__(self, clock: SteppingClock) -> None:
        super().__init__()
        self.clock = clock

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.clock.sent_at = self.clock.now
        response = super().handle_request(request)
        self.clock.step()  # the headers
        self.clock.headers_at = self.clock.now
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            stream=_FrameByFrame(response.stream, self.clock),
            extensions=response.extensions,
        )


@pytest.fixture
def clock(rng) -> SteppingClock:
    return SteppingClock(rng, rng.randint(1, 10**6))


@pytest.fixture
def stepping_client(stub, clock) -> Iterator[OpenAI]:
    http = httpx2.Client(transport=SteppingTransport(clock))
    client = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=10, http_client=http)
    yield client
    client.close()


# --- collect_stream --------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_collect_stream_assembles_the_text(lab, client):
    stream = client.chat.completions.create(model=MODEL, messages=PLANETS, stream=True)
    result = lab.collect_stream(stream)
    expected = reference(client, PLANETS).choices[0].message.content
    assert result.text == expected, (
        f"collect_stream assembled {result.text!r}, but the reply was {expected!r}. Join every non-empty "
        "delta.content in order; the finish chunk has delta.content None, which must add nothing (not 'None')."
    )
    assert result.finish_reason == "stop", (
        f"finish_reason is {result.finish_reason!r}; the stream's finish chunk said 'stop'. Take it from the "
        "choice whose finish_reason is not None."
    )
    assert result.usage is None, (
        "usage should be None: this request did not ask for it (no stream_options), so no chunk carried any."
    )


@pytest.mark.points(2)
def test_collect_stream_survives_the_usage_chunk(lab, client):
    stream = client.chat.completions.create(
        model=MODEL, messages=PLANETS, stream=True, stream_options={"include_usage": True}
    )
    try:
        result = lab.collect_stream(stream)
    except IndexError as err:
        pytest.fail(
            f"collect_stream raised IndexError ({err}) with include_usage on: the last chunk of such a stream "
            "has an EMPTY choices list (it only carries usage), so chunk.choices[0] does not exist. Loop over "
            "chunk.choices, or check `if chunk.choices:` first."
        )
    expected = reference(client, PLANETS).choices[0].message.content
    assert result.text == expected, (
        f"with include_usage on, the text was {result.text!r}; expected {expected!r}."
    )


@pytest.mark.points(2)
def test_collect_stream_reports_usage_when_requested(lab, client):
    stream = client.chat.completions.create(
        model=MODEL, messages=BOOK, stream=True, stream_options={"include_usage": True}
    )
    result = lab.collect_stream(stream)
    expected = usage_tuple(reference(client, BOOK).usage)
    assert result.usage is not None, (
        "usage is None although the request asked for it (stream_options={'include_usage': True}). It arrives "
        "on the LAST chunk, the one with choices == []: read chunk.usage on every chunk, before skipping "
        "chunks that have no choices."
    )
    got = usage_tuple(result.usage)
    assert got == expected, (
        f"usage (prompt, completion, total) is {got}; the stream's usage chunk said {expected}."
    )


@pytest.mark.points(2)
def test_collect_stream_marks_a_truncated_reply(lab, client):
    stream = client.chat.completions.create(
        model=MODEL,
        messages=RIVER,
        stream=True,
        max_completion_tokens=7,
        stream_options={"include_usage": True},
    )
    result = lab.collect_stream(stream)
    expected = reference(client, RIVER, max_completion_tokens=7)
    assert result.text == expected.choices[0].message.content, (
        f"with max_completion_tokens=7 the text was {result.text!r}; expected {expected.choices[0].message.content!r}."
    )
    assert result.finish_reason == "length", (
        f"finish_reason is {result.finish_reason!r}, but max_completion_tokens cut this reply short: the finish chunk said "
        "'length'. Keep the finish_reason the stream sends; don't assume 'stop'."
    )
    assert usage_tuple(result.usage) == usage_tuple(expected.usage), (
        f"usage is {usage_tuple(result.usage)}; expected {usage_tuple(expected.usage)}."
    )


@pytest.mark.points(3)
def test_collect_stream_keeps_choices_apart(lab, client):
    options = {"n": 2, "temperature": 1.0, "seed": 1}  # two different replies of different lengths
    stream = client.chat.completions.create(model=MODEL, messages=RIVER, stream=True, **options)
    result = lab.collect_stream(stream)
    expected = [c.message.content for c in reference(client, RIVER, **options).choices]
    assert len(result.texts) == 2, (
        f"with n=2 result.texts has {len(result.texts)} entries; it needs one per choice. Chunks carry "
        "choice.index: 0 or 1."
    )
    assert result.texts == expected, (
        f"with n=2 the texts were {result.texts!r}; expected {expected!r}. The chunks of the two choices "
        "arrive interleaved: add each delta to result.texts[choice.index]."
    )
    assert result.finish_reasons == ["stop", "stop"], (
        f"finish_reasons are {result.finish_reasons!r}; each choice ended with 'stop'."
    )


@pytest.mark.points(2)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(1, 3), max_completion_tokens=st.one_of(st.none(), st.integers(1, 30)), usage=st.booleans()
)
def test_collect_stream_matches_the_unstreamed_reply(lab, client, n, max_completion_tokens, usage):
    options = {"n": n, "temperature": 1.0, "seed": 3}
    if max_completion_tokens is not None:
        options["max_completion_tokens"] = max_completion_tokens
    extra = {"stream_options": {"include_usage": True}} if usage else {}
    result = lab.collect_stream(
        client.chat.completions.create(model=MODEL, messages=RIVER, stream=True, **options, **extra)
    )
    expected = reference(client, RIVER, **options)
    texts = [c.message.content for c in expected.choices]
    reasons = [c.finish_reason for c in expected.choices]
    where = f"(n={n}, max_completion_tokens={max_completion_tokens}, include_usage={usage})"
    assert result.texts == texts, f"{where}: texts {result.texts!r}, expected {texts!r}."
    assert result.finish_reasons == reasons, (
        f"{where}: finish_reasons {result.finish_reasons!r}, expected {reasons!r}."
    )
    want_usage = usage_tuple(expected.usage) if usage else None
    assert usage_tuple(result.usage) == want_usage, (
        f"{where}: usage {usage_tuple(result.usage)}, expected {want_usage}."
    )


# --- stream_reply ----------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_stream_reply_returns_the_full_text(lab, client, stub):
    pieces: list[str] = []
    text = lab.stream_reply(client, MODEL, PLANETS, lab_may_call(pieces.append))
    sent = streamed_bodies(stub)
    assert len(sent) == 1, (
        f"stream_reply sent {len(sent)} streamed requests ({len(stub.requests())} in all); it should send exactly "
        "one, with stream=True."
    )
    expected = reference(client, PLANETS).choices[0].message.content
    assert text == expected, (
        f"stream_reply returned {text!r}; the reply was {expected!r}. If it returned '' you probably read the "
        "stream twice: a stream can be iterated only once, so collect the pieces in the same loop that calls "
        "on_token."
    )


@pytest.mark.points(2)
def test_stream_reply_calls_back_token_by_token(lab, client):
    pieces: list[object] = []
    text = lab.stream_reply(client, MODEL, BOOK, lab_may_call(pieces.append))
    expected = reference(client, BOOK)
    bad = [p for p in pieces if not isinstance(p, str) or not p]
    assert not bad, (
        f"on_token was called with {bad[0]!r}: call it only with non-empty text. The role chunk has content '' and "
        "the finish chunk has content None."
    )
    deltas = visible_tokens(expected.usage)
    assert len(pieces) == deltas, (
        f"on_token was called {len(pieces)} times; the stream had {deltas} content "
        "deltas. Call it once per delta, as each arrives (not once with the whole text)."
    )
    assert "".join(pieces) == text, (
        "the pieces given to on_token, joined, must be exactly the text you return."
    )


@pytest.mark.points(2)
def test_stream_reply_calls_back_while_streaming(lab, stepping_client, clock):
    seen: list[float] = []
    lab.stream_reply(stepping_client, MODEL, PLANETS, lab_may_call(lambda piece: seen.append(clock())))
    assert len(seen) > 1, f"on_token was called {len(seen)} times; expected one call per token."
    assert seen == sorted(set(seen)), (
        "on_token was called for several tokens at the same moment: it must be called as each chunk arrives, "
        "inside the loop over the stream, not after the stream has been read."
    )


# --- measure_stream --------------------------------------------------------------------------------------


REPLY_SHAPES = ["text", "starts-with-whitespace", "no-text"]


def shaped_reply(script, rng, shape: str) -> list[dict]:
    """A question whose scripted reply has the given shape; returns its messages."""
    marker = rng.token()
    if shape == "no-text":  # a refusal: content None all along, no piece of text
        script({marker: {"refusal": rng.sentence()}})
    elif shape == "starts-with-whitespace":  # the first content delta is whitespace only ("\n\n")
        script({marker: f"\n\n{rng.sentence(4, 12)}\n\n   {rng.sentence(3, 8)}  "})
    else:
        script({marker: rng.sentence(4, 16)})
    return [{"role": "user", "content": f"{marker} {rng.sentence()}"}]


@pytest.mark.points(2)
@pytest.mark.parametrize("shape", REPLY_SHAPES)
def test_measure_stream_time_to_first_token(lab, stepping_client, client, clock, script, rng, shape):
    messages = shaped_reply(script, rng, shape)
    timing = lab.measure_stream(stepping_client, MODEL, messages, clock=clock)
    start = clock.sent_at
    first = clock.first_text_at()
    want = None if first is None else first - start
    frames = [at - start for at, _ in clock.frames]
    hint = {
        clock.headers_at - start: "that is when create() returned (the headers), before any chunk",
        frames[0]: "that is the role chunk, whose content is '': not a token yet",
        0: "no time passed: read time zero before create() and the first token's time when it arrives",
    }.get(timing.time_to_first_token, "")
    if shape == "no-text":
        hint = "this reply had no text at all (a refusal): time_to_first_token is None, not a number"
    elif shape == "starts-with-whitespace" and timing.time_to_first_token in frames:
        hint = (
            hint
            or "the first piece of text is whitespace ('\\n\\n'): it is non-empty, so it is the first token"
        )
    assert timing.time_to_first_token == want, (
        f"time_to_first_token is {timing.time_to_first_token}; with the test's clock (steps drawn per run) it "
        f"should be {want}, when the first chunk with non-empty content arrived"
        + (f": {hint}" if hint else "")
        + "."
    )
    expected = reference(client, messages).choices[0].message.content or ""
    assert timing.text == expected, (
        f"measure_stream.text is the full reply {expected!r}; got {timing.text!r}."
    )


@pytest.mark.points(2)
@pytest.mark.parametrize("shape", REPLY_SHAPES)
def test_measure_stream_total_time(lab, stepping_client, client, clock, script, rng, shape):
    messages = shaped_reply(script, rng, shape)
    timing = lab.measure_stream(stepping_client, MODEL, messages, clock=clock)
    total = clock.end_at() - clock.sent_at
    assert timing.total == total, (
        f"total is {timing.total}; with the test's clock it should be {total} (the end of the stream). "
        + (
            "You measured when create() returned: with stream=True it returns at the headers, before any token. "
            "Read the clock after the loop over the stream."
            if timing.total == clock.headers_at - clock.sent_at
            else "Read the clock once before create() and once after the stream is exhausted."
        )
    )


# --- streaming_chat_turn ---------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_chat_turn_appends_the_reply(lab, client, stub):
    history = [{"role": "system", "content": "You are a helpful assistant."}]
    same = history
    result = lab.streaming_chat_turn(client, MODEL, history, "Suggest a name for a grey cat.")
    asked = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Suggest a name for a grey cat."},
    ]
    expected = reference(client, asked).choices[0].message.content
    assert history is same, (
        "streaming_chat_turn must append to the history list it was given, not build a new one."
    )
    roles = [m["role"] for m in history]
    assert roles == ["system", "user", "assistant"], (
        f"after one turn the history has roles {roles}; expected ['system', 'user', 'assistant']. Append the user's "
        "message before the request, and the assembled reply after the stream has ended."
    )
    assert history[-1]["content"] == expected, (
        f"the assistant message in the history has content {history[-1]['content']!r}; the reply was {expected!r}. "
        "Append the full text joined from the deltas (a string), not the stream or the chunks."
    )
    assert result.text == expected, f"the returned result has text {result.text!r}; expected {expected!r}."


@pytest.mark.points(2)
def test_chat_turn_sends_the_whole_conversation(lab, client, stub):
    history: list[dict] = []
    lab.streaming_chat_turn(client, MODEL, history, "Suggest a name for a grey cat.")
    first_reply = history[-1]["content"] if history else None
    lab.streaming_chat_turn(client, MODEL, history, "Repeat your last suggestion.")
    sent = streamed_bodies(stub)
    assert len(sent) == 2, f"two turns should send two streamed requests; the stub received {len(sent)}."
    roles = [m["role"] for m in sent[1]["messages"]]
    assert roles == ["user", "assistant", "user"], (
        f"the second turn sent roles {roles}; expected ['user', 'assistant', 'user']. The first reply must be in "
        "the history, or the model cannot know what it said."
    )
    assert sent[1]["messages"][1]["content"] == first_reply, (
        "the second request did not carry the first reply as sent."
    )
    assert history[-1]["role"] == "assistant" and first_reply in history[-1]["content"], (
        f"the second reply was {history[-1]['content']!r}; it should quote the first one ({first_reply!r})."
    )


@pytest.mark.points(2)
def test_chat_turn_asks_for_usage(lab, client, stub):
    history: list[dict] = []
    result = lab.streaming_chat_turn(client, MODEL, history, "Recommend a book about the sea.")
    body = streamed_bodies(stub)
    assert body, "streaming_chat_turn sent no request with stream=True."
    options = body[0].get("stream_options") or {}
    assert options.get("include_usage") is True, (
        f"the request's stream_options were {body[0].get('stream_options')!r}: a stream only reports usage when "
        "you ask for it with stream_options={'include_usage': True}."
    )
    expected = usage_tuple(reference(client, BOOK).usage)
    assert usage_tuple(result.usage) == expected, (
        f"result.usage is {usage_tuple(result.usage)}; expected {expected}."
    )


@pytest.mark.points(1)
def test_chat_turn_calls_back(lab, client):
    pieces: list[str] = []
    history: list[dict] = []
    result = lab.streaming_chat_turn(
        client, MODEL, history, "List the planets of the solar system.", on_token=lab_may_call(pieces.append)
    )
    assert pieces, "on_token was given but never called."
    assert all(isinstance(p, str) and p for p in pieces), "call on_token only with non-empty text."
    assert "".join(pieces) == result.text == history[-1]["content"], (
        "the pieces given to on_token, the returned text and the appended reply must all be the same text. "
        "If the reply is '', the stream was read twice (once for on_token, once to collect)."
    )


# --- streams built by hand: shapes the stub never sends ---------------------------------------------------

from openai.types import CompletionUsage  # noqa: E402
from openai.types.chat import ChatCompletionChunk  # noqa: E402


def chunk(choices=(), usage=None, model="handmade-model") -> ChatCompletionChunk:
    """A ChatCompletionChunk; ``choices`` are (index, content, finish_reason, role) tuples."""
    return ChatCompletionChunk.model_validate(
        {
            "id": "chatcmpl-handmade",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": model,
            "choices": [
                {
                    "index": i,
                    "delta": {
                        k: v
                        for k, v in (("content", content), ("role", role))
                        if v is not None or k == "content"
                    },
                    "finish_reason": finish,
                    "logprobs": None,
                }
                for i, content, finish, role in choices
            ],
            "usage": usage.model_dump() if usage is not None else None,
        }
    )


def split_text(rng, text: str) -> list[str]:
    cuts = (
        sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(1, 6))))
        if len(text) > 1
        else []
    )
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


@pytest.mark.points(2)
def test_collect_stream_of_hand_built_chunks(lab, rng):
    n = rng.randint(1, 3)
    texts = [rng.sentence(2, 10) for _ in range(n)]
    finishes = [rng.choice(["stop", "length", "content_filter"]) for _ in range(n)]
    pieces = [split_text(rng, t) for t in texts]
    chunks = [chunk([(i, "", None, "assistant") for i in range(n)])]
    queues = [list(p) for p in pieces]
    while any(queues):  # the choices' pieces arrive interleaved, in a random order
        i = rng.choice([k for k in range(n) if queues[k]])
        chunks.append(chunk([(i, queues[i].pop(0), None, None)]))
    chunks.append(chunk([(i, None, finishes[i], None) for i in range(n)]))
    usage = CompletionUsage(
        prompt_tokens=rng.randint(1, 500), completion_tokens=rng.randint(1, 500), total_tokens=0
    )
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens
    with_usage = rng.random() < 0.5
    if with_usage:
        chunks.append(chunk([], usage=usage))
    result = lab.collect_stream(iter(chunks))
    assert list(result.texts) == texts, (
        f"texts should be {texts!r} (one per choice, by index); got {result.texts!r}"
    )
    assert list(result.finish_reasons) == finishes, (
        f"finish_reasons should be {finishes!r}, each from its choice's last chunk; got {result.finish_reasons!r}"
    )
    got_usage = usage_tuple(result.usage)
    want_usage = usage_tuple(usage) if with_usage else None
    assert got_usage == want_usage, (
        f"usage should be {want_usage} (from the last chunk, if any); got {got_usage}"
    )


@pytest.mark.points(1)
def test_collect_stream_when_the_first_chunk_carries_text(lab, rng):
    text = rng.sentence()
    first, *rest = split_text(rng, text)
    chunks = [chunk([(0, first, None, "assistant")])] + [chunk([(0, p, None, None)]) for p in rest]
    chunks.append(chunk([(0, None, "stop", None)]))
    result = lab.collect_stream(chunks)
    assert result.text == text, (
        f"some providers put text in the first chunk, next to the role; the text is {text!r}, got {result.text!r}"
    )


@pytest.mark.points(1)
def test_collect_stream_with_no_text_at_all(lab, rng):
    finish = rng.choice(["stop", "length", "content_filter"])
    chunks = [chunk([(0, None, None, "assistant")]), chunk([(0, None, finish, None)])]
    result = lab.collect_stream(chunks)
    assert result.text == "" and "None" not in "".join(result.texts), (
        f'a stream with no text assembles to ""; got {result.texts!r}'
    )
    assert result.finish_reason == finish, f"finish_reason should be {finish!r}; got {result.finish_reason!r}"
    assert result.usage is None, "no usage chunk, so usage is None"


@pytest.mark.points(1)
def test_stream_reply_returns_whatever_the_model_says(lab, client, stub, script, rng, models):
    prompt = f"{rng.token()} {rng.sentence()}"
    reply = " ".join(rng.sentence(3, 9) for _ in range(rng.randint(1, 3)))
    script({prompt.split()[0]: reply})
    model = models.any(rng)
    pieces: list[str] = []
    got = lab.stream_reply(client, model, [{"role": "user", "content": prompt}], lab_may_call(pieces.append))
    assert got == reply, f"the model replied {reply!r}; stream_reply returned {got!r}"
    assert "".join(pieces) == reply and all(pieces), (
        f"on_token got {pieces!r}: every non-empty piece, in order"
    )
    bodies = streamed_bodies(stub)
    assert len(bodies) == 1 and bodies[0]["model"] == model, f"one streamed request with model {model!r}"
    assert bodies[0]["messages"] == [{"role": "user", "content": prompt}], "send the messages you are given"


@pytest.mark.points(1)
def test_chat_turn_appends_whatever_the_model_says(lab, client, stub, script, rng):
    prompt = f"{rng.token()} {rng.sentence()}"
    reply = rng.sentence(4, 20)
    script({prompt.split()[0]: reply})
    history = [{"role": "system", "content": rng.sentence()}]
    same = history
    result = lab.streaming_chat_turn(client, MODEL, history, prompt)
    assert history is same and history[1:] == [
        {"role": "user", "content": prompt},
        {"role": "assistant", "content": reply},
    ], f"history should end with the question and the reply {reply!r}; it is {history!r}"
    assert result.text == reply and result.finish_reason == "stop"


# --- every piece, as it is, when it arrives -------------------------------------------------------------


def spaced_reply(script, rng) -> tuple[list[dict], str]:
    """A question whose scripted reply starts and ends with whitespace and has whitespace-only pieces inside
    (a blank line, an indent): what a model writes for a list or a code block."""
    marker = rng.token()
    reply = f"{rng.choice(['', ' ', chr(10) * 2])}{rng.sentence(3, 9)}\n\n\n   {rng.sentence(3, 9)}\n\n    {rng.sentence(2, 6)}  "
    script({marker: reply})
    return [{"role": "user", "content": f"{marker} {rng.sentence()}"}], reply


def content_frames(clock: SteppingClock) -> list[tuple[float, str]]:
    """(arrival time, delta.content) of every frame with non-empty text, in order."""
    out = []
    for at, frame in clock.frames:
        data = frame.decode().removeprefix("data: ").strip()
        if data.startswith("{"):
            for c in json.loads(data)["choices"]:
                if (c.get("delta") or {}).get("content"):
                    out.append((at, c["delta"]["content"]))
    return out


@pytest.mark.points(2)
def test_stream_reply_passes_on_every_piece_as_it_arrives(lab, stepping_client, clock, script, rng):
    messages, reply = spaced_reply(script, rng)
    seen: list[tuple[object, float]] = []
    text = lab.stream_reply(
        stepping_client, MODEL, messages, lab_may_call(lambda piece: seen.append((piece, clock())))
    )
    frames = content_frames(clock)
    assert any(not p.strip() for _, p in frames), "(test setup) the reply should have whitespace-only pieces"
    pieces = [p for p, _ in seen]
    want = [p for _, p in frames]
    assert pieces == want, (
        "on_token gets every non-empty delta.content, as it is and in order (whitespace-only pieces too: a "
        f"blank line is part of the reply);\nexpected {want}\n     got {pieces}"
    )
    assert [t for _, t in seen] == [t for t, _ in frames], (
        "on_token is called as each piece arrives, inside the loop over the stream (the test's clock moves with "
        "every frame): called at the wrong moments"
    )
    assert text == reply, (
        f"return the pieces joined, exactly: {reply!r}; got {text!r} (don't strip it: its spaces and newlines are "
        "part of the reply)"
    )


@pytest.mark.points(2)
def test_chat_turn_passes_on_every_piece_as_it_arrives(lab, stepping_client, clock, script, rng):
    messages, reply = spaced_reply(script, rng)
    history: list[dict] = []
    seen: list[tuple[object, float]] = []
    result = lab.streaming_chat_turn(
        stepping_client,
        MODEL,
        history,
        messages[0]["content"],
        on_token=lab_may_call(lambda p: seen.append((p, clock()))),
    )
    frames = content_frames(clock)
    assert [p for p, _ in seen] == [p for _, p in frames], (
        "on_token gets every non-empty piece, whitespace-only ones too, in order;\nexpected "
        f"{[p for _, p in frames]}\n     got {[p for p, _ in seen]}"
    )
    assert [t for _, t in seen] == [t for t, _ in frames], (
        "on_token is called once per piece as it arrives (the test's clock moves with every frame), not once at "
        f"the end: it was called {len(seen)} time(s), at the wrong moments"
    )
    assert result.text == reply and history[-1] == {"role": "assistant", "content": reply}, (
        f"the result's text and the appended reply are the reply exactly, {reply!r} (not stripped); got "
        f"{result.text!r} and {history[-1] if history else None}"
    )


@pytest.mark.points(1)
def test_collect_stream_keeps_whitespace_pieces(lab, rng):
    pieces = [rng.choice([" ", "\n\n", "   "])]
    for _ in range(rng.randint(2, 5)):
        pieces += [rng.sentence(2, 5), rng.choice(["\n", "\n\n", "  ", "\t"])]
    chunks = [chunk([(0, "", None, "assistant")])] + [chunk([(0, p, None, None)]) for p in pieces]
    chunks.append(chunk([(0, None, rng.choice(["stop", "length"]), None)]))
    result = lab.collect_stream(chunks)
    assert result.text == "".join(pieces), (
        f"every delta.content joined, exactly (whitespace-only pieces too, nothing stripped): expected "
        f"{''.join(pieces)!r}, got {result.text!r}"
    )
