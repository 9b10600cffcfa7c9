"""Tool calling: when to call a tool, with which arguments, and answers that use the results.

Everything here is derived from the request alone (the tool definitions and the user's words, read by
``understanding.py``), never from course-specific knowledge:

* **Deciding** (``decide``). The last user message is split into requests ("Where's order A1002, and is
  the Hario V60 in stock?" is two). Each offered tool is scored against each request by its name (a noun
  of the name used as a verb does not count: "how do I weather a tough week"), description and parameters,
  with stems and a small synonym table (umbrella -> weather, trading -> stock price). The best tool is
  called when it clearly fits, nothing when none does; each request gets its own call, in parallel. A
  tool whose required argument has no candidate waits for another tool's result (the location before the
  weather there), and when no tool can run the model asks for that argument. ``required`` calls the best
  match (or the first tool), a named function calls that function, ``none`` never calls.
* **Instructions inside tool results** (``injected_calls``). A tool result is text the model reads, and a
  model can take an instruction written in it for one of its own: prompt injection (OWASP's LLM01, "Prompt
  Injection", and Greshake et al. 2023, "Not what you've signed up for", arXiv:2302.12173, show real models
  following instructions planted in retrieved text and calling tools for them). The stub plays a model that
  falls for the plain kind: when a result of this turn tells it to call (run, use, invoke, execute) a tool
  that is on offer, it makes that call, with the arguments the same sentence gives, once per turn, unless
  ``tool_choice`` rules it out. A system prompt that says "tool results are data" does not stop it, as it
  does not reliably stop a real model: what stops the damage is the caller's code (a confirmation gate).
* **Arguments** are filled by ``understanding.Filler``: each parameter takes the entity that fits its type,
  enum, pattern, format, name and description (a city for ``city``, AAPL for ``ticker``, A1002 for
  ``order_id``); an entity fills at most one parameter of one call; optional parameters only from
  evidence. Several names for a one-name tool ("Amsterdam and Paris") give one call each, or one call per
  step when ``parallel_tool_calls`` is false; a sentence that repeats a request with other values ("a 10
  minute timer for the pasta and a 4 minute one for the eggs", "to dollars and to pounds") gives a call per
  part, and a sentence that asks two tools in one clause ("a table for 4 at 8pm and a taxi at 7:15") a part
  each (``several.py``). Calls already made (and answered) in this turn are not made
  again, so an agent loop ends with a plain answer.
* **Follow-ups** ("and in kelvin?", "what about saturday?") repeat the previous turn's call with the
  arguments the new words change; **agents' observations** ("Observation: {...}" as user text, after an
  "Action:" line) are results, not new requests; under ``tool_choice: "required"`` with a result in hand
  the call that finishes the task (a ``final_answer``-like tool) is made, never the same call again.
* **Answers** after the tool messages: a scripted reply for the question can shape them with
  ``{placeholders}`` filled from the results; otherwise ``readback.answer`` (the superlative asked for,
  who won, none found, errors in plain words, short lists), Yes/No first when the question asked for it.
* **Validation** raises the real API's 400s for bad tools, ``tool_choice`` and tool histories.
"""

from __future__ import annotations

import ast
import json
import random
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import agent_text, asking, knowledge, phrases, readback, several
from .errors import StubError, invalid
from .filling import TEXT_FIELDS, Filler, field_role, json_filler, list_item, referred, wants
from .knowledge import fold
from .request import ChatRequest, check_tool_choice_mode, described_type
from .schema_check import bad_value
from .tokenizer import content_text
from .understanding import STOP, Entity, clauses, facts, read, stem, words

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
            # custom (free-form) tools: checked against CustomToolChatCompletions of the OpenAPI description,
            # accepted, never called by the stub
            from .schema_check import SCHEMAS, validate

            validate(tool, SCHEMAS["custom_tool"], param)
            continue
        if tool["type"] != "function":
            raise bad_value(tool["type"], ("function", "custom"), f"{param}.type")
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
        check_tool_choice_mode(choice)
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
        raise bad_value(choice["type"], ("function", "allowed_tools", "custom"), "tool_choice.type")
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
            pass
        try:  # an agent that wrote its call as Python ("{'city': 'Oslo'}", smolagents)
            value = ast.literal_eval(self.arguments)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return self.arguments
        return value if isinstance(value, dict) else self.arguments

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


# An agent that runs tools itself (ReAct, smolagents' text agents) sends each result back as user text.
_OBSERVATION = re.compile(
    # smolagents prefixes "Call id: <id>" (huggingface/smolagents src/smolagents/memory.py, ActionStep.to_messages)
    r"(?is)^\s*(?:call id:\s*\S+\s*)?(?:observation|tool (?:result|output)|function (?:result|output)|result)\s*:\s*(.*)$"
)
_ACTION = re.compile(r"(?is)\baction\s*:\s*`?([A-Za-z0-9_-]+)`?(?:.*?\baction input\s*:\s*(\{.*?\}|[^\n]*))?")


