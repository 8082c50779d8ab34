"""What a quotation is besides words someone said: a title, a web address, a programme,
a headline, a subheading; whether it is direct or mixed; and the features the short
quotation model (short.py) reads."""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.domain import QuoteKind
from summarizer.folding import QUOTE_LIKE
from summarizer.quotes.cues import Cue
from summarizer.quotes.language import Language
from summarizer.quotes.marks import MarkSpan
from summarizer.quotes.sentences import NEXT_WORD_RE, PREV_WORD_RE, SENT_END_RE, Story, skip_space
from summarizer.quotes.speakers import Attr

_TITLE_BEFORE_RE = re.compile(
    r"(?:[’']s|\b(?:show|program|programme|book|film|movie|song|titled|called|dubbed|"
    r"series|column|op-ed|article|headline|documentary|podcast|album|novel|memoir|sitcom|"
    r"anthem|on|of|in|the))\s*\Z"
)
_TITLE_AFTER_RE = re.compile(
    r"[,.]?\s+(?:star|stars|co-star|actor|actress|cast|host|co-host|creator|showrunner)\b"
)
# “Crippled America: How to Make America Great Again”: a title, a colon, a subtitle
_SUBTITLE_RE = re.compile(r"[A-Z0-9][^:\n]{0,60}\w: [A-Z0-9]")
# '“Museum to close,” by the Post’s Jo Roe': a headline and its byline
_BYLINE_AFTER_RE = re.compile(
    r"[,.]?\s+by\s+(?:the\s+)?(?:[A-Z][\w.&\-]*\s+){0,4}[A-Z][\w.&\-]*(?:[’']s|s[’'])\s+[A-Z]"
)
# '(“Roe wins,” USATODAY.com, Thursday)': a headline cited with its publication and date
_CITED_AFTER_RE = re.compile(
    r"[,.]?\s+(?:the\s+)?[A-Z][\w.&\-]*(?:\s+[A-Z][\w.&\-]*){0,3},\s+(?:Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|March|April|May|June|July|Aug|Sept|"
    r"Oct|Nov|Dec|\d)[^()\n]{0,30}\)"
)
# 'click “sign up”': the label of a button, not words anyone said
_CONTROL_BEFORE_RE = re.compile(r"\b(?:[Cc]lick|[Tt]ap|[Pp]ress|[Ss]elect)\s+(?:on\s+)?\Z")
# the programme a speaker was told or interviewed on: 'told “Fox and Friends”'
_TOLD_ON_RE = re.compile(
    r"\b(?:told|tells|tell|telling|interview with|interviewed on|appearance on|appeared on|"
    r"appearing on|speaking on|spoke on|said on)\s+\Z"
)
_URL_ONLY_RE = re.compile(r"(?:https?://|www\.)\S+\Z")
# '“No to Schengen” (2005)', '“...” (election poster 2003)': a dated slogan or work
_YEAR_AFTER_RE = re.compile(r"[ \t]*\((?:[^()\n]{0,40}\s)?(?:1[89]|20)\d\d\)")
_POSSESSIVE_END_RE = re.compile(r"\w[’']s\s*\Z")
_LINE_OPENS_RE = re.compile(r"(?:\A|\n)[ \t]*\Z")
_LINE_ENDS_RE = re.compile(r'[ \t.!?\u201d"]{0,8}(?:\n|\Z)')
# 'what's called “farmer's lung”', 'has been dubbed “feather duvet lung”': a name for
# something, given by no one in particular (PolNeAR credits 'called “…” by Hendrick')
_NAMED_PASSIVE_RE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|it[’']s|what[’']s|also|often|commonly|sometimes|"
    r"now|widely)\s+(?:called|dubbed|known\s+as|termed|nicknamed|named|labell?ed|branded|"
    r"referred\s+to\s+as)[\s,:]*\Z",
    re.IGNORECASE,
)
# 'Trump called the pageant winner “Miss Piggy”', 'his references to Machado as “…”':
# someone names it, so the name is their words
_NAMED_ACTIVE_RE = re.compile(
    r"\b(?:call(?:s|ed|ing)?|dub(?:s|bed|bing)?|label(?:s|ed|led|ing|ling)?|brand(?:s|ed|ing)|"
    r"nicknam(?:es|ed|ing)|describ(?:es|ed|ing)|referr?(?:s|ed|ing)\s+to|references?\s+to)\b"
)
_BY_AFTER_RE = re.compile(r"[,.]?\s+by\s")
# 'the nickname of “bird fancier's lung”', 'the term “pivot”', 'so-called “deep state”'
# (not "the words “…”": those are mostly someone's words, quoted as such)
_NAMED_TERM_RE = re.compile(
    r"(?:\b(?:term|nickname|name|phrase|label|moniker|slogan|tagline|motto|"
    r"catchphrase|hashtag|brand|campaign)(?:\s+of)?|\bso-called)[\s,:]*\Z",
    re.IGNORECASE,
)
# '“Mary Poppins” and “Bambi”', '“lack of remorse” or “sympathy”': quotations in a list
_LIST_AFTER_RE = re.compile(r"[ \t]*,?[ \t]*(?:and|or|,)[ \t]+[\u201c\"]")
_LIST_BEFORE_RE = re.compile(r"[\u201d\"][ \t]*,?[ \t]*(?:and|or|,)?[ \t]*\Z")
_TERM_WINDOW = 3000


