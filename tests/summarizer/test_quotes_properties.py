"""Property tests: extract_quotes never raises and its offsets always slice."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import Quote
from summarizer import extract_quotes
from summarizer.quotes import cues, marks, mentions, resolve, words
from summarizer.quotes.extract import Extractor
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.quoted import QuotedSpans
from summarizer.quotes.sentences import Story
from summarizer.quotes.words import tokens

MARKS = "\u201c\u201d\u00ab\u00bb\u201e\"'\u2018\u2019"
# words, quotation marks, newlines and the glue that speaker tags are made of
ALPHABET = st.sampled_from(
    list(MARKS)
    + list(" \n\t.,;:!?()[]—–-…")
    + ["said", "says", "told", "according to", "he", "she", "the", "official", "Trump", "Mr."]
    + ["Lavrov", "a", "that", " ", "  ", "\n\n", "\u05e9\u05dc\u05d5\u05dd", "\u0627\u0644"]
)
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(exclude_categories=["Cs"])),
    st.lists(ALPHABET, max_size=80).map("".join),
    st.lists(st.one_of(ALPHABET, st.text(max_size=5)), max_size=60).map(" ".join),
)


def _check(text: str, quotes: list[Quote]) -> None:
    assert isinstance(quotes, list)
    for q in quotes:
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start : q.end] == q.text
        if q.speaker_mention is not None:
            assert 0 <= q.speaker_mention.start <= q.speaker_mention.end <= len(text)
    assert quotes == sorted(quotes, key=lambda q: (q.start, q.end))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_never_raises_and_offsets_slice(text: str) -> None:
    _check(text, extract_quotes(text))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["“", "”", '"', "«", "»", "„"]), max_size=50), st.text(max_size=30))
def test_marks_only(marks: list[str], filler: str) -> None:
    text = filler.join(marks)
    _check(text, extract_quotes(text))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200), st.sampled_from(["said", "says", "told"]))
def test_quote_sandwich(before: str, inside: str, cue: str) -> None:
    text = f"{before} “{inside},” {cue} Jane Doe. {before}"
    _check(text, extract_quotes(text))


def test_non_string_and_empty_inputs() -> None:
    assert extract_quotes("") == []
    assert extract_quotes(None) == []  # type: ignore[arg-type]
    assert extract_quotes(b"bytes") == []  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_words_outside_quotes_are_the_sentence_scan_filtered(text: str) -> None:
    # the candidate scan skips quoted words without reading them: it must see exactly the
    # words a scan of the whole sentence keeps outside quotations
    ex = Extractor(text)
    for s0, s1 in [*ex.sents, (0, len(ex.text))]:
        whole = [w for w in tokens(ex.text, s0, s1) if not ex.story.in_quote(w.start)]
        assert ex.story.words_outside_quotes(s0, s1) == whole


# the word pattern as first written; words._WORD_RE is its unrolled, faster form
_PLAIN_WORD_RE = re.compile(r"[^\W_](?:[\w\-&\u0080-\u00bf]|[’'](?=\w)|\.(?=\w|-\w))*\.?[’']?s?")
WORDY = st.lists(st.sampled_from([*"aZs.’'-_ &\u00a9\u0080é1 ,\n\u0301", "U.S.", "Mr."]))


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXTS, WORDY.map("".join)), st.data())
def test_words_are_found_where_the_plain_pattern_finds_them(text: str, data: st.DataObject) -> None:
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    plain = [m.span() for m in _PLAIN_WORD_RE.finditer(text, lo, hi)]
    assert [m.span() for m in words._WORD_RE.finditer(text, lo, hi)] == plain
    for tok, (start, end) in zip(tokens(text, lo, hi), plain, strict=True):
        assert tok.start == start and tok.end in (end, end - 1)
        assert text[tok.start : tok.end] == tok.word


# the patterns as first written; the modules hold forms that open with a character
# test, which the regex engine scans for at C speed
_PLAIN_BOUNDARY_RE = re.compile(
    r"[.!?…]+[\"\u201d\u2019')\]]*\s+(?=(?:''|[\"\u201c\u2018(\[])?[A-Z0-9])|\n+"
)
_PLAIN_FULL_RE = re.compile(r"\b(?=([A-Z][a-z]+) (?:[A-Z]\. )?([A-Z]\w*(?:['’\-](?!s\b)\w+)*)\b)")
PUNCTUATED = st.lists(
    st.sampled_from(
        [*".!?…\n\"”’')] ‘“([aZ0,;:", "''", ".…", "?!", "Jo ", "Roe", "A. ", "Said ", "said "]
    )
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXTS, PUNCTUATED.map("".join)))
def test_fast_patterns_match_where_the_plain_ones_do(text: str) -> None:
    assert [m.span() for m in marks._BOUNDARY_RE.finditer(text)] == [
        m.span() for m in _PLAIN_BOUNDARY_RE.finditer(text)
    ]
    assert [(m.span(), m.groups()) for m in resolve._FULL_RE.finditer(text)] == [
        (m.span(), m.groups()) for m in _PLAIN_FULL_RE.finditer(text)
    ]
    plain_cue = re.compile(
        r"\b(?:[Aa]ccording to\b|(?:"
        + cues._trie_pattern(ENGLISH.cue_words)
        + r")\b|(?:Said|Says|Added|Asked|Wrote)\b(?= [A-Z]))"
    )
    assert [m.span() for m in cues.cue_pattern(ENGLISH).finditer(text)] == [
        m.span() for m in plain_cue.finditer(text)
    ]
    plain_clause_end = re.compile(r"[,;:.!?()\u201c\u201d\"]\s|[;:!?\u201c\u201d\"]|\.\Z|\n")
    for hi in range(len(text) + 1):
        fast, plain = (
            mentions._CLAUSE_END_RE.search(text, 0, hi),
            plain_clause_end.search(text, 0, hi),
        )
        assert (fast and fast.start()) == (plain and plain.start())


_PLAIN_POLL_LEAD_RE = re.compile(
    r"\bIn\s+((?:a|an|the|this|that|its|their|[A-Z][\w’'.\-/]*[’']s)\s+[^,.;:\n]{0,80}?"
    r"\b(?:poll|survey)\b[^,.;:\n]{0,60}?)\s*,"
)
_PLAIN_DOCUMENT_RE = re.compile(r"(?:statement|letter|memo|release|email|message)\b")
LEADS = st.lists(
    st.sampled_from(
        [
            *["In", "in", "XIn", "_In", "1In", " ", "\n", ",", ".", "a ", "the ", "poll"],
            *["survey", "CNN’s ", "statement", "statements", "memo", "memomemo", "release_"],
            *["email", "é"],
        ]
    )
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXTS, LEADS.map("".join)))
def test_literal_first_scans_find_what_the_plain_patterns_find(text: str) -> None:
    assert [(m.span(), m.span(1)) for m in cues._POLL_LEAD_RE.finditer(text)] == [
        (m.span(), m.span(1)) for m in _PLAIN_POLL_LEAD_RE.finditer(text)
    ]
    assert resolve._documents(ENGLISH, text) == [
        m.start() for m in _PLAIN_DOCUMENT_RE.finditer(text)
    ]


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXTS, WORDY.map("".join)), st.data())
def test_gap_test_is_the_plain_pattern(text: str, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(0, len(text)))
    plain = a <= b and re.compile(r"\s*\Z").match(text, a, b) is not None
    assert mentions._gap_ok(text, a, b) == plain


NAMED = st.lists(
    st.sampled_from(
        [
            *["Jo ", "Jo", "Smith", "Smith-Jones", "A. ", "Mr ", "Dr ", "The ", "\n", " ", "x"],
            *["Ann ", "O'Neill", "'s", "’", "Ab", "AB ", "a", "Jo Smith", "\n\n", "said"],
        ]
    )
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXTS, NAMED.map("".join)))
def test_a_surname_looked_up_alone_is_what_the_index_holds(text: str) -> None:
    index = resolve._full_name_index(ENGLISH, text)
    for last in set(index) | set(re.findall(r"[A-Z]\w*", text)):
        assert resolve._full_name_of(ENGLISH, text, last) == index.get(last)


def test_a_story_of_many_names_resolves_through_the_whole_index() -> None:
    people = [f"Ann{chr(97 + i)} Bell{chr(97 + i)}" for i in range(26)]
    people += [f"Jon{chr(97 + i)} Ross{chr(97 + i)}" for i in range(26)]
    text = "Headline\n" + " ".join(f"{p} spoke." for p in people)
    resolver = resolve.Resolver(text, ENGLISH)
    for p in people:
        assert resolver.full_name(p.split()[1]) == p
    assert resolver._index is not None  # past the lookups one by one


# letters whose lower case is two letters, or depends on the letters around them
ODD_CASES = st.lists(st.sampled_from(["İ", "Σ", "ß", "“", "”", "A", " ", "Ab"])).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXTS, ODD_CASES))
def test_the_lower_cased_window_is_the_window_lower_cased(text: str) -> None:
    story = Story(text, ENGLISH)
    spans = QuotedSpans(story, ENGLISH)
    for q in story.marks:
        near = spans._near(q)
        lo = max(0, q.start - 3000)
        assert near.text[near.lo : near.hi] == story.text[lo : q.end + 3000].lower()
        assert near.at == q.start - lo