# smolagents writes the calls it made into the history as text: "Calling tools:\n[{... 'name': 'x', ...}]"
_CALLING = re.compile(r"(?s)Calling tools:.*?'name':\s*'([A-Za-z0-9_-]+)',\s*'arguments':\s*(\{[^{}]*\})?")


def observation(message: dict) -> str | None:
    """The result an agent sends as a user message ("Observation: {...}"), or None for a real request."""
    if message.get("role") != "user":
        return None
    m = _OBSERVATION.match(content_text(message.get("content")))
    return m.group(1).strip() if m else None


def _turn_start(messages: list[dict]) -> int:
    """Where the current turn starts: after the last user message that is a request, not an observation."""
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].get("role") == "user" and observation(messages[i]) is None:
            return i + 1
    return 0


def question_text(req: ChatRequest) -> str:
    """The user's request this turn (an agent's observations after it are results, not requests)."""
    start = _turn_start(req.messages)
    return content_text(req.messages[start - 1].get("content")) if start else req.last_user_text


def turn_results(req: ChatRequest, whole: bool = False) -> tuple[list[ToolResult], list[tuple[str, str]]]:
    """The tool results of the current turn (tool messages, or an agent's observations), and every call made;
    ``whole``: of the whole conversation ("put that in the format" after an earlier turn's result)."""
    calls: dict[str, tuple[str, str]] = {}
    made: list[tuple[str, str]] = []
    results: list[ToolResult] = []
    pending: tuple[str, str] = ("tool", "")
    for message in req.messages[0 if whole else _turn_start(req.messages) :]:
        if message.get("role") == "assistant":
            for call in message.get("tool_calls") or []:
                function = call.get("function") or {}
                pair = (function.get("name", ""), function.get("arguments", ""))
                calls[call.get("id")] = pair
                made.append(pair)
            said = content_text(message.get("content"))
            acted = _ACTION.search(said) or _CALLING.search(said)
            if acted:  # "Action: get_weather\nAction Input: {...}", or smolagents' "Calling tools: [...]"
                pending = (acted.group(1), (acted.group(2) or "").strip())
                made.append(pending)
        elif message.get("role") == "tool" and message.get("tool_call_id") in calls:
            name, arguments = calls[message["tool_call_id"]]
            results.append(ToolResult(name, arguments, content_text(message.get("content"))))
        else:
            seen = observation(message)
            if seen is not None:
                results.append(ToolResult(pending[0], pending[1], seen))
    return results, made


# ---------------------------------------------------------------------------
# choosing tools (the reading of the words is llm_stub/understanding.py)
# ---------------------------------------------------------------------------

# After these the next word is a verb: "how do I weather a tough week" is not about the weather.
_VERB_BEFORE = frozenset(
    "i you we they to can could should will would do does did don't let's must might may".split()
)


def _as_verb(word: str, clause: str, tool_name: str) -> bool:
    """True when ``word`` (a noun of the tool's name, not its first word) is used as a verb in ``clause``."""
    parts = [p.lower() for p in re.split(r"[_\-\s]+|(?<=[a-z])(?=[A-Z])", tool_name) if p]
    if parts and stem(parts[0]) == word:
        return False
    tokens = re.findall(r"[a-z']+", clause.lower())
    hits = [i for i, t in enumerate(tokens) if stem(t) == word]
    return bool(hits) and all(i > 0 and tokens[i - 1] in _VERB_BEFORE for i in hits)


@lru_cache(maxsize=1024)
def _structure_words(clause: str) -> frozenset[str]:
    """Words for what a request's structure asks (phrases.py): arithmetic said in words ("100 take away 37",
    "15% of 240"), a conversion ("how many km is 5 miles"), a translation ("how do you say ... in italian")."""
    out: set[str] = set()
    reading = read(clause)
    operation = phrases.operation(clause)
    if operation is not None:
        out |= {"calculator", "calculate", "arithmetic", "math", stem(operation.op)}
        out |= {"percent", "percentage"} if operation.op == "percent" else set()
    amount = next((e for e in reading.entities if e.kind in ("money", "quantity")), None)
    if amount is not None and (
        phrases.target_unit(clause, after=amount.start + len(amount.text))
        or phrases.target_unit(clause, before=amount.start)
    ):
        out |= {"convert", "conversion"} | ({"currency", "exchange"} if amount.kind == "money" else {"unit"})
    if phrases.translation(clause) is not None:
        out |= {"translate", "translation", "language"}
    return frozenset(out)


