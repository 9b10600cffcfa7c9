"""Input items of the Responses API: what the real API accepts and refuses, and their reading as chat messages.

``input`` (and a conversation's items, and ``POST /v1/conversations/{id}/items``) is a list of *items*. This
module checks each item as the real endpoint does, normalises it into the shape the API lists back
(``GET /v1/responses/{id}/input_items``, conversation items), applies the Responses API's own pairing rules
to the whole context (stored history plus this request's items), and only then translates the items into
chat messages for the shared pipeline (one brain, two wire formats).

Item rules and their evidence:

* The item types the real API knows, and its 400 for any other: ``Invalid value: 'bogus_item'. Supported
  values are: 'additional_tools', ... and 'web_search_call'.``, ``param: "input[0]"``, code ``invalid_value``;
  an item without ``type`` and with an unknown (or no) ``role``: ``Invalid value: 'bogus'. Supported values
  are: 'assistant', 'system', 'developer', and 'user'.``, ``param: "input[0]"``; a user message with an
  ``output_text`` part: ``Invalid value: 'output_text'. Supported values are: 'input_text', 'input_image',
  'input_file', 'scoped_content', and 'input_audio'.``, ``param: "input[0].content[0]"``; an unknown part
  type: ``param: "input[0].content[0].type"``. All from a table of direct API observations (gpt-5.6-terra,
  2026-08-30) kept in a public test file found with ``find_string`` ("include unknown member", id 61421724985).
  Known item types the stub does not implement (``web_search_call``, ``computer_call``, ...) keep the stub's
  own clear 400, which says the gap is the stub's.
* An assistant message with an ``input_text`` part: ``Invalid value: 'input_text'. Supported values are:
  'output_text' and 'refusal'.``, ``param: "input[1].content[0]"``, code ``invalid_value`` (jeremychone/rust-genai
  #119; the same body with that param in several independent public test tables and bug notes found with
  ``find_string``).
* A ``reasoning`` item must be followed by the item it produced (an assistant message or a function call):
  ``Item 'rs_…' of type 'reasoning' was provided without its required following item.``, ``param: "input"``,
  code null (continuedev/continue#8933, #10428; continuedev/continue#11721: a ``function_call`` is a valid
  following item). Checked on the items the request sends, not on stored history (a response whose whole
  budget went to reasoning is stored ending with its reasoning item).
* A reasoning item handed back by id alone, which the server does not hold (its response was created with
  ``store: false``), is a 404: ``Item with id 'rs_…' not found. Items are not persisted when `store` is set to
  false. Try again with `store` set to true, or remove this item from your input.``, ``param: "input"``, code
  null (github/copilot-sdk#615, can1357/oh-my-pi#41: "Error: 404 Item with id …"). One that carries
  ``encrypted_content`` is read from that content instead (``responses_reasoning.py``); public reports
  disagree on whether an id is still looked up then, and the stub takes the permissive reading.
* Pairing of calls and outputs: a ``function_call_output`` needs an earlier ``function_call`` with its
  ``call_id`` ("No tool call found for function call output with call_id …"), and every ``function_call``
  needs its output somewhere later ("No tool output found for function call …"), both ``param: "input"``,
  code null. Unlike Chat Completions, nothing requires the output to come *right after* its call: Semantic
  Kernel's ``OpenAIResponsesAgent`` resends the user's message between a ``function_call`` (reached through
  ``previous_response_id``) and its ``function_call_output``, and the real API answers it (issue 25). The
  chat translation therefore moves each call next to its outputs, so the shared pipeline reads a valid
  chat history.

Reasoning items are kept (listed back, stored in conversations, checked, their encrypted content verified);
the chat translation leaves them out, because the stub's replies never depend on hidden reasoning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import StubError, invalid
from .request import described_type, expect, missing, typed_object
from .schema_check import bad_value

# The item types the real API lists in its 400 (direct observation 2026-08-30, see the module docstring).
ITEM_TYPES = (
    "additional_tools",
    "agent_message",
    "apply_patch_call",
    "apply_patch_call_output",
    "code_interpreter_call",
    "compaction",
    "compaction_trigger",
    "computer_call",
    "computer_call_output",
    "custom_tool_call",
    "custom_tool_call_output",
    "file_search_call",
    "function_call",
    "function_call_output",
    "image_generation_call",
    "item_reference",
    "local_shell_call",
    "local_shell_call_output",
    "mcp_approval_request",
    "mcp_approval_response",
    "mcp_call",
    "mcp_list_tools",
    "message",
    "multi_agent_call",
    "multi_agent_call_output",
    "program",
    "program_output",
    "reasoning",
    "shell_call",
    "shell_call_output",
    "tool_search_call",
    "tool_search_output",
    "web_search_call",
)
ROLES = ("assistant", "system", "developer", "user")  # in the order of the real 400
USER_PARTS = ("input_text", "input_image", "input_file", "scoped_content", "input_audio")
ASSISTANT_PARTS = ("output_text", "refusal")
# every content part type the real 400 lists for an unknown one
PART_TYPES = (
    "input_text",
    "input_image",
    "input_audio",
    "output_text",
    "refusal",
    "input_file",
    "computer_screenshot",
    "summary_text",
    "encrypted_content",
)


def unsupported(what: str, param: str | None) -> StubError:
    """The stub's own 400 for a real feature it leaves out: it says the gap is the stub's."""
    return StubError(
        400,
        f"The course's stub does not implement {what}. The real Responses API does; this stub only "
        "generates text, JSON and calls to your own function tools.",
        param=param,
        code="unsupported_parameter",
    )


@dataclass
class Items:
    """Checked input items in the shape the API lists them back, and where each came from (``input[2]``)."""

    items: list[dict]
    where: list[str]

    def __add__(self, other: Items) -> Items:
        return Items([*self.items, *other.items], [*self.where, *other.where])


# ------------------------------------------------------------------------------------------------- checks


def _parts(parts: list, param: str, role: str) -> list[dict]:
    """A message's content list, checked; returned in the listed shape."""
    allowed = ASSISTANT_PARTS if role == "assistant" else USER_PARTS
    out = []
    for j, part in enumerate(parts):
        p = f"{param}[{j}]"
        kind = typed_object(part, p)
        if kind not in PART_TYPES and kind != "scoped_content":
            raise bad_value(kind, PART_TYPES, f"{p}.type")
        if kind not in allowed:
            raise bad_value(kind, allowed, p)
        if kind in ("input_image", "input_file", "input_audio", "scoped_content"):
            raise unsupported(f"`{kind}` content (the stub reads text only)", f"{p}.type")
        key = "refusal" if kind == "refusal" else "text"
        if key not in part:
            raise missing(f"{p}.{key}")
        expect(part[key], "string", f"{p}.{key}")
        if kind == "output_text":
            out.append({"type": "output_text", "annotations": [], "logprobs": [], "text": part["text"]})
        else:
            out.append({"type": kind, key: part[key]})
    return out


