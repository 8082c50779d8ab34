"""From story text to `Quote`s: pair marks, find cues, attach speakers, add indirect speech.

One pass over sentences in order. Each quotation takes the first of: a transcript
label inside it ("PENCE: ..."); the cue right after it (",” he said"); the cue
before it in its sentence ("X said ... “fragment”", the outer speaker when later
cues sit in that cue's that-clause); the next cue in its sentence; a speaker tag
with any verb after the closing mark (“Mexico!” the audience screamed); a dash
attribution (“...” ― Name); a colon tag (Clinton: “...”); the sentence's earlier
quotation; the sentence subject; the paragraph's speaker, or the last one of the
paragraph before when a paragraph opens with a quotation; any subject noun phrase
of the sentence; the story's latest salient speaker. ``Quote.confidence`` records
which (1.0 down to 0.4). Quotations of up to six words go through a small model
(short.py) that drops scare quotes and titles. Cues left without a quotation
become indirect attributions whose content is the clause after the cue, or the
front of the sentence for a tag at its end ("..., a source said.").

The parts, each in its module: `sentences.Story` (text, marks, sentences), `cues.Cues`,
`speakers.Speakers` (a cue's mention, resolved), `uncued.Uncued` (speakers without a
cue), `quoted.QuotedSpans` (titles, headlines, direct or mixed), `choose.Chooser` (the
learned ranker), `content.ReportedClauses` (what a cue reports). They read the
language through one `language.Language` (English by default).
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

from bot.domain import Quote, QuoteKind, Span
from summarizer.quotes import cue_score, rank, short
from summarizer.quotes.choose import Chooser, RankExample
from summarizer.quotes.content import ReportedClauses
from summarizer.quotes.cues import Cue, Cues
from summarizer.quotes.language import ENGLISH, Language
from summarizer.quotes.marks import MarkSpan
from summarizer.quotes.names import Mention
from summarizer.quotes.quoted import QuotedSpans
from summarizer.quotes.sentences import Story, strip, word_count
from summarizer.quotes.speakers import Attr, Speakers, weaker
from summarizer.quotes.uncued import Uncued

__all__ = ["Extractor", "RankExample", "extract"]

_COLON_LINE_RE = re.compile(r"[ \t]*([A-Z][\w.’'\-]*(?: [A-Z][\w.’'\-]*){0,3}): (?=\S)")
_INTRO_ENDS = frozenset({"", ":", ".", ",", ":\u201c", ':"'})
_NEST_LOOKBACK = 8


class Extractor:
    """One story's extraction; use `extract` rather than this class directly."""

    def __init__(self, text: str, lang: Language = ENGLISH) -> None:
        self.story = story = Story(text, lang)
        self.original = story.original
        self.text = story.text
        self.marks = story.marks
        self.sents = story.sents
        self.lang = lang
        self.cues = Cues(story, lang)
        self.speakers = Speakers(story, lang, self.cues)
        self.uncued = Uncued(story, lang, self.speakers)
        self.quoted = QuotedSpans(story, lang)
        self.chooser = Chooser(story, lang, self.speakers)
        self.clauses = ReportedClauses(story, lang)
        self.resolver = self.speakers.resolver
        self.out: list[Quote] = []
        # training mode (summarizer/quotes/train_short.py): keep every short quotation
        # and record its features instead of asking the model
        self.collect: list[tuple[int, int, dict[str, float]]] | None = None
        # training mode (summarizer/quotes/train_cues.py): report every cue's clause and
        # record its features instead of asking the cue model
        self.cue_collect: list[tuple[int, int, dict[str, float], Attr]] | None = None

    @property
    def rank_collect(self) -> list[RankExample] | None:
        """Training mode (summarizer/quotes/train_rank.py): the ranker's examples."""
        return self.chooser.collect

    @rank_collect.setter
    def rank_collect(self, value: list[RankExample] | None) -> None:
        self.chooser.collect = value

    def run(self) -> list[Quote]:
        cues = self.cues.find()
        ci = qi = 0
        para_attr: Attr | None = None
        prev_para_attr: Attr | None = None
        para_start = 0
        for s0, s1 in self.sents:
            if self.text.rfind("\n", para_start, s0) >= 0 or s0 == 0:
                prev_para_attr, para_attr = para_attr, None
                para_start = s0
            sc: list[Cue] = []
            while ci < len(cues) and cues[ci].start < s1:
                if cues[ci].start >= s0:
                    sc.append(cues[ci])
                ci += 1
            sq: list[MarkSpan] = []
            while qi < len(self.marks) and self.marks[qi].open_at < s1:
                sq.append(self.marks[qi])
                qi += 1
            if s0 == para_start:
                self._colon_line(s0, sq)
            self.speakers.note_subject(s0, s1, sq)
            self.speakers.cue_mentions(sc, sq, s0, s1)
            opens = self._opens_with_quote(s0, para_start)
            carry = para_attr or (prev_para_attr if opens else None)
            last = self._sentence(sc, sq, s0, s1, carry)
            para_attr = last or para_attr
        return self._finish()

    def _opens_with_quote(self, s0: int, para_start: int) -> bool:
        head = self.text[para_start : s0 + 2].lstrip()
        return head[:1] in '\u201c"\u00ab\u201e'

    def _sentence(
        self, sc: list[Cue], sq: list[MarkSpan], s0: int, s1: int, carry: Attr | None
    ) -> Attr | None:
        last: Attr | None = None
        where = -1
        cands: list[Mention] | None = None
        for q in sq:
            words = word_count(self.text, q)
            title = self.quoted.is_title(q)
            if (
                (title and (words > short.SHORT_MAX or self.quoted.with_its_people(q)))
                or self.quoted.web_address(q)
                or self.quoted.programme(q)
            ):
                continue
            label = self.uncued.speaker_label(q)
            cue, conf = (None, 0.0) if label is not None else self.cues.cue_for(q, sc, s0)
            if cue is None and self.quoted.not_speech(q):
                continue  # (a title a cue reports on is part of the reported words)
            attr: Attr | None
            if label is not None:
                attr = label
            elif cue is not None:
                attr = self.speakers.attr(cue)
                if attr is not None and conf < 1.0:
                    attr = replace(attr, confidence=conf)
            else:
                attr = (
                    self.uncued.tag_after(q, s1)
                    or self.uncued.colon_tag(q, s0)
                    or weaker(last, 0.75)
                    or self.uncued.relative_who(q, s0)
                    or self.uncued.subject(q, s0)
                    or weaker(carry, 0.6)
                )
            if cue is not None and not title:
                cue.used = True
            kind = self.quoted.kind(q, cue)
            if words <= short.SHORT_MAX:
                # speech, or a scare quote or a title? a small model decides
                feats = self.quoted.short_features(q, sc, s0, attr, kind, title, words)
                if self.collect is not None:
                    self.collect.append((q.start, q.end, feats))
                elif not short.keep(feats) or (title and self.quoted.owned_title(q, feats)):
                    continue
                if cue is not None:
                    cue.used = True
            if attr is None:
                attr = self.uncued.subject(q, s0, any_np=True) or self.uncued.guess()
            if rank.MODEL or self.chooser.collect is not None:
                if cands is None:
                    cands = self.chooser.candidates(sc, sq, s0, s1)
                attr = self.chooser.rank(q, attr, cands, sc, s0, kind)
            self._emit_quote(q, self.speakers.owner_or_coreferent(q, attr, sc, s0, s1), kind)
            if cue is not None and attr is not None and not cue.clause:
                self._emit_clause(q, cue, attr, s0, s1)
            if attr is not None:
                last = attr
                where = max(where, q.end)
        # the attribution the sentence ends on carries over: the rightmost one
        final = last
        for a, b in pairwise(sc):
            # "Trump, the senior official continued, believes X": the tag reports X
            if (
                b.mention is not None
                and a.mention is not None
                and b.mention.end <= a.mention.start
                and self.text[a.end : b.start].strip() == ","
            ):
                b.used = True
                a.content_from = b.end
        for c in sc:
            if not c.used and c.mention is not None and c.resolved is not None:
                attr = self.speakers.attr(c)
                emitted = attr is not None and self._emit_indirect(c, attr, sq, s0, s1)
                if emitted and where < 0:
                    final, where = attr, c.start
                elif (
                    attr is not None
                    and where < 0
                    and c.kind == "speech"
                    and self.text[c.finish : s1].strip() in _INTRO_ENDS
                ):
                    # "Reporter Jomana Karadsheh says:" introduces what follows
                    final, where = replace(attr, confidence=0.7), c.start
        if final is None and not sq and self.text[s0:s1].rstrip().endswith(":"):
            final = self.uncued.intro_subject(s0, s1)
        return final

    def _colon_line(self, s0: int, sq: list[MarkSpan]) -> None:
        """ "Joe Scarborough: Trump Playing Dumb Is ‘Disqualifying.’": a paragraph that
        opens with a name and a colon reports what follows, to the paragraph's end."""
        text = self.text
        m = _COLON_LINE_RE.match(text, s0)
        if m is None or m.group(1).split()[0] in self.lang.label_stops | self.lang.non_name_caps:
            return
        if any(q.open_at <= m.end() + 1 for q in sq):
            return  # “...” right after the colon: the colon tag handles it
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        s, e = strip(text, m.end(), end)
        if len(text[s:e].split()) < 3:
            return
        mention = Mention(m.start(1), m.end(1), m.group(1), m.group(1))
        attr = Attr(mention, self.resolver.resolve(mention), None, confidence=0.7)
        self._emit(s, e, QuoteKind.INDIRECT, attr)

    def _emit_quote(self, q: MarkSpan, attr: Attr | None, kind: QuoteKind) -> None:
        s, e = strip(self.text, q.start, q.end)
        if e <= s:
            return
        self._emit(s, e, kind, attr)

    def _emit_clause(self, q: MarkSpan, c: Cue, attr: Attr, s0: int, s1: int) -> None:
        """ "told them that any U.S. involvement would be “minimal.”": besides the quoted
        fragment, the reported clause that carries it is an attribution of its own."""
        span = self.clauses.around(q, c, s0, s1)
        if span is None:
            return
        s, e = span
        c.clause = True
        self._emit(s, self.clauses.close_marks(s, e), QuoteKind.INDIRECT, attr)

    def _emit_indirect(self, c: Cue, attr: Attr, sq: list[MarkSpan], s0: int, s1: int) -> bool:
        span = self.clauses.content(c, s0, s1)
        if span is None:
            return False
        s, e = span
        words = self.text[s:e].split()
        if len(words) < 2 and not (words and words[0].lower() in self.lang.answers):
            return False  # but "half said so", "72 percent said yes"
        if any(q.start <= s and e <= q.end for q in sq):
            return False
        e = self.clauses.close_marks(s, e)
        feats = cue_score.features(self.lang, self.text, c, attr, s, e, s0)
        if self.cue_collect is not None:
            self.cue_collect.append((s, e, feats, attr))
        elif not cue_score.keep(feats):
            return False  # "pleaded guilty", "found dead": not a report
        self._emit(s, e, QuoteKind.INDIRECT, attr)
        return True

    def _emit(self, s: int, e: int, kind: QuoteKind, attr: Attr | None) -> None:
        if attr is None:
            self.out.append(Quote(self.original[s:e], s, e, kind, confidence=0.5))
            return
        m, r = attr.mention, attr.resolved
        self.out.append(
            Quote(
                text=self.original[s:e],
                start=s,
                end=e,
                kind=kind,
                speaker=r.name,
                speaker_role=r.role,
                speaker_mention=Span(m.start, m.end) if m is not None else None,
                cue=attr.cue,
                anonymous=r.anonymous,
                confidence=attr.confidence,
            )
        )

    def _finish(self) -> list[Quote]:
        renames = self.resolver.renames
        out = _drop_nested_reports(self.out)
        if renames:
            roles = {
                new: sp.role for new in renames.values() if (sp := self.resolver.by_name.get(new))
            }
            out = [_renamed(q, renames, roles) for q in out]
        return sorted(out, key=lambda q: (q.start, q.end))


