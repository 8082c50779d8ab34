"""Every command and several follow-up questions, driven through `newsbrief chat --demo --json`.

One scripted session per store backend (SQLite in memory, PostgreSQL in a
private schema) answers the whole script; the tests read its transcript. The
extractor is being improved concurrently, so assertions stick to what is
robust: who is cited, that the quotes are verbatim from the seed articles,
newest first, and that refusals are clear and change nothing.
"""

from __future__ import annotations

import io
import json
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from bot.cli import main
from tests.conversation.chat import run_chat

KREMLIN = "https://demo.newsbrief.invalid/articles/kremlin-talks.html"
LUMORA = "https://demo.newsbrief.invalid/articles/lumora-delay.html"
TECH_FEED = "https://demo.newsbrief.invalid/feeds/tech.xml"

SCRIPT = f"""
# a scripted session: comments and blank lines are skipped
help
quotes lavrov
what did Lavrov say?
What did the Kremlin say about security guarantees?
who criticised Trump?
what did the first White House official say?
@newsbrief what did Lavrov say about a meeting?
quotes zelenskyy trump
quotes zelensky
anything about penguins?
quotes {LUMORA}
quotes lumora shares
quotes 1
brief
quotes 2
quotes 9
feeds
quotes file:///etc/passwd
quotes /etc/passwd
subscribe http://127.0.0.1/feed.xml
subscribe http://169.254.169.254/latest/meta-data
subscribe http://localhost/feed.xml
subscribe file:///etc/passwd
subscribe https://demo.newsbrief.invalid/feeds/missing.xml
unsubscribe {TECH_FEED}
unsubscribe {TECH_FEED}
subscribe {TECH_FEED} +lumora -sports
schedule weekdays 08:30 Europe/Berlin
schedule daily 25:00
"""


class Transcript:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def __call__(self, line: str, nth: int = 0) -> dict[str, Any]:
        found = [r for r in self.records if r["input"] == line]
        assert len(found) > nth, f"no reply to {line!r}"
        return found[nth]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def session(
    request: pytest.FixtureRequest, postgres_admin: sa.Engine | str
) -> Iterator[Transcript]:
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


def speakers(reply: dict[str, Any]) -> list[str]:
    return [c["speaker"] for c in reply["citations"]]


def texts(reply: dict[str, Any]) -> list[str]:
    return [c["text"] for c in reply["citations"]]


def test_every_line_gets_one_reply(session: Transcript) -> None:
    lines = [ln for ln in SCRIPT.splitlines() if ln.strip() and not ln.startswith("#")]
    assert [r["input"] for r in session.records] == lines


def test_help(session: Transcript) -> None:
    reply = session("help")
    assert reply["ephemeral"]
    for command in ("quotes", "brief", "subscribe", "unsubscribe", "feeds", "schedule"):
        assert command in reply["text"]


def test_quotes_person_cites_lavrov_verbatim_newest_first(session: Transcript) -> None:
    reply = session("quotes lavrov")
    assert len(reply["citations"]) >= 3
    assert set(speakers(reply)) == {"Sergey Lavrov"}
    assert "This will not work" in texts(reply)
    assert all(c["story_url"] == KREMLIN for c in reply["citations"])
    assert all(c["speaker_role"] for c in reply["citations"])
    dates = [c["published_at"] for c in reply["citations"]]
    assert dates == sorted(dates, reverse=True)


def test_what_did_lavrov_say(session: Transcript) -> None:
    reply = session("what did Lavrov say?")
    assert set(speakers(reply)) == {"Sergey Lavrov"}
    assert texts(reply) == texts(session("quotes lavrov"))
    assert "Sergey Lavrov" in reply["text"]


def test_kremlin_on_security_guarantees_cites_lavrov(session: Transcript) -> None:
    reply = session("What did the Kremlin say about security guarantees?")
    first = reply["citations"][0]
    assert first["speaker"] == "Sergey Lavrov"
    assert "security guarantees" in first["text"]
    assert first["story_url"] == KREMLIN


def test_who_criticised_trump_cites_critics_not_everyone_naming_him(session: Transcript) -> None:
    reply = session("who criticised Trump?")
    assert reply["citations"]
    assert "Donald Trump" not in speakers(reply)
    assert "Ivo Daalder" not in speakers(reply)  # names Trump, criticises nobody
    assert all(c["story_url"] == KREMLIN for c in reply["citations"])


def test_first_white_house_official(session: Transcript) -> None:
    reply = session("what did the first White House official say?")
    assert reply["citations"]
    assert all("first White House official" in s for s in speakers(reply))