def _message(item: dict, p: str) -> dict:
    role = item.get("role")
    if role not in ROLES:
        if role is not None and not isinstance(role, str):
            raise invalid(
                f"Invalid type for '{p}.role': expected a string, but got {described_type(role)} instead.",
                f"{p}.role",
                "invalid_type",
            )
        raise bad_value(role or "", ROLES, p)
    if "content" not in item:
        raise missing(f"{p}.content")
    content = item["content"]
    if isinstance(content, str):
        kind = "output_text" if role == "assistant" else "input_text"
        parts = (
            [{"type": kind, "annotations": [], "logprobs": [], "text": content}]
            if role == "assistant"
            else [{"type": kind, "text": content}]
        )
        return {"type": "message", "role": role, "content": parts}
    if not isinstance(content, list):
        raise invalid(
            f"Invalid type for '{p}.content': expected one of a string or array of objects, but got "
            f"{described_type(content)} instead.",
            f"{p}.content",
            "invalid_type",
        )
    return {"type": "message", "role": role, "content": _parts(content, f"{p}.content", role)}


def _string_field(item: dict, key: str, p: str) -> str:
    if key not in item or item[key] is None:
        raise missing(f"{p}.{key}")
    return expect(item[key], "string", f"{p}.{key}")


def _reasoning(item: dict, p: str, open_sealed: Callable[[str], dict] | None) -> dict:
    if "summary" not in item or item["summary"] is None:
        raise missing(f"{p}.summary")
    summary = expect(item["summary"], "array", f"{p}.summary")
    parts = []
    for j, part in enumerate(summary):
        kind = typed_object(part, f"{p}.summary[{j}]")
        if kind != "summary_text":
            raise bad_value(kind, ("summary_text",), f"{p}.summary[{j}].type")
        parts.append({"type": "summary_text", "text": _string_field(part, "text", f"{p}.summary[{j}]")})
    out: dict[str, Any] = {"type": "reasoning", "summary": parts}
    if item.get("id") is not None:
        out["id"] = expect(item["id"], "string", f"{p}.id")
    sealed = item.get("encrypted_content")
    if sealed is not None:
        expect(sealed, "string", f"{p}.encrypted_content")
        if open_sealed is not None:
            open_sealed(sealed)  # the real 400 for content the server did not issue
        out["encrypted_content"] = sealed
    elif "id" not in out:
        raise missing(f"{p}.id")
    return out


