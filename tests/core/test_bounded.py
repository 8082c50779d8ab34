"""Bounded containers forget the oldest entries, not the most recently used."""

from __future__ import annotations

from bot.bounded import BoundedDict, BoundedSet


def test_the_oldest_set_key_is_forgotten_first() -> None:
    d: BoundedDict[str, int] = BoundedDict(2)
    d["a"], d["b"] = 1, 2
    d["a"] = 3  # setting again makes it recent
    d["c"] = 4
    assert list(d.items()) == [("a", 3), ("c", 4)]


def test_a_bounded_set_keeps_the_latest_members() -> None:
    s: BoundedSet[int] = BoundedSet(3)
    for n in range(10):
        s.add(n)
    assert list(s) == [7, 8, 9] and 9 in s and 0 not in s