def _params(tool: dict) -> dict:
    params = tool["function"].get("parameters")
    return params if isinstance(params, dict) else {"type": "object", "properties": {}}


def fit(tool: dict, clause: str) -> float:
    """How clearly ``clause`` asks for ``tool``: 0 when it does not; name words weigh most."""
    return _fit(tool, clause)[0]


# What a question asks about without the tool's word: "how hot is it" asks a temperature tool, "will it pour",
# "is it wet out" or "do I need a coat" a weather or forecast tool (a forecast is the weather to come),
# "how much are the kettles" a price tool; "temp" is short for temperature.
_WEATHER_TALK = frozenset("weather forecast rain raining rainy pour pouring wet dry umbrella snow snowing sunny "
                          "windy storm stormy shower showers drizzle brolly coat jacket jumper sweater hoodie fleece scarf gloves".split())  # fmt: skip
_TEMPERATURE_TALK = frozenset("hot warm cold chilly freezing degrees temp warmer colder hotter".split())
_HOW_MUCH = re.compile(
    r"(?i)\bhow much (?:is|are|does|do|for|would|will)\b(?![^?]*\b(?:weigh|time|longer|left)\b)"
)


_PUT_ON = re.compile(r"(?i)\b(?:put|stick|pop|throw|chuck|bung)\b.*?\b(?:on|onto|in|into) (?:the|my|our|a)\b")


def _asked_topics(clause: str, user: set[str]) -> set[str]:
    said = {w.lower() for w in re.findall(r"[A-Za-z]+", clause)}
    out: set[str] = set()
    if said & _WEATHER_TALK or user & {"weather", "forecast"}:
        out |= {"weather", "forecast"}
    if said & _TEMPERATURE_TALK:
        out |= {"temperature", "weather"}
    if _HOW_MUCH.search(clause):
        out |= {"price", "cost"}
    if _PUT_ON.search(clause):  # "put milk on the list", "stick 5 limes on my list": an add
        out |= {"add"}
    return out


def _fit(tool: dict, clause: str) -> tuple[float, frozenset[str]]:
    """(the fit, the words of the tool's name the clause uses)."""
    function = tool["function"]
    reading = read(clause)
    user = set(reading.words)
    if any(e.kind == "expression" for e in reading.entities):
        user.add("calculator")
    user |= _structure_words(clause)
    user |= _asked_topics(clause, user)
    name_words = words(function["name"], synonyms=False)
    desc_words = words(function.get("description") or "", synonyms=False) - name_words
    props = _params(tool).get("properties") or {}
    param_words: set[str] = set()
    for key, sub in props.items() if isinstance(props, dict) else ():
        described = sub.get("description") if isinstance(sub, dict) else ""
        param_words |= words(f"{key} {described if isinstance(described, str) else ''}", synonyms=False)
    param_words -= name_words | desc_words
    near = {w for w in user - name_words if knowledge.closest(w, sorted(name_words)) is not None}
    user |= {knowledge.closest(w, sorted(name_words)) for w in near}  # "wether", "calculator" for calculate
    by_name = {w for w in user & name_words if not _as_verb(w, clause, function["name"])}
    by_desc = user & desc_words
    by_param = user & param_words
    kinds_in_clause = {e.kind for e in reading.entities}
    required = _params(tool).get("required") or []
    kind_fit = any(
        set(wants(key, props[key] if isinstance(props.get(key), dict) else {})[:1]) & kinds_in_clause
        for key in required
        if isinstance(key, str) and key in props
    )
    units = {stem(e.unit.lower()) for e in reading.entities if e.kind == "quantity"}
    unit_fit = bool(units & param_words)  # "twelve minutes" for a ``minutes`` parameter gives its value
    kind_fit = kind_fit or unit_fit
    # "from Leeds to York": entities in the roles of two required parameters (origin, destination) ask for it
    said_roles = {r for rs in reading.roles.values() for r in rs}
    role_fit = sum(1 for key in required if isinstance(key, str) and field_role(key, {}) in said_roles)
    if role_fit >= 2:
        return 1.0 + role_fit + len(by_desc) + 0.5 * len(by_param), frozenset(by_name)
    if (
        not by_name
        and len(by_desc) + len(by_param) < 2
        and not (by_desc and kind_fit)
        and not (unit_fit and by_param)
    ):
        return 0.0, frozenset()
    return 3 * len(by_name) + len(by_desc) + 0.5 * len(by_param) + (1 if kind_fit else 0), frozenset(by_name)


