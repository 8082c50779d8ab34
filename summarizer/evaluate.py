"""Score who-said-what predictions against gold attributions, and the prediction format.

The metrics are those of the project's shared scorer (direct-quote P/R/F1 at
Jaccard >= 0.5, exact-span rate, speaker accuracy, attribution P/R/F1 at
containment >= 1/2 of the shorter and >= 1/4 of the longer span, and the
end-to-end variants), reimplemented here so the project measures itself
without the shared tree. Gold direct quotes are the quotation-mark spans that
lie (90%) inside an annotated content span.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table

from summarizer import extract_quotes
from summarizer.bullets import format_bullet, story_bullets
from summarizer.quotes.gold import (
    Span2,
    alnum_trim,
    containment,
    gold_direct,
    greedy_pairs,
    jaccard,
    speaker_ok,
)


def prediction_record(article_id: str, text: str) -> dict[str, Any]:
    """One line of the scorer's PRED format for ``text``."""
    quotes = []
    for q in extract_quotes(text):
        m = q.speaker_mention
        quotes.append(
            {
                "start": q.start,
                "end": q.end,
                "kind": q.kind.value,
                "speaker": q.speaker,
                "speaker_start": m.start if m else None,
                "speaker_end": m.end if m else None,
                "cue": q.cue,
                "text": q.text,
            }
        )
    return {"id": article_id, "quotes": quotes}


def bullets_record(article_id: str, text: str, *, max_bullets: int = 4) -> dict[str, Any]:
    """One line of the scorer's ``--bullets`` format: the bullets a briefing shows."""
    bullets = [
        {
            "speaker": b.speaker,
            "role": b.speaker_role,
            "quotes": [
                {"start": q.start, "end": q.end, "kind": q.kind.value, "text": q.text}
                for q in b.quotes
            ],
            "line": format_bullet(b),
        }
        for b in story_bullets(text, max_bullets=max_bullets)
    ]
    return {"id": article_id, "bullets": bullets}


@dataclass
class _Counts:
    n: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, value: int) -> None:
        self.n[key] = self.n.get(key, 0) + value

    def __getitem__(self, key: str) -> int:
        return self.n.get(key, 0)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, Any]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "pred": n_pred,
        "gold": n_gold,
    }


