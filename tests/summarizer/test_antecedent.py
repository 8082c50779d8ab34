"""The learned antecedent chooser (antecedent.py, train_antecedent.py): whom "they",
"it", "he" and "she" stand for, weighed over the story's latest speakers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer import extract_quotes
from summarizer.quotes import antecedent, rank, train_antecedent, train_rank
from summarizer.quotes.extract import Extractor
from summarizer.quotes.resolve import AntecedentExample

BODY_AS_THEY = (
    "Harlow Machine have twice denied doing anything wrong.\n\n"
    '"We have never blocked any performance at the show," they said in a statement on '
    "their website."
)


def _direct_speakers(text: str) -> list[str | None]:
    return [q.speaker for q in extract_quotes(text) if q.kind.value == "direct"]


@pytest.fixture
def no_model() -> Iterator[None]:
    shipped = antecedent.MODEL
    antecedent.MODEL = rank.Model.of({})
    try:
        yield
    finally:
        antecedent.MODEL = shipped


def test_the_shipped_model_loads() -> None:
    assert antecedent.MODEL
    assert any(k.startswith("p:") for k in antecedent.MODEL.weights)
    assert any(k.startswith("b:") for k in antecedent.MODEL.weights)


def test_they_stands_for_a_body_the_rules_take_for_a_person() -> None:
    assert _direct_speakers(BODY_AS_THEY) == ["Harlow Machine"]


def test_without_the_model_the_rules_pick_stands(no_model: None) -> None:
    assert _direct_speakers(BODY_AS_THEY) == ["they"]


def test_a_missing_weights_file_is_no_model(tmp_path: Path) -> None:
    assert not antecedent.load(tmp_path / "missing.json")


def test_ties_keep_the_rules_pick(no_model: None) -> None:
    rows = [{"p:r0": 1.0}, {"p:r1": 1.0, "p:rule": 1.0}]
    assert antecedent.best(rows, 1) == 1


def test_collecting_leaves_the_rules_pick() -> None:
    ex = Extractor(BODY_AS_THEY)
    collected: list[AntecedentExample] = []
    ex.resolver.collect = collected
    quotes = ex.run()
    assert [q.speaker for q in quotes if q.kind.value == "direct"] == ["they"]
    assert collected  # "they" was weighed: the pronoun itself and Harlow Machine


def _gold(resolve: bool) -> dict[str, object]:
    start = BODY_AS_THEY.index("they said")
    content = BODY_AS_THEY.index("We have")
    return {
        "id": "t",
        "text": BODY_AS_THEY,
        "attributions": [
            {
                "source": [[start, start + 4]],
                "source_text": "they",
                "content": [[content, content + 46]],
                "kind": "direct",
                "speaker": "Harlow Machine",
                "resolve": resolve,
            }
        ],
    }


def test_training_groups_come_from_resolved_gold_only() -> None:
    groups = train_antecedent.article_groups(_gold(True))
    assert len(groups) == 1
    rows, labels = groups[0]
    assert sum(labels) == 1 and any("b:self" in f for f in rows)
    assert train_antecedent.article_groups(_gold(False)) == []  # PolNeAR: no coreference


def test_fit_learns_the_right_candidate() -> None:
    groups = train_antecedent.article_groups(_gold(True))
    weights = train_antecedent.fit(groups * 4, epochs=50)
    assert train_antecedent.rule_accuracy(groups) == 0.0
    assert train_rank.accuracy(groups, weights) == 1.0