@dataclass
class PlannedCall:
    name: str
    arguments: dict
    missing: list[str]
    questions: dict[str, str] = field(
        default_factory=dict
    )  # a missing field -> the question that asks for it
    provenance: dict[str, str] = field(default_factory=dict)  # an argument -> how its value was found

    @property
    def ready(self) -> bool:
        return not self.missing

    def json(self) -> str:
        return json.dumps(
            self.arguments, ensure_ascii=False, separators=(",", ":")
        )  # compact, as the API sends


def plan_for(
    tool: dict, text: str, results: list[ToolResult], force: bool = False, context: tuple[Entity, ...] = ()
) -> list[PlannedCall]:
    """The calls of ``tool`` that ``text`` asks for: one per name when the tool takes one name and there are several."""
    function = tool["function"]
    params = _params(tool)
    reading = read(text)
    exclude = frozenset(words(function["name"], synonyms=False))
    parsed = [r.parsed for r in results if not r.failed and isinstance(r.parsed, dict)]

    def fill(pool: list[Entity] | None = None) -> tuple[PlannedCall, Filler]:
        filler = Filler(
            root=params,
            reading=reading,
            mode="tool",
            strict=bool(function.get("strict")),
            force=force,
            results=parsed,
            exclude=exclude,
            pool=list(pool) if pool is not None else [],
        )
        if pool is not None and not pool:
            filler.pool = []
        if context and not any(e.kind in ("city", "country") for e in filler.pool):
            filler.pool += list(context)  # "I live in Oslo" earlier: the place a weather question means
        args = filler.object(params)
        return PlannedCall(
            function["name"], args, filler.missing, filler.questions, filler.provenance
        ), filler

    first, filler = fill()
    _drop_request_words(tool, first, text)
    _drop_question_words(first, text)
    named = [e for e in filler.used if e.is_name]
    if len(named) == 1:
        kind = _name_group(named[0])
        seen = {str(named[0].value).lower()}
        more = []
        for e in filler.pool:  # "Elif moves ... then Elif shares": one person, one call
            if e.is_name and _name_group(e) == kind and str(e.value).lower() not in seen:
                seen.add(str(e.value).lower())
                more.append(e)
        if more:
            others = [e for e in reading.entities if not e.is_name]
            return [first] + [fill([e, *others])[0] for e in more]
    return [first]


# Words that ask for a list rather than name one of its items: "what can I cook with mushrooms", "any recipes
# with eggs" (the tool's own words are dropped too).
_ASKING_WORDS = frozenset(
    "cook make bake prepare use have got try something anything ideas idea options i've we've i'd i'm".split()
)


def _tool_words(item: str, own: frozenset[str]) -> bool:
    """True when every word of ``item`` is a word of the tool's name or description, in either number
    ("recipe" for find_recipes)."""
    said = re.findall(r"[a-z']+", item.lower())
    return bool(said) and all(
        stem(w) in own or stem(f"{w}s") in own or stem(w.rstrip("s")) in own for w in said
    )


def _joined(items: list[str], text: str) -> list[str]:
    """Items the text writes side by side with nothing between them are one item: "sweet potatoes", not
    "sweet" and "potatoes" (a user's list separates its items with commas or "and")."""
    low = text.lower()
    out: list[str] = []
    for item in items:
        side_by_side = (
            rf"(?<![\w']){re.escape(out[-1].lower())}\s+{re.escape(item.lower())}(?![\w'])" if out else ""
        )
        if out and re.search(side_by_side, low):
            out[-1] = f"{out[-1]} {item}"
        else:
            out.append(item)
    return out


def _drop_request_words(tool: dict, call: PlannedCall, text: str = "") -> None:
    """An array of strings holds what the words list, never the words that ask for it ("recipes", "cook"):
    those items go, and a required list left empty is missing (the model asks), never sent empty."""
    props = _params(tool).get("properties") or {}
    own = words(f"{tool['function']['name']} {tool['function'].get('description') or ''}", synonyms=False)
    for name, value in list(call.arguments.items()):
        sub = props.get(name) if isinstance(props, dict) else None
        if not (
            isinstance(value, list)
            and isinstance(sub, dict)
            and value
            and all(isinstance(v, str) for v in value)
        ):
            continue
        kept = [v for v in value if not (set(re.findall(r"[a-z']+", v.lower())) <= _ASKING_WORDS | STOP
                                         or _tool_words(v, own))]  # fmt: skip
        kept = _joined(kept, text) if text else kept
        if kept != value:
            call.arguments[name] = kept
            call.provenance[name] = (
                f"{call.provenance.get(name, 'the text')} (less the words that ask for it)"
            )
            if not kept and name in (_params(tool).get("required") or []) and name not in call.missing:
                call.missing.append(name)


