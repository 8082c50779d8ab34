"""The extractor reads its words through the `Language` it is given, not module imports."""

from __future__ import annotations

from dataclasses import replace

from summarizer.quotes.extract import extract
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.marks import pair_marks, sentence_bounds
from summarizer.quotes.roles import is_role

TEXT = "“We will open the bridge in May,” Dana Whitlock blorped on Tuesday."


def test_a_verb_the_language_lacks_is_no_cue() -> None:
    quotes = extract(TEXT)
    assert all(q.cue != "blorped" for q in quotes)


def test_a_verb_added_to_the_language_reports_speech() -> None:
    lang = replace(ENGLISH, speech_verbs=ENGLISH.speech_verbs | {"blorped"})
    (quote,) = [q for q in extract(TEXT, lang) if q.kind.value == "direct"]
    assert quote.text == "We will open the bridge in May"
    assert (quote.speaker, quote.cue) == ("Dana Whitlock", "blorped")


def test_the_languages_abbreviations_hold_a_sentence_together() -> None:
    text = "The bill passed on Monday. It was signed by Gov. Jane Smith in the evening."
    without_gov = replace(ENGLISH, abbreviations=ENGLISH.abbreviations - {"gov"})
    assert len(sentence_bounds(text, pair_marks(text), ENGLISH)) == 2
    assert len(sentence_bounds(text, pair_marks(text), without_gov)) == 3


def test_the_languages_adverbs_let_a_mention_reach_its_subject() -> None:
    text = "Dana Whitlock thenceforth said the bridge would open in May."
    lang = replace(ENGLISH, verb_adverbs=ENGLISH.verb_adverbs | {"thenceforth"})
    assert extract(text) == []
    (quote,) = extract(text, lang)
    assert (quote.text, quote.speaker) == ("the bridge would open in May", "Dana Whitlock")


def test_the_languages_titles_part_a_name_from_its_role() -> None:
    text = "Gardener Dana Whitlock said the bridge would open in May."
    lang = replace(ENGLISH, titles=ENGLISH.titles | {"gardener"})
    assert [q.speaker for q in extract(text)] == ["Gardener Dana Whitlock"]
    assert [(q.speaker, q.speaker_role) for q in extract(text, lang)] == [
        ("Dana Whitlock", "Gardener")
    ]


def test_the_languages_head_nouns_make_a_role() -> None:
    bards = replace(ENGLISH, more_role_heads=ENGLISH.more_role_heads | {"bard"})
    assert not is_role(ENGLISH, "the village bard")
    assert is_role(bards, "the village bard")


def test_the_languages_body_nouns_let_a_description_speak_for_a_body() -> None:
    text = (
        "Acme Widget Corp recalled the heaters on Monday. “We regret the trouble,” the outfit said."
    )
    outfits = replace(ENGLISH, body_heads=ENGLISH.body_heads | {"outfit"})
    direct = [q for q in extract(text) if q.kind.value == "direct"]
    assert [q.speaker for q in direct] == ["the outfit"]
    direct = [q for q in extract(text, outfits) if q.kind.value == "direct"]
    assert [q.speaker for q in direct] == ["Acme Widget Corp"]


def test_the_languages_labels_name_no_speaker() -> None:
    text = (
        "The council met on Monday.\n\n"
        "Bulletin: The bridge will open in May and the toll will be waived for a year."
    )
    bulletins = replace(ENGLISH, label_stops=ENGLISH.label_stops | {"Bulletin"})
    assert [q.speaker for q in extract(text)] == ["Bulletin"]
    assert extract(text, bulletins) == []
