"""JSON output: ``response_format`` of type ``json_object`` and ``json_schema``.

Two jobs, both as the real API does them:

* **Refuse what the API refuses** (``validate_request``): JSON mode needs the word
  "json" somewhere in the messages; a ``json_schema`` format needs a valid name and
  a schema; with ``strict: true`` the schema must follow the strict-mode rules
  (``check_strict_schema``, shared with strict function tools):

  - the root is an object (``type: "object"``), not ``anyOf``;
  - every object has ``additionalProperties: false`` and lists every property in
    ``required`` (a field that may be absent is written ``anyOf: [X, {type: null}]``);
  - every schema has a ``type`` (or is a ``$ref``, ``anyOf``, ``enum`` or ``const``),
    and a ``$ref`` stands alone; references resolve inside the schema;
  - keywords outside the supported subset are not permitted (``minLength``,
    ``allOf``, ``oneOf``, ``not``, ``uniqueItems``, ...), but ``default`` is accepted (a
    strict pydantic tool with ``units: Literal["c", "f"] = "c"`` streams a real 200:
    openai-python tests/lib/chat/test_completions_streaming.py, test_parse_pydantic_tool); string
    ``format`` is one of the supported formats;
  - at most 10 levels of object nesting, 5000 object properties, 1000 enum values.

  Each failure is the real 400: ``invalid_request_error``, ``param: "response_format"``,
  ``code: null`` on Chat Completions (dottxt-ai/outlines#844, #1666), e.g. ``Invalid schema for
  response_format 'review': In context=(), 'additionalProperties' is required to be supplied and
  to be false.`` (the Responses API says ``code: "invalid_json_schema"``: pass ``code=``).

* **Say something that fits** (``draft_json``): a scripted ``json:`` reply when it
  validates against the request's schema, else a value built from the schema by
  meaning (``understanding.Filler``, shared with tool arguments): each field from the
  entity or sentiment that fits its name, type, description and enum, a neutral value
  of the right type where the prompt gives nothing; deterministic for a request.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from .errors import StubError, invalid
from .filling import Filler, json_filler, resolve_ref
from .replies import Rule
from .request import ChatRequest, described_type
from .tokenizer import content_text

MAX_NESTING = 10
MAX_PROPERTIES = 5000
MAX_ENUM_VALUES = 1000
MAX_STRING_LENGTH = 120_000  # total of property names, definition names, enum and const values

SUPPORTED_FORMATS = ("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid")
TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")

# Documented as unsupported in strict mode; anything else (title, description, ...) passes.
NOT_PERMITTED = (
    "minLength",
    "maxLength",
    "patternProperties",
    "unevaluatedProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "uniqueItems",
    "allOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
)

_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


# --------------------------------------------------------------------------- checks


def validate_request(req: ChatRequest) -> None:
    """Raise the real 400s for a response_format the API would refuse."""
    fmt = req.response_format
    if fmt is None:
        return
    if fmt["type"] == "json_object":
        if not any("json" in content_text(m.get("content")).lower() for m in req.messages):
            raise invalid(
                "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
                "messages",
            )
        return
    # json_schema
    if "json_schema" not in fmt or fmt["json_schema"] is None:
        raise invalid(
            "Missing required parameter: 'response_format.json_schema'.",
            "response_format.json_schema",
            "missing_required_parameter",
        )
    spec = fmt["json_schema"]
    if not isinstance(spec, dict):
        raise invalid(
            "Invalid type for 'response_format.json_schema': expected an object, but got "
            f"{described_type(spec)} instead.",
            "response_format.json_schema",
            "invalid_type",
        )
    if "name" not in spec:
        raise invalid(
            "Missing required parameter: 'response_format.json_schema.name'.",
            "response_format.json_schema.name",
            "missing_required_parameter",
        )
    name = spec["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise invalid(
            "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that "
            "matches the pattern '^[a-zA-Z0-9_-]+$'.",
            "response_format.json_schema.name",
            "invalid_value",
        )
    schema = spec.get("schema")
    if schema is not None and not isinstance(schema, dict):
        raise invalid(
            "Invalid type for 'response_format.json_schema.schema': expected an object, but got "
            f"{described_type(schema)} instead.",
            "response_format.json_schema.schema",
            "invalid_type",
        )
    strict = spec.get("strict")
    if strict is not None and not isinstance(strict, bool):
        raise invalid(
            "Invalid type for 'response_format.json_schema.strict': expected a boolean, but got "
            f"{described_type(strict)} instead.",
            "response_format.json_schema.strict",
            "invalid_type",
        )
    if strict:
        check_strict_schema(schema if schema is not None else {}, f"response_format '{name}'")


def check_strict_schema(
    schema: Any, where: str, *, param: str = "response_format", code: str | None = None
) -> None:
    """Raise the real 400 if ``schema`` breaks a strict-mode rule; return None if it is fine.

    ``where`` names the schema's owner as the API does: ``"response_format 'review'"`` or
    ``"function 'get_weather'"``; ``param`` is the error's ``param`` (``"response_format"``,
    or e.g. ``"tools[0].function.parameters"`` for a strict tool).
    """
    _StrictChecker(schema, where, param, code).run()


class _StrictChecker:
    def __init__(self, root: Any, where: str, param: str, code: str | None = None) -> None:
        self.code = code
        self.root = root
        self.where = where
        self.param = param
        self.properties = 0
        self.enum_values = 0
        self.string_length = 0

    def fail(self, detail: str, path: tuple = ()) -> StubError:
        context = f"In context={path!r}, " if path is not None else ""
        return StubError(
            400,
            f"Invalid schema for {self.where}: {context}{detail}",
            param=self.param,
            code=self.code,
        )

    def fail_plain(self, detail: str) -> StubError:
        return StubError(400, f"Invalid schema for {self.where}: {detail}", param=self.param, code=self.code)

    def run(self) -> None:
        root = self.root
        if not isinstance(root, dict) or root.get("type") != "object":
            got = root.get("type") if isinstance(root, dict) else None
            raise self.fail_plain(
                f"schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{got}\"'."
            )
        for key in ("$defs", "definitions"):
            defs = root.get(key)
            if defs is None:
                continue
            if not isinstance(defs, dict):
                raise self.fail(f"'{key}' must be an object.", ())
            for name, sub in defs.items():
                self.string_length += len(name)
                self.check(sub, (key, name))
        self.check(root, (), top=True)
        depth = self.depth(root, set())
        if depth > MAX_NESTING:
            raise self.fail_plain(f"{depth} levels of nesting exceeds limit of {MAX_NESTING}.")
        if self.properties > MAX_PROPERTIES:
            raise self.fail_plain(f"{self.properties} object properties exceeds limit of {MAX_PROPERTIES}.")
        if self.enum_values > MAX_ENUM_VALUES:
            raise self.fail_plain(f"{self.enum_values} enum values exceeds limit of {MAX_ENUM_VALUES}.")
        if self.string_length > MAX_STRING_LENGTH:
            raise self.fail_plain(
                f"total string length of property names, definition names, enum values and const values "
                f"{self.string_length} exceeds limit of {MAX_STRING_LENGTH}."
            )

    def check(self, s: Any, path: tuple, top: bool = False) -> None:
        if not isinstance(s, dict):
            raise self.fail("schema must be an object.", path)
        for key in s:
            if key in NOT_PERMITTED:
                raise self.fail(f"'{key}' is not permitted.", path)
        if "$ref" in s:
            ref = s["$ref"]
            others = sorted(k for k in s if k not in ("$ref",))
            if others:
                raise self.fail(f"$ref cannot have keywords {{{', '.join(repr(k) for k in others)}}}.", path)
            if not isinstance(ref, str) or resolve_ref(self.root, ref) is None:
                raise self.fail(f"reference to component '{ref}' which was not found in the schema.", path)
            return
        if "enum" in s:
            values = s["enum"]
            if not isinstance(values, list) or not values:
                raise self.fail("'enum' must be a non-empty array.", path)
            self.enum_values += len(values)
            self.string_length += sum(len(v) for v in values if isinstance(v, str))
        if "const" in s and isinstance(s["const"], str):
            self.string_length += len(s["const"])
        if "anyOf" in s:
            variants = s["anyOf"]
            if not isinstance(variants, list) or not variants:
                raise self.fail("'anyOf' must be a non-empty array.", path)
            for i, v in enumerate(variants):
                self.check(v, (*path, "anyOf", i))
        typ = s.get("type")
        if typ is None:
            if not ({"anyOf", "enum", "const"} & s.keys()):
                raise self.fail("schema must have a 'type' key.", path)
            return
        types = typ if isinstance(typ, list) else [typ]
        for t in types:
            if t not in TYPES:
                raise self.fail(f"'type' value {t!r} is not supported.", path)
        if "object" in types:
            self.check_object(s, path)
        if "array" in types:
            items = s.get("items")
            if items is None:
                raise self.fail("'items' is required to be supplied for an array.", path)
            self.check(items, (*path, "items"))
        if "string" in types and "format" in s and s["format"] not in SUPPORTED_FORMATS:
            raise self.fail(f"'format' value {s['format']!r} is not supported.", path)
        if "string" in types and "pattern" in s:
            try:
                re.compile(s["pattern"])
            except (re.error, TypeError):
                raise self.fail(
                    f"'pattern' value {s['pattern']!r} is not a valid regular expression.", path
                ) from None

    def check_object(self, s: dict, path: tuple) -> None:
        if s.get("additionalProperties", None) is not False:
            raise self.fail("'additionalProperties' is required to be supplied and to be false.", path)
        props = s.get("properties", {})
        if not isinstance(props, dict):
            raise self.fail("'properties' must be an object.", path)
        required = s.get("required")
        if props and not isinstance(required, list):
            missing = next(iter(props))
            raise self.fail(
                "'required' is required to be supplied and to be an array including every key in properties. "
                f"Missing '{missing}'.",
                path,
            )
        required = required or []
        for key in props:
            if key not in required:
                raise self.fail(
                    "'required' is required to be supplied and to be an array including every key in properties. "
                    f"Missing '{key}'.",
                    path,
                )
        for key in required:
            if key not in props:
                raise self.fail(
                    "'required' is required to be supplied and to be an array including every key in properties. "
                    f"Extra required key '{key}' supplied.",
                    path,
                )
        self.properties += len(props)
        for key, sub in props.items():
            self.string_length += len(key)
            self.check(sub, (*path, "properties", key))

    def depth(self, s: Any, seen: set[str]) -> int:
        """Levels of object nesting below (and including) ``s``; recursion through a $ref counts once."""
        if not isinstance(s, dict):
            return 0
        if isinstance(s.get("$ref"), str):
            ref = s["$ref"]
            if ref in seen:
                return 0
            return self.depth(resolve_ref(self.root, ref), seen | {ref})
        below = [self.depth(v, seen) for v in s.get("anyOf", []) if isinstance(v, dict)]
        if isinstance(s.get("items"), dict):
            below.append(self.depth(s["items"], seen))
        props = s.get("properties")
        if isinstance(props, dict):
            below.extend(self.depth(v, seen) for v in props.values())
        typ = s.get("type")
        level = (
            1
            if isinstance(props, dict) or typ == "object" or (isinstance(typ, list) and "object" in typ)
            else 0
        )
        return level + max(below, default=0)


# --------------------------------------------------------------------------- replies


def request_schema(req: ChatRequest) -> dict | None:
    """The JSON Schema the reply must follow: ``{"type": "object"}`` for JSON mode."""
    fmt = req.response_format or {}
    if fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema")
        return schema if isinstance(schema, dict) else {}
    if fmt.get("type") == "json_object":
        return {"type": "object"}
    return None


def validates(value: Any, schema: dict) -> bool:
    import jsonschema

    try:
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(value)
    except Exception:  # invalid, or a schema jsonschema cannot use (bad $ref, ...): not a fit
        return False
    return True


def dumps(value: Any) -> str:
    """Compact, as structured outputs come back from the real API."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def draft_json(req: ChatRequest, rule: Rule | None, rng: random.Random) -> tuple[str | None, str | None]:
    """(content, refusal): a scripted ``json:`` reply that fits, else a value built from the schema by meaning.

    When a required field has nothing in the conversation to support it, the model does not fill it with a
    value that looks like an answer ("unknown", 0, the first option): it declines as a whole and says which
    value is missing. Under ``strict: true`` (what the SDK's ``.parse()`` sends) that is the message's
    ``refusal``, which ``.parse()`` surfaces as ``message.refusal`` with ``parsed=None``: a real refusal to a
    structured request comes back as ``content: null`` and ``refusal: "I'm very sorry, but I can't assist with
    that."`` with ``finish_reason: "stop"`` (openai-python tests/lib/chat/test_completions_streaming.py,
    test_parse_pydantic_model_refusal). Without ``strict`` nothing holds the reply to the schema, and the
    model says the same in its JSON content (``{"error": ...}``).
    """
    schema = request_schema(req) or {"type": "object"}
    if rule is not None and rule.json is not None and validates(rule.json, schema):
        return dumps(rule.json), None
    if (req.response_format or {}).get("type") == "json_object":
        return dumps(_json_mode_object(req)), None
    from . import readback
    from .tools import question_text, turn_results

    results, _ = turn_results(req)  # the whole conversation: tool results (or observations) fill fields too
    question = question_text(req)
    answer = readback.answer(question, results) if results else ""
    filler = json_filler(schema, question, rng, results, answer)
    value = filler.value(schema, "", True)
    earlier = _earlier_user_text(req, question)
    if filler.unsupported and earlier:
        # "I just met mara lind from quillworks." ... "yes please, save her": the record is in an earlier
        # turn; a model fills it from the whole conversation (chat and Responses alike), an earlier turn's
        # tool results too ("what's the weather in oslo?" ... "put that in the format")
        if not results:
            results, _ = turn_results(req, whole=True)
            answer = readback.answer(question, results) if results else ""
        whole = json_filler(schema, f"{earlier}\n{question}", rng, results, answer)
        fuller = whole.value(schema, "", True)
        if len(whole.unsupported) < len(filler.unsupported):
            filler, value = whole, fuller
    if not filler.unsupported:
        return dumps(value), None
    message = decline(filler)
    if ((req.response_format or {}).get("json_schema") or {}).get("strict"):
        return None, message
    return dumps({"error": message}), None