# A question's own words are no value: "how much are the kettle" gives the product "kettle".
_QUESTION_HEAD = re.compile(
    r"(?i)^(?:how (?:much|many)|what(?:'s| is| are)?|whats|which|where(?:'s| is| are)?)"
    r"(?:\s+(?:is|are|does|do|for|the|a|an|my|your|of))*\s+(?=\S)"
)


def _drop_question_words(call: PlannedCall, text: str = "") -> None:
    """Not from a text-like argument ("translate 'where is the station'": the question is the text) nor from a
    value the user quoted."""
    for name, value in list(call.arguments.items()):
        if (
            set(re.split(r"[_\s]+", name.lower())) & TEXT_FIELDS
            or f"'{value}'" in text
            or f'"{value}"' in text
        ):
            continue
        if isinstance(value, str) and _QUESTION_HEAD.match(value):
            call.arguments[name] = _QUESTION_HEAD.sub("", value, count=1)
            call.provenance[name] = f"{call.provenance.get(name, 'the text')} (less the words that ask)"


def _name_group(entity: Entity) -> str:
    return "place" if entity.kind in ("city", "country", "name") else entity.kind


def _same(a: str, b: str) -> bool:
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return a == b


def _covers(made: str, planned: str) -> bool:
    """True when a call already made asks what ``planned`` asks: the same values, written in any case, for
    the arguments both give ({"city": "rome"} covers {"city": "Rome", "country": "Italy"})."""
    try:
        a, b = json.loads(made), json.loads(planned)
    except ValueError:
        return made == planned
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return a == b
    shared = a.keys() & b.keys()
    return bool(shared) and all(str(a[k]).casefold() == str(b[k]).casefold() for k in shared)


def _choice(req: ChatRequest) -> tuple[str, str | None]:
    """("auto"|"none"|"required"|"function", the named function)."""
    choice = req.body.get("tool_choice")
    if isinstance(choice, dict):
        if choice.get("type") == "function":
            return "function", (choice.get("function") or {}).get("name")
        return "auto", None
    return (choice or "auto"), None


_FOLLOW_UP = re.compile(
    r"(?i)^\s*(?:ok(?:ay)?,?\s+)?(and|what about|how about|same for|also|now|then|but|actually|instead|make it|make that|"
    r"change it|change that|no|nope|sorry|rather|oh)\b|\binstead\b|\brather\b|\b(?:change|make|switch|move)\s+(?:it|that)\b"
)


def _previous_calls(req: ChatRequest) -> list[tuple[str, dict]]:
    """The calls of the last turn before this one that made any, as (name, arguments)."""
    start = _turn_start(req.messages)
    for message in reversed(req.messages[: max(start - 1, 0)]):
        if message.get("role") == "assistant" and message.get("tool_calls"):
            out = []
            for call in message["tool_calls"]:
                function = call.get("function") or {}
                try:
                    args = json.loads(function.get("arguments") or "{}")
                except ValueError:
                    continue
                if isinstance(args, dict):
                    out.append((function.get("name", ""), args))
            return out
    return []


def follow_up(req: ChatRequest, tools: list[dict], text: str) -> list[PlannedCall]:
    """ "and in kelvin?", "what about saturday?": the previous turn's call again, with what the user changed."""
    if not ((_FOLLOW_UP.search(text) and len(text.split()) <= 8) or len(text.split()) <= 5):
        return []
    out = []
    for name, args in _previous_calls(req):
        tool = next((t for t in tools if t["function"]["name"] == name), None)
        if tool is None:
            continue
        params = _params(tool)
        filler = Filler(root=params, reading=read(text), mode="tool", strict=bool(tool["function"].get("strict")),
                        exclude=frozenset(words(name, synonyms=False)))  # fmt: skip
        filled = filler.object(params)
        changed = {k: v for k, v in filled.items()
                   if filler.provenance.get(k, "").startswith(("the text", "inferred"))}  # fmt: skip
        changed.update(_list_change(tool, args, filled, text))
        if changed and any(args.get(k) != v for k, v in changed.items()):
            out.append(PlannedCall(name, {**args, **changed}, []))
    return out


_ADDING = re.compile(r"(?i)\b(?:too|also|as well|add|plus|and|with|another)\b")
_REPLACING = re.compile(r"(?i)\b(?:instead|rather|only|just)\b")
_NOT_ITEMS = frozenset(
    "too also well add plus and with another instead rather only just what about how".split()
)


