"""The speaker ranker's side of a quotation: every mention of its sentence that could
speak, their features, and the learned ranker's (rank.py) choice among them."""

from __future__ import annotations

from bot.domain import QuoteKind
from summarizer.quotes import rank
from summarizer.quotes.cues import Cue
from summarizer.quotes.language import Language
from summarizer.quotes.marks import MarkSpan
from summarizer.quotes.mentions import right_mention_in
from summarizer.quotes.names import Mention
from summarizer.quotes.sentences import VERB_NEXT_RE, Story, near_start, only_glue, overlaps
from summarizer.quotes.speakers import Attr, Speakers

# a quotation's span, the rules' speaker name and mention, each candidate's span and
# name as it would resolve (None: the rules' pick from outside the sentence), and each
# one's features
RankExample = tuple[
    int,
    int,
    str | None,
    Mention | None,
    list[tuple[int, int, str] | None],
    list[dict[str, float]],
]

_RANK_REACH = 400
_RANK_ROWS = 12
_CANDIDATE_WINDOW = 64


class Chooser:
    """Weighs the rules' speaker of each quotation against the sentence's other mentions."""

    def __init__(self, story: Story, lang: Language, speakers: Speakers) -> None:
        self.story = story
        self.text = story.text
        self.lang = lang
        self.speakers = speakers
        # training mode (summarizer/quotes/train_rank.py): keep the rules' speakers and
        # record every candidate speaker's features instead of asking the ranker
        self.collect: list[RankExample] | None = None

    def candidates(self, sc: list[Cue], sq: list[MarkSpan], s0: int, s1: int) -> list[Mention]:
        """Every mention of the sentence outside its quotation marks that could speak: the
        cues' mentions first, then each pronoun and noun phrase, left to right."""
        text = self.text
        found = [c.mention for c in sc if c.mention is not None]
        taken = [(m.start, m.end) for m in found]
        cue_spans = list(taken)
        edges = [q.open_at for q in sq] + [s1]
        pos = s0
        words = self.story.words_outside_quotes(s0, s1)
        np_openers = self.lang.np_openers
        for i, tok in enumerate(words):
            if len(found) >= rank.MAX_CANDIDATES:
                break
            if tok.start < pos:
                continue
            inside = next((b for a, b in cue_spans if a <= tok.start < b), -1)
            if inside >= 0:
                pos = inside  # a cue's mention is a candidate already: none starts inside it
                continue
            word = tok.word
            m: Mention | None
            if word in self.lang.pronouns:
                m = Mention(tok.start, tok.end, word, pronoun=True)
            elif word in self.lang.relative_pronouns:
                m = self.speakers.relative_mention(tok.start, tok.end, s0)
            elif word in self.lang.possessive_determiners:
                # "her claim that she “never sent ...”": the owner of the words speaks
                if not rank.speech_noun_after(self.lang, text, tok.end):
                    continue
                m = Mention(tok.start, tok.end, word, pronoun=True)
            elif word[:1].isupper() or word in np_openers or word.lower() in self.lang.role_words:
                # a candidate's span is all the ranker needs: a short window will do
                hi = min([tok.start + _CANDIDATE_WINDOW] + [e for e in edges if e > tok.start])
                j = i
                while j < len(words) and words[j].end <= hi:
                    j += 1
                m = right_mention_in(self.lang, text, words[i:j], tok.start, hi, loose=True)
            else:
                continue
            if m is None:
                continue
            pos = m.end
            if any(a < m.end and m.start < b for a, b in taken):
                continue
            found.append(m)
            taken.append((m.start, m.end))
        return found

    def rank(
        self,
        q: MarkSpan,
        attr: Attr | None,
        cands: list[Mention],
        sc: list[Cue],
        s0: int,
        kind: QuoteKind,
    ) -> Attr | None:
        """The rules' speaker, unless the ranker (rank.py) scores another mention of the
        sentence higher."""
        text = self.text
        close = q.after
        pick = attr.mention if attr is not None else None
        conf = attr.confidence if attr is not None else 0.0
        pick_inside = pick is not None and any(overlaps(m, pick) for m in cands)
        rows: list[Mention | None] = [] if pick_inside else [None]
        if pick is not None and not pick_inside and s0 <= pick.start and pick.end <= close:
            rows = [pick]  # a label or tag the sentence scan does not see
            pick_inside = True
        rows.extend(_nearest(cands, q.open_at, close, pick))
        if len(rows) == 1:
            return attr  # the pick has no rival: nothing to weigh (half of all quotations)
        lo, hi = q.open_at - _RANK_REACH, close + _RANK_REACH
        sc = [c for c in sc if lo <= c.start <= hi]  # a run-on "sentence" holds hundreds
        cue_of = {(c.mention.start, c.mention.end): c for c in sc if c.mention is not None}
        before = [m for m in rows if m is not None and m.end <= q.open_at]
        after = [m for m in rows if m is not None and m.start >= close]
        near_b = max(before, key=lambda m: m.end) if before else None
        near_a = min(after, key=lambda m: m.start) if after else None
        spot = rank.Spot(
            q.open_at,
            close,
            s0,
            conf,
            quote_opens=not text[s0 : q.open_at].strip(),
            mixed=kind is QuoteKind.MIXED,
            has_cue=bool(sc),
        )
        subjects = [m for m in before if VERB_NEXT_RE.match(text, m.end)]
        near_subject = max(subjects, key=lambda m: m.end) if subjects else None
        first_subject = min(subjects, key=lambda m: m.start) if subjects else None
        sources = [m for m in before if (m.start, m.end) in cue_of]
        first_source = min(sources, key=lambda m: m.start) if sources else None
        cue_spans = [(c.start, c.end) for c in sc]
        feats: list[dict[str, float]] = []
        for m in rows:
            if m is None:
                f = rank.features(self.lang, text, None, spot, pick=attr is not None)
                if attr is None:
                    f["nobody"] = 1.0
                feats.append(f)
                continue
            c = cue_of.get((m.start, m.end))
            adjacent = c is not None and (
                (close <= c.anchor and only_glue(text[close : c.anchor]))
                or (c.finish <= q.open_at and only_glue(text[c.finish : q.open_at]))
            )
            near = c is not None and (
                (close <= c.anchor and len(text[close : c.anchor].split()) <= 3)
                or (c.end <= q.open_at and len(text[c.end : q.open_at].split()) <= 3)
            )
            is_pick = pick is not None and overlaps(m, pick)
            lo, hi = (m.end, q.open_at) if m.end <= q.open_at else (close, m.start)
            between = sum(1 for o in rows if o is not None and lo <= o.start and o.end <= hi)
            cue_between = any(lo <= a and b <= hi for a, b in cue_spans)
            feats.append(
                rank.features(
                    self.lang,
                    text,
                    m,
                    spot,
                    pick=is_pick,
                    cue_kind=c.kind if c is not None else None,
                    cue_adjacent=adjacent,
                    cue_near=near,
                    subject=near_start(text, s0, m.start),
                    nearest=m is near_b or m is near_a,
                    described=self.speakers.described_person(m),
                    between=between,
                    cue_between=cue_between,
                    subject_nearest=m is near_subject,
                    subject_first=m is first_subject,
                    source_first=m is first_source,
                )
            )
        rivals = [m is not None and not (pick is not None and overlaps(m, pick)) for m in rows]
        if self.collect is not None:
            name = attr.resolved.name if attr is not None else None
            # each candidate's name as it would resolve: the gold may judge resolved names
            peek = self.speakers.resolver.peek
            spans = [(m.start, m.end, peek(m)) if m is not None else None for m in rows]
            feats = [rank.tiered(f, conf) if r else f for f, r in zip(feats, rivals, strict=True)]
            self.collect.append((q.start, q.end, name, pick, spans, feats))
            return attr
        chosen = rows[rank.MODEL.best(feats, rivals, conf)]
        if chosen is None or (pick is not None and overlaps(chosen, pick)):
            return attr
        c = cue_of.get((chosen.start, chosen.end))
        cue = (
            self.speakers.cues.cue_text(c)
            if c is not None
            else (attr.cue if attr is not None else None)
        )
        resolved = c.resolved if c is not None and c.resolved is not None else None
        if resolved is None:
            resolved = self.speakers.resolver.resolve(chosen)
        return Attr(chosen, resolved, cue, confidence=rank.OVERRIDE_CONFIDENCE)


def _nearest(
    cands: list[Mention], q_open: int, q_close: int, pick: Mention | None
) -> list[Mention]:
    """The candidates closest to the quotation (the pick always among them), in text
    order: a run-on sentence of a thousand names costs no more than a short one."""
    if len(cands) <= _RANK_ROWS:
        return cands

    def distance(m: Mention) -> int:
        if pick is not None and overlaps(m, pick):
            return -1
        return q_open - m.end if m.end <= q_open else max(0, m.start - q_close)

    keep = sorted(cands, key=distance)[:_RANK_ROWS]
    return sorted(keep, key=lambda m: m.start)