def test_mention_with_a_topic(session: Transcript) -> None:
    reply = session("@newsbrief what did Lavrov say about a meeting?")
    assert reply["citations"]
    assert set(speakers(reply)) == {"Sergey Lavrov"}
    assert all("meet" in text for text in texts(reply))


def test_quotes_of_two_people_and_a_name_prefix(session: Transcript) -> None:
    assert set(speakers(session("quotes zelenskyy trump"))) == {
        "Volodymyr Zelenskyy",
        "Donald Trump",
    }
    assert set(speakers(session("quotes zelensky"))) == {"Volodymyr Zelenskyy"}


def test_says_plainly_when_nothing_is_stored(session: Transcript) -> None:
    reply = session("anything about penguins?")
    assert reply["citations"] == []
    assert "nothing stored" in reply["text"].lower()


def test_quotes_of_a_stored_story_url(session: Transcript) -> None:
    reply = session(f"quotes {LUMORA}")
    assert "Priya Natarajan" in speakers(reply)
    assert {c["story_url"] for c in reply["citations"]} == {LUMORA}


def test_quotes_of_search_words(session: Transcript) -> None:
    reply = session("quotes lumora shares")
    assert reply["citations"]
    assert all("lumora" in c["story_url"] for c in reply["citations"])


def test_story_numbers_refer_to_the_last_briefing(session: Transcript) -> None:
    before = session("quotes 1")  # the demo's own briefing is numbered as `newsbrief demo` prints
    brief = session("brief")
    items = brief["briefing"]["items"]
    assert len(items) == 4
    assert {c["story_url"] for c in before["citations"]} == {items[0]["url"]}
    second = session("quotes 2")
    assert {c["story_url"] for c in second["citations"]} == {items[1]["url"]}
    out_of_range = session("quotes 9")
    assert out_of_range["ephemeral"] and "1 to 4" in out_of_range["text"]


def test_feeds_table(session: Transcript) -> None:
    reply = session("feeds")
    assert reply["columns"][:3] == ["feed", "url", "status"]
    assert len(reply["rows"]) == 4
    assert all(row[2] == "ok" for row in reply["rows"])


@pytest.mark.parametrize("line", ["quotes file:///etc/passwd", "quotes /etc/passwd"])
def test_local_files_are_never_read(session: Transcript, line: str) -> None:
    reply = session(line)
    assert reply["ephemeral"] and reply["citations"] == []
    assert "never read" in reply["text"]
    assert "root:" not in json.dumps(reply)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("subscribe http://127.0.0.1/feed.xml", "non-public address 127.0.0.1"),
        ("subscribe http://169.254.169.254/latest/meta-data", "non-public address 169.254"),
        ("subscribe http://localhost/feed.xml", "non-public address"),
        ("subscribe file:///etc/passwd", "only follow http:// or https://"),
        ("subscribe https://demo.newsbrief.invalid/feeds/missing.xml", "404"),
    ],
)
def test_refused_subscriptions_say_why(session: Transcript, line: str, reason: str) -> None:
    reply = session(line)
    assert reply["ephemeral"]
    assert reason in reply["text"]


def test_unsubscribe_and_subscribe_with_filters(session: Transcript) -> None:
    assert "no longer follows" in session(f"unsubscribe {TECH_FEED}")["text"]
    again = session(f"unsubscribe {TECH_FEED}", 0)
    assert session(f"unsubscribe {TECH_FEED}", 1)["ephemeral"]
    assert not again["ephemeral"]
    reply = session(f"subscribe {TECH_FEED} +lumora -sports")
    assert not reply["ephemeral"]
    assert "Tech Wire" in reply["text"] and "+lumora -sports" in reply["text"]


def test_schedule(session: Transcript) -> None:
    reply = session("schedule weekdays 08:30 Europe/Berlin")
    assert "weekdays at 08:30 (Europe/Berlin)" in reply["text"]
    assert session("schedule daily 25:00")["ephemeral"]


def test_readers_cannot_manage_but_can_read() -> None:
    script = f"unsubscribe {TECH_FEED}\nschedule daily 7\nsubscribe {TECH_FEED}\nquotes lavrov\n"
    records = run_chat(["--demo", "--read-only"], script)
    for record in records[:3]:
        assert record["ephemeral"] and "admins and channel managers" in record["text"]
    assert set(speakers(records[3])) == {"Sergey Lavrov"}


def test_rich_transcript_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "stdin", io.StringIO("quotes lavrov\n"))
        mp.setenv("COLUMNS", "200")
        assert main(["chat", "--demo"]) == 0
    out = capsys.readouterr().out
    assert "> quotes lavrov" in out
    assert "Sergey Lavrov (Foreign minister): “This will not work”" in out
