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
  - keywords outside the supported subset are not permitted (``default``,
    ``minLength``, ``allOf``, ``oneOf``, ``not``, ``uniqueItems``, ...); string
    ``format`` is one of the supported formats;
  - at most 10 levels of object nesting, 5000 object properties, 1000 enum values.

  Each failure is the real 400: ``invalid_request_error`` with code
  ``invalid_json_schema``, e.g. ``Invalid schema for response_format 'review': In
  context=(), 'additionalProperties' is required to be supplied and to be false.``

* **Say something that fits** (``draft_json``): a scripted ``json:`` reply when it
  validates against the request's schema, else a value built from the schema,
  deterministic for a request and filled from the prompt's words where they fit
  (an enum value the prompt names, a number it contains, ``name: value`` pairs,
  the prompt's longer words for free text).
"""

from __future__ import annotations

import json
import math
import random
import re
import uuid
from typing import Any

from .errors import StubError, invalid
from .replies import Rule
from .request import ChatRequest, described_type
from .tokenizer import content_text

try:  # Python 3.11+
    import re._parser as _sre  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

MAX_NESTING = 10
MAX_PROPERTIES = 5000
MAX_ENUM_VALUES = 1000
MAX_STRING_LENGTH = 120_000  # total of property names, definition names, enum and const values

SUPPORTED_FORMATS = ("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid")
TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")

# Documented as unsupported in strict mode; anything else (title, description, ...) passes.
NOT_PERMITTED = (
    "default",
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


def check_strict_schema(schema: Any, where: str, *, param: str = "response_format") -> None:
    """Raise the real 400 if ``schema`` breaks a strict-mode rule; return None if it is fine.

    ``where`` names the schema's owner as the API does: ``"response_format 'review'"`` or
    ``"function 'get_weather'"``; ``param`` is the error's ``param`` (``"response_format"``,
    or e.g. ``"tools[0].function.parameters"`` for a strict tool).
    """
    _StrictChecker(schema, where, param).run()


class _StrictChecker:
    def __init__(self, root: Any, where: str, param: str) -> None:
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
            code="invalid_json_schema",
        )

    def fail_plain(self, detail: str) -> StubError:
        return StubError(
            400, f"Invalid schema for {self.where}: {detail}", param=self.param, code="invalid_json_schema"
        )

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


def resolve_ref(root: Any, ref: str) -> Any:
    """The schema ``ref`` points at inside ``root`` (``#`` or ``#/$defs/Name``), or None."""
    if ref == "#":
        return root
    if not ref.startswith("#/"):
        return None
    node = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


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


def draft_json(req: ChatRequest, rule: Rule | None, rng: random.Random) -> str:
    """The JSON text the model answers with: a scripted ``json:`` reply that fits, else one built from the schema."""
    schema = request_schema(req) or {"type": "object"}
    if rule is not None and rule.json is not None and validates(rule.json, schema):
        return dumps(rule.json)
    if (req.response_format or {}).get("type") == "json_object":
        return dumps(_json_mode_object(req))
    return dumps(generate(schema, req.last_user_text, rng))


def _json_mode_object(req: ChatRequest) -> dict:
    return {
        "reply": "This is the stub's JSON reply: no scripted reply matched this prompt.",
        "prompt": req.last_user_text,
    }


def generate(schema: dict, prompt: str, rng: random.Random) -> Any:
    """A value that validates against ``schema``, deterministic for (schema, prompt, rng state)."""
    return _Filler(schema, prompt, rng).value(schema, "", 0)


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*\d)")
_STOP = frozenset(
    "a an and are as at be been but by for from had has have i in is it its me my of on or our so that the their "
    "them then there these they this to too was we were what when which who will with you your json reply return "
    "classify review extract following text please give answer only into object schema".split()
)
_MAX_DEPTH = 12


