"""Replies in the text formats agent frameworks ask for in their prompts, when no ``tools`` are sent.

Some frameworks run tools themselves and describe the format of a step in the prompt; the model answers in
that format and the framework parses it. The stub reads the format's markers, decides as it does for real
tool calls (``tools._groups``, ``tools.plan_for``: which tool the question needs, with which arguments) and
answers from results (``readback.answer``), then writes the reply the framework's parser expects:

* **ReAct** (LangChain's ``create_react_agent`` prompt, llama-index and many hand-written agents): a prompt
  that lists the tools and asks for ``Thought:`` / ``Action:`` / ``Action Input:`` lines, ending with
  ``Final Answer:``. LangChain's parser takes the text after ``Action:`` and ``Action Input:`` and ends the
  loop at ``Final Answer:`` (langchain-ai/langchain libs/langchain/langchain/agents/output_parsers/
  react_single_input.py, ``FINAL_ANSWER_ACTION = "Final Answer:"``; the prompt's "should be one of
  [{tool_names}]" line is the hub prompt hwchase17/react). llama-index's ``ReActOutputParser`` reads the
  same lines and parses the input as JSON (run-llama/llama_index .../agent/react/output_parser.py). The
  input is JSON of the arguments when the tool listing gives them (``get_weather(city: str)``), else the
  plain text the tool takes. After an ``Observation:`` (in the prompt's scratchpad or as a user message)
  the reply is the final answer read from it.
* **DSPy's ChatAdapter**: the system prompt names the output fields and every field is a section headed
  ``[[ ## name ## ]]``, closed by ``[[ ## completed ## ]]`` (stanfordnlp/dspy dspy/adapters/chat_adapter.py:
  ``field_header_pattern = re.compile(r"\\[\\[ ## (\\w+) ## \\]\\]")`` and the ``completed`` marker "added to the
  end of the output fields section"). Each output field is filled as a structured field of its type
  (``str``, ``int``, ``float``, ``bool``, ``Literal[...]``, ``list[str]``) from the input fields' text
  (``filling.json_filler``); a free-text field nothing answers says that it needs a real model.
"""

from __future__ import annotations

import ast
import json
import random
import re
from typing import Any

from .request import ChatRequest
from .tokenizer import content_text

# --------------------------------------------------------------------------- ReAct

_REACT = re.compile(r"(?s)\bAction:.*\bAction Input:.*\b(?:Final Answer|Observation):")
_ONE_OF = re.compile(r"(?i)Action:[^\n\[]*\[([^\]\n]*)\]")
_QUESTION = re.compile(r"(?im)^\s*Question:\s*(.+)$")
_STEP = re.compile(
    r"(?s)Action:\s*`?([\w-]+)`?\s*\nAction Input:\s*(.*?)\s*\nObservation:\s*(.*?)(?=\n\s*(?:Thought|Action|Final Answer)\s*:|\Z)"
)
_PY_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "list": "array",
             "dict": "object"}  # fmt: skip


def _conversation(req: ChatRequest) -> str:
    return "\n".join(content_text(m.get("content")) for m in req.messages)


def _listed_tools(prompt: str, names: list[str]) -> list[dict]:
    """The tools a ReAct prompt lists ("get_weather(city: str) - ...", "search: useful for ..."), as function
    tools with the parameters their signature gives (none when it gives none)."""
    out = []
    for name in names:
        line = re.search(rf"(?m)^\s*[-*]?\s*`?{re.escape(name)}`?\s*(\([^)\n]*\))?\s*[:\-–]+\s*(.*)$", prompt)
        signature, description = (line.group(1) or "", line.group(2)) if line else ("", "")
        props: dict[str, dict] = {}
        for arg in re.findall(r"(\w+)\s*(?::\s*([\w\[\]]+))?", signature.strip("()")):
            props[arg[0]] = {"type": _PY_TYPES.get(arg[1].split("[")[0].lower(), "string")}
        params = {"type": "object", "properties": props, "required": list(props)}
        out.append(
            {"type": "function", "function": {"name": name, "description": description, "parameters": params}}
        )
    return out