def score(
    gold_articles: Iterable[Mapping[str, Any]],
    predictions: Mapping[str, list[dict[str, Any]]],
    n_errors: int = 0,
) -> dict[str, Any]:
    """The shared scorer's report for ``predictions`` (article id -> PRED quotes)."""
    c = _Counts()
    errors: list[dict[str, Any]] = []
    n_articles = missing = 0
    for article in gold_articles:
        n_articles += 1
        if article["id"] not in predictions:
            missing += 1
        preds = _valid_preds(article["text"], predictions.get(article["id"], []))
        _score_article(article, preds, c, errors, n_errors)
    report: dict[str, Any] = {
        "articles": n_articles,
        "articles_without_prediction": missing,
        "direct_quotes": prf(c["dq_tp"], c["dq_pred"], c["dq_gold"]),
        "direct_exact_span_rate": _ratio(c["dq_exact"], c["dq_tp"]),
        "direct_speaker_accuracy": _ratio(c["spk_ok"], c["spk_n"]),
        "direct_end_to_end": prf(c["e2e_dq"], c["e2e_dq_pred"], c["e2e_dq_gold"]),
        "attributions": prf(c["at_tp"], c["at_pred"], c["at_gold"]),
        "attributions_end_to_end": prf(c["e2e_at"], c["e2e_at_pred"], c["e2e_at_gold"]),
    }
    if n_errors:
        report["errors"] = errors
    return report


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _valid_preds(text: str, quotes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for q in quotes:
        try:
            s, e = int(q["start"]), int(q["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= s < e <= len(text):
            out.append({**q, "span": (s, e)})
    return out


def _score_article(
    article: Mapping[str, Any],
    preds: list[dict[str, Any]],
    c: _Counts,
    errors: list[dict[str, Any]],
    n_errors: int,
) -> None:
    text = article["text"]
    gold = gold_direct(article)
    direct = [
        {**p, "span": alnum_trim(text, p["span"])}
        for p in preds
        if p.get("kind") in ("direct", "mixed")
    ]
    pairs = greedy_pairs([g for g, _ in gold], [p["span"] for p in direct], jaccard)
    c.add("dq_tp", len(pairs))
    c.add("dq_pred", len(direct))
    c.add("dq_gold", len(gold))
    sourceless = sum(1 for gi, _ in pairs if not gold[gi][1].get("source"))
    c.add("e2e_dq_pred", len(direct) - sourceless)
    c.add("e2e_dq_gold", sum(1 for _, a in gold if a.get("source")))
    for gi, pi in pairs:
        (g_span, attr), p = gold[gi], direct[pi]
        c.add("dq_exact", int(g_span == p["span"]))
        if attr.get("source"):
            right = speaker_ok(p, attr)
            c.add("spk_n", 1)
            c.add("spk_ok", int(right))
            c.add("e2e_dq", int(right))
            if not right and len(errors) < n_errors:
                errors.append(_err(article, "wrong speaker", g_span, attr, p))
    if n_errors:
        _list_misses(article, gold, direct, pairs, errors, n_errors)
    _score_attributions(article, preds, c)


def _err(
    article: Mapping[str, Any],
    kind: str,
    span: Span2,
    attr: Mapping[str, Any] | None = None,
    pred: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    err: dict[str, Any] = {"id": article["id"], "type": kind}
    err["quote"] = article["text"][span[0] : span[1]][:80]
    if attr is not None:
        err["gold"] = attr.get("source_text")
    if pred is not None and kind == "wrong speaker":
        err["pred"] = pred.get("speaker")
    return err


def _list_misses(
    article: Mapping[str, Any],
    gold: list[tuple[Span2, Mapping[str, Any]]],
    direct: list[dict[str, Any]],
    pairs: list[tuple[int, int]],
    errors: list[dict[str, Any]],
    n_errors: int,
) -> None:
    got_g = {gi for gi, _ in pairs}
    got_p = {pi for _, pi in pairs}
    for gi, (span, _attr) in enumerate(gold):
        if gi not in got_g and len(errors) < n_errors:
            errors.append(_err(article, "missed quote", span))
    for pi, p in enumerate(direct):
        if pi not in got_p and len(errors) < n_errors:
            errors.append(_err(article, "spurious quote", p["span"]))


def _score_attributions(
    article: Mapping[str, Any], preds: list[dict[str, Any]], c: _Counts
) -> None:
    attrs = article["attributions"]
    units = [(a["content"][0][0], a["content"][-1][1]) for a in attrs]
    pairs = greedy_pairs(units, [p["span"] for p in preds], containment)
    c.add("at_tp", len(pairs))
    c.add("at_pred", len(preds))
    c.add("at_gold", len(units))
    sourceless = sum(1 for gi, _ in pairs if not attrs[gi].get("source"))
    c.add("e2e_at_pred", len(preds) - sourceless)
    c.add("e2e_at_gold", sum(1 for a in attrs if a.get("source")))
    c.add("e2e_at", sum(1 for gi, pi in pairs if speaker_ok(preds[pi], attrs[gi])))


def render_report(report: Mapping[str, Any]) -> Table:
    """The report as a rich table: one row per metric."""
    table = Table(title=f"who-said-what on {report.get('articles', 0)} articles")
    for col in ("metric", "precision", "recall", "F1", "tp / pred / gold"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for key in ("direct_quotes", "direct_end_to_end", "attributions", "attributions_end_to_end"):
        m = report[key]
        table.add_row(
            key.replace("_", " "),
            f"{m['precision']:.3f}",
            f"{m['recall']:.3f}",
            f"{m['f1']:.3f}",
            f"{m['tp']} / {m['pred']} / {m['gold']}",
        )
    for key in ("direct_speaker_accuracy", "direct_exact_span_rate"):
        table.add_row(key.replace("_", " "), "", "", f"{report[key]:.3f}", "")
    return table