class _Filler:
    def __init__(self, root: dict, prompt: str, rng: random.Random) -> None:
        self.root = root
        self.prompt = prompt
        self.rng = rng
        self.numbers = [float(n) if "." in n else int(n) for n in _NUMBER.findall(prompt)]
        self.used_numbers: set[int] = set()
        words = [w for w in _WORD.findall(prompt)]
        self.words = [w for w in words if w.lower() not in _STOP] or words or ["stub"]
        seen: set[str] = set()
        self.keywords = []
        for w in sorted(self.words, key=lambda w: (-len(w), self.words.index(w))):
            if w.lower() not in seen and len(w) > 3:
                seen.add(w.lower())
                self.keywords.append(w.lower())
        self.keyword_at = 0

    # -- dispatch
    def value(self, s: Any, name: str, depth: int) -> Any:
        if not isinstance(s, dict):
            return None
        if "$ref" in s:
            target = resolve_ref(self.root, s["$ref"])
            merged = {
                **(target if isinstance(target, dict) else {}),
                **{k: v for k, v in s.items() if k != "$ref"},
            }
            return self.value(merged, name, depth + 1)
        if "allOf" in s:
            merged = {k: v for k, v in s.items() if k != "allOf"}
            for part in s["allOf"]:
                part = (
                    resolve_ref(self.root, part["$ref"])
                    if isinstance(part, dict) and "$ref" in part
                    else part
                )
                if isinstance(part, dict):
                    merged = _merge(merged, part)
            return self.value(merged, name, depth)
        if "const" in s:
            return s["const"]
        if "enum" in s and s["enum"]:
            return self.enum(s["enum"])
        for key in ("anyOf", "oneOf"):
            if s.get(key):
                return self.value(self.branch(s[key], depth), name, depth + 1)
        typ = s.get("type")
        if isinstance(typ, list):
            typ = self.pick_type(typ, depth)
        if typ is None:
            typ = "object" if "properties" in s else "array" if "items" in s else "string"
        return getattr(self, "make_" + typ, self.make_null)(s, name, depth)

    def pick_type(self, types: list, depth: int) -> str:
        real = [t for t in types if t != "null"]
        if not real or (depth >= _MAX_DEPTH and "null" in types):
            return "null"
        return real[0]

    def branch(self, variants: list, depth: int) -> Any:
        def is_null(v: Any) -> bool:
            return isinstance(v, dict) and (v.get("type") == "null" or v.get("type") == ["null"])

        if depth >= _MAX_DEPTH:
            for v in variants:
                if is_null(v):
                    return v
        real = [v for v in variants if not is_null(v)]
        return real[0] if real else variants[0]

    # -- leaves
    def enum(self, values: list) -> Any:
        text = self.prompt.lower()
        named = [
            (m.start(), i)
            for i, v in enumerate(values)
            if isinstance(v, str)
            and v
            and (m := re.search(r"(?<!\w)" + re.escape(v.lower()) + r"(?!\w)", text))
        ]
        if named:
            return values[min(named)[1]]
        return values[self.rng.randrange(len(values))]

    def make_null(self, s: dict, name: str, depth: int) -> None:
        return None

    def make_boolean(self, s: dict, name: str, depth: int) -> bool:
        if name:
            m = re.search(
                re.escape(name) + r"\W{0,3}(?:is\s+|=\s*|:\s*)?(true|false|yes|no)\b", self.prompt, re.I
            )
            if m:
                return m.group(1).lower() in ("true", "yes")
        return self.rng.random() < 0.5

    def make_integer(self, s: dict, name: str, depth: int) -> int:
        return self.number(s, name, integer=True)

    def make_number(self, s: dict, name: str, depth: int) -> float | int:
        return self.number(s, name, integer=False)

    def number(self, s: dict, name: str, integer: bool) -> Any:
        lo, hi, lo_open, hi_open = s.get("minimum"), s.get("maximum"), False, False
        if s.get("exclusiveMinimum") is not None and (lo is None or s["exclusiveMinimum"] >= lo):
            lo, lo_open = s["exclusiveMinimum"], True
        if s.get("exclusiveMaximum") is not None and (hi is None or s["exclusiveMaximum"] <= hi):
            hi, hi_open = s["exclusiveMaximum"], True
        step = s.get("multipleOf")

        def fits(x: Any) -> bool:
            if integer and x != int(x):
                return False
            if lo is not None and (x < lo or (lo_open and x == lo)):
                return False
            if hi is not None and (x > hi or (hi_open and x == hi)):
                return False
            return not step or _is_multiple(x, step)

        candidates = []
        if name:
            pat = (
                r"\b"
                + re.escape(name).replace("_", "[ _]")
                + r"\b\W{0,3}(?:is\s+|of\s+|=\s*|:\s*)?(-?\d+(?:\.\d+)?)"
            )
            m = re.search(pat, self.prompt, re.I)
            if m:
                candidates.append((-1, float(m.group(1)) if "." in m.group(1) else int(m.group(1))))
        candidates += [(i, n) for i, n in enumerate(self.numbers) if i not in self.used_numbers]
        for i, n in candidates:
            if fits(n):
                if i >= 0:
                    self.used_numbers.add(i)
                return int(n) if integer else n
        return self.random_number(lo, hi, lo_open, hi_open, step, integer, fits)

    def random_number(self, lo, hi, lo_open, hi_open, step, integer, fits) -> Any:  # noqa: ANN001
        a = lo if lo is not None else (hi - 100 if hi is not None else 0)
        b = hi if hi is not None else a + 100
        if step or integer:
            unit = step or 1
            k_lo, k_hi = math.ceil(a / unit), math.floor(b / unit)
            tries = [self.rng.randint(k_lo, max(k_lo, min(k_hi, k_lo + 100))) for _ in range(5)]
            for k in [*tries, *range(k_lo, min(k_hi, k_lo + 200) + 1)]:
                x = k * unit
                x = int(round(x)) if float(x).is_integer() else round(x, 10)
                if fits(x):
                    return x
            return int(round(a)) if integer else a
        for _ in range(20):
            x = round(self.rng.uniform(a, b), 2)
            if fits(x):
                return x
        return (a + b) / 2

    def make_string(self, s: dict, name: str, depth: int) -> str:
        fmt = s.get("format")
        if fmt:
            made = self.formatted(fmt)
            if made is not None:
                return made
        if "pattern" in s:
            return self.patterned(s["pattern"], name)
        text = self.free_text(name)
        lo, hi = s.get("minLength"), s.get("maxLength")
        if hi is not None:
            text = text[:hi]
        if lo is not None and len(text) < lo:
            text = text.ljust(lo, "x")
        return text

    def formatted(self, fmt: str) -> str | None:
        r = self.rng
        if fmt == "date-time":
            return f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.choice((0, 15, 30, 45)):02d}:00Z"
        if fmt == "date":
            m = re.search(r"\b\d{4}-\d{2}-\d{2}\b", self.prompt)
            return m.group(0) if m else f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        if fmt == "time":
            return f"{r.randint(0, 23):02d}:{r.choice((0, 15, 30, 45)):02d}:00"
        if fmt == "duration":
            return f"PT{r.randint(1, 12)}H"
        if fmt == "email":
            m = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", self.prompt)
            return m.group(0) if m else "someone@example.com"
        if fmt == "hostname":
            return "example.com"
        if fmt == "ipv4":
            return f"192.0.2.{r.randint(1, 254)}"
        if fmt == "ipv6":
            return f"2001:db8::{r.randint(1, 65535):x}"
        if fmt == "uuid":
            return str(uuid.UUID(int=r.getrandbits(128), version=4))
        return None

    def patterned(self, pattern: str, name: str) -> str:
        for candidate in [self.free_text(name), *self.words, *re.findall(r"\S+", self.prompt)]:
            if re.search(pattern, candidate):
                return candidate
        try:
            return _from_regex(pattern, self.rng)
        except Exception:  # an exotic pattern: best effort
            return ""

    def free_text(self, name: str) -> str:
        if name:
            label = re.escape(name).replace("_", "[ _]")
            m = re.search(r"\b" + label + r"\b\s*(?:is|:|=)\s*([^,;.\n]+)", self.prompt, re.I)
            if m:
                return m.group(1).strip()
        if self.keywords:
            word = self.keywords[self.keyword_at % len(self.keywords)]
            self.keyword_at += 1
            return word
        return " ".join(self.words[:3])

    # -- containers
    def make_array(self, s: dict, name: str, depth: int) -> list:
        lo = s.get("minItems", 0) or 0
        hi = s.get("maxItems")
        want = 0 if depth >= _MAX_DEPTH else min(3, max(1, len(self.keywords) // 2))
        count = max(lo, want if hi is None else min(want, hi))
        items = s.get("items", {})
        out = []
        attempts = 0
        while len(out) < count and attempts < count * 4 + 4:
            attempts += 1
            v = self.value(items, _singular(name), depth + 1)
            if s.get("uniqueItems") and v in out:
                continue
            out.append(v)
        return out

    def make_object(self, s: dict, name: str, depth: int) -> dict:
        props = s.get("properties") or {}
        required = s.get("required")
        out = {key: self.value(props[key], key, depth + 1) for key in props}
        if not props and isinstance(required, list):
            for key in required:
                out[key] = self.free_text(key)
        return out


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 3 else name


def _is_multiple(x: Any, step: Any) -> bool:
    q = x / step
    return abs(q - round(q)) < 1e-9


def _merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        if k == "properties" and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        elif k == "required" and isinstance(out.get(k), list):
            out[k] = out[k] + [x for x in v if x not in out[k]]
        else:
            out.setdefault(k, v)
    return out


def _from_regex(pattern: str, rng: random.Random) -> str:
    """A short string matching ``pattern`` (anchors, classes, groups, alternation, repeats)."""
    out: list[str] = []

    def emit(items: Any) -> None:
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(arg))
            elif name == "NOT_LITERAL":
                out.append("a" if arg != ord("a") else "b")
            elif name == "ANY":
                out.append("x")
            elif name == "IN":
                out.append(_from_class(arg, rng))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                lo, hi, sub = arg
                hi = lo + 2 if hi == _sre.MAXREPEAT else hi
                for _ in range(rng.randint(lo, max(lo, min(hi, lo + 2)))):
                    emit(sub)
            elif name == "SUBPATTERN":
                emit(arg[-1])
            elif name == "ATOMIC_GROUP":
                emit(arg)
            elif name == "BRANCH":
                emit(rng.choice(arg[1]))
            elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
                continue
            else:
                raise ValueError(f"unsupported regex construct {name}")

    emit(_sre.parse(pattern))
    return "".join(out)


def _from_class(items: Any, rng: random.Random) -> str:
    if items and str(items[0][0]) == "NEGATE":
        excluded = items[1:]
        for candidate in "aA0x_-":
            if not re.fullmatch(_class_source(excluded), candidate):
                return candidate
        return "~"
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(arg)
    if name == "RANGE":
        return chr(rng.randint(arg[0], arg[1]))
    if name == "CATEGORY":
        cat = str(arg)
        return {"CATEGORY_DIGIT": "7", "CATEGORY_WORD": "w", "CATEGORY_SPACE": " "}.get(cat, "a")
    return "a"


def _class_source(items: Any) -> str:
    parts = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            parts.append(re.escape(chr(arg)))
        elif name == "RANGE":
            parts.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif name == "CATEGORY":
            parts.append(
                {"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_SPACE": r"\s"}.get(str(arg), "")
            )
    return "[" + "".join(parts) + "]" if parts else "[^\\s\\S]"