def react_reply(req: ChatRequest) -> str | None:
    """The next ReAct step (Thought, Action, Action Input) or the Final Answer, or None for another prompt."""
    if req.tools or req.response_format is not None:
        return None
    prompt = _conversation(req)
    if "Action Input:" not in prompt or not _REACT.search(
        prompt
    ):  # the substring first: most prompts lack it
        return None
    from . import readback, tools

    listed = _ONE_OF.search(prompt)
    names = [n.strip(" `'\"") for n in (listed.group(1).split(",") if listed else []) if n.strip(" `'\"")]
    if not names:
        return None
    asked = _QUESTION.findall(prompt)
    question = asked[-1].strip() if asked and "{" not in asked[-1] else tools.question_text(req)
    tail = prompt[prompt.rfind(asked[-1]) :] if asked else prompt
    results = [tools.ToolResult(name, args.strip(), seen.strip()) for name, args, seen in _STEP.findall(tail)]
    if not results:
        results = tools.turn_results(req)[0]
    if results:
        return f"Thought: I now know the final answer.\nFinal Answer: {readback.answer(question, results)}"
    offered = _listed_tools(prompt, names)
    for _clause, fitting in tools._groups(offered, question):
        tool = fitting[0][1]
        calls = tools.plan_for(tool, question, [])
        if not calls or not calls[0].ready:
            continue
        name = tool["function"]["name"]
        props = tool["function"]["parameters"]["properties"]
        given = calls[0].json() if props else question
        return f"Thought: I should use {name} to answer this.\nAction: {name}\nAction Input: {given}"
    return (
        "Thought: None of the tools fits this question, and I can't answer it from what I know.\n"
        "Final Answer: The stub can't answer this: it needs a real model (set OPENAI_API_KEY in .env)."
    )


# --------------------------------------------------------------------------- DSPy's ChatAdapter

_MARKER = re.compile(r"\[\[ ## (\w+) ## \]\]")
_FIELD_LINE = re.compile(r"(?m)^\s*\d+\.\s*`(\w+)`\s*\(([^)]*(?:\)[^):\n]*)?)\)")


def _fields(system: str, heading: str) -> list[tuple[str, str]]:
    """(name, type) of the fields a DSPy system prompt lists under "Your input fields are:" or "Your output..."."""
    start = system.find(heading)
    if start < 0:
        return []
    block = system[start + len(heading) :]
    end = re.search(r"(?m)^(?:Your \w+ fields are:|All interactions)", block)
    block = block[: end.start()] if end else block
    return [(name, typ.strip()) for name, typ in _FIELD_LINE.findall(block)]


def _schema_of(typ: str) -> dict:
    """A JSON Schema for a DSPy field's Python type: ``str``, ``int``, ``Literal['a', 'b']``, ``list[str]``."""
    literal = re.fullmatch(r"Literal\[(.*)\]", typ)
    if literal:
        try:
            values = ast.literal_eval(f"[{literal.group(1)}]")
        except (ValueError, SyntaxError):
            values = []
        if values:
            return {"enum": values}
    inner = re.fullmatch(r"(?i)list\[(\w+)\]", typ)
    if inner:
        return {"type": "array", "items": {"type": _PY_TYPES.get(inner.group(1).lower(), "string")}}
    return {"type": _PY_TYPES.get(typ.lower(), "string")}


def _dspy_values(req: ChatRequest, system: str, schema: dict | None = None) -> tuple[list[str], dict] | None:
    """The output fields of a DSPy prompt and their values, filled from the input fields' text (``None`` when
    the system prompt lists no output fields). ``schema``: the request's own JSON Schema of the outputs."""
    from . import readback, tools
    from .filling import NEEDS_MODEL, json_filler

    outputs = _fields(system, "Your output fields are:")
    if not outputs:
        return None
    user = req.last_user_text
    inputs = [f.strip() for f in _MARKER.split(user)[2::2]]  # the text of each input field, headers dropped
    text = " ".join(i for i in inputs if i) or user
    text = re.split(r"\n\s*Respond with (?:the corresponding output fields|a JSON object)", text)[0]
    results, _ = tools.turn_results(req)
    answer = readback.answer(text, results) if results else ""
    given = (schema or {}).get("properties") if isinstance(schema, dict) else None
    properties = {
        name: given[name]
        if isinstance(given, dict) and isinstance(given.get(name), dict)
        else _schema_of(typ)
        for name, typ in outputs
    }
    full = {**(schema or {}), "type": "object", "properties": properties, "required": list(properties)}
    filler = json_filler(full, text, random.Random(0), results, answer)
    value = filler.object(full)
    for name in properties:  # nothing in the inputs gives it: a plain sum's result, or say so (never "" or 0)
        if name in filler.unsupported or value.get(name) == NEEDS_MODEL:
            value[name] = _arithmetic(text) if "string" in str(properties[name].get("type")) else None
    return [name for name, _ in outputs], value


def _system(req: ChatRequest) -> str:
    return req.instructions  # the system and developer messages joined, worked out once per request


