"""Mistake: no step limit: a model that keeps asking for tools keeps the loop (and the bill) going."""

from solutions import lab07_responses as _solution
from solutions.lab07_responses import *  # noqa: F403

_original_run_tool_loop = (
    _solution.run_tool_loop
)  # the solution's own, captured before the driver rebinds the name


def run_tool_loop(client, model, user_text, tools, registry, *, instructions=None, max_steps=5, **options):
    return _original_run_tool_loop(
        client,
        model,
        user_text,
        tools,
        registry,
        instructions=instructions,
        max_steps=max_steps + 3,
        **options,
    )
