"""Names of one person in a story are grouped under the fullest one."""

from __future__ import annotations

from summarizer.speaker_names import group_names, looks_like_name, name_key, same_person


def test_name_key_drops_honorifics_leading_titles_and_possessives() -> None:
    assert name_key("Dr. Mara Quist's") == ("mara", "quist")
    assert name_key("Harbour Commissioner Mara Quist") == (
        "harbour",
        "commissioner",
        "mara",
        "quist",
    )
    assert name_key("Commissioner Mara Quist") == ("mara", "quist")
    assert name_key("Mayor") == ("mayor",)  # a title alone stays what it is


def test_surname_spelling_variant_acronym_and_first_name_join_the_full_name() -> None:
    assert same_person("Quist", "Mara Quist")
    assert same_person("Brandt-Olsen", "Tomas Brandt-Olsen")
    assert same_person("Van Der Lind", "Pieter Van Der Lind")
    assert same_person("Zelensky", "Volodymyr Zelenskyy")
    assert same_person("HPA", "Harbour Pilots Association")
    assert same_person("Mara", "Mara Quist")
    assert not same_person("Quist", "Mara Quisling")
    assert not same_person("Mara Quist", "Tomas Quist")
    assert not same_person("the board", "Mara Quist")


def test_a_short_name_that_fits_two_people_stays_apart() -> None:
    canon = group_names(["Mara Quist", "Quist", "Ole Quist", "Tomas Brandt", "Brandt"])
    assert canon["Brandt"] == "Tomas Brandt"
    assert canon["Quist"] == "Quist"  # Mara or Ole: the story does not say
    assert canon["Mara Quist"] == "Mara Quist"


def test_looks_like_name() -> None:
    assert looks_like_name("Mara Quist")
    assert looks_like_name("Harbour Pilots Association")
    assert looks_like_name("Centre for Port Safety")
    assert not looks_like_name("the harbour board")
    assert not looks_like_name("dock workers")


def test_a_title_written_into_a_name_is_taken_out() -> None:
    from summarizer.speaker_names import split_title

    assert split_title("Harbour Commissioner Mara Quist") == ("Mara Quist", "Harbour Commissioner")
    assert split_title("CEO Tomas Brandt") == ("Tomas Brandt", "CEO")
    assert split_title("President Quist") == ("President Quist", None)  # two words stay
    assert split_title("Mara Quist") == ("Mara Quist", None)
    assert split_title("the harbour master Mara Quist") == ("the harbour master Mara Quist", None)
