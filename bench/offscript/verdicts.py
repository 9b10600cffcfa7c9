"""The predicates experiments use: each builds a function Run -> Verdict from what a real model would do.

* ``expect_call(tool, **checks)``: one call to ``tool`` whose arguments pass the checks;
* ``expect_calls([(tool, checks), ...])``: every request of the message gets its call (in one reply or over
  the agent loop's steps), and no call nobody asked for;
* ``expect_ask(...)``: a required value is genuinely missing, so asking for it is the sensible answer and any
  call is an invented value;
* ``expect_text(*wanted, forbid=...)``: a text answer that contains what the history or the tool result gives;
* ``expect_fields({path: check})``: structured output whose fields pass the checks.

Where an answer neither passes nor declines, the reason starts with a tag: [value] a wrong argument or field,
[tool] a call to a tool that was not wanted, [repeat] a call already answered, [dropped] a request without
its call, [dump] raw JSON or argument labels as the answer, [empty] nothing, [non-answer] a reply that
neither answers nor says it cannot, [shape] output that does not fit the schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from .harness import Call, Reply, Run
from .judge import (
    Check,
    Verdict,
    declines,
    has_number,
    honest,
    looks_raw,
    mentions,
    norm,
    says_limits,
    says_needs_real_model,
    sensible,
    short,
    text_has,
    unechoed,
    wrong,
)

Judge = Callable[[Run], Verdict]
_MISSING = object()


def says(*alternatives: str) -> Check:
    """The text mentions one of the alternatives (whole words, any case)."""
    return text_has(*alternatives)


def says_number(expected: float, tol: float = 0.01) -> Check:
    return Check(f"{expected:g}", lambda text: has_number(text, expected, tol))


def _as_check(want: Check | str | tuple[str, ...]) -> Check:
    if isinstance(want, Check):
        return want
    return says(*(want if isinstance(want, tuple) else (want,)))


def arg_problems(args: Any, checks: dict[str, Check]) -> list[str]:
    """What is wrong with one call's arguments (empty when every check passes)."""
    if not isinstance(args, dict):
        return ["arguments are not a JSON object"]
    problems = []
    for name, check in checks.items():
        value = args.get(name, _MISSING)
        if value is _MISSING:
            if not check(None):
                problems.append(f"{name} missing (want {check.desc})")
        elif not check(value):
            problems.append(f"{name}={short(value, 40)} (want {check.desc})")
    return problems


def _same_call(a: Call, b: Call) -> bool:
    """The same tool with the same arguments, ignoring arguments left empty in either call (a repeat that
    drops the country is still a repeat)."""
    if a.name != b.name:
        return False
    if not isinstance(a.args, dict) or not isinstance(b.args, dict):
        return a.arguments == b.arguments
    shared = [
        k
        for k in a.args.keys() & b.args.keys()
        if a.args[k] not in (None, "", []) and b.args[k] not in (None, "", [])
    ]
    if not shared:
        return a.args == b.args
    return all(norm(str(a.args[k])) == norm(str(b.args[k])) for k in shared)


def judge_calls(
    calls: Sequence[Call], expected: Sequence[tuple[str, dict[str, Check]]], prior: Sequence[Call] = ()
) -> Verdict:
    """Every expected call matched by a distinct actual call; anything else named with its tag."""
    unused = list(calls)
    matched: list[Call] = []
    problems: list[str] = []
    honest_notes: list[str] = []
    for tool, checks in expected:
        hit = next((c for c in unused if c.name == tool and not arg_problems(c.args, checks)), None)
        if hit is not None:
            unused.remove(hit)
            matched.append(hit)
            continue
        same_tool = [c for c in unused if c.name == tool]
        if same_tool:
            call = same_tool[0]
            unused.remove(call)
            failed = arg_problems(call.args, checks)
            if any(_same_call(call, p) for p in prior):
                problems.append(f"[repeat] {short(str(call), 70)}")
            elif _only_declining(call.args, checks):
                honest_notes.append(f"{tool}: " + "; ".join(failed))
            else:
                problems.append(f"[value] {tool}: " + "; ".join(failed))
        else:
            want = ", ".join(f"{k}={c.desc}" for k, c in checks.items())
            problems.append(f"[dropped] no call to {tool}({want})")
    for call in unused:
        if any(_same_call(call, m) for m in [*matched, *prior]):
            problems.append(f"[repeat] {short(str(call), 70)}")
        else:
            problems.append(f"[tool] {short(str(call), 70)} was not asked for")
    if problems:
        return wrong("; ".join(problems))
    if honest_notes:
        return honest("a free-text argument says it cannot tell: " + "; ".join(honest_notes))
    return sensible()


