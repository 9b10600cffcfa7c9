"""Score the chat-side probe set (``data/recall_probe.yaml``): recall from the history and plain data answers.

    python -m tests.stub.recall_probe [-v] [--responses] [FILE.yaml]

With ``--responses`` each case is also sent as a Responses API input list (message items with ``input_text`` /
``output_text`` parts, system and developer lines as ``developer`` items) through the stub's own Responses parsing
(``parse_responses_request``), and the reply must be the one Chat Completions gives.

Each case is sent through the stub's own decision (``generate.draft``, no scripted replies, no tools) with
today pinned to 2026-12-07; a case passes when every ``expect`` regex matches the reply and no ``forbid``
regex does. Prints the score (and, with ``-v``, every reply).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import yaml

FILE = Path(__file__).parent / "data" / "recall_probe.yaml"
ROLES = {"u": "user", "a": "assistant", "s": "system", "d": "developer"}


def cases(file: Path = FILE) -> list[dict]:
    return yaml.safe_load(file.read_text(encoding="utf-8"))


def messages_of(case: dict) -> list[dict]:
    out = []
    for line in case.get("history") or []:
        role, text = line.split(": ", 1)
        out.append({"role": ROLES[role], "content": text})
    return [*out, {"role": "user", "content": case["ask"]}]


def reply_to(messages: list[dict]) -> str:
    from llm_stub.catalog import plain_model
    from llm_stub.generate import draft
    from llm_stub.replies import ReplyBook
    from llm_stub.request import parse_chat_request

    req = parse_chat_request({"model": plain_model(), "messages": messages})
    return draft(req, ReplyBook(), 0).content or ""


def responses_reply_to(messages: list[dict]) -> str:
    """The same history as a Responses API input list, read by the stub's Responses parsing."""
    from llm_stub.catalog import plain_model
    from llm_stub.generate import draft
    from llm_stub.replies import ReplyBook
    from llm_stub.responses_request import parse_responses_request

    items = []
    for m in messages:
        role = "developer" if m["role"] == "system" else m["role"]
        part = "output_text" if role == "assistant" else "input_text"
        items.append({"type": "message", "role": role, "content": [{"type": part, "text": m["content"]}]})
    rr = parse_responses_request({"model": plain_model(), "input": items})
    return draft(rr.chat, ReplyBook(), 0).content or ""


def passed(case: dict, text: str) -> bool:
    ok = all(re.search(p, text, re.I) for p in case.get("expect") or [])
    return ok and not any(re.search(p, text, re.I) for p in case.get("forbid") or [])


def main(verbose: bool = False, file: Path = FILE, responses: bool = False) -> int:
    os.environ.setdefault("LLM_STUB_TODAY", "2026-12-07")
    good = same = 0
    for case in cases(file):
        text = reply_to(messages_of(case))
        ok = passed(case, text)
        good += ok
        if verbose or not ok:
            print(f"{'PASS' if ok else 'FAIL'} {case['id']}: {case['ask']!r} -> {text[:160]!r}")
        if responses:
            other = responses_reply_to(messages_of(case))
            same += other == text
            if other != text:
                print(f"DIFF {case['id']}: Responses gives {other[:160]!r}")
    print(f"{good}/{len(cases(file))} answered correctly")
    if responses:
        print(f"{same}/{len(cases(file))} the same through the Responses API")
    return good


if __name__ == "__main__":
    files = [Path(a) for a in sys.argv[1:] if a.endswith(".yaml")]
    main("-v" in sys.argv, files[0] if files else FILE, "--responses" in sys.argv)
