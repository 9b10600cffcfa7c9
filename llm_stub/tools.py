"""Tool calling: when to call a tool, with which arguments, and answers that use the results.

Everything here is derived from the request alone (the tool definitions and the
user's words), never from course-specific knowledge:

* **Deciding.** With ``tool_choice`` ``auto`` a tool is called when the last user
  message calls for it: its words match the tool's name (``get_weather`` and
  "weather") or, with two matches, its description. ``required`` calls the best
  match (or the first tool), a named function calls that function, ``none``
  never calls.
* **Arguments** are built from the tool's parameter schema and filled from the
  user's words where they fit: a quoted string, a capitalised name ("Amsterdam"),
  a number, an arithmetic expression, an enum value that is mentioned. A value
  the words do not give may come from an earlier tool result of the same turn
  (a JSON key of the same name, or a name in the result's text); a tool that
  still lacks a required value waits until other tools have answered. The
  arguments always validate against the schema.
* **Parallel calls.** Two names for one tool ("Amsterdam and Paris") give two
  calls in one message, or one call per step when ``parallel_tool_calls`` is
  false. Calls already made (and answered) in this turn are not made again, so
  an agent loop ends with a plain answer.
* **Answers** after the tool messages quote the results; a scripted reply for
  the question can shape them with ``{placeholders}`` filled from the results.
* **Validation** raises the real API's 400s for bad tools, ``tool_choice`` and
  tool histories.
"""

from __future__ import annotations

import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import StubError, invalid
from .request import ChatRequest, described_type, schema_type
from .tokenizer import content_text

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
MAX_NAME_LENGTH = 64

# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------