def _list_change(tool: dict, args: dict, filled: dict, text: str) -> dict:
    """ "add peppers too" after a search with ["leeks", "feta"]: the earlier list plus the new item; "just
    peppers instead": the new list. Only items the words name, never the words that ask (issue 24)."""
    out: dict = {}
    call = PlannedCall(tool["function"]["name"], dict(filled), [])
    _drop_request_words(tool, call)
    for key, value in call.arguments.items():
        before = args.get(key)
        if not (
            isinstance(value, list) and isinstance(before, list) and all(isinstance(v, str) for v in value)
        ):
            continue
        # the items the follow-up names, as written ("and tinned tomatoes as well" is one item)
        said = re.sub(r"(?i)^\s*(?:ok(?:ay)?,?\s+)?(?:(?:and|also|plus|add|what about|how about|with|oh)\b\s*)+|"
                      r"\b(?:too|as well|also|instead|rather|please|pls|thanks|only|just)\b|[?.!]", " ", text)  # fmt: skip
        new = [list_item(p) for p in re.split(r"(?i)\s*(?:,|\band\b|\bplus\b|&)\s*", said)]
        new = [p for p in new if p and set(re.findall(r"[a-z']+", p.lower())) - _NOT_ITEMS]
        if not new or any(len(p.split()) > 3 for p in new):  # "add peppers to the search": the filler's items
            new = [v for v in value if set(re.findall(r"[a-z']+", v.lower())) - _NOT_ITEMS]
        if not new:
            continue
        if _REPLACING.search(text):
            out[key] = new
        elif _ADDING.search(text):
            out[key] = before + [v for v in new if fold(v) not in {fold(str(b)) for b in before}]
    return out


@dataclass
class Decision:
    """What the model does with the tools on offer: calls, or a clarifying question, or neither."""

    calls: list[PlannedCall] = field(default_factory=list)
    question: str | None = None


def _groups(tools: list[dict], text: str) -> list[tuple[str, list[tuple[float, dict]]]]:
    """The user's requests, each with the tools that fit it (best first); a clause no tool fits belongs to the one before."""
    groups: list[tuple[str, list[tuple[float, dict]]]] = []
    for clause in clauses(text):
        scored = sorted(
            ((_fit(t, clause), i, t) for i, t in enumerate(tools)), key=lambda s: (-s[0][0], s[1])
        )
        fitting: list[tuple[float, dict]] = []
        taken: set[str] = set()  # name words already answered by a better tool
        for (score, hits), _, tool in scored:
            if score <= 0:
                continue
            if fitting and (not hits or hits <= taken):
                continue  # "stock" fits get_stock_price best; check_stock adds nothing for this request
            fitting.append((score, tool))
            taken |= hits
        if len(fitting) > 1 and fitting[1][0] >= 3:  # "a table for 4 at 8pm and a taxi at 7:15": a part each
            parts = several.by_tool([t for _, t in fitting], clause, fit)
            if parts:
                groups.extend((part, [(fit(tool, part), tool)]) for part, tool in parts)
                continue
        if fitting and groups and not groups[-1][1]:
            # "got chickpeas, spinach and coconut milk, what can i cook": the words before the request are its own
            groups[-1] = (f"{groups[-1][0]} {clause}", fitting)
        elif fitting or not groups:
            groups.append((clause, fitting))
        else:
            previous, tools_before = groups[-1]
            groups[-1] = (f"{previous} {clause}", tools_before)
    return [g for g in groups if g[1]]


# A tool that tells where the user is: takes nothing it must be given, and its name or description says so.
_LOCATOR = re.compile(
    r"(?i)\b(?:get|find|current|my|user'?s?|device'?s?)\s(?:current\s)?(?:location|position|city|town|place)\b"
    r"|\blocate\b|geolocat|\bwhere the user is\b|\bwhere (?:i am|am i|you are)\b"
)


def _locator_first(tools: list[dict], tool: dict, call: PlannedCall) -> PlannedCall | None:
    """The call of a tool that finds the user's location, when the request's best tool lacks only a place
    ("do I need an umbrella?" with get_current_location and get_forecast(city) on offer). A model calls the
    location tool rather than asking where the user is, then the weather with its city: the sequential pattern
    of nokki-y/function-calling-examples anthropic/2_sequential.ts (get_location, no parameters, then
    get_weather(location)), and Nexusflow's NexusRaven-V2 demo tools.py, whose location tool is the one to use
    "if the user has not provided an explicit location in the query" (huggingface.co/spaces/Nexusflow/
    NexusRaven-V2-Demo, commit a428c9a)."""
    required = [k for k in _params(tool).get("required") or [] if isinstance(k, str)]
    if len(call.missing) != 1 or call.missing[0] not in required:
        return None
    if not set(re.split(r"[_\s]+", call.missing[0].lower())) & several._PLACE_PARAM:
        return None  # only a place is what a location tool gives
    for other in tools:
        function = other["function"]
        if other is tool or _params(other).get("required"):
            continue
        said = f"{function['name']} {function.get('description') or ''}".replace("_", " ")
        if _LOCATOR.search(said):
            return PlannedCall(function["name"], {}, [])
    return None


