"""Lab 4 · Tool calling and the agent loop: let the model call your Python functions.

Fill in the four functions below (replace each ``raise NotImplementedError``).
Check your work with:

    make check LAB=4          (or: python -m course check 4)

The loop you are building (one "step" is one call to the model)::

    messages ──► model ──► plain answer? ──yes──► done
                   ▲            │ no: it asks for tool calls
                   │            ▼
                   └── append the assistant message (with its tool_calls)
                       + one {"role": "tool", "tool_call_id": ...} message per call

Everything here takes an ``OpenAI`` client (or what it returned), so it works against
the course's stub and against any real provider alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openai import OpenAI


class StepLimitExceeded(RuntimeError):
    """The model still asked for tools after ``max_steps`` calls. (Given: raise it, don't change it.)"""

    def __init__(self, max_steps: int, history: list[dict]) -> None:
        super().__init__(f"the model still wanted tools after {max_steps} steps")
        self.max_steps = max_steps
        self.history = history


def function_to_tool(func: Callable) -> dict:
    """Describe a plain Python function as a strict function tool, from its type hints and docstring.

    For::

        def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict:
            '''Get the current weather in a city.

            Args:
                city: the city's name, e.g. "Paris"
                unit: the temperature unit
            '''

    return::

        {"type": "function",
         "function": {"name": "get_weather",
                      "description": "Get the current weather in a city.",
                      "parameters": {"type": "object",
                                     "properties": {"city": {"type": "string", "description": "the city's name, e.g. \\"Paris\\""},
                                                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"],
                                                             "description": "the temperature unit"}},
                                     "required": ["city", "unit"],
                                     "additionalProperties": False},
                      "strict": True}}

    Contract:
    * name: the function's ``__name__``; description: the docstring's first paragraph on one line.
    * one property per parameter, in order; type hints map to JSON schema types:
      ``str`` "string", ``int`` "integer", ``float`` "number", ``bool`` "boolean",
      ``list[X]`` {"type": "array", "items": <X>}, ``Literal["a", "b"]`` {"type": "string", "enum": ["a", "b"]},
      ``X | None`` (or ``Optional[X]``) {"anyOf": [<X>, {"type": "null"}]}.
    * a parameter listed under ``Args:`` in the docstring gets that text as its "description".
    * strict mode: ``"strict": True``, ``additionalProperties: False`` and EVERY property in
      ``required``, even those with a default (strict mode has no optional fields; "may be absent"
      is written ``X | None``). Leave "default" out of the schema: it never applies in strict mode, and
      Azure OpenAI refuses it with a 400 (the portable rule of lesson 3).
    * a parameter without a type hint: raise ``TypeError``.

    Hints: ``typing.get_type_hints(func)``, ``inspect.signature(func).parameters``,
    ``inspect.getdoc(func)``, ``typing.get_origin`` / ``typing.get_args`` (``Literal``, ``list``,
    ``Union`` and ``types.UnionType`` for ``X | None``).
    """
    raise NotImplementedError("function_to_tool: build the tool definition from the type hints and docstring")


def assistant_to_dict(message: Any) -> dict:
    """The assistant message of a response, as a dict to append to the history.

    ``message`` is ``response.choices[0].message`` (a ``ChatCompletionMessage``). Return
    ``{"role": "assistant", "content": message.content}`` and, when the model asked for tools,
    ``"tool_calls"``: a list of ``{"id": ..., "type": "function", "function": {"name": ..., "arguments": ...}}``
    copied from ``message.tool_calls`` (arguments stay the JSON string the model wrote).

    Why: the API checks that every tool message answers a call of the assistant message before it.
    Forget the tool_calls and the next request gets a 400 ("messages with role 'tool' must be a
    response to a preceeding message with 'tool_calls'").
    """
    raise NotImplementedError("assistant_to_dict: copy role, content and tool_calls into a dict")


def execute_tool_calls(message: Any, registry: dict[str, Callable[..., Any]]) -> list[dict]:
    """Run every tool call of one assistant message and return the tool messages that answer them.

    ``message`` is ``response.choices[0].message``; ``registry`` maps tool names to Python functions.
    Return one ``{"role": "tool", "tool_call_id": call.id, "content": <str>}`` per call, in the order
    of ``message.tool_calls`` (a message without tool calls gives ``[]``). Answer EVERY call: the
    model may ask for several at once (parallel calls), and the API refuses a history where one of
    them has no answer.

    For each call:
    * ``call.function.arguments`` is a JSON *string*: parse it (``json.loads``) into a dict and call
      ``registry[name](**arguments)``.
    * the content is the function's result: a ``str`` as is, anything else as ``json.dumps(result)``.
    * never crash, never let an exception escape: these become a content the model can read,
      ``json.dumps({"error": "<what went wrong>"})``:
        - an unknown tool name (say which name, and which tools exist),
        - arguments that are not valid JSON, or not a JSON object,
        - the function raising (include the exception's type and message, e.g. "ValueError: unknown city").
      The model then answers with what it knows, or tries again.
    """
    raise NotImplementedError("execute_tool_calls: run each call and return one tool message per call")


def run_agent(
    client: OpenAI,
    model: str,
    messages: list[dict],
    tools: list[dict],
    registry: dict[str, Callable[..., Any]],
    max_steps: int = 5,
    **options: Any,
) -> tuple[str, list[dict]]:
    """The agent loop: call the model, run the tools it asks for, feed the results back, repeat.

    Start from a copy of ``messages`` (don't change the caller's list). Each step:
    1. ``client.chat.completions.create(model=model, messages=history, tools=tools, **options)``;
    2. append the assistant message (``assistant_to_dict``);
    3. no tool calls: return ``(message.content, history)``: the answer ("" when the reply has no text,
       e.g. a refusal) and the whole conversation;
    4. otherwise append the tool messages from ``execute_tool_calls`` and go to the next step.

    At most ``max_steps`` calls to the model: if the last one still asked for tools (run them and
    append their results first, so the history stays valid), raise
    ``StepLimitExceeded(max_steps, history)``. A model can ask for tools forever (a tool that keeps
    failing, ``tool_choice="required"``): without a limit your program hangs and your bill grows.

    ``options`` go to every request unchanged (e.g. ``tool_choice``, ``temperature``, or
    ``reasoning_effort="none"``, which many current models need with tools on Chat Completions: lesson 04).
    """
    raise NotImplementedError("run_agent: loop call -> execute -> append until a plain answer or max_steps")