def _missing(param: str) -> StubError:
    return invalid(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")


def _check_name(name: Any, param: str) -> None:
    if not isinstance(name, str):
        raise invalid(
            f"Invalid type for '{param}': expected a string, but got {described_type(name)} instead.",
            param,
            "invalid_type",
        )
    if not name:
        raise invalid(
            f"Invalid '{param}': empty string. Expected a string with minimum length 1, but got an empty string instead.",
            param,
            "empty_string",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise invalid(
            f"Invalid '{param}': string too long. Expected a string with maximum length {MAX_NAME_LENGTH}, "
            f"but got a string with length {len(name)} instead.",
            param,
            "string_above_max_length",
        )
    if not NAME_PATTERN.match(name):
        raise invalid(
            f"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern "
            "'^[a-zA-Z0-9_-]+$'.",
            param,
            "invalid_value",
        )


def _check_parameters(params: Any, name: str, strict: bool, param: str) -> None:
    if not isinstance(params, dict):
        raise invalid(
            f"Invalid type for '{param}': expected an object, but got {described_type(params)} instead.",
            param,
            "invalid_type",
        )
    where = f"function '{name}'"
    if params.get("type", "object") != "object":
        raise StubError(
            400,
            f"Invalid schema for {where}: schema must be a JSON Schema of 'type: \"object\"', got "
            f"'type: \"{params.get('type')}\"'.",
            param=param,
            code="invalid_function_parameters",
        )
    try:
        import jsonschema

        jsonschema.Draft202012Validator.check_schema(params)
    except ImportError:  # pragma: no cover - jsonschema is pinned
        pass
    except Exception as err:  # jsonschema.SchemaError
        raise StubError(
            400,
            f"Invalid schema for {where}: {getattr(err, 'message', err)}.",
            param=param,
            code="invalid_function_parameters",
        ) from None
    if strict:
        from .structured import check_strict_schema  # the same strict-mode rules as structured output

        try:
            check_strict_schema(params, where, param=param)
        except StubError as err:
            raise StubError(400, err.message, param=param, code="invalid_function_parameters") from None


def _check_tools(req: ChatRequest) -> None:
    if "tools" in req.body and req.body["tools"] is not None and not req.tools:
        raise invalid(
            "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            "tools",
            "empty_array",
        )
    for i, tool in enumerate(req.tools):
        param = f"tools[{i}]"
        if not isinstance(tool, dict):
            raise invalid(
                f"Invalid type for '{param}': expected an object, but got {described_type(tool)} instead.",
                param,
                "invalid_type",
            )
        if "type" not in tool:
            raise _missing(f"{param}.type")
        if tool["type"] == "custom":
            continue  # custom (free-form) tools: accepted, never called by the stub
        if tool["type"] != "function":
            raise invalid(
                f"Invalid value: '{tool['type']}'. Supported values are: 'function' and 'custom'.",
                f"{param}.type",
                "invalid_value",
            )
        if "function" not in tool:
            raise _missing(f"{param}.function")
        function = tool["function"]
        if not isinstance(function, dict):
            raise invalid(
                f"Invalid type for '{param}.function': expected an object, but got {described_type(function)} instead.",
                f"{param}.function",
                "invalid_type",
            )
        if "name" not in function:
            raise _missing(f"{param}.function.name")
        _check_name(function["name"], f"{param}.function.name")
        if function.get("description") is not None and not isinstance(function["description"], str):
            raise invalid(
                f"Invalid type for '{param}.function.description': expected a string, but got "
                f"{described_type(function['description'])} instead.",
                f"{param}.function.description",
                "invalid_type",
            )
        strict = function.get("strict")
        if strict is not None and not isinstance(strict, bool):
            raise invalid(
                f"Invalid type for '{param}.function.strict': expected a boolean, but got {described_type(strict)} instead.",
                f"{param}.function.strict",
                "invalid_type",
            )
        if function.get("parameters") is not None:
            _check_parameters(
                function["parameters"], function["name"], bool(strict), f"{param}.function.parameters"
            )


def _check_tool_choice(req: ChatRequest) -> None:
    choice = req.body.get("tool_choice")
    if choice is None:
        return
    if not req.tools:
        raise invalid(
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
            "tool_choice",
        )
    if isinstance(choice, str):
        if choice not in ("none", "auto", "required"):
            raise invalid(
                f"Invalid value: '{choice}'. Supported values are: 'none', 'auto', and 'required'.",
                "tool_choice",
                "invalid_value",
            )
        return
    if not isinstance(choice, dict):
        raise invalid(
            f"Invalid type for 'tool_choice': expected one of a string or an object, but got {described_type(choice)} instead.",
            "tool_choice",
            "invalid_type",
        )
    if "type" not in choice:
        raise _missing("tool_choice.type")
    if choice["type"] == "allowed_tools":
        return
    if choice["type"] != "function":
        raise invalid(
            f"Invalid value: '{choice['type']}'. Supported values are: 'function', 'allowed_tools', and 'custom'.",
            "tool_choice.type",
            "invalid_value",
        )
    function = choice.get("function")
    if not isinstance(function, dict):
        raise _missing("tool_choice.function")
    if "name" not in function:
        raise _missing("tool_choice.function.name")
    name = function["name"]
    if not isinstance(name, str):
        raise invalid(
            f"Invalid type for 'tool_choice.function.name': expected a string, but got {described_type(name)} instead.",
            "tool_choice.function.name",
            "invalid_type",
        )
    if name not in {t["function"]["name"] for t in function_tools(req)}:
        raise invalid(f"Tool choice '{name}' not found in 'tools' parameter.", "tool_choice")


def _check_history(req: ChatRequest) -> None:
    """Every tool message answers a call of the assistant message just before it; every call is answered."""
    open_calls: dict[str, None] = {}  # ids of the last assistant tool_calls message still unanswered
    open_at: int | None = None  # that message's index
    in_tool_block = (
        False  # True while we are in the tool messages right after an assistant tool_calls message
    )

    def unanswered() -> StubError:
        ids = ", ".join(open_calls)
        return invalid(
            "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
            f"'tool_call_id'. The following tool_call_ids did not have response messages: {ids}",
            f"messages.[{open_at}].role",
        )

    for i, message in enumerate(req.messages):
        role = message.get("role")
        if role != "assistant" and "tool_calls" in message:
            raise invalid(
                f"Unknown parameter: 'messages[{i}].tool_calls'.",
                f"messages[{i}].tool_calls",
                "unknown_parameter",
            )
        if role == "tool":
            call_id = message.get("tool_call_id")
            if not in_tool_block or call_id not in open_calls:
                raise invalid(
                    "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with "
                    "'tool_calls'.",
                    f"messages.[{i}].role",
                )
            del open_calls[call_id]
            continue
        if open_calls:
            raise unanswered()
        in_tool_block = False
        if role == "assistant" and message.get("tool_calls"):
            for k, call in enumerate(message["tool_calls"]):
                if not isinstance(call["id"], str):
                    raise invalid(
                        f"Invalid type for 'messages[{i}].tool_calls[{k}].id': expected a string, but got "
                        f"{described_type(call['id'])} instead.",
                        f"messages[{i}].tool_calls[{k}].id",
                        "invalid_type",
                    )
                _check_name(call["function"]["name"], f"messages[{i}].tool_calls[{k}].function.name")
            open_calls = {call["id"]: None for call in message["tool_calls"]}
            open_at = i
            in_tool_block = True
    if open_calls:
        raise unanswered()


def validate_request(req: ChatRequest) -> None:
    """Raise the real 400s for tools and tool histories the API would refuse."""
    _check_tools(req)
    _check_tool_choice(req)
    if req.body.get("parallel_tool_calls") is not None and not req.tools:
        raise invalid(
            "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.",
            "parallel_tool_calls",
        )
    _check_history(req)


# ---------------------------------------------------------------------------
# reading the request
# ---------------------------------------------------------------------------


def function_tools(req: ChatRequest) -> list[dict]:
    return [
        t
        for t in req.tools
        if isinstance(t, dict) and t.get("type") == "function" and isinstance(t.get("function"), dict)
    ]


@dataclass
class ToolResult:
    name: str
    arguments: str
    content: str

    @property
    def parsed(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError:
            return None

    @property
    def args(self) -> Any:
        try:
            return json.loads(self.arguments)
        except ValueError:
            return self.arguments

    def call_text(self) -> str:
        args = self.args
        if isinstance(args, dict):
            inner = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args.items())
        else:
            inner = str(args)
        return f"{self.name}({inner})"

    @property
    def failed(self) -> bool:
        data = self.parsed
        if isinstance(data, dict) and ("error" in data or data.get("ok") is False):
            return True
        return bool(re.match(r"(?i)\s*(error|exception|failed)\b", self.content))


def _turn_start(messages: list[dict]) -> int:
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].get("role") == "user":
            return i + 1
    return 0


def turn_results(req: ChatRequest) -> tuple[list[ToolResult], list[tuple[str, str]]]:
    """The tool results of the current turn (after the last user message), and every call made in it."""
    calls: dict[str, tuple[str, str]] = {}
    made: list[tuple[str, str]] = []
    results: list[ToolResult] = []
    for message in req.messages[_turn_start(req.messages) :]:
        if message.get("role") == "assistant":
            for call in message.get("tool_calls") or []:
                function = call.get("function") or {}
                pair = (function.get("name", ""), function.get("arguments", ""))
                calls[call.get("id")] = pair
                made.append(pair)
        elif message.get("role") == "tool" and message.get("tool_call_id") in calls:
            name, arguments = calls[message["tool_call_id"]]
            results.append(ToolResult(name, arguments, content_text(message.get("content"))))
    return results, made


# ---------------------------------------------------------------------------
# words
# ---------------------------------------------------------------------------

_STOP = set(
    """a an the and or but if of to in on at by for with from into onto about as is are was were be been being am
    do does did doing have has had having i me my mine we our you your he she it its they them their this that these
    those what which who whom whose when where why how can could would should will shall may might must please
    tell give show get gets getting fetch find look lookup up retrieve return returns returned current currently
    now today right just some any all one each there here than then so not no yes also too very much many more
    most other use using used call tool function compare convert check let lets let's hi hello hey thanks thank know want need like
    what's whats it's i'm im there's given value values""".split()
)
# Imperatives that start a request ("Book a table", "Send ..."): capitalised there, but not names.
_VERBS = set(
    """add book build buy calculate cancel change create delete describe draft email explain list make open order plan
    play read remind remove rename reserve run save schedule search send set start stop summarise summarize
    translate update write""".split()
)
_SYNONYMS = {
    "temperature": "weather",
    "forecast": "weather",
    "rain": "weather",
    "raining": "weather",
    "sunny": "weather",
    "hot": "weather",
    "cold": "weather",
    "clock": "time",
    "o'clock": "time",
    "hour": "time",
    "timezone": "time",
    "calculate": "calculator",
    "calculation": "calculator",
    "compute": "calculator",
    "evaluate": "calculator",
    "arithmetic": "calculator",
    "math": "calculator",
    "multiply": "calculator",
    "times": "calculator",
    "plus": "calculator",
    "minus": "calculator",
    "divided": "calculator",
    "sum": "calculator",
}
_ARITHMETIC = re.compile(
    r"\(?\s*-?\d+(?:\.\d+)?\s*\)?(?:\s*(?:[-+*/^×÷x]|\*\*)\s*\(?\s*-?\d+(?:\.\d+)?\s*\)?)+"
)


def _stem(word: str) -> str:
    for suffix, repl in (("ies", "y"), ("ing", ""), ("es", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + repl
    return word


def words(text: str) -> set[str]:
    """Content words of ``text``: lower case, stop words dropped, light stemming, synonyms added."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text or "")
    out: set[str] = set()
    for raw in re.findall(r"[A-Za-z][A-Za-z']*", text.replace("_", " ").replace("-", " ")):
        word = raw.lower().strip("'")
        if word.endswith("'s"):
            word = word[:-2]
        if not word or word in _STOP or len(word) < 2:
            continue
        out.add(_stem(word))
        if word in _SYNONYMS:
            out.add(_SYNONYMS[word])
    return out


def _arithmetic(text: str) -> str | None:
    match = _ARITHMETIC.search(text)
    return match.group(0).strip() if match else None


def score(tool: dict, text: str) -> int:
    """How strongly ``text`` calls for ``tool``: 3 per name word it uses, 1 per description word; 0 means not at all."""
    function = tool["function"]
    user = words(text)
    if _arithmetic(text):
        user.add("calculator")
    name_words = words(function["name"])
    desc_words = words(function.get("description") or "") - name_words
    by_name = len(user & name_words)
    by_desc = len(user & desc_words)
    if by_name == 0 and by_desc < 2:
        return 0
    return 3 * by_name + by_desc


_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|(?<![\w])'([^']+)'(?![\w])")
_PROPER = re.compile(r"\b[A-Z][\w'À-ÿ-]*(?:\s+(?:[A-Z][\w'À-ÿ-]*|de|del|da|la|le|of|upon|am))*(?<![\s])")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")


def entities(text: str, exclude: set[str] = frozenset()) -> list[str]:
    """Quoted strings and capitalised names, in order, without duplicates (the things a user asks about)."""
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for match in _QUOTED.finditer(text):
        value = next(g for g in match.groups() if g is not None)
        found.append((match.start(), value))
        spans.append(match.span())
    for match in _PROPER.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        parts = match.group(0).split()
        # drop leading words that are not names ("What", "Is", "Compare") and trailing particles
        at_start = not text[: match.start()].strip() or text[: match.start()].rstrip()[-1] in ".!?:;"
        while parts and (
            _bare(parts[0]) in _STOP
            or _stem(_bare(parts[0])) in exclude
            or (at_start and _bare(parts[0]) in _VERBS)
        ):
            parts.pop(0)
            at_start = False
        while parts and parts[-1] in ("de", "del", "da", "la", "le", "of", "upon", "am"):
            parts.pop()
        if parts:
            value = " ".join(parts)
            if value.endswith("'s"):
                value = value[:-2]
            if _bare(value) in _STOP or _stem(_bare(value)) in exclude:
                continue
            found.append((match.start(), value))
    out: list[str] = []
    for _, value in sorted(found):
        if value not in out:
            out.append(value)
    return out


def _bare(word: str) -> str:
    word = word.lower().strip("'")
    return word[:-2] if word.endswith("'s") else word


def numbers(text: str) -> list[float | int]:
    out: list[float | int] = []
    for raw in _NUMBER.findall(text):
        value = float(raw)
        out.append(int(value) if value.is_integer() and "." not in raw else value)
    return out


# ---------------------------------------------------------------------------
# arguments from a schema
# ---------------------------------------------------------------------------

_TEXT_HINTS = {
    "query",
    "text",
    "question",
    "message",
    "prompt",
    "input",
    "search",
    "content",
    "sentence",
    "body",
    "topic",
    "keyword",
    "term",
}
_EXPRESSION_HINTS = {"expression", "formula", "calculation", "equation", "calculator", "math", "arithmetic"}
_MISSING = object()
MAX_DEPTH = 12


@dataclass
class Filler:
    """Fills a tool's arguments from the user's words (and earlier results of the turn)."""

    text: str
    root: dict
    strict: bool
    entities: list[str]
    results: list[ToolResult] = field(default_factory=list)
    force: bool = False  # fill something even where the words give nothing
    numbers: list = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    used_entity: bool = False
    depth: int = 0

    def resolve(self, schema: Any) -> dict:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 20:
            ref = schema["$ref"]
            target: Any = self.root
            if ref.startswith("#"):
                for part in [p for p in ref[1:].split("/") if p]:
                    target = target.get(part, {}) if isinstance(target, dict) else {}
            else:
                target = {}
            schema = target
            seen += 1
        return schema if isinstance(schema, dict) else {}

    def types(self, schema: dict, depth: int = 0) -> list[str]:
        kind = schema.get("type")
        if isinstance(kind, list):
            return kind
        if isinstance(kind, str):
            return [kind]
        branches = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(branches, list) and branches and depth < MAX_DEPTH:
            kinds: list[str] = []
            for branch in branches:
                kinds += [k for k in self.types(self.resolve(branch), depth + 1) if k not in kinds]
            return kinds
        if "properties" in schema:
            return ["object"]
        if "enum" in schema:
            return sorted({schema_type(v) for v in schema["enum"]})
        if "const" in schema:
            return [schema_type(schema["const"])]
        return ["string"]

    def from_results(self, name: str, kinds: list[str]) -> Any:
        for result in reversed(self.results):
            data = result.parsed
            if (
                isinstance(data, dict)
                and name in data
                and schema_type(data[name]) in kinds + (["number"] if "integer" in kinds else [])
            ):
                return data[name]
        return _MISSING

    def value(self, schema: Any, name: str, required: bool) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:  # a recursive schema: stop with the smallest value
                return None
            return self._value(self.resolve(schema), name, required)
        finally:
            self.depth -= 1

    def _value(self, schema: dict, name: str, required: bool) -> Any:
        branches = schema.get("anyOf") or schema.get("oneOf")
        if branches:
            branches = [self.resolve(b) for b in branches]
            nullable = any(self.types(b) == ["null"] for b in branches)
            for branch in branches:
                if self.types(branch) == ["null"]:
                    continue
                saved = list(self.missing)
                value = self.value(
                    {**branch, "description": schema.get("description", branch.get("description", ""))},
                    name,
                    required and not nullable,
                )
                if value is not _MISSING and not (nullable and len(self.missing) > len(saved)):
                    return value
                self.missing[:] = saved
            return None if nullable else self.value(branches[0], name, required)
        kinds = self.types(schema)
        nullable = "null" in kinds
        kinds = [k for k in kinds if k != "null"] or ["null"]
        kind = kinds[0]
        hints = words(name) | words(schema.get("description") or "") | words(schema.get("title") or "")

        if "const" in schema:
            return schema["const"]
        if "enum" in schema and schema["enum"]:
            for option in schema["enum"]:
                if isinstance(option, str) and re.search(rf"(?i)\b{re.escape(option)}", self.text):
                    return option
            for option in schema["enum"]:
                if isinstance(option, str) and _stem(option.lower()) in words(self.text):
                    return option
            if "default" in schema:
                return schema["default"]
            if not required and not self.strict and not self.force:
                return _MISSING
            return schema["enum"][0]
        if kind == "object":
            return self.object(schema)
        if kind == "array":
            return self.array(schema, name, required)
        if kind == "boolean":
            if hints & words(self.text):
                return True
            if "default" in schema:
                return schema["default"]
            return False if (required or self.strict) else _MISSING
        if kind in ("integer", "number"):
            value = self.number(schema, name, kind)
            if value is not _MISSING:
                return value
            return self.unfound(
                schema,
                name,
                nullable,
                required,
                lambda: _clamp(schema, 0 if kind == "integer" else 0.0, kind),
            )
        if kind == "string":
            value = self.string(schema, name, hints, required)
            if value is not _MISSING:
                return value
            examples = schema.get("examples")
            placeholder = examples[0] if isinstance(examples, list) and examples else "unknown"
            return self.unfound(schema, name, nullable, required, lambda: placeholder)
        if kind == "null":
            return None
        return _MISSING if not required else None

    def unfound(
        self, schema: dict, name: str, nullable: bool, required: bool, placeholder: Callable[[], Any]
    ) -> Any:
        """A value the user's words did not give: the default, null, leave it out, or a placeholder noted as missing."""
        if "default" in schema:
            return schema["default"]
        if nullable and (self.strict or required):
            return None
        if not required and not self.strict:
            return _MISSING
        if not self.force:
            self.missing.append(name)
        return placeholder()

    def string(self, schema: dict, name: str, hints: set[str], required: bool) -> Any:
        """A string from the words; an optional one only from a value made for it (an expression, a date)."""
        if hints & _EXPRESSION_HINTS:
            expression = _arithmetic(self.text)
            if expression:
                return expression
        if schema.get("format") == "date":
            match = re.search(r"\d{4}-\d{2}-\d{2}", self.text)
            if match:
                return match.group(0)
        if not required:
            return _MISSING
        if self.entities:
            self.used_entity = True
            return self.entities.pop(0)
        if hints & _TEXT_HINTS:
            cleaned = " ".join(self.text.split())
            return cleaned or "unknown"
        found = self.from_results(name, ["string"])
        if found is not _MISSING:
            return found
        for result in reversed(self.results):
            names = entities(result.content)
            if names:
                return names[0]
        return _MISSING

    def number(self, schema: dict, name: str, kind: str) -> Any:
        while self.numbers:
            raw = self.numbers.pop(0)
            if kind == "integer" and not float(raw).is_integer():
                continue
            return _clamp(schema, int(raw) if kind == "integer" else raw, kind)
        found = self.from_results(name, [kind])
        if found is not _MISSING and not isinstance(found, bool):
            return _clamp(schema, int(found) if kind == "integer" else found, kind)
        return _MISSING

    def array(self, schema: dict, name: str, required: bool) -> Any:
        items = self.resolve(schema.get("items") or {})
        kinds = self.types(items)
        out: list = []
        if "string" in kinds and "enum" not in items:
            while self.entities:
                out.append(self.entities.pop(0))
                self.used_entity = True
        elif "integer" in kinds or "number" in kinds:
            kind = "integer" if "integer" in kinds else "number"
            for raw in list(self.numbers):
                if kind == "integer" and not float(raw).is_integer():
                    continue
                out.append(_clamp(items, int(raw) if kind == "integer" else raw, kind))
            self.numbers.clear()
        minimum = schema.get("minItems", 0)
        while len(out) < minimum:
            out.append(self.value(items, name, True))
        if schema.get("maxItems") is not None:
            out = out[: schema["maxItems"]]
        if not out and not required and not self.strict:
            return _MISSING
        return out

    def object(self, schema: dict) -> dict:
        props = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        out: dict = {}
        for key, sub in props.items():
            value = self.value(sub, key, key in required or self.strict)
            if value is not _MISSING:
                out[key] = value
        return out


def _clamp(schema: dict, value: Any, kind: str) -> Any:
    """Move ``value`` inside the schema's bounds (a number the user gave may be out of range)."""
    if isinstance(schema.get("minimum"), (int, float)) and value < schema["minimum"]:
        value = schema["minimum"]
    if isinstance(schema.get("exclusiveMinimum"), (int, float)) and value <= schema["exclusiveMinimum"]:
        value = schema["exclusiveMinimum"] + 1
    if isinstance(schema.get("maximum"), (int, float)) and value > schema["maximum"]:
        value = schema["maximum"]
    if isinstance(schema.get("exclusiveMaximum"), (int, float)) and value >= schema["exclusiveMaximum"]:
        value = schema["exclusiveMaximum"] - 1
    return int(value) if kind == "integer" else value


@dataclass
class PlannedCall:
    name: str
    arguments: dict
    missing: list[str]

    @property
    def ready(self) -> bool:
        return not self.missing

    def json(self) -> str:
        return json.dumps(self.arguments, ensure_ascii=False)


def plan_for(tool: dict, text: str, results: list[ToolResult], force: bool = False) -> list[PlannedCall]:
    """The calls of ``tool`` the user's words ask for: one per entity when the tool takes one entity."""
    function = tool["function"]
    params = function.get("parameters") or {"type": "object", "properties": {}}
    strict = bool(function.get("strict"))
    exclude = words(function["name"]) | {"calculator"}
    found = entities(text, exclude)

    def fill(names: list[str]) -> tuple[PlannedCall, Filler]:
        filler = Filler(
            text=text,
            root=params,
            strict=strict,
            entities=list(names),
            results=results,
            force=force,
            numbers=numbers(_strip_arithmetic(text, params)),
        )
        args = filler.object(params)
        return PlannedCall(function["name"], args, filler.missing), filler

    first, filler = fill(found)
    if len(found) >= 2 and filler.used_entity and len(filler.entities) == len(found) - 1:
        # the tool takes one name and the user gave several: one call per name
        return [fill([name])[0] for name in found]
    return [first]


def _strip_arithmetic(text: str, params: dict) -> str:
    """Numbers inside an arithmetic expression belong to the expression, not to numeric parameters."""
    if any(words(k) & _EXPRESSION_HINTS for k in (params.get("properties") or {})):
        return _ARITHMETIC.sub(" ", text)
    return text


def _same(a: str, b: str) -> bool:
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return a == b


def _choice(req: ChatRequest) -> tuple[str, str | None]:
    """("auto"|"none"|"required"|"function", the named function)."""
    choice = req.body.get("tool_choice")
    if isinstance(choice, dict):
        if choice.get("type") == "function":
            return "function", (choice.get("function") or {}).get("name")
        return "auto", None
    return (choice or "auto"), None


_FOLLOW_UP = re.compile(r"(?i)^\s*(and|what about|how about|same for|also)\b")


def _follow_up_tool(req: ChatRequest, tools: list[dict]) -> dict | None:
    """ "And in Paris?" after a weather question: the tool of the previous turn, for the new name."""
    text = req.last_user_text
    if not _FOLLOW_UP.match(text):
        return None
    start = _turn_start(req.messages)
    for message in reversed(req.messages[: max(start - 1, 0)]):
        for call in reversed(message.get("tool_calls") or []) if message.get("role") == "assistant" else []:
            name = (call.get("function") or {}).get("name")
            tool = next((t for t in tools if t["function"]["name"] == name), None)
            if tool is not None and entities(text, words(name)):
                return tool
            return None
    return None


def draft_tool_calls(req: ChatRequest, rng: random.Random) -> list[tuple[str, str]] | None:
    """The (name, JSON arguments) of the calls the model makes, or None to answer in text."""
    tools = function_tools(req)
    if not tools:
        return None
    mode, named = _choice(req)
    if mode == "none":
        return None
    text = req.last_user_text
    results, made = turn_results(req)

    if mode == "function":
        tool = next(t for t in tools if t["function"]["name"] == named)
        calls = plan_for(tool, text, results, force=True)
        return [(c.name, c.json()) for c in (calls if req.parallel_tool_calls else calls[:1])]

    scored = sorted(((score(t, text), i, t) for i, t in enumerate(tools)), key=lambda s: (-s[0], s[1]))
    matched = [t for s, _, t in scored if s > 0]
    if not matched:
        follow_up = _follow_up_tool(req, tools)
        matched = [follow_up] if follow_up is not None else []
    plan: list[PlannedCall] = []
    for tool in matched:
        calls = plan_for(tool, text, results)
        called_before = [m for m in made if m[0] == tool["function"]["name"]]
        if len(calls) == 1 and called_before:
            continue  # this tool already ran in this turn
        plan.extend(c for c in calls if not any(m[0] == c.name and _same(m[1], c.json()) for m in made))
    ready = [c for c in plan if c.ready]
    if ready:
        return [(c.name, c.json()) for c in (ready if req.parallel_tool_calls else ready[:1])]
    if mode == "required":
        tool = matched[0] if matched else tools[0]
        calls = plan_for(tool, text, results, force=True)
        return [(c.name, c.json()) for c in (calls if req.parallel_tool_calls else calls[:1])]
    return None


def awaiting_answer(req: ChatRequest) -> bool:
    """True when the last message is a tool result the model should now answer from."""
    return bool(req.messages) and req.messages[-1].get("role") == "tool"


# ---------------------------------------------------------------------------
# answers
# ---------------------------------------------------------------------------


class _Fields(dict):
    def __missing__(self, key: str) -> Any:
        raise KeyError(key)


def _fields(results: list[ToolResult]) -> dict:
    fields = _Fields()
    parsed = []
    for result in results:
        data = result.parsed
        parsed.append(data if data is not None else result.content)
        if isinstance(data, dict) and not result.failed:
            for key, value in data.items():
                fields.setdefault(key, value)
        args = result.args
        if isinstance(args, dict):
            for key, value in args.items():
                fields.setdefault(key, value)
    fields["results"] = parsed
    fields["result"] = parsed[0] if parsed else None
    fields["args"] = [r.args for r in results]
    return fields


def _scripted(template: str, results: list[ToolResult]) -> str | None:
    if any(r.failed for r in results) and "{" in template:
        return None
    try:
        return string.Formatter().vformat(template, (), _fields(results))
    except (KeyError, IndexError, AttributeError, TypeError, ValueError):
        return None


def _quote(result: ToolResult) -> str:
    data = result.parsed
    if isinstance(data, dict):
        if result.failed and "error" in data:
            return str(data["error"])
        return ", ".join(f"{k}: {v}" for k, v in data.items())
    return " ".join(result.content.split())


def _missing_question(req: ChatRequest) -> str | None:
    """Auto mode, a tool matches but lacks a value the words do not give: ask for it, as a model would."""
    tools = function_tools(req)
    mode, _ = _choice(req)
    if not tools or mode != "auto":
        return None
    text = req.last_user_text
    for tool in tools:
        if score(tool, text) <= 0:
            continue
        for call in plan_for(tool, text, []):
            if call.missing:
                what = " and ".join(call.missing[:2]).replace("_", " ")
                return f"I can look that up with {call.name}, but I need the {what} first. Which {what} do you mean?"
    return None


def answer_from_results(req: ChatRequest, rule: Any = None) -> str | None:
    """The final answer after tool messages: a scripted reply filled from the results, or one that quotes them."""
    results, _ = turn_results(req)
    if not results:
        return _missing_question(req) if function_tools(req) else None
    if rule is not None and getattr(rule, "alternatives", None):
        scripted = _scripted(rule.alternatives[0], results)
        if scripted is not None:
            return scripted
    failed = [r for r in results if r.failed]
    fine = [r for r in results if not r.failed]
    if len(results) == 1:
        r = results[0]
        if r.failed:
            return (
                f"I tried {r.call_text()}, but it failed: {_quote(r)}. "
                "I can't answer that part without it; please check the input or try again later."
            )
        return f"According to {r.call_text()}: {_quote(r)}."
    lines = ["Here is what the tools returned:"]
    lines += [f"- {r.call_text()}: {_quote(r)}" for r in fine]
    lines += [f"- {r.call_text()} failed: {_quote(r)}" for r in failed]
    return "\n".join(lines)
