"""llm_stub/lazy.py: an attribute computed on first read, then read from the instance."""

from __future__ import annotations

import random

from llm_stub.lazy import computed_once


class _Counted:
    def __init__(self, value: int) -> None:
        self.value = value
        self.calls = 0

    @computed_once
    def doubled(self) -> int:
        """Twice the value."""
        self.calls += 1
        return self.value * 2


def test_the_value_is_computed_on_first_read_only() -> None:
    seed = random.randrange(10**6)
    value = random.Random(seed).randrange(-1000, 1000)
    thing = _Counted(value)
    assert thing.calls == 0, "nothing should be computed before the attribute is read"
    reads = [thing.doubled for _ in range(random.Random(seed).randrange(2, 6))]
    assert reads == [value * 2] * len(reads), f"seed {seed}"
    assert thing.calls == 1, f"computed {thing.calls} times for {len(reads)} reads (seed {seed})"


def test_each_instance_keeps_its_own_value() -> None:
    seed = random.randrange(10**6)
    values = random.Random(seed).sample(range(1000), 3)
    things = [_Counted(v) for v in values]
    assert [t.doubled for t in things] == [v * 2 for v in values], f"seed {seed}"


def test_the_class_attribute_is_the_descriptor_with_the_functions_doc() -> None:
    assert isinstance(_Counted.doubled, computed_once)
    assert _Counted.doubled.__doc__ == "Twice the value."
