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

Matching of ``exact`` and ``contains`` ignores case and surrounding whitespace;
``regex`` is Python ``re.search`` (add ``(?i)`` yourself).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


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

    def matches(self, text: str) -> bool:
        norm = text.strip().lower()
        if self.exact is not None and norm != self.exact.strip().lower():
            return False
        if self.contains is not None and self.contains.strip().lower() not in norm:
            return False
        if self.regex is not None and not re.search(self.regex, text):
            return False
        return True


@dataclass(frozen=True)
class Rule:
    when: Matcher
    system: Matcher | None = None
    alternatives: tuple[str, ...] = ()
    refusal: str | None = None
    json: Any = None
    source: str = ""

    def matches(self, user_text: str, instructions: str) -> bool:
        if not self.when.matches(user_text):
            return False
        return self.system is None or self.system.matches(instructions)


@dataclass
class ReplyBook:
    rules: list[Rule] = field(default_factory=list)

    @classmethod
    def load(cls, paths: Iterable[str | Path]) -> ReplyBook:
        rules: list[Rule] = []
        for path in paths:
            path = Path(path)
            files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
            for file in files:
                rules.extend(parse_rules(yaml.safe_load(file.read_text(encoding="utf-8")) or [], str(file)))
        return cls(rules)

    def find(self, user_text: str, instructions: str = "") -> Rule | None:
        return next((r for r in self.rules if r.matches(user_text, instructions)), None)


def parse_rules(data: Any, source: str) -> list[Rule]:
    if not isinstance(data, list):
        raise ValueError(f"{source}: a reply file is a YAML list of rules")
    rules = []
    for i, item in enumerate(data):
        where = f"{source} rule {i + 1}"
        if not isinstance(item, dict) or "when" not in item:
            raise ValueError(f"{where}: each rule needs 'when'")
        alternatives = item.get("alternatives") or ([item["reply"]] if "reply" in item else [])
        if not alternatives and "refusal" not in item and "json" not in item:
            raise ValueError(f"{where}: give reply, alternatives, refusal or json")
        rules.append(
            Rule(
                when=Matcher.from_spec(item["when"], where),
                system=Matcher.from_spec(item["system"], where) if item.get("system") else None,
                alternatives=tuple(str(a).rstrip("\n") for a in alternatives),
                refusal=item.get("refusal"),
                json=item.get("json"),
                source=where,
            )
        )
    return rules


DEFAULT_REPLY_FILE = Path(__file__).parent / "data" / "replies.yaml"
