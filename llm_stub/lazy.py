"""An attribute worked out on first read and then stored on the instance.

``functools.cached_property`` does the same, but before Python 3.12 it takes a lock shared by every instance of
the class on each first read (CPython gh-87634, removed in 3.12). The stub makes a fresh request object per
call and reads a few such attributes of each, so on 3.11 the lock was a measurable part of a call (issue 28).
Without a lock two threads may both compute the value; the values are equal, as every use here is a pure
function of the instance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class computed_once(Generic[T]):  # noqa: N801  (named like the decorator it stands for)
    """A non-data descriptor: after the first read the instance's ``__dict__`` holds the value and this is
    not called again."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> computed_once[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value
