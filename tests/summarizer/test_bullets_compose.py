"""Bullets: one per person, whole names, real roles, sure quotes, whole meaning."""

from __future__ import annotations

from bot.domain import Quote, QuoteKind, Span
from summarizer import extract_quotes
from summarizer.bullets import format_bullet, make_bullets

NO_CUT: dict[str, float] = {}


def quote(text: str, words: str, speaker: str, role: str | None = None, **kw: object) -> Quote:
    s = text.index(words)
    return Quote(words, s, s + len(words), QuoteKind.DIRECT, speaker, role, **kw)  # type: ignore[arg-type]


def test_one_bullet_per_person_under_the_fullest_name() -> None:
    text = (
        "“The pier is finished,” said harbour master Mara Quist.\n"
        "“We open in May,” Quist added.\n"
        "“Nobody asked us,” said dock worker Tomas Brandt.\n"
    )
    bullets = make_bullets(extract_quotes(text), text=text, cut=NO_CUT)
    speakers = [b.speaker for b in bullets]
    assert speakers.count("Mara Quist") == 1
    assert "Quist" not in speakers
    assert "Tomas Brandt" in speakers


def test_a_name_cut_by_its_title_is_put_back_and_stray_roles_go() -> None:
    text = "“Ships must slow down,” the group Centre for Port Safety said on Monday."
    q = quote(text, "Ships must slow down", "Port Safety", "group Centre for")
    (b,) = make_bullets([q], text=text, cut=NO_CUT)
    assert (b.speaker, b.speaker_role) == ("Centre for Port Safety", "group")
    q2 = quote(text, "Ships must slow down", "Port Safety", "the")
    (b2,) = make_bullets([q2], text=text, cut=NO_CUT)
    assert b2.speaker_role is None


def test_a_fragment_keeps_its_verb_and_negation() -> None:
    text = (
        "Health officials estimated “between 100,000 and 200,000” could die if it spreads.\n"
        "Mayor Ana Ruiz said the plan was “not enough”.\n"
    )
    lines = [format_bullet(b) for b in make_bullets(extract_quotes(text), text=text, cut=NO_CUT)]
    assert any("“between 100,000 and 200,000” could die if it spreads" in line for line in lines)
    assert any("was “not enough”" in line for line in lines)
    for b in make_bullets(extract_quotes(text), text=text, cut=NO_CUT):
        for q in b.quotes:
            assert text[q.start : q.end] == q.text


def test_a_bullet_the_scorer_doubts_is_left_out() -> None:
    text = (
        "Plumes rose all day. The plumes were tall. “We saw it,” Plumes said. “Run,” Ada Obi said."
    )
    quotes = [
        quote(text, "We saw it", "Plumes", speaker_mention=Span(44, 50)),
        quote(text, "Run", "Ada Obi", speaker_mention=Span(59, 66)),
    ]
    weights = {"bias": 2.0, "sp_common_word": -5.0}  # "plumes" is a word this story uses
    bullets = make_bullets(quotes, text=text, weights=weights, cut={"bullet": 0.5})
    assert [b.speaker for b in bullets] == ["Ada Obi"]


def test_a_second_quote_only_when_the_scorer_is_as_sure() -> None:
    text = "“One,” Ada Obi said. “Two?” Ada Obi asked."
    quotes = [quote(text, "One", "Ada Obi"), quote(text, "Two?", "Ada Obi")]
    weights = {"bias": 3.0, "question": -2.5}
    (b,) = make_bullets(quotes, text=text, weights=weights, cut={"second": 0.9})
    assert [q.text for q in b.quotes] == ["One"]
    (both,) = make_bullets(quotes, text=text, weights=weights, cut={"second": 0.5})
    assert len(both.quotes) == 2


def test_max_bullets_and_nothing_to_show() -> None:
    assert make_bullets([], text="") == ()
    text = "“A,” said Ada Obi. “B,” said Tomas Brandt. “C,” said Mara Quist."
    assert len(make_bullets(extract_quotes(text), text=text, max_bullets=2, cut=NO_CUT)) == 2


def test_the_bullet_names_the_person_and_gives_the_title_as_role() -> None:
    text = "“We are ready,” said Harbour Commissioner Mara Quist."
    q = quote(text, "We are ready", "Harbour Commissioner Mara Quist")
    (b,) = make_bullets([q], text=text, cut=NO_CUT)
    assert (b.speaker, b.speaker_role) == ("Mara Quist", "Harbour Commissioner")
