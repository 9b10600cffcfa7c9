"""Scripted replies: a YAML file maps prompts to realistic answers.

Format (a list of rules; the first rule that matches wins, files in the order given)::

    - when: {contains: "capital of France"}   # or exact: "...", or regex: "..."
      system: {contains: "pirate"}            # optional: also match the system/developer prompt
      reply: "Paris is the capital of France."
    - when: {regex: "(?i)tell me a joke"}
      alternatives:                           # several answers: temperature > 0 picks among them
        - "Why did the developer go broke? Because he used up all his cache."
        - "There are 10 kinds of people: those who read binary and those who don't."
    - when: {contains: "build a weapon"}
      refusal: "I'm sorry, but I can't help with that."
    - when: {contains: "Classify this review"}
      json: {"sentiment": "positive"}          # used when the request asks for JSON output
    - when: {contains: "weather in Oslo and Bergen, then pack"}
      steps:                                  # a turn of several model steps (a tool loop), in order
        - tool_calls:                         # step 1: two calls at once (parallel)
            - {name: get_weather, arguments: {city: Oslo}}
            - {name: get_weather, arguments: {city: Bergen}}
          reply: "Let me check both cities."  # text beside the calls (optional)
        - tool_calls: [{name: pack_list, arguments: {days: 3}}]
          finish_reason: stop                 # optional: what some providers send beside calls
        - reply: "Both are cold: pack a coat."  # the answer; `tool_calls: []` beside it sends an empty list

Steps: step *k* answers the request whose messages after the last user message hold *k* assistant
messages (the earlier steps of the turn); past the last step the last one repeats (a model that keeps
asking for tools). Each step has ``reply`` (text), ``refusal`` or ``tool_calls`` (a list of ``{name,
arguments}``, ``arguments`` an object or a JSON string written as is), and may set ``finish_reason``. A
step the request does not allow (calls without tools on offer or with ``tool_choice: none``, a plain reply
under ``tool_choice: required``) gives way to the stub's own decision. ``parallel_tool_calls: false`` keeps
the first call; a named ``tool_choice`` keeps the calls of that function. Tool calls are Chat Completions
``tool_calls`` and Responses ``function_call`` items alike; text beside calls and an empty ``tool_calls``
list are Chat Completions shapes.

Matching of ``exact`` and ``contains`` ignores case and surrounding whitespace;
``regex`` is Python ``re.search`` (add ``(?i)`` yourself).

A script answers only the question it was written for, not one that merely contains its words:

* a ``contains`` phrase in a question or an instruction must make up its whole sentence, apart from
  words that change nothing ("please", "briefly", "What's the ..."): "Name three rivers in Europe that flow
  into the Black Sea" is a different question from "Name three rivers in Europe";
* a phrase that refers back to the conversation ("How do I add an item to *it*?", "Summarise our
  conversation so far") matches only the conversation it was written for: one where an earlier user
  message matched a rule of the same file, or whose earlier messages share the reply's subject (at least
  three of its content words); likewise an instruction about a text after a colon ("Summarise this
  logbook in one sentence: ...") matches only a text that shares three content words with the reply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .understanding import words


@dataclass(frozen=True)
class Matcher:
    exact: str | None = None
    contains: str | None = None
    regex: str | None = None

    @classmethod
    def from_spec(cls, spec: Any, where: str) -> Matcher:
        if isinstance(spec, str):
            return cls(contains=spec)
        if not isinstance(spec, dict) or not spec.keys() & {"exact", "contains", "regex"}:
            raise ValueError(f"{where}: a matcher needs one of exact, contains or regex")
        if spec.get("regex"):
            re.compile(spec["regex"])
        return cls(exact=spec.get("exact"), contains=spec.get("contains"), regex=spec.get("regex"))

    def matches(self, text: str, norm: str | None = None) -> bool:
        norm = text.strip().lower() if norm is None else norm
        if self.exact is not None and norm != self.exact.strip().lower():
            return False
        if self.contains is not None and self.contains.strip().lower() not in norm:
            return False
        if self.regex is not None and not re.search(self.regex, text):
            return False
        return True


@dataclass(frozen=True)
class Step:
    """One model step of a scripted turn (``steps`` in the module's doc)."""

    reply: str | None = None
    refusal: str | None = None
    tool_calls: tuple[tuple[str, str], ...] | None = None  # (name, arguments JSON); () is an empty list
    finish_reason: str | None = None


@dataclass(frozen=True)
class Rule:
    when: Matcher
    system: Matcher | None = None
    alternatives: tuple[str, ...] = ()
    refusal: str | None = None
    json: Any = None
    source: str = ""
    steps: tuple[Step, ...] = ()

    def matches(self, user_text: str, instructions: str, norm: str | None = None) -> bool:
        if not self.when.matches(user_text, norm):
            return False
        return self.system is None or self.system.matches(instructions)

    @property
    def file(self) -> str:
        return self.source.rsplit(" rule ", 1)[0]

    def fits(self, user_text: str, messages: list[dict], book: ReplyBook) -> bool:
        """Does the request mean what this rule was written for? (``matches`` already said its words are there.)"""
        phrase = self.when.contains
        if self.when.exact is not None or self.refusal is not None:
            return True  # refusals stay broad on purpose
        said = words(" ".join(self.alternatives), synonyms=False)
        if phrase is None:  # a regex: only the text-after-a-colon check applies
            m = re.search(self.when.regex or "", user_text)
            colon = m.start() + len(m.group(0).rstrip()) - 1 if m else -1
            after = user_text[colon:] if m and user_text[colon] == ":" else ""
            return not (said and after[1:].strip()) or len(said & words(after[1:], synonyms=False)) >= 3
        if not _covers_its_sentence(phrase, user_text, book.vocabulary(self.file)):
            return False
        at = user_text.lower().find(phrase.strip().lower())
        after = user_text[at + len(phrase.strip()) :].lstrip(" .") if at >= 0 else ""
        if after.startswith(":") and said and after[1:].strip():
            # "Summarise this logbook: <text>": the reply fits only the text it was written about
            return len(said & words(after[1:], synonyms=False)) >= 3
        if _refers_back(phrase):
            earlier = _earlier_texts(messages)
            if any(
                r.file == self.file and r is not self and r.when.matches(t)
                for t in earlier
                for r in book.rules
            ):
                return True
            before = words(" ".join(earlier), synonyms=False)
            return len(said & before) >= 3
        return True


@dataclass
class ReplyBook:
    rules: list[Rule] = field(default_factory=list)
    _vocabulary: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _prepared: list = field(default_factory=list, repr=False)
    _prepared_for: tuple = field(default=(), repr=False)

    @property
    def has_steps(self) -> bool:
        """Whether a rule scripts a multi-step turn (only then must a request with tools look for one first)."""
        return any(r.steps for r in self.rules)

    def vocabulary(self, file: str) -> frozenset[str]:
        """The content words of a file's phrases: its topic ("python" in a Python lesson's file)."""
        if file not in self._vocabulary:
            phrases = " ".join(r.when.contains or r.when.exact or "" for r in self.rules if r.file == file)
            self._vocabulary[file] = words(phrases, synonyms=False)
        return self._vocabulary[file]

    @classmethod
    def load(cls, paths: Iterable[str | Path]) -> ReplyBook:
        rules: list[Rule] = []
        for path in paths:
            path = Path(path)
            files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
            for file in files:
                rules.extend(parse_rules(yaml.safe_load(file.read_text(encoding="utf-8")) or [], str(file)))
        return cls(rules)

    def find(self, user_text: str, instructions: str = "", messages: list[dict] | None = None) -> Rule | None:
        """The first rule whose words are in the request and that fits what it means (see the module's doc)."""
        norm = user_text.strip().lower()
        for rule, exact, contains, regex in self._matchers():
            if exact is not None and norm != exact:
                continue
            if contains is not None and contains not in norm:
                continue
            if regex is not None and not regex.search(user_text):
                continue
            if rule.system is not None and not rule.system.matches(instructions):
                continue
            if rule.fits(user_text, messages or [], self):
                return rule
        return None

    def _matchers(self) -> list[tuple[Rule, str | None, str | None, re.Pattern[str] | None]]:
        """Each rule's ``when`` prepared once (lower-cased phrases, compiled regex): ``find`` runs on every request."""
        if self._prepared_for != (id(self.rules), len(self.rules)):
            self._prepared_for = (id(self.rules), len(self.rules))
            self._prepared = [
                (
                    r,
                    None if r.when.exact is None else r.when.exact.strip().lower(),
                    None if r.when.contains is None else r.when.contains.strip().lower(),
                    None if r.when.regex is None else re.compile(r.when.regex),
                )
                for r in self.rules
            ]
        return self._prepared


# Words that leave a question what it was: "Please, briefly: what is a tuple?" asks what "what is a tuple?" asks.
_SOFT = frozenset(
    """please briefly brief short shortly quick quickly simple simply plain plainly answer reply explain kindly
    again thanks concise concisely clear clearly sentence sentences paragraph paragraphs word words line lines
    detail details example friendly exactly actually really okay ok hi hello hey""".split()
)
_REFERS_BACK = re.compile(
    r"(?i)\b(?:it|them|instead|so far|(?:our|this|the) (?:conversation|chat|discussion)|above|earlier)\b"
    r"|\bone\s*[?.!]?\s*$"
)
_SENTENCE_END = re.compile(r"[.?!\n]")
# A phrase that is itself a question or an instruction (not a snippet of data such as a review).
_ASKS = re.compile(
    r"(?i)^\s*(?:what|what's|how|why|when|where|who|which|is|are|can|could|do|does|name|list|suggest|tell|write|"
    r"give|explain|summari[sz]e|describe|recommend|greet|translate|in one (?:sentence|word)|one word)\b"
)


@lru_cache(maxsize=256)
def _refers_back(phrase: str) -> bool:
    return bool(_REFERS_BACK.search(phrase))


@lru_cache(maxsize=1024)
def _covers_its_sentence(phrase: str, text: str, topic: frozenset[str] = frozenset()) -> bool:
    """True when the sentence(s) holding ``phrase`` say nothing more than the phrase."""
    low, needle = text.lower(), phrase.strip().lower()
    at = low.find(needle)
    if at < 0:
        return True
    ends = [m.end() for m in _SENTENCE_END.finditer(low, 0, at)]
    start = ends[-1] if ends else 0
    after = _SENTENCE_END.search(low, at + len(needle.rstrip(".?!")))
    end = after.end() if after else len(low)
    if not (_ASKS.match(phrase) or _ASKS.match(text[start:].strip())):
        return True  # a snippet of data inside a longer prompt (a review, an e-mail), not a question
    rest = text[start:at] + " " + text[at + len(needle) : end]
    return words(rest, synonyms=False) <= _SOFT | topic


def _earlier_texts(messages: list[dict]) -> list[str]:
    """The text of every message before the last user message."""
    from .tokenizer import content_text

    last = len(messages)
    while last > 0 and messages[last - 1].get("role") != "user":
        last -= 1
    last = max(last - 1, 0)
    return [content_text(m.get("content")) for m in messages[:last] if m.get("role") in ("user", "assistant")]


def parse_rules(data: Any, source: str) -> list[Rule]:
    if not isinstance(data, list):
        raise ValueError(f"{source}: a reply file is a YAML list of rules")
    rules = []
    for i, item in enumerate(data):
        where = f"{source} rule {i + 1}"
        if not isinstance(item, dict) or "when" not in item:
            raise ValueError(f"{where}: each rule needs 'when'")
        alternatives = item.get("alternatives") or ([item["reply"]] if "reply" in item else [])
        if not alternatives and not {"refusal", "json", "steps"} & item.keys():
            raise ValueError(f"{where}: give reply, alternatives, refusal, json or steps")
        steps = item.get("steps") or []
        if not isinstance(steps, list):
            raise ValueError(f"{where}: steps is a list of steps")
        rules.append(
            Rule(
                when=Matcher.from_spec(item["when"], where),
                system=Matcher.from_spec(item["system"], where) if item.get("system") else None,
                alternatives=tuple(str(a).rstrip("\n") for a in alternatives),
                refusal=item.get("refusal"),
                json=item.get("json"),
                source=where,
                steps=tuple(parse_step(step, f"{where} step {k + 1}") for k, step in enumerate(steps)),
            )
        )
    return rules


STEP_KEYS = ("reply", "refusal", "tool_calls", "finish_reason")
FINISH_REASONS = ("stop", "tool_calls", "length", "content_filter")


def parse_step(item: Any, where: str) -> Step:
    """One step of a scripted turn; arguments given as an object become the JSON string a model writes."""
    if not isinstance(item, dict) or not item.keys() & {"reply", "refusal", "tool_calls"}:
        raise ValueError(f"{where}: a step needs reply, refusal or tool_calls")
    unknown = set(item) - set(STEP_KEYS)
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; a step has {', '.join(STEP_KEYS)}"
        )
    if item.get("finish_reason") not in (None, *FINISH_REASONS):
        raise ValueError(f"{where}: finish_reason is one of {', '.join(FINISH_REASONS)}")
    calls = item.get("tool_calls")
    if calls is not None:
        if not isinstance(calls, list) or not all(
            isinstance(c, dict) and isinstance(c.get("name"), str) for c in calls
        ):
            raise ValueError(f"{where}: tool_calls is a list of {{name, arguments}}")
        calls = tuple(
            (
                c["name"],
                c["arguments"]
                if isinstance(c.get("arguments"), str)
                else json.dumps(c.get("arguments") or {}, ensure_ascii=False, separators=(",", ":")),
            )
            for c in calls
        )
    return Step(
        reply=None if item.get("reply") is None else str(item["reply"]),
        refusal=None if item.get("refusal") is None else str(item["refusal"]),
        tool_calls=calls,
        finish_reason=item.get("finish_reason"),
    )


DEFAULT_REPLY_FILE = Path(__file__).parent / "data" / "replies.yaml"