def dspy_reply(req: ChatRequest) -> str | None:
    """The output fields in DSPy's ChatAdapter format, or None when the prompt is not one."""
    system = _system(req)
    if "[[ ## completed ## ]]" not in system or req.response_format is not None:
        return None
    found = _dspy_values(req, system)
    if found is None:
        return None
    names, value = found
    sections = [f"[[ ## {name} ## ]]\n{_said(value.get(name))}" for name in names]
    return "\n\n".join([*sections, "[[ ## completed ## ]]"])


def dspy_json_reply(req: ChatRequest) -> str | None:
    """DSPy's JSONAdapter: the same system prompt of input and output fields as the ChatAdapter's, but the
    outputs are "a JSON object with the following fields" and the request carries ``response_format``
    (``json_schema`` named ``DSPyProgramOutputs`` built from the output fields, or ``json_object`` as its
    fallback); the adapter parses the reply with ``json_repair`` and wants exactly the output fields
    (stanfordnlp/dspy dspy/adapters/json_adapter.py: ``format_field_structure``, ``parse``,
    ``_get_structured_outputs_response_format``). The reply is that JSON object; a string field nothing in the
    inputs answers says that it needs a real model, never the ChatAdapter's ``[[ ## name ## ]]`` sections."""
    fmt = (req.response_format or {}).get("type")
    if fmt not in ("json_object", "json_schema"):
        return None
    system = _system(req)
    if "Your output fields are:" not in system or "[[ ## completed ## ]]" in system:
        return None
    from .filling import NEEDS_MODEL
    from .structured import dumps, request_schema, validates

    schema = request_schema(req) if fmt == "json_schema" else None
    found = _dspy_values(req, system, schema)
    if found is None:
        return None
    names, value = found
    properties = (schema or {}).get("properties") or {}
    out: dict[str, Any] = {}
    for name in names:
        said = value.get(name)
        kinds = str((properties.get(name) or {}).get("type", "string"))
        if said is None and ("string" in kinds or not properties):
            said = NEEDS_MODEL
        out[name] = said
    if schema and not validates(out, schema):
        return None  # a typed field nothing gives: the structured reply declines (structured.draft_json)
    return dumps(out)


_SUM = re.compile(
    r"(?i)^\W*(?:what(?:'s| is)|how much is|calculate|compute|work out)?\s*(-?\d+(?:\.\d+)?)\s*"
    r"(plus|\+|minus|-|times|x|\*|×|multiplied by|divided by|/|÷|over)\s*(-?\d+(?:\.\d+)?)\s*\??\s*$"
)
_OPS = {"plus": "+", "+": "+", "minus": "-", "-": "-", "times": "*", "x": "*", "*": "*", "×": "*",
        "multiplied by": "*", "divided by": "/", "/": "/", "÷": "/", "over": "/"}  # fmt: skip


def _arithmetic(text: str) -> str | None:
    """The answer to a plain sum ("what is 29 plus 12?" -> "41"), or None."""
    m = _SUM.match(text.strip())
    if m is None:
        return None
    a, op, b = float(m.group(1)), _OPS[m.group(2).lower()], float(m.group(3))
    if op == "/" and b == 0:
        return None
    value = a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def _said(value: Any) -> str:
    """A field's value as DSPy parses it back: strings as they are, the rest as JSON."""
    from .filling import NEEDS_MODEL

    if value is None:
        return NEEDS_MODEL
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- an answer tool forced after results


def takes_results(tool: dict, question: str, results: list) -> bool:
    """Is ``tool`` where the turn's results go, rather than another lookup? An agent that forces a tool after
    its observations ("WeatherReport", a pydantic answer model sent as a tool by instructor, LangGraph's
    structured response, smolagents' ``final_answer``) wants the answer in it: every required field is
    given by the results or the question, and at least one by the results. A lookup the results don't
    feed ("get_weather" after a news search) is not."""
    from . import readback
    from .filling import json_filler

    params = (tool.get("function") or {}).get("parameters") or {}
    if not results or not isinstance(params, dict) or not params.get("properties"):
        return False
    filler = json_filler(params, question, random.Random(0), results, readback.answer(question, results))
    filler.object(params)
    fed = any("result" in how for how in filler.provenance.values())
    return fed and not filler.unsupported


def reply(req: ChatRequest) -> str | None:
    """The reply in the framework's own text format (ReAct, DSPy), or None when the prompt asks for none."""
    return dspy_reply(req) or dspy_json_reply(req) or react_reply(req)