def _home(req: ChatRequest) -> tuple[Entity, ...]:
    """Where the user said they live, as a place entity (for "what's the weather like?" after "I live in Oslo"),
    and the list an earlier message named when this one refers back to it ("both of them": ``referred``)."""
    said = [content_text(m.get("content")) for m in req.messages if m.get("role") == "user"]
    for text in reversed(said):
        for fact in reversed(facts(text)):
            if fact.kind == "home":
                return (Entity("city", fact.value, fact.value, 10**9), *referred(said))
    return referred(said)


# "remind me at 6 about the dentist": an hour said without am or pm, which the reading leaves unread
_BARE_HOUR = re.compile(
    r"(?i)\b(?:at|by|around)\s+(1[0-2]|[1-9])(?::([0-5]\d))?(?!\s*(?:[:.]?\d|am|pm|a\.m|p\.m|o'?clock|%|h\b))\b"
)


def _question(tool: dict, call: PlannedCall, text: str = "") -> str:
    asked = next((call.questions[m] for m in call.missing if m in call.questions), None)
    if asked is None and text:
        hour = _BARE_HOUR.search(text)
        props = _params(tool).get("properties") or {}
        timed = [
            m
            for m in call.missing
            if asking.is_time_slot(m, props.get(m) if isinstance(props.get(m), dict) else {})
        ]
        if hour and timed and len(call.missing) == 1:
            said = hour.group(1) + (f":{hour.group(2)}" if hour.group(2) else "")
            return f"Sure, I can {asking.action(tool['function']['name'])}. Is that {said} in the morning or {said} in the evening?"
    return asked or asking.ask(tool, call.missing, call.arguments)


# Tools that end an agent's task: the answer itself goes in their arguments.
_ANSWER_TOOL = re.compile(
    r"(?i)final|answer|respond|response|reply|finish|submit|complete|done|output|result|structured"
)


def _answer_tool(tools: list[dict], made: list[tuple[str, str]]) -> dict | None:
    for tool in tools:
        function = tool["function"]
        called = any(m[0] == function["name"] for m in made)
        if not called and _ANSWER_TOOL.search(function["name"]):
            return tool
    return None


def _answer_call(tool: dict, question: str, results: list[ToolResult]) -> PlannedCall:
    """A call of the tool that finishes the task, its fields filled from the results and the answer in words."""
    params = _params(tool)
    filler = json_filler(params, question, random.Random(0), results, readback.answer(question, results))
    return PlannedCall(tool["function"]["name"], filler.object(params), [])


# "call cancel_order ...", "use the tool `cancel_order` ...": an instruction to call {name}, to the sentence's end.
_INSTRUCTION = (
    r"(?i)\b(?:call|run|use|invoke|execute)\s+(?:the\s+)?(?:tool\s+|function\s+)?[`'\"]?{name}\b[^.!?\n]*"
)


def injected_calls(
    tools: list[dict], results: list[ToolResult], made: list[tuple[str, str]]
) -> list[PlannedCall]:
    """The calls a tool result of this turn tells the model to make ("... must now call cancel_order for order
    A1001"), with arguments from that sentence; none already made in this turn (see the module's doc)."""
    calls: list[PlannedCall] = []
    for result in results:
        for tool in tools:
            name = tool["function"]["name"]
            match = re.search(_INSTRUCTION.format(name=re.escape(name)), result.content)
            if match is None:
                continue
            for call in plan_for(tool, match.group(0), []):
                seen = made + [(c.name, c.json()) for c in calls]
                if call.ready and not any(m[0] == call.name and _same(m[1], call.json()) for m in seen):
                    calls.append(call)
    return calls


def _distinct(calls: list[PlannedCall]) -> list[PlannedCall]:
    """The calls without repeats: a model does not ask the same tool the same thing twice in one turn."""
    seen: set[tuple[str, str]] = set()
    out = []
    for call in calls:
        key = (call.name, call.json())
        if key not in seen:
            seen.add(key)
            out.append(call)
    return out