def _earlier_user_text(req: ChatRequest, question: str) -> str:
    """What the user said before this turn's request, oldest first (empty when nothing)."""
    said = [content_text(m.get("content")) for m in req.messages if m.get("role") == "user"]
    while said and said[-1] != question:
        said.pop()
    return "\n".join(t for t in said[:-1] if t.strip())


def decline(filler: Filler) -> str:
    """The plain-words reason a structured reply is declined: which values nothing gives, and why."""
    fields = list(dict.fromkeys(filler.unsupported))
    said = _join([" ".join(_words(f)) for f in fields[:4]]) + (" and more" if len(fields) > 4 else "")
    plural = len(fields) > 1
    if filler.failures:
        tool, reason = filler.failures[0]
        why = f"the {tool} call failed ({reason}), so there is no {said} to report"
    elif filler.records:
        why = f"the tool results don't include the {said}"
    else:
        why = f"the text doesn't give the {said}"
    return (f"I'm sorry, but I can't fill in {'these fields' if plural else 'this field'} reliably: {why}. "
            "Rather than guess a value, the course's stub declines; inferring values that aren't stated needs a "
            "real model (set OPENAI_API_KEY in .env).")  # fmt: skip


def _words(name: str) -> list[str]:
    return [p for p in re.split(r"[_\-\s]+|(?<=[a-z])(?=[A-Z])", name.lower()) if p]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _json_mode_object(req: ChatRequest) -> dict:
    said = [
        content_text(m.get("content"))
        for m in req.messages
        if m.get("role") in ("system", "developer", "user")
    ]
    keys = next((k for k in (_json_mode_keys(t) for t in reversed(said)) if k), [])
    if keys:
        schema = {"type": "object", "properties": {k: _guess_schema(k) for k in keys}, "required": keys}
        text = req.last_user_text
        content = (
            text.split(":", 1)[1] if ":" in text and _json_mode_keys(text) else text
        )  # "Return JSON ...: <the text>"
        filler = json_filler(schema, content, random.Random(0))
        value = filler.value(schema, "", True)
        for key in filler.unsupported:  # JSON mode has no schema to hold: a key the text doesn't give is null
            if key in value:
                value[key] = None
        return value
    return {
        "reply": "This is the stub's JSON reply: no scripted reply matched this prompt.",
        "prompt": req.last_user_text,
    }


