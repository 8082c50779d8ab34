"""Containers that forget their oldest entries: process memory for a long `newsbrief run`."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedDict(OrderedDict[K, V]):
    """A dict keeping the ``limit`` most recently set keys."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


class BoundedSet(BoundedDict[K, None]):
    """A set keeping the ``limit`` most recently added members."""

    def add(self, member: K) -> None:
        self[member] = None