class _Near(NamedTuple):
    """The lower-cased story around a quotation: ``text[lo:hi]``, the quotation at ``at``
    from ``lo``."""

    text: str
    lo: int
    hi: int
    at: int


class QuotedSpans:
    """Reads one story's quotations for what they are."""

    def __init__(self, story: Story, lang: Language) -> None:
        self.text = story.text
        self.lang = lang
        self._lower: str | None = None

    def _near(self, q: MarkSpan) -> _Near:
        """The story around ``q`` in lower case, and where the quotation starts in it: the
        term features look this far (a bounded window keeps a long story linear)."""
        lo = max(0, q.start - _TERM_WINDOW)
        hi = min(len(self.text), q.end + _TERM_WINDOW)
        if self._lower is None:
            lower = self.text.lower()
            # lower-cased once a story, when that is the same as lower-casing each window:
            # no letter becomes two and no capital sigma (whose small form depends on the
            # letters around it)
            same = len(lower) == len(self.text) and "\u03a3" not in self.text
            self._lower = lower if same else ""
        if self._lower:
            return _Near(self._lower, lo, hi, q.start - lo)
        near = self.text[lo:hi].lower()
        return _Near(near, 0, len(near), q.start - lo)

    @staticmethod
    def _repeated(near: _Near, inner: str) -> bool:
        """Do the quoted words occur again nearby (a term the story goes on using)?"""
        key = inner.strip(" ,.!?;:").lower()
        if len(key) < 4:
            return False
        text, lo, hi = near.text, near.lo, near.hi
        first = text.find(key, lo, hi)
        return first >= 0 and text.find(key, first + 1, hi) >= 0

    @staticmethod
    def _topical(near: _Near, tokens: list[str]) -> bool:
        """Is the quotation's last word, a lower-case noun-like word, one the story keeps
        using ("hot tub lung" in a story about lungs): a term of the topic?"""
        last = tokens[-1].strip(" ,.!?;:’'\u201d\"").lower() if tokens else ""
        if len(last) < 4 or not last.isalpha() or not tokens[-1][:1].islower():
            return False
        return near.text.count(last, near.lo, near.hi) >= 4

    @staticmethod
    def _unquoted_again(near: _Near, inner: str) -> bool:
        """Do the quoted words occur nearby without quotation marks ("Feather duvet lung
        is a type of ...": the story uses the term as its own words)?"""
        key = inner.strip(" ,.!?;:").lower()
        text, lo, hi = near.text, near.lo, near.hi
        at = lo + near.at
        pos = text.find(key, lo, hi)
        while pos >= 0:
            if abs(pos - at) > 2 and (pos == lo or text[pos - 1] not in QUOTE_LIKE):
                return True
            pos = text.find(key, pos + 1, hi)
        return False

    def short_features(
        self,
        q: MarkSpan,
        sc: list[Cue],
        s0: int,
        attr: Attr | None,
        kind: QuoteKind,
        title: bool,
        words: int,
    ) -> dict[str, float]:
        text, lang = self.text, self.lang
        inner = text[q.start : q.end].strip()
        tokens_in = inner.split()
        conf = attr.confidence if attr is not None else 0.0
        before = text[max(s0, q.open_at - 40) : q.open_at]
        passive = _NAMED_PASSIVE_RE.search(before) is not None and not (
            q.closed and _BY_AFTER_RE.match(text, q.end + 1)
        )
        if passive:
            conf = 0.0  # "is called “…”": the naming verb reports no one's words
        cue_gap = min(
            (len(text[c.finish : q.open_at].split()) for c in sc if c.finish <= q.open_at),
            default=-1,
        )
        prev = PREV_WORD_RE.search(before)
        prev_word = prev.group(1).lower() if prev else ""
        after = text[q.end + 1 : q.end + 30] if q.closed else ""
        nxt = NEXT_WORD_RE.match(after)
        f = {
            "bias": 1.0,
            "words_1": float(words == 1),
            "words_2": float(words == 2),
            "words_3": float(words == 3),
            "words_4_6": float(words >= 4),
            "title": float(title),
            "title_case": float(
                all(w[:1].isupper() or w in lang.title_small_words for w in tokens_in)
            ),
            "first_upper": float(inner[:1].isupper()),
            "mixed": float(kind is QuoteKind.MIXED),
            "conf_adjacent": float(conf >= 1.0),
            "conf_before": float(0.94 <= conf < 1.0),
            "conf_after": float(0.85 <= conf < 0.9),
            "conf_tag": float(0.75 <= conf < 0.85 or 0.9 <= conf < 0.94),
            "conf_subject": float(0.65 <= conf < 0.75),
            "conf_carry": float(0.5 <= conf < 0.65),
            "conf_none": float(conf < 0.5),
            "sentence_has_cue": float(bool(sc)),
            "prev_naming": float(prev_word in lang.naming_words and not passive),
            "prev_determiner": float(
                prev_word in lang.determiners_and_possessives or prev_word.endswith(("’s", "'s"))
            ),
            "prev_cue": float(prev_word in self.lang.cue_words and not passive),
            "prev_preposition": float(prev_word in lang.quote_prepositions),
            "prev_colon": float(before.rstrip().endswith(":")),
            "sentence_start": float(not text[s0 : q.open_at].strip()),
            "ends_with_punct": float(inner[-1:] in ",.!?"),
            "has_digit": float(any(ch.isdigit() for ch in inner)),
            "all_caps": float(inner.isupper()),
            "next_noun_like": float(nxt is not None and nxt.group(1).islower()),
        }
        f["named_passive"] = float(passive)
        f["cue_far"] = float(cue_gap >= 8)

        f["named_active"] = float(not passive and _NAMED_ACTIVE_RE.search(before) is not None)
        f["named_term"] = float(_NAMED_TERM_RE.search(before) is not None)
        near = self._near(q)
        f["repeated"] = float(self._repeated(near, inner))
        f["repeated_unquoted"] = f["repeated"] and float(self._unquoted_again(near, inner))
        f["head_topical"] = float(self._topical(near, tokens_in))
        f["in_list"] = float(
            (q.closed and _LIST_AFTER_RE.match(text, q.end + 1) is not None)
            or _LIST_BEFORE_RE.search(text, max(0, q.open_at - 8), q.open_at) is not None
        )
        f["list_intro"] = float(prev_word in lang.list_intros)
        f["clause_words"] = float(
            any(w.strip(",.!?;:").lower() in lang.clause_words for w in tokens_in)
        )
        f["in_parens"] = float(before.rstrip()[-1:] == "(")
        f["one_word_unattributed"] = f["words_1"] * float(conf < 0.9)
        f["title_case_no_cue"] = f["title_case"] * (1.0 - f["sentence_has_cue"])
        f["short_guess"] = float(words <= 3 and conf < 0.65)
        f["lower_no_cue"] = (1.0 - f["first_upper"]) * (1.0 - f["sentence_has_cue"])
        return f

    def kind(self, q: MarkSpan, cue: Cue | None) -> QuoteKind:
        text = self.text
        first = skip_space(text, q.start)
        if cue is not None and cue.finish <= q.open_at:
            gap = text[cue.finish : q.open_at].strip()
            if gap.rstrip(",:") and not text[first : first + 1].isupper():
                return QuoteKind.MIXED
        if text[first : first + 1].islower():
            return QuoteKind.MIXED
        return QuoteKind.DIRECT

    def is_title(self, q: MarkSpan) -> bool:
        """“Meet the Press”, "The Axe Files": titles, not speech."""
        inner = self.text[q.start : q.end].strip(" ,.")
        words = inner.split()
        if not words or len(words) > 9 or SENT_END_RE.search(inner):
            return False
        caps = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
        if caps < max(1, (len(words) + 1) // 2) or not words[0][:1].isupper():
            return False
        before = self.text[max(0, q.open_at - 30) : q.open_at]
        if _TITLE_BEFORE_RE.search(before) is not None:
            return True
        # "“Orange is the New Black” star Dascha Polanco": the show's people follow it
        return q.closed and _TITLE_AFTER_RE.match(self.text, q.end + 1) is not None

    def with_its_people(self, q: MarkSpan) -> bool:
        """“Meet the Press” host Chuck Todd: a title followed by its star or host is a
        show's name, however short, and whatever cue the sentence has."""
        return (
            q.closed
            and _TITLE_AFTER_RE.match(self.text, q.end + 1) is not None
            and self.is_title(q)
        )

    def web_address(self, q: MarkSpan) -> bool:
        """'...they can buy." http://nyti.ms/1U0X.': a web address between stray marks."""
        text = self.text
        pos = q.start
        while pos < q.end and text[pos] in " ,.!?":
            pos += 1
        if not text.startswith(("http", "www."), pos):
            return False  # most quotations: no slice of their words
        return _URL_ONLY_RE.match(text[pos : q.end].strip(" ,.!?")) is not None

    def programme(self, q: MarkSpan) -> bool:
        """'Roe told “Fox and Friends”', 'in an interview with “Fox News Sunday”': a
        title-case name the words were told to or spoken on is a programme, even after a
        cue (what was said is elsewhere)."""
        text = self.text
        if _TOLD_ON_RE.search(text, max(0, q.open_at - 24), q.open_at) is None:
            return False
        words = text[q.start : q.end].strip(" ,.!?").split()
        small = self.lang.title_small_words
        return (
            len(words) >= 2
            and words[-1][:1].isupper()
            and all(w[:1].isupper() or w[:1].isdigit() or w in small or w == "&" for w in words)
        )

    def not_speech(self, q: MarkSpan) -> bool:
        """Quoted words no one is reported as saying, of any length: a work's title with
        its subtitle (“13 Hours: The Secret Soldiers of Benghazi”), a headline credited to
        a byline or a publication (“Museum to close,” by the Post's Jo Roe; (“Roe wins,”
        USATODAY.com, Thursday)), a slogan or poster dated by a year in brackets (“No to
        Schengen” (2005)), a capitalised subheading on a line of its own, a button to click
        (click “sign up”)."""
        text = self.text
        inner = text[q.start : q.end].strip(" ,.!?")
        if _subtitled(inner, self.lang.title_small_words):
            return True
        if _CONTROL_BEFORE_RE.search(text, max(0, q.open_at - 16), q.open_at) is not None:
            return True
        if q.closed and (
            _BYLINE_AFTER_RE.match(text, q.end + 1) is not None
            or _YEAR_AFTER_RE.match(text, q.end + 1) is not None
            or (text[q.open_at - 1 : q.open_at] == "(" and _CITED_AFTER_RE.match(text, q.end + 1))
        ):
            return True
        return _subheading(text, q, inner)

    def owned_title(self, q: MarkSpan, feats: dict[str, float]) -> bool:
        """ABC's “This Week With George Stephanopoulos”: a title-case name after a
        possessive is a programme or a work, not what someone said."""
        if not feats["title_case"] or feats["words_1"]:
            return False
        return _POSSESSIVE_END_RE.search(self.text, max(0, q.open_at - 4), q.open_at) is not None


def _subtitled(inner: str, small: frozenset[str]) -> bool:
    """Is ``inner`` a title with a subtitle, every word capitalised but small ones?"""
    if _SUBTITLE_RE.match(inner) is None or SENT_END_RE.search(inner) is not None:
        return False
    words = inner.split()
    if len(words) < 3 or (len(words[0]) > 1 and words[0].isupper()):
        return False  # "PENCE: We Will Win": a transcript label, not a title
    return all(w[:1].isupper() or w[:1].isdigit() or w in small for w in words)


_LINE_OPENS_RE = re.compile(r"(?:\A|\n)[ \t]*\Z")
_LINE_ENDS_RE = re.compile(r'[ \t.!?\u201d"]{0,8}(?:\n|\Z)')


def _subheading(text: str, q: MarkSpan, inner: str) -> bool:
    """A subheading: a capitalised line that is only a quotation (“DIVISIVE, STUPID AND
    WRONG” between two paragraphs)."""
    if not inner.isupper() or len(inner.split()) < 2:
        return False
    # look only at the line's ends next to the marks: a long line costs nothing more
    return (
        _LINE_OPENS_RE.search(text, max(0, q.open_at - 8), q.open_at) is not None
        and _LINE_ENDS_RE.match(text, q.end) is not None
    )