def _only_declining(args: Any, checks: dict[str, Check]) -> bool:
    """Every failing argument is free text that says it cannot tell (e.g. "this needs a real model")."""
    if not isinstance(args, dict):
        return False
    failing = [args.get(name) for name, check in checks.items() if not check(args.get(name))]
    return bool(failing) and all(isinstance(v, str) and declines(v) for v in failing)


def _text_instead(reply: Reply, text_ok: Check | None, missing: str, quoted: list[str]) -> Verdict:
    """No call was made: a text that answers is fine, a decline is honest, anything else is wrong."""
    text = reply.text
    own = unechoed(text, quoted)
    if not text or not text.strip():
        return wrong(f"[empty] {missing}, and no text")
    if looks_raw(own):
        return wrong(f"[dump] {missing}: {short(text)}")
    if text_ok is not None and text_ok(own):
        return sensible("answered in text")
    if declines(text):
        return honest(f"{missing}; said: {short(text)}")
    return wrong(f"[non-answer] {missing}: {short(text)}")


def expect_call(tool: str, *, text_ok: Check | None = None, turn: int = -1, **checks: Check) -> Judge:
    """One call to ``tool`` with arguments passing ``checks``, in the first reply to the turn. ``text_ok``: a
    text answer that a real model may give instead (e.g. "19" for a sum) also counts as sensible."""

    def judge(run: Run) -> Verdict:
        reply = run.first(turn)
        if reply.calls:
            return judge_calls(reply.calls, [(tool, checks)], prior_calls(run, turn))
        return _text_instead(reply, text_ok, f"no call to {tool}", run.user_texts)

    return judge


def expect_calls(
    expected: Sequence[tuple[str, dict[str, Check]]],
    *,
    text_ok: Check | None = None,
    turn: int = -1,
    final: Sequence[Check | str | tuple[str, ...]] = (),
) -> Judge:
    """Every request of the message gets its call, over all the steps of the turn; with ``final``, the answer
    after the results must also contain those things."""

    def judge(run: Run) -> Verdict:
        calls = run.calls(turn)
        if not calls:
            return _text_instead(run.first(turn), text_ok, "no calls", run.user_texts)
        verdict = judge_calls(calls, expected, prior_calls(run, turn))
        if verdict.bucket != "sensible" or not final:
            return verdict
        return _judge_text(
            run.turns[turn][-1], [_as_check(w) for w in final], (), False, calls, run.user_texts
        )

    return judge


def expect_ask(
    missing: str,
    *,
    asks_for: tuple[str, ...],
    given: tuple[str, ...] = (),
    text_ok: Check | None = None,
    turn: int = -1,
) -> Judge:
    """``missing`` is a required value the user did not give: a real model asks for it (its question names one
    of ``asks_for``). A call fills it with an invented value. A question about a value the user already gave
    (``given``), or a plain "I can't", is honest but not what a model does."""

    def judge(run: Run) -> Verdict:
        reply = run.first(turn)
        if reply.calls:
            return wrong(f"[value] {short(str(reply.calls[0]), 70)}: {missing} was never given")
        text = reply.text
        if not text or not text.strip():
            return wrong("[empty] no call and no text")
        if text_ok is not None and text_ok(unechoed(text, run.user_texts)):
            return sensible("answered in text")
        if declines(text):
            questions = " ".join(re.findall(r"[^.!?\n]*\?", text)) or text  # the question, not the preamble
            if mentions(questions, *asks_for) and not mentions(questions, *given):
                return sensible(f"asked: {short(text, 60)}")
            if mentions(questions, *given):
                return honest(f"asks for what was given: {short(text)}")
            return honest(f"does not ask for {missing}: {short(text)}")
        return wrong(f"[non-answer] did not ask for {missing}: {short(text)}")

    return judge