def parse_items(raw: Any, param: str = "input", open_sealed: Callable[[str], dict] | None = None) -> Items:
    """``input`` (a string or a list of items) as checked items; raises the real 400 for the first bad one.

    ``open_sealed(encrypted_content)`` verifies a reasoning item's encrypted content (or raises its 400).
    """
    if isinstance(raw, str):
        return Items(
            [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": raw}]}], [param]
        )
    if not isinstance(raw, list):
        raise invalid(
            f"Invalid type for '{param}': expected one of a string or array of input items, but got "
            f"{described_type(raw)} instead.",
            param,
            "invalid_type",
        )
    items, where = [], []
    for i, item in enumerate(raw):
        p = f"{param}[{i}]"
        if not isinstance(item, dict):
            raise invalid(
                f"Invalid type for '{p}': expected an input item, but got {described_type(item)} instead.",
                p,
                "invalid_type",
            )
        kind = item.get("type")
        if kind is None or kind == "message":
            out = _message(item, p)
        elif not isinstance(kind, str) or kind not in ITEM_TYPES:
            raise bad_value(kind if isinstance(kind, str) else "", ITEM_TYPES, p)
        elif kind == "function_call":
            out = {
                "type": "function_call",
                "call_id": _string_field(item, "call_id", p),
                "name": _string_field(item, "name", p),
                "arguments": _string_field(item, "arguments", p),
            }
        elif kind == "function_call_output":
            call_id = _string_field(item, "call_id", p)
            if "output" not in item or item["output"] is None:
                raise missing(f"{p}.output")
            output = item["output"]
            if isinstance(output, list):
                parts = _parts(output, f"{p}.output", "user")
                output = "".join(part["text"] for part in parts)
            else:
                expect(output, "string", f"{p}.output")
            out = {"type": "function_call_output", "call_id": call_id, "output": output}
        elif kind == "reasoning":
            out = _reasoning(item, p, open_sealed)
        elif kind == "item_reference":
            raise unsupported("item references (`item_reference`); send the item itself", f"{p}.type")
        else:
            raise unsupported(f"input items of type '{kind}'", f"{p}.type")
        if kind in ("message", None) and item.get("id") is not None:
            out["id"] = expect(item["id"], "string", f"{p}.id")
        elif kind in ("function_call", "function_call_output") and item.get("id") is not None:
            out["id"] = expect(item["id"], "string", f"{p}.id")
        items.append(out)
        where.append(p)
    return Items(items, where)


def check_reasoning_followed(sent: Items) -> None:
    """Each reasoning item the request sends is followed by the item it produced (see the module docstring)."""
    for k, item in enumerate(sent.items):
        if item["type"] != "reasoning":
            continue
        following = sent.items[k + 1] if k + 1 < len(sent.items) else None
        produced = following is not None and (
            following["type"] == "function_call"
            or (following["type"] == "message" and following["role"] == "assistant")
        )
        if not produced:
            raise invalid(
                f"Item '{item.get('id', '')}' of type 'reasoning' was provided without its required following "
                "item.",
                "input",
                None,
            )


def check_pairing(context: Items) -> None:
    """Every output has an earlier call, every call has a later output (the Responses API's own rules)."""
    called: set[str] = set()
    answered: set[str] = set()
    for item in context.items:
        if item["type"] == "function_call":
            called.add(item["call_id"])
        elif item["type"] == "function_call_output":
            if item["call_id"] not in called:
                raise invalid(
                    f"No tool call found for function call output with call_id {item['call_id']}.",
                    "input",
                    None,
                )
            answered.add(item["call_id"])
    for item in context.items:
        if item["type"] == "function_call" and item["call_id"] not in answered:
            raise invalid(f"No tool output found for function call {item['call_id']}.", "input", None)


def reasoning_ids_unknown(sent: Items, holds: Callable[[str], bool]) -> None:
    """The 404 for a reasoning item sent by id alone that the server does not hold."""
    for item in sent.items:
        if item["type"] == "reasoning" and "encrypted_content" not in item and not holds(item["id"]):
            raise StubError(
                404,
                f"Item with id '{item['id']}' not found. Items are not persisted when `store` is set to false. "
                "Try again with `store` set to true, or remove this item from your input.",
                param="input",
            )


# --------------------------------------------------------------------------------------------- as chat


def _text(parts: list[dict]) -> str:
    return "".join(p.get("text", "") for p in parts if p["type"] in ("input_text", "output_text"))


def to_chat(context: Items) -> tuple[list[dict], list[str]]:
    """The items as chat messages (and where each came from), calls moved next to their outputs.

    Consecutive function calls form one assistant turn (parallel calls). A call's turn is placed right
    before its first output, so whatever the client put between them (Semantic Kernel's resent user
    message) is read before the call, as a valid chat history must have it.
    """
    blocks: list[list[tuple[dict, str]]] = []  # each block: an assistant tool-call turn and its outputs
    owner: dict[str, list[tuple[dict, str]]] = {}
    last_calls: list[tuple[dict, str]] | None = None
    for item, where in zip(context.items, context.where, strict=True):
        kind = item["type"]
        if kind == "reasoning":
            continue
        if kind == "function_call":
            call = {
                "id": item["call_id"],
                "type": "function",
                "function": {"name": item["name"], "arguments": item["arguments"]},
            }
            if last_calls is None:
                last_calls = [({"role": "assistant", "content": None, "tool_calls": []}, where)]
                blocks.append(last_calls)
            last_calls[0][0]["tool_calls"].append(call)
            owner[item["call_id"]] = last_calls
            continue
        last_calls = None
        if kind == "function_call_output":
            block = owner[item["call_id"]]
            if blocks[-1] is not block:  # something came between the call and its output: call later
                blocks.remove(block)
                blocks.append(block)
            block.append(
                ({"role": "tool", "tool_call_id": item["call_id"], "content": item["output"]}, where)
            )
            continue
        role, parts = item["role"], item["content"]
        if role == "assistant":
            refusals = [p["refusal"] for p in parts if p["type"] == "refusal"]
            if refusals and len(refusals) == len(parts):
                message = {"role": "assistant", "content": None, "refusal": "".join(refusals)}
            else:
                message = {"role": "assistant", "content": _text(parts)}
        elif len(parts) == 1:
            # what ``input="..."`` and ``{"role", "content": "..."}`` send: a string content, as in chat
            message = {"role": role, "content": parts[0]["text"]}
        else:
            message = {"role": role, "content": [{"type": "text", "text": p["text"]} for p in parts]}
        blocks.append([(message, where)])
    flat = [pair for block in blocks for pair in block]
    return [m for m, _ in flat], [w for _, w in flat]


def output_items(output: list[dict]) -> list[dict]:
    """A response's output items as items of the next turn's context (the shape ``parse_items`` returns)."""
    out = []
    for item in output:
        if item["type"] == "message":
            parts = [
                {"type": "output_text", "annotations": [], "logprobs": [], "text": p["text"]}
                if p["type"] == "output_text"
                else {"type": "refusal", "refusal": p["refusal"]}
                for p in item["content"]
            ]
            out.append({"type": "message", "role": "assistant", "content": parts, "id": item["id"]})
        elif item["type"] == "function_call":
            out.append(
                {
                    "type": "function_call",
                    "call_id": item["call_id"],
                    "name": item["name"],
                    "arguments": item["arguments"],
                    "id": item["id"],
                }
            )
        elif item["type"] == "reasoning":
            kept = {"type": "reasoning", "summary": item["summary"], "id": item["id"]}
            if item.get("encrypted_content") is not None:
                kept["encrypted_content"] = item["encrypted_content"]
            out.append(kept)
    return out
