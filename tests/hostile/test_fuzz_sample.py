"""A small sample of the fuzz run (`benchmarks/fuzz_ingest.py` runs 100,000+): same generator."""

from __future__ import annotations

import random

import pytest

from tests.hostile.mutations import Tally, case, run_case


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_hostile_feeds_and_pages(seed: int) -> None:
    rng = random.Random(seed)
    tally = Tally()
    for _ in range(150):
        run_case(case(rng), tally)
    assert (tally.escapes, tally.lost, tally.unstorable) == (0, 0, 0), tally.examples