def prior_calls(run: Run, turn: int = -1) -> list[Call]:
    """Calls already answered before the judged reply: in the prebuilt history and in earlier turns."""
    index = len(run.turns) + turn if turn < 0 else turn
    earlier = [c for t in run.turns[:index] for r in t for c in r.calls]
    return [*run.history_calls, *earlier]


def _judge_text(
    reply: Reply,
    wanted: list[Check],
    forbid: Sequence[Check],
    decline_is_answer: bool,
    prior: Sequence[Call] = (),
    quoted: Sequence[str] = (),
) -> Verdict:
    text = reply.text
    if reply.calls:
        call = reply.calls[0]
        tag = "[repeat]" if any(_same_call(call, p) for p in prior) else "[tool]"
        return wrong(f"{tag} called {short(str(call), 70)} instead of answering")
    if not text or not text.strip():
        return wrong("[empty] no text")
    own = unechoed(text, list(quoted))  # what the reply says beyond quoting the user
    if looks_raw(own):
        return wrong(f"[dump] {short(text)}")
    if wanted and all(w(own) for w in wanted):
        return sensible()
    for bad in forbid:
        if bad(own):
            return wrong(f"[value] says {bad.desc}: {short(text)}")
    if declines(text):
        if decline_is_answer and not says_needs_real_model(text):
            return sensible("says it does not know")
        return honest(short(text))
    want = " + ".join(w.desc for w in wanted)
    return wrong(f"[non-answer] wanted {want}: {short(text)}")


def expect_text(
    *wanted: Check | str | tuple[str, ...],
    forbid: Sequence[Check | str | tuple[str, ...]] = (),
    decline_is_answer: bool = False,
    turn: int = -1,
) -> Judge:
    """The last reply to the turn is text containing every ``wanted`` thing (a string or a tuple of
    alternatives, or a Check on the text). ``forbid``: statements that make it confidently wrong.
    ``decline_is_answer``: the user never said it, so "I don't know" is the right answer."""
    checks = [_as_check(w) for w in wanted]
    bad = [_as_check(f) for f in forbid]

    def judge(run: Run) -> Verdict:
        replies = run.turns[turn] if run.turns else []
        reply = replies[-1] if replies else Reply()
        return _judge_text(reply, checks, bad, decline_is_answer, prior_calls(run, turn), run.user_texts)

    return judge


CLAIMS_NOT_TOLD = Check(
    "that it was never told",
    lambda t: mentions(
        t,
        "nothing in this conversation",
        "you haven't told",
        "you have not told",
        "you didn't tell",
        "you never told",
        "you didn't say",
        "you haven't said",
        "you didn't mention",
        "you haven't mentioned",
        "wasn't told",
        "not been told",
        "no information about",
        "you haven't shared",
        "you didn't share",
    ),
)


def expect_recall(
    *wanted: Check | str | tuple[str, ...],
    forbid: Sequence[Check | str | tuple[str, ...]] = (),
    turn: int = -1,
) -> Judge:
    """The answer is in the history: recalling it is sensible; claiming it was never said is a confident wrong
    statement about the conversation, not an honest "I can't"."""
    return expect_text(*wanted, forbid=[*forbid, CLAIMS_NOT_TOLD], turn=turn)