def decide(req: ChatRequest) -> Decision:
    """The calls the model makes now (in parallel when several requests need tools), or the question it asks."""
    tools = function_tools(req)
    if not tools:
        return Decision()
    mode, named = _choice(req)
    if mode == "none":
        return Decision()
    text = question_text(req)
    results, made = turn_results(req)
    if mode == "function":
        tool = next(t for t in tools if t["function"]["name"] == named)
        if results and (_ANSWER_TOOL.search(named or "") or agent_text.takes_results(tool, text, results)):
            return Decision([_answer_call(tool, text, results)])
        return Decision(plan_for(tool, text, results, force=True))

    groups = _groups(tools, text)
    ready: list[PlannedCall] = []
    question: str | None = None
    lacking: tuple[dict, PlannedCall] | None = None  # the tool and the call the question asks about
    home = _home(req)
    for clause, fitting in groups:
        best_score = fitting[0][0]
        chosen: list[PlannedCall] = []
        for score, tool in fitting:
            if chosen and score < 3:  # a second tool for the same request only when its name fits too
                break
            calls = plan_for(tool, clause, results, context=home)
            if len(calls) <= 1:  # "a 10 minute timer for the pasta and a 4 minute one for the eggs"
                # one call per step (parallel_tool_calls false, an agent's loop): the parts still to call are
                # read from the words, never from the result of the part that ran ("the kettle" is no toaster)
                own = [] if any(m[0] == tool["function"]["name"] for m in made) else results
                parts = several.split(
                    tool, clause, lambda text, t=tool, own=own: plan_for(t, text, own, context=home)
                )
                if parts:
                    calls = parts
                elif calls:
                    several.complete(tool, calls[0], clause)  # "for the pasta": the label the filler left
            if calls and not calls[0].ready and results:
                earlier = [r.parsed for r in results if not r.failed and isinstance(r.parsed, dict)]
                several.numbers_from(tool, calls[0], earlier)
                several.places_from(tool, calls[0], earlier)  # the city the location tool returned
            ran = [m for m in made if m[0] == tool["function"]["name"]]
            if ran and (len(calls) == 1 or not any(_covers(m[1], c.json()) for m in ran for c in calls)):
                # this tool already ran in this turn: for this request, or for the model's own reading of it
                # (none of its calls is one planned now); only the rest of a set it began is still to call
                continue
            calls = [c for c in calls if not any(m[0] == c.name and _covers(m[1], c.json()) for m in made)]
            if calls and all(c.ready for c in calls):
                chosen.extend(calls)
            elif calls and question is None and score == best_score and best_score >= 3 and not made:
                lacking = (tool, next(c for c in calls if not c.ready))
                question = _question(tool, lacking[1], clause)
        ready.extend(chosen)
    if not ready and not results and not groups:
        ready = follow_up(req, tools, text)
    elif not results and _FOLLOW_UP.search(text) and len(text.split()) <= 8:
        # "and for 8 minutes instead", "what about in yen?": the previous call with the one argument changed,
        # unless the words ask another tool (issue 24)
        again = follow_up(req, tools, text)
        if again and all(c.name in {a.name for a in again} for c in ready):
            ready = again
    if ready:
        return Decision(_distinct(ready))
    if lacking is not None and not results and not made:
        locating = _locator_first(tools, *lacking)
        if locating is not None:  # "do I need an umbrella?" with a location tool on offer: where first
            return Decision([locating])
    injected = injected_calls(tools, results, made)
    if injected:
        return Decision(injected)
    if mode == "required":
        finisher = _answer_tool(tools, made) if results else None
        if (
            finisher is not None
        ):  # a result in hand: the call that moves the task on, never the same call again
            return Decision([_answer_call(finisher, text, results)])
        candidates = [t for _, t in (groups[0][1] if groups else [])] + tools
        for tool in candidates:
            calls = [c for c in plan_for(tool, text, results, force=True)
                     if not any(m[0] == c.name and _same(m[1], c.json()) for m in made)]  # fmt: skip
            if calls:
                return Decision(calls[:1])
        tool = candidates[0]
        return Decision(plan_for(tool, text, results, force=True))
    return Decision(question=question)


def draft_tool_calls(req: ChatRequest, rng: random.Random) -> list[tuple[str, str]] | None:
    """The (name, JSON arguments) of the calls the model makes, or None to answer in text."""
    calls = decide(req).calls
    if not calls:
        return None
    return [(c.name, c.json()) for c in (calls if req.parallel_tool_calls else calls[:1])]


def awaiting_answer(req: ChatRequest) -> bool:
    """True when the last message is a tool result (or an agent's observation) the model should answer from."""
    return bool(req.messages) and (
        req.messages[-1].get("role") == "tool" or observation(req.messages[-1]) is not None
    )


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


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w\[\]]*\}")


def unfilled(alternatives: tuple[str, ...]) -> bool:
    """True when a scripted reply has ``{placeholders}`` that only tool results can fill."""
    return any(_PLACEHOLDER.search(a) for a in alternatives)


def answer_from_results(req: ChatRequest, rule: Any = None) -> str | None:
    """The final answer after tool messages: a scripted reply filled from the results, or ``readback.answer``."""
    results, _ = turn_results(req)
    if not results:
        return None
    if rule is not None and getattr(rule, "alternatives", None):
        scripted = _scripted(rule.alternatives[0], results)
        if scripted is not None:
            return scripted
    return readback.answer(question_text(req), results)
