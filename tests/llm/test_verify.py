"""Verification on its own: normalisation, offsets, speakers, free text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.replies import Citation
from bot.domain import QuoteKind
from summarizer import extract_quotes
from summarizer.folding import normalize
from summarizer.freetext import verify_against_quotes
from summarizer.quotes.marks import pair_marks
from summarizer.verify import Claim, Verifier, verify_model_text

from .conftest import HARBOR


def verifier() -> Verifier:
    return Verifier(HARBOR, extract_quotes(HARBOR))


def cited(text: str, speaker: str = "Lee", kind: QuoteKind = QuoteKind.DIRECT) -> Citation:
    return Citation(speaker, None, text, kind, "A story", "https://news.example/a")


def free_text_ok(text: str, sources: list[str], speaker: str = "Lee") -> bool:
    """True when every quotation in ``text`` is verbatim in a source given to its speaker."""
    return verify_against_quotes(text, [cited(s, speaker) for s in sources]).ok


def harbor_ok(text: str) -> bool:
    return verify_model_text(text, verifier()).ok


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
    becker = "Tom Becker"
    assert v.verify_role("a spokesman for the Harbor Neighbors association", becker) is not None
    assert v.verify_role("Secretary of Defense", becker) is None
    # a role the article gives someone else is not this person's
    assert v.verify_role("Mayor", becker) is None


def test_partial_word_matches_do_not_count() -> None:
    assert verifier().locate("xpansion will bring") is None


def test_free_text_may_not_quote_words_outside_the_sources() -> None:
    assert harbor_ok('Becker said "we got a parking lot".')
    assert not harbor_ok('Ruiz said "the deal was corrupt all along".')
    assert free_text_ok("No quotation here at all.", [])


def test_elided_quote_over_two_quotations_becomes_two_quotes() -> None:
    text = '"We will not sign this deal," the minister said on Monday. "Not now, not ever."'
    v = Verifier(text, extract_quotes(text))
    claim = Claim(
        "the minister", None, "We will not sign this deal ... Not now, not ever.", "quote"
    )
    result = v.check([claim])
    assert [q.text for q in result.quotes] == ["We will not sign this deal", "Not now, not ever"]
    assert result.counts.verified == 1
    for q in result.quotes:
        q.check(text)


def test_elided_quote_with_an_invented_piece_is_downgraded() -> None:
    text = '"We will not sign this deal," the minister said on Monday. "Not now, not ever."'
    claim = Claim("the minister", None, "We will not sign this deal ... and we never will", "quote")
    result = Verifier(text, extract_quotes(text)).check([claim])
    assert result.quotes == () and result.counts.downgraded == 1


_SPEAKERS = st.sampled_from(["Ana Ruiz", "Tom Becker", "Li Wei", "Joe Biden", "a resident", ""])


@st.composite
def _claims(draw: st.DrawFn) -> Claim:
    """Claims a model might make: slices of the story (real, partial, across quotes), or noise."""
    if draw(st.booleans()):
        start = draw(st.integers(0, len(HARBOR) - 1))
        end = draw(st.integers(start, min(len(HARBOR), start + 120)))
        text = HARBOR[start:end]
        if draw(st.booleans()):
            text = text.upper() if draw(st.booleans()) else " ... ".join(text.split(" ", 1))
    else:
        text = draw(st.text(max_size=80))
    paraphrase = draw(st.integers(0, 2)) == 0
    role = draw(st.none() | st.text(max_size=20))
    return Claim(draw(_SPEAKERS), role, text, "paraphrase" if paraphrase else "quote")


@given(st.lists(_claims(), max_size=6))
def test_whatever_the_model_claims_every_quote_is_quoted_speech_of_the_story(
    claims: list[Claim],
) -> None:
    v = verifier()
    result = v.check(claims)
    marks = [(m.start, m.end) for m in pair_marks(HARBOR)]
    grounding = [(q.start, q.end) for q in v.grounding]
    for quote in result.quotes:
        quote.check(HARBOR)  # slices verbatim out of the story
        assert quote.speaker and v.speaker_mentioned(quote.speaker)
        inside = [(s, e) for s, e in marks + grounding if s <= quote.start and quote.end <= e]
        assert inside, f"{quote.text!r} is not quoted speech"
    # every claim is accounted for exactly once
    counts = result.counts
    assert counts.verified + counts.rejected + len(result.paraphrases) - counts.downgraded == len(
        claims
    )


def test_seed_article_typical_model_output() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[1] / "fixtures" / "seed-article.txt").read_text("utf-8")
    v = Verifier(text, extract_quotes(text))
    trump = (
        "It is very hard, if not impossible, to win a war without attacking an invaders "
        "country ... There is no chance of winning!"
    )
    claims = [
        Claim("Sergey Lavrov", "Russian foreign minister", "a road to nowhere", "quote"),
        Claim("Donald Trump", "U.S. President", trump, "quote"),
        Claim(
            "Ivo Daalder",
            None,
            "They have been avoiding having to conclude that they're on their own",
            "quote",
        ),
        Claim("Vladimir Putin", None, "I am ready to meet Zelenskyy tomorrow", "quote"),
        Claim("Kaja Kallas", None, "Russia is the aggressor", "quote"),
    ]
    result = v.check(claims)
    assert [q.speaker for q in result.quotes] == ["Sergey Lavrov", "Donald Trump", "Ivo Daalder"]
    assert result.quotes[1].text.endswith("There is no chance of winning")  # source has "…"
    assert "they’re on their own" in result.quotes[2].text  # curly apostrophe in the source
    assert (result.counts.downgraded, result.counts.rejected_speakers) == (1, 1)
    for q in result.quotes:
        q.check(text)


def test_free_text_quotations_in_any_marks_are_checked() -> None:
    # Regression: only "…", “…” and «…» were spotted; single and German marks slipped through.
    assert not harbor_ok("Ruiz called the deal 'a betrayal of the harbor'.")
    assert not harbor_ok("Ruiz called the deal \u2018a betrayal of the harbor\u2019.")
    assert not harbor_ok("Ruiz nannte es \u201eeinen Verrat am Hafen\u201c.")
    assert not harbor_ok("Ruiz nannte es \u00bbeinen Verrat am Hafen\u00ab.")
    assert harbor_ok("Becker said residents 'got a parking lot' instead.")
    assert harbor_ok("Becker said \u201ewe got a parking lot\u201c.")
    # apostrophes inside words are not quotation marks
    assert harbor_ok("The mayor's plan didn't win the residents' hearts.")
    # a scare-quoted word nobody said loses its marks, the apostrophes stay
    shown = verify_model_text("Ruiz called it 'historic' and Becker didn't agree.", verifier())
    assert shown.text == "Ruiz called it historic and Becker didn't agree."
    lee = ["Lee said we will stay."]
    assert not free_text_ok("Lee said \u2018we will resign tomorrow\u2019 [1].", lee)
    assert free_text_ok("Lee said \u2018we will stay\u2019 [1].", lee)


def test_free_text_quotation_past_a_possessive_or_unclosed_is_checked_whole() -> None:
    source = ["The workers' union will strike, Lee said."]
    assert free_text_ok("Lee said 'the workers' union will strike'.", source)
    assert not free_text_ok("Lee said 'the workers' union will resign'.", source)
    assert not free_text_ok('Lee said "the workers will resign [1].', source)
    assert free_text_ok("Lee said \"the workers' union will strike [1].", source)


def test_free_text_elided_quotation_must_be_in_order_and_near() -> None:
    # Regression: the fallback accepted any pieces found anywhere in the source, in any order.
    source = ["Nobody should resign over this. We will win the vote next week, she said."]
    assert not free_text_ok("Lee said \u201cwe will ... resign\u201d [1].", source)
    assert not free_text_ok(
        "Lee said \u201cwin the vote ... nobody should resign\u201d [1].", source
    )
    assert not free_text_ok(
        "Lee said \u201cnobody should ... win\u201d [1].", ["Nobody should winnow."]
    )
    assert free_text_ok("Lee said \u201cnobody should resign ... we will win\u201d [1].", source)


def test_real_quote_given_to_a_relative_with_the_same_surname_is_misattributed() -> None:
    # Regression: any shared word (here "Biden") made two speakers the same person.
    text = (
        "\u201cWe will not back down on this bill,\u201d President Joe Biden said on Monday.\n"
        "His son Hunter Biden, who attended the event, declined to comment.\n"
    )
    v = Verifier(text, extract_quotes(text))
    claim = Claim("Hunter Biden", None, "We will not back down on this bill", "quote")
    result = v.check([claim])
    assert result.quotes == () and result.counts.misattributed == 1
    for speaker in ("Joe Biden", "Biden", "President Joe Biden"):
        claim = Claim(speaker, None, "We will not back down on this bill", "quote")
        [quote] = v.check([claim]).quotes
        assert quote.speaker == "Joe Biden"  # the article's name for that person


def test_a_fragment_of_words_not_spoken_that_drops_a_negation_is_no_paraphrase() -> None:
    text = "Voters backed the “no new taxes for anyone” pledge in Harbor City."
    v = Verifier(text, [])  # the extractor saw no speech in the quotation marks
    whole = v.check([Claim("Voters", None, "no new taxes for anyone", "quote")])
    assert whole.quotes == () and [p.text for p in whole.paraphrases] == ["no new taxes for anyone"]
    cut = v.check([Claim("Voters", None, "new taxes for anyone", "quote")])
    assert cut.quotes == () and cut.paraphrases == () and cut.counts.dropped == 1