def dig(data: Any, path: str) -> Any:
    value = data
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def expect_fields(checks: dict[str, Check], *, turn: int = -1) -> Judge:
    """Structured output (the last reply to the turn) whose fields pass the checks. A field left null where the
    text gives a value, or a free-text field saying it cannot tell, is honest; any other miss is wrong."""

    def judge(run: Run) -> Verdict:
        replies = run.turns[turn] if run.turns else []
        reply = replies[-1] if replies else Reply()
        if reply.calls:
            call = reply.calls[0]
            tag = "[repeat]" if any(_same_call(call, p) for p in prior_calls(run, turn)) else "[tool]"
            return wrong(f"{tag} called {short(str(call), 70)} instead of filling the schema")
        if reply.refusal:
            return honest(f"refused: {short(reply.refusal)}")
        data = reply.data
        if not isinstance(data, (dict, list)):
            if declines(reply.text) and not looks_raw(reply.text):
                return honest(f"no JSON, said: {short(reply.text)}")
            return wrong(f"[shape] not a JSON object: {short(reply.text or '')}")
        wrong_fields, honest_fields = [], []
        for path, check in checks.items():
            value = dig(data, path)
            if value is not _MISSING and check(value):
                continue
            if value is _MISSING:
                wrong_fields.append(f"{path} missing (want {check.desc})")
            elif value is None or (isinstance(value, str) and declines(value) and not check(value)):
                honest_fields.append(f"{path}={short(value, 40)} (want {check.desc})")
            else:
                wrong_fields.append(f"{path}={short(value, 40)} (want {check.desc})")
        if wrong_fields:
            return wrong("[value] " + "; ".join(wrong_fields))
        if honest_fields:
            return honest("left open: " + "; ".join(honest_fields))
        return sensible()

    return judge


def first_of(*judges: Judge) -> Judge:
    """Sensible if any judge finds the answer sensible; otherwise the first judge's verdict. For answers a real
    model may give in more than one way (a new call, or the value worked out in text)."""

    def judge(run: Run) -> Verdict:
        verdicts = [j(run) for j in judges]
        return next((v for v in verdicts if v.bucket == "sensible"), verdicts[0])

    return judge


def answer_is(expected: float) -> Check:
    """A text that states ``expected`` as the answer ("is 12", "= 12", "12." alone), not merely repeats the
    question's numbers."""

    def ok(text: Any) -> bool:
        if not isinstance(text, str):
            return False
        value = f"{expected:g}"
        pattern = rf"(?:\bis|=|\bequals|\bequal to|\bgives|\bmakes|\bget|\bleaves|:|\bthat's|\banswer)\s*\**\$?{re.escape(value)}(?:\.0+)?\b"
        return re.search(pattern, text, re.I) is not None or text.strip(" .*\n") == value

    return Check(f"the answer {expected:g}", ok)


def expect_no_call(turn: int = -1) -> Judge:
    """Nothing to look up: a text reply (any wording) is what a real model gives; a call is wrong."""

    def judge(run: Run) -> Verdict:
        replies = run.turns[turn] if run.turns else []
        reply = replies[-1] if replies else Reply()
        if reply.calls:
            return wrong(f"[tool] called {short(str(reply.calls[0]), 70)} though nothing needed a tool")
        if not reply.text or not reply.text.strip():
            return wrong("[empty] no text")
        if looks_raw(reply.text):
            return wrong(f"[dump] {short(reply.text)}")
        if says_limits(reply.text):
            return honest(short(reply.text))
        return sensible()

    return judge


def after(first: Judge, then: Judge) -> Judge:
    """Follow-ups: ``first`` judges the first turn (with its own ``turn=0``), ``then`` the last. A wrong first
    turn makes the experiment wrong (a confident wrong value was given); otherwise the last turn decides."""

    def judge(run: Run) -> Verdict:
        early = first(run)
        if early.bucket == "wrong":
            return wrong(f"turn 1: {early.why}")
        return then(run)

    return judge
