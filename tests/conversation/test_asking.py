"""The questions of issue 16, asked through `newsbrief chat --demo --json` (real store,
real command path), one session per store backend."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conversation.chat import run_chat

HARBOR = "https://demo.newsbrief.invalid/articles/harbor-depot.html"
SCRIPT = """
quotes 4
what is story 4 about?
who is Maria Chen?
what did the CEO say?
what did the union say?
what did the analyst say about Lumora?
quotes nobody-by-this-name
what did Lavrov say about penguins?
who criticised the vote?
who said "a promise without an address"?
who said "the moon is made of cheese"?
what did Chen say?
what else did she say?
what did President Zelenskiy say?
quotes Zelensky
how many sources reported Lumora?
what's new on Lumora since yesterday?
what else did he say?
"""


class Transcript:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def __call__(self, line: str) -> dict[str, Any]:
        [found] = [r for r in self.records if r["input"] == line]
        return found


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def asked(request: pytest.FixtureRequest, postgres_admin: sa.Engine | str) -> Iterator[Transcript]:
    if request.param == "sqlite":
        yield Transcript(run_chat(["--demo"], SCRIPT))
        return
    if isinstance(postgres_admin, str):
        pytest.skip(postgres_admin)
    schema = f"nb_{uuid.uuid4().hex}"
    with postgres_admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = postgres_admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
        store = url.render_as_string(hide_password=False)
        yield Transcript(run_chat(["--demo", "--store", store], SCRIPT))
    finally:
        with postgres_admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def speakers(reply: dict[str, Any]) -> set[str]:
    return {c["speaker"] for c in reply["citations"]}


def test_story_numbers_work_right_after_the_demo(asked: Transcript) -> None:
    assert "Sergey Lavrov" in speakers(asked("quotes 4"))
    about = asked("what is story 4 about?")
    assert "Kremlin throws cold water" in about["text"] and "Sergey Lavrov" in about["text"]


def test_who_is_gives_role_and_stories(asked: Transcript) -> None:
    reply = asked("who is Maria Chen?")
    assert "president of Transit Workers Local 12" in reply["text"]
    assert "1 story" in reply["text"] and speakers(reply) == {"Maria Chen"}


def test_roles_find_people(asked: Transcript) -> None:
    assert speakers(asked("what did the CEO say?")) == {"Priya Natarajan"}
    assert speakers(asked("what did the union say?")) == {"Maria Chen"}


def test_role_and_topic_combine(asked: Transcript) -> None:
    reply = asked("what did the analyst say about Lumora?")
    assert speakers(reply) == {"Daniel Brooks"}
    assert all("lumora" in c["story_url"] for c in reply["citations"])


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("quotes nobody-by-this-name", "Nobody by the name"),
        ("what did Lavrov say about penguins?", "Nothing stored has Sergey Lavrov"),
        ('who said "the moon is made of cheese"?', "Nobody in the stored stories is quoted"),
    ],
)
def test_nothing_matching_cites_nothing(asked: Transcript, line: str, says: str) -> None:
    reply = asked(line)
    assert reply["citations"] == [] and says in reply["text"]


def test_who_criticised_picks_critics(asked: Transcript) -> None:
    reply = asked("who criticised the vote?")
    assert speakers(reply) <= {"Maria Chen", "Councilmember Tom Okafor"}
    assert "Maria Chen" in speakers(reply)
    assert {c["story_url"] for c in reply["citations"]} == {HARBOR}


def test_who_said_a_phrase(asked: Transcript) -> None:
    reply = asked('who said "a promise without an address"?')
    assert speakers(reply) == {"Councilmember Tom Okafor"}


def test_what_else_follows_the_thread(asked: Transcript) -> None:
    assert speakers(asked("what did Chen say?")) == {"Maria Chen"}
    assert "everything stored from Maria Chen" in asked("what else did she say?")["text"]
    # After the Lumora questions, "he" is the last person answered about: nobody, so it asks.
    last = asked("what else did he say?")
    assert last["citations"] == [] or speakers(last) <= {"Volodymyr Zelenskyy"}


def test_spelling_variants_and_titles_are_one_person(asked: Transcript) -> None:
    assert speakers(asked("what did President Zelenskiy say?")) == {"Volodymyr Zelenskyy"}
    assert speakers(asked("quotes Zelensky")) == {"Volodymyr Zelenskyy"}


def test_sources_and_news_since(asked: Transcript) -> None:
    assert asked("how many sources reported Lumora?")["text"].startswith("2 sources")
    new = asked("what's new on Lumora since yesterday?")
    assert new["text"].startswith("Nothing new on “lumora”") and new["citations"] == []


def test_a_follow_up_reaching_another_process_knows_the_thread(store_url: str) -> None:
    """Two `newsbrief run` replicas share one store and Slack hands a thread's messages
    to either: "what else did she say?" must resolve "she" in the one that did not
    answer the question before it (here: a second session, as after a restart)."""
    first = run_chat(["--demo", "--store", store_url], "what did Chen say?\n")
    assert speakers(first[-1]) == {"Maria Chen"}
    [follow_up] = run_chat(["--demo", "--store", store_url], "what else did she say?\n")
    assert "everything stored from Maria Chen" in follow_up["text"]
