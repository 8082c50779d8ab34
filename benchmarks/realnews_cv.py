"""Cross-validated who-said-what on real news: the learned parts never see the articles
they are scored on.

    .venv/bin/python benchmarks/realnews_cv.py [--folds 5] [--seed 14] [--trainers rank,short]

The real-news gold (../shared/data/realnews/dev.jsonl, 40 articles) is shuffled with a
fixed seed and cut into folds. For each fold, every trainer in ``TRAINERS`` fits its
model on the other folds plus PolNeAR train, the model is installed, and the held-out
articles are extracted (and the bullets a briefing would show of them composed). The
pooled held-out predictions and bullets are scored with the shared
scorer (../shared/tools/score_quotes.py, run as a subprocess, never imported); the
shipped models are scored on the same articles for comparison.

A trainer is three steps (see `Trainer`): ``collect`` one article's training examples
(cached: collecting never asks a model, so every fold reuses them), ``fit`` a model on
examples, and ``install`` a model for the length of a ``with`` block. Add a learned
component by appending its trainer to ``TRAINERS``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import bullet_score, train_bullets  # noqa: E402
from summarizer.evaluate import bullets_record, prediction_record  # noqa: E402
from summarizer.quotes import (  # noqa: E402
    antecedent,
    cue_score,
    rank,
    short,
    train_antecedent,
    train_cues,
    train_rank,
    train_short,
)

REALNEWS = ROOT / ".." / "shared" / "data" / "realnews" / "dev.jsonl"
POLNEAR_TRAIN = ROOT / ".." / "shared" / "data" / "polnear" / "train.jsonl"
SCORER = ROOT / ".." / "shared" / "tools" / "score_quotes.py"

Article = dict[str, Any]


class Trainer(Protocol):
    """One learned component, as cross-validation trains and installs it."""

    name: str

    def collect(self, article: Article) -> list[Any]:
        """The article's training examples (must not depend on any installed model)."""
        ...

    def fit(self, examples: list[Any]) -> Any:
        """A model fitted on ``examples`` (deterministic)."""
        ...

    def install(self, model: Any) -> AbstractContextManager[None]:
        """Extraction uses ``model`` inside the ``with`` block, the shipped one after."""
        ...


class RankTrainer:
    """The speaker ranker (summarizer/quotes/rank.py, train_rank.py)."""

    name = "rank"

    def __init__(self, epochs: int = 300) -> None:
        self.epochs = epochs

    def collect(self, article: Article) -> list[Any]:
        return list(train_rank.article_groups(article))

    def fit(self, examples: list[Any]) -> Any:
        return rank.Model.of(train_rank.fit(examples, epochs=self.epochs))

    @contextmanager
    def install(self, model: Any) -> Iterator[None]:
        shipped = rank.MODEL
        rank.MODEL = model
        try:
            yield
        finally:
            rank.MODEL = shipped


class ShortTrainer:
    """The speech/not-speech model for short quotations (summarizer/quotes/short.py,
    train_short.py): real-news examples weigh ``train_short.REAL_WEIGHT`` each."""

    name = "short"

    def __init__(self, epochs: int = train_short.EPOCHS) -> None:
        self.epochs = epochs

    def collect(self, article: Article) -> list[Any]:
        return list(train_short.article_examples(article))

    def fit(self, examples: list[Any]) -> Any:
        return train_short.fit(examples, epochs=self.epochs)

    @contextmanager
    def install(self, model: Any) -> Iterator[None]:
        shipped = short.WEIGHTS
        short.WEIGHTS = model
        try:
            yield
        finally:
            short.WEIGHTS = shipped


class AntecedentTrainer:
    """The antecedent chooser (summarizer/quotes/antecedent.py, train_antecedent.py):
    trained on resolved gold only, so PolNeAR (no coreference) adds no groups."""

    name = "antecedent"

    def __init__(self, epochs: int = train_antecedent.EPOCHS) -> None:
        self.epochs = epochs

    def collect(self, article: Article) -> list[Any]:
        return list(train_antecedent.article_groups(article))

    def fit(self, examples: list[Any]) -> Any:
        return rank.Model.of(train_antecedent.fit(examples, epochs=self.epochs))

    @contextmanager
    def install(self, model: Any) -> Iterator[None]:
        shipped = antecedent.MODEL
        antecedent.MODEL = model
        try:
            yield
        finally:
            antecedent.MODEL = shipped


class CueTrainer:
    """The cue model: report a cue's clause? (summarizer/quotes/cue_score.py, train_cues.py)."""

    name = "cues"

    def __init__(self, epochs: int = 150, threshold: float = 0.4) -> None:
        self.epochs = epochs
        self.threshold = threshold

    def collect(self, article: Article) -> list[Any]:
        return train_cues.article_examples(article)

    def fit(self, examples: list[Any]) -> Any:
        return train_cues.fit(examples, epochs=self.epochs)

    @contextmanager
    def install(self, model: Any) -> Iterator[None]:
        shipped = cue_score.WEIGHTS, cue_score.THRESHOLD
        cue_score.WEIGHTS, cue_score.THRESHOLD = model, self.threshold
        try:
            yield
        finally:
            cue_score.WEIGHTS, cue_score.THRESHOLD = shipped