def generate(
    schema: dict, prompt: str, rng: random.Random, results: list | None = None, answer: str = ""
) -> Any:
    """A value that validates against ``schema``, filled by meaning from ``prompt`` and the tool ``results``
    of the turn (``filling.Filler``); ``answer`` is those results read back in words. Fields nothing supports
    get a neutral value here; ``draft_json`` declines instead."""
    return json_filler(schema, prompt, rng, results, answer).value(schema, "", True)


_KEYS = re.compile(
    r"(?i)\b(?:keys?|fields?|properties|attributes)\s*(?:named|called|:)?\s+((?:[\"'`]?\w+[\"'`]?(?:\s*,\s*|\s+and\s+|\s*$|(?=[.;:)])|(?=\s+(?:for|from|of|in|about|on)\b)))+)"
)


def _json_mode_keys(prompt: str) -> list[str]:
    """Keys a JSON-mode prompt asks for: "with keys name, age and city", or quoted names."""
    m = _KEYS.search(prompt) or re.search(r"\((\s*[a-z_]+(?:\s*,\s*[a-z_]+)+\s*)\)", prompt)
    if not m:
        return ["sentiment", "confidence"] if re.search(r"(?i)\bsentiment\b", prompt) else []
    return [k for k in re.findall(r"\w+", m.group(1)) if k.lower() not in ("and", "or")][:20]


def _guess_schema(key: str) -> dict:
    low = key.lower()
    if low == "sentiment":
        return {"type": "string", "enum": ["positive", "negative", "neutral", "mixed"]}
    if low in (
        "age",
        "count",
        "quantity",
        "year",
        "number",
        "total",
        "amount",
        "price",
        "rating",
        "score",
        "confidence",
    ):
        return {"type": "number"}
    if low.startswith(("is_", "has_")) or low in ("done", "valid", "urgent"):
        return {"type": "boolean"}
    if low.endswith("s") and low not in ("address", "status", "class", "business"):
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}
