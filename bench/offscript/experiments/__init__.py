"""The frozen set: every experiment, in group order. Ids are unique; the order is the report's order."""

from __future__ import annotations

from ..harness import Experiment
from . import agents, chat, multi, readback, responses, structured, tools

EXPERIMENTS: list[Experiment] = [
    *chat.EXPERIMENTS,
    *tools.EXPERIMENTS,
    *multi.EXPERIMENTS,
    *readback.EXPERIMENTS,
    *structured.EXPERIMENTS,
    *agents.EXPERIMENTS,
    *responses.EXPERIMENTS,
]

_ids = [e.id for e in EXPERIMENTS]
assert len(_ids) == len(set(_ids)), sorted({i for i in _ids if _ids.count(i) > 1})