class BulletTrainer:
    """The bullet scorer (summarizer/bullet_score.py, train_bullets.py): which quotes a
    briefing shows. Its cut-offs stay the shipped ones (train_bullets chooses them by its
    own cross-validation); its examples are the shipped extractor's quotes, labelled by
    the shared scorer's bullet rule (real news by resolved name, PolNeAR by source)."""

    name = "bullets"

    def __init__(self) -> None:
        self._scorer: Any = None

    def collect(self, article: Article) -> list[Any]:
        if self._scorer is None:
            self._scorer = train_bullets.load_scorer(SCORER)
        resolved = any("resolve" in a for a in article.get("attributions") or [])
        return train_bullets.examples(article, self._scorer, resolved=resolved)

    def fit(self, examples: list[Any]) -> Any:
        return train_bullets.fit(examples)

    @contextmanager
    def install(self, model: Any) -> Iterator[None]:
        shipped = bullet_score._weights
        bullet_score._weights = lambda: model  # type: ignore[assignment]
        try:
            yield
        finally:
            bullet_score._weights = shipped  # type: ignore[assignment]


TRAINERS: list[Trainer] = [
    RankTrainer(),
    ShortTrainer(),
    AntecedentTrainer(),
    CueTrainer(),
    BulletTrainer(),
]


def _load(path: Path) -> list[Article]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def folds(articles: Sequence[Article], k: int, seed: int) -> list[list[Article]]:
    """``k`` folds of about equal size, the same for the same seed."""
    order = sorted(articles, key=lambda a: str(a["id"]))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def _score(gold: Path, pred: Path, *extra: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold), "--pred", str(pred), "--json", *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _predict(articles: Sequence[Article]) -> list[dict[str, Any]]:
    return [prediction_record(str(a["id"]), str(a["text"])) for a in articles]


def _bullets(articles: Sequence[Article]) -> list[dict[str, Any]]:
    return [bullets_record(str(a["id"]), str(a["text"])) for a in articles]


def cross_validate(
    realnews: list[Article],
    base: list[Article],
    trainers: Sequence[Trainer],
    k: int,
    seed: int,
    bullets: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Each article's prediction made with models that never saw it (and, into
    ``bullets`` when given, the bullets a briefing would show of it)."""
    cache: dict[tuple[str, str], list[Any]] = {}

    def examples(t: Trainer, arts: Sequence[Article], tag: str) -> list[Any]:
        out: list[Any] = []
        for a in arts:
            key = (t.name, f"{tag}:{a['id']}")
            if key not in cache:
                cache[key] = t.collect(a)
            out.extend(cache[key])
        return out

    preds: list[dict[str, Any]] = []
    parts = folds(realnews, k, seed)
    for i, held in enumerate(parts):
        train = [a for j, part in enumerate(parts) if j != i for a in part]
        models = [
            (t, t.fit(examples(t, base, "base") + examples(t, train, "rn"))) for t in trainers
        ]
        with _installed(models):
            preds.extend(_predict(held))
            if bullets is not None:
                bullets.extend(_bullets(held))
        print(f"fold {i + 1}/{k}: {len(held)} held out, trained on {len(train)} + base")
    return preds


@contextmanager
def _installed(models: list[tuple[Trainer, Any]]) -> Iterator[None]:
    if not models:
        yield
        return
    (t, model), rest = models[0], models[1:]
    with t.install(model), _installed(rest):
        yield


_METRICS = (
    "direct_quotes",
    "direct_end_to_end",
    "attributions",
    "attributions_end_to_end",
)


def _line(name: str, report: dict[str, Any]) -> str:
    cells = [f"{report[m]['f1']:.3f}" for m in _METRICS]
    return f"{name:<22} " + "  ".join(cells) + f"  {report['direct_speaker_accuracy']:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REALNEWS)
    ap.add_argument("--base", type=Path, default=POLNEAR_TRAIN, help="always trained on")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument(
        "--trainers",
        default=",".join(t.name for t in TRAINERS),
        help="comma-separated names of the trainers to cross-validate",
    )
    ap.add_argument("--save", type=Path, help="write the cross-validated predictions here")
    args = ap.parse_args(argv)
    if not args.data.exists() or not SCORER.exists():
        print(f"benchmarks/realnews_cv.py: needs {args.data} and {SCORER}; skipping")
        return 0
    wanted = set(args.trainers.split(",")) - {""}
    trainers = [t for t in TRAINERS if t.name in wanted]
    realnews = _load(args.data)
    base = _load(args.base) if args.base.exists() else []
    t0 = time.perf_counter()
    cv_bullets: list[dict[str, Any]] = []
    cv = cross_validate(realnews, base, trainers, args.folds, args.seed, bullets=cv_bullets)
    shipped = _predict(realnews)
    shipped_bullets = _bullets(realnews)
    if args.save is not None:
        _write(args.save, cv)
    with tempfile.TemporaryDirectory() as tmp:
        reports = {}
        for name, rows in [
            ("cv", cv),
            ("shipped", shipped),
            ("cv_bullets", cv_bullets),
            ("shipped_bullets", shipped_bullets),
        ]:
            _write(Path(tmp) / f"{name}.jsonl", rows)
            extra = ("--bullets",) if name.endswith("bullets") else ()
            reports[name] = _score(args.data, Path(tmp) / f"{name}.jsonl", *extra)
        cv_report, shipped_report = reports["cv"], reports["shipped"]
    names = ",".join(t.name for t in trainers) or "none"
    print(
        f"{len(realnews)} articles, {args.folds} folds (seed {args.seed}), trainers: {names}, "
        f"base: {args.base.name if base else 'none'} ({time.perf_counter() - t0:.0f} s)"
    )
    print(f"{'':<22} direct F1  direct e2e  attr F1  attr e2e  speaker acc.")
    print(_line("cross-validated", cv_report))
    print(_line("shipped models", shipped_report))
    print(f"\n{'briefing bullets':<22} right         roles agree  split")
    for label, key in [("cross-validated", "cv_bullets"), ("shipped models", "shipped_bullets")]:
        b = reports[key]
        right = f"{b['precision']:.3f} ({b['right']}/{b['bullets']})"
        print(
            f"{label:<22} {right:<13} {b['role_agreement']:<12.3f} "
            f"{b['speaker_split_over_bullets']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