def _drop_nested_reports(quotes: list[Quote]) -> list[Quote]:
    """An indirect report lying inside another one and covering at least half of it is
    the same content found twice ("Roe said [he supports [raising Pell grants]]": the
    report of "supports" inside the report of "said"): keep the outer one."""
    reports = sorted(
        (q for q in quotes if q.kind is QuoteKind.INDIRECT), key=lambda q: (q.start, -q.end)
    )
    nested: set[tuple[int, int]] = set()
    for i, q in enumerate(reports):
        # the few reports opening just before: a bounded look-back keeps this linear
        for o in reports[max(0, i - _NEST_LOOKBACK) : i]:
            if (
                q.end <= o.end
                and (o.start, o.end) != (q.start, q.end)
                and 2 * (q.end - q.start) >= o.end - o.start
            ):
                nested.add((q.start, q.end))
                break
    if not nested:
        return quotes
    return [q for q in quotes if q.kind is not QuoteKind.INDIRECT or (q.start, q.end) not in nested]


def _renamed(q: Quote, renames: dict[str, str], roles: dict[str, str | None]) -> Quote:
    if q.speaker not in renames:
        return q
    name = renames[q.speaker]
    return Quote(
        q.text,
        q.start,
        q.end,
        q.kind,
        name,
        q.speaker_role or roles.get(name),
        q.speaker_mention,
        q.cue,
        q.anonymous,
        q.confidence,
    )


def extract(text: str, lang: Language = ENGLISH) -> list[Quote]:
    """All attributed quotes in ``text``, sorted by start."""
    return Extractor(text, lang).run()
