"""Speakers of quotations no cue word reports: a transcript label ("PENCE: ..."), a
tag after the closing mark (“Mexico!” the audience screamed), a dash or colon tag, a
relative clause, the sentence's subject, the story's latest speaker."""

from __future__ import annotations

import re

from summarizer.quotes.language import Language
from summarizer.quotes.marks import MarkSpan
from summarizer.quotes.mentions import left_mention, right_mention
from summarizer.quotes.names import Mention
from summarizer.quotes.resolve import Resolved
from summarizer.quotes.sentences import (
    LEAD_RE,
    SENT_END_RE,
    VERB_NEXT_RE,
    Story,
    near_start,
    skip_space,
)
from summarizer.quotes.speakers import Attr, Speakers, good_subject

_DASH_TAG_RE = re.compile(
    r"[ \t\u00a0]*(?:\n{1,2}[ \t]*)?[\u2015\u2014\u2013-]+[ \t\u00a0]*(?=[A-Z])"
)
_LABEL_RE = re.compile(r"\s*([A-Z][A-Z'’\-]+(?: [A-Z][A-Z'’\-]+){0,2}):\s")
_TAG_PUNCT = frozenset(",?!—–-…")
# "who he dubbed", "whom she called": a pronoun subject inside an object relative clause
_RELATIVE_SUBJECT_RE = re.compile(r"\s+(he|she|they|I|we)\s+(?:also\s+|later\s+|once\s+)?[a-z]+")


class Uncued:
    """Finds the speaker of a quotation no cue reports."""

    def __init__(self, story: Story, lang: Language, speakers: Speakers) -> None:
        self.text = story.text
        self.lang = lang
        self.speakers = speakers
        self.resolver = speakers.resolver

    def intro_subject(self, s0: int, s1: int) -> Attr | None:
        """ "Sanders made the following comment:" introduces the quotation that opens the
        next paragraph; its subject speaks."""
        m = self.speakers.sentence_subject(s0, s1)
        if m is None or m.pronoun or (m.name is None and not self.speakers.described_person(m)):
            return None
        return Attr(m, self.resolver.resolve(m), None, confidence=0.7)

    def speaker_label(self, q: MarkSpan) -> Attr | None:
        """ "PENCE: Well, look ...": a transcript's speaker label opens the quotation."""
        m = _LABEL_RE.match(self.text, q.start, q.end)
        if m is None or m.group(1).split()[0] in self.lang.label_stops:
            return None
        label = m.group(1)
        name = " ".join(w.capitalize() for w in label.split())
        mention = Mention(m.start(1), m.end(1), label, name)
        return Attr(mention, self.resolver.resolve(mention), None, confidence=0.9)

    def guess(self) -> Attr | None:
        """No cue, tag or carried speaker: the story's most recent salient speaker."""
        r = self.resolver
        sp = r.last_subject or r.last_person or (r.recent[-1] if r.recent else None)
        if sp is None:
            return None
        return Attr(None, Resolved(sp.name, sp.role, sp.anonymous), None, confidence=0.4)

    def tag_after(self, q: MarkSpan, s1: int) -> Attr | None:
        """“Mexico!” the audience screamed back: a subject right after the closing mark."""
        text = self.text
        dash = _DASH_TAG_RE.match(text, q.end + 1) if q.closed else None
        if dash is not None:
            # “Maybe, we can build a wall around Donald Trump.” ― Steve Quinlan
            m = right_mention(
                self.lang, text, dash.end(), min(len(text), dash.end() + 120), loose=True
            )
            if m is not None and (m.name is not None or self.speakers.described_person(m)):
                return Attr(m, self.resolver.resolve(m), None, confidence=0.9)
        if not q.closed or text[q.end - 1 : q.end] not in _TAG_PUNCT:
            return None
        pos = skip_space(text, q.end + 1)
        hi = text.find("\n", pos, pos + 120)
        m = right_mention(
            self.lang, text, pos, hi if hi >= 0 else min(len(text), pos + 120), loose=True
        )
        if m is None or not VERB_NEXT_RE.match(text, m.end):
            return None
        return Attr(m, self.resolver.resolve(m), "said", confidence=0.8)

    def colon_tag(self, q: MarkSpan, s0: int) -> Attr | None:
        """ "Clinton: “Our goal is ...”", "From the report: “...”": the name before a colon."""
        text = self.text
        k = q.open_at
        while k > s0 and text[k - 1] in " \t\u00a0":
            k -= 1
        if k <= s0 or text[k - 1] != ":":
            return None
        m = left_mention(self.lang, text, s0, k - 1)
        if m is None:
            head = LEAD_RE.match(text, skip_space(text, s0), k - 1)
            start = head.end() if head is not None else skip_space(text, s0)
            if text.startswith(("From ", "from "), start):
                start += 5
            m = right_mention(self.lang, text, start, k - 1)
            if m is None or m.end != k - 1:
                return None
        elif m.text[:1].islower() and not m.pronoun and not near_start(text, s0, m.start):
            # "Obama is rolling out a new campaign message: “...”": the message is an
            # object; the one whose message it is speaks
            subject = self.speakers.sentence_subject(s0, m.start)
            if subject is not None and (subject.name is not None or subject.pronoun):
                m = subject
        return Attr(m, self.resolver.resolve(m), "said", confidence=0.75)

    def relative_who(self, q: MarkSpan, s0: int) -> Attr | None:
        """ "Democrats across the country, who highlighted comments ... “sort of hopes”": the
        relative clause that carries the quotation speaks; its mention is "who"."""
        text = self.text
        who = max(text.rfind(" who ", s0, q.open_at), text.rfind(" whom ", s0, q.open_at))
        if who < 0 or "," in text[who : q.open_at] or SENT_END_RE.search(text, who, q.open_at):
            return None
        inner = _RELATIVE_SUBJECT_RE.match(text, text.index(" ", who + 1))
        if inner is not None:
            # "Marco Rubio, who he dubbed “the little senator”": "who" is the object; the
            # relative clause's own subject speaks
            m = Mention(inner.start(1), inner.end(1), inner.group(1), pronoun=True)
            return Attr(m, self.resolver.resolve(m), "said", confidence=0.7)
        if text.startswith(" whom ", who):
            return None
        k = who
        while k > s0 and text[k - 1] in " ,":
            k -= 1
        ante = left_mention(self.lang, text, s0, k)
        if ante is None or ante.pronoun:
            return None
        m = Mention(who + 1, who + 4, "who", ante.name or ante.text, ante.role)
        return Attr(m, self.resolver.resolve(m), "said", confidence=0.7)

    def subject(self, q: MarkSpan, s0: int, *, any_np: bool = False) -> Attr | None:
        """ "Huckabee is labeling the actions “...”": the sentence's subject speaks.

        ``any_np`` (a last resort) also takes subjects that are neither a name nor a
        person ("The council voted for a resolution that “condemns ...”")."""
        text = self.text
        pos = skip_space(text, s0)
        head = LEAD_RE.match(text, pos, q.open_at)
        if head is not None:
            pos = head.end()
        m = right_mention(self.lang, text, pos, q.open_at, loose=any_np)
        if m is None or m.end >= q.open_at or not VERB_NEXT_RE.match(text, m.end):
            return None
        if (
            m.name is None
            and not m.pronoun
            and not self.speakers.described_person(m)
            and not any_np
        ):
            return None
        if not good_subject(m):
            return None
        confidence = 0.45 if any_np else 0.7
        return Attr(m, self.resolver.resolve(m), "said", confidence=confidence)
