"""Verification on its own: normalisation, offsets, speakers, free text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain import QuoteKind
from summarizer import extract_quotes
from summarizer.verify import Claim, Verifier, free_text_ok, normalize

from .conftest import HARBOR


def verifier() -> Verifier:
    return Verifier(HARBOR, extract_quotes(HARBOR))


def test_normalize_maps_every_character_back() -> None:
    text = "He said: \u201cIt\u2019s  done\u2026 \u2014 really\u201d."
    norm = normalize(text)
    assert norm.text == "he said: 'it's done... - really'."
    assert all(0 <= i < len(text) for i in norm.index)
    assert list(norm.index) == sorted(norm.index)


@given(st.text(max_size=200))
def test_normalize_index_is_monotonic_and_in_range(text: str) -> None:
    norm = normalize(text)
    assert len(norm.text) == len(norm.index)
    assert list(norm.index) == sorted(norm.index)
    assert all(0 <= i < len(text) for i in norm.index)


def test_quote_with_straight_marks_case_and_spacing_differences_maps_to_offsets() -> None:
    v = verifier()
    claim = Claim(
        "Ana Ruiz", "Mayor", '"this expansion  will bring 400 new jobs to the waterfront."', "quote"
    )
    result = v.check([claim])
    [quote] = result.quotes
    quote.check(HARBOR)
    assert quote.text == "This expansion will bring 400 new jobs to the waterfront"
    assert quote.kind is QuoteKind.DIRECT
    assert quote.speaker == "Ana Ruiz" and quote.speaker_role == "Mayor"
    assert result.counts.verified == 1


def test_ellipsis_skips_words_of_one_passage_and_the_quote_covers_them() -> None:
    result = verifier().check(
        [Claim("Ana Ruiz", None, "This expansion … to the waterfront", "quote")]
    )
    [quote] = result.quotes
    assert quote.text == "This expansion will bring 400 new jobs to the waterfront"
    quote.check(HARBOR)


def test_invented_quote_is_downgraded_and_counted() -> None:
    result = verifier().check([Claim("Ana Ruiz", None, "We will also build a stadium", "quote")])
    assert result.quotes == ()
    assert result.counts.downgraded == 1
    assert [p.text for p in result.paraphrases] == ["We will also build a stadium"]


def test_narration_is_not_a_quote() -> None:
    claim = Claim("Tom Becker", None, "Residents were less enthusiastic", "quote")
    result = verifier().check([claim])
    assert result.quotes == () and result.counts.downgraded == 1


def test_speaker_not_in_story_is_rejected() -> None:
    claim = Claim("Joe Biden", "President", "We were promised a park", "quote")
    result = verifier().check([claim])
    assert result.quotes == () and result.paraphrases == ()
    assert result.counts.rejected_speakers == 1


def test_real_quote_given_to_another_mentioned_speaker_is_misattributed() -> None:
    claim = Claim("Li Wei", None, "We were promised a park, and we got a parking lot", "quote")
    result = verifier().check([claim])
    assert result.quotes == ()
    assert result.counts.misattributed == 1


def test_unsupported_role_is_dropped_supported_role_kept() -> None:
    v = verifier()
    assert v.verify_role("a spokesman for the Harbor Neighbors association") is not None
    assert v.verify_role("Secretary of Defense") is None


def test_partial_word_matches_do_not_count() -> None:
    assert verifier().locate("xpansion will bring") is None


def test_free_text_may_not_quote_words_outside_the_sources() -> None:
    assert free_text_ok('Becker said "we got a parking lot".', [HARBOR])
    assert not free_text_ok('Ruiz said "the deal was corrupt all along".', [HARBOR])
    assert free_text_ok("No quotation here at all.", [])
